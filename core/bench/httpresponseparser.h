#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace turnstile {

// Incremental parser of one HTTP/1.1 response to a GET: status line,
// headers, then a Content-Length, chunked or read-until-close body. The body
// is counted and dropped (the benchmark only needs the status and the time the
// whole answer took), so memory stays bounded whatever the server sends.
// Anything that is not HTTP ends in Error with one sentence (English: a
// diagnostic for tests and logs; the result only counts it as a network
// error), never a crash.
// Pure: BenchConnection feeds it the socket's bytes; unit-tested on its own.
class HttpResponseParser
{
public:
    enum class State
    {
        StatusLine,
        Headers,
        Body,       // Content-Length bytes left
        ChunkSize,  // the size line of the next chunk
        ChunkData,  // bytes left in this chunk
        ChunkEnd,   // the CRLF after a chunk
        Trailers,   // after the last chunk, up to an empty line
        UntilClose, // no length given: the body ends when the server closes
        Done,
        Error
    };

    // Longest status line plus headers accepted; more is garbage.
    static constexpr qsizetype kMaxHeaderBytes = 64 * 1024;

    void reset() { *this = HttpResponseParser(); }

    // Consumes bytes up to the end of the response and returns how many it
    // took; bytes after the end (a server talking out of turn) are left to the
    // caller. Stops consuming at Done or Error.
    qsizetype feed(QByteArrayView data);
    // The server closed the connection: ends a read-until-close body, else
    // (mid-response) an Error.
    void closed();

    State state() const { return m_state; }
    bool done() const { return m_state == State::Done; }
    bool failed() const { return m_state == State::Error; }
    // Something of the response has arrived (a stale keep-alive connection
    // closes before any byte; that request may be sent again).
    bool started() const { return m_seen > 0; }
    QString error() const { return m_error; }
    int status() const { return m_status; }
    // The connection may carry the next request (HTTP/1.1 without
    // "Connection: close", and a body whose end was known).
    bool keepAlive() const { return m_keepAlive; }
    qint64 bodyBytes() const { return m_bodyBytes; }
    bool chunked() const { return m_chunked; }

private:
    bool takeLine(QByteArrayView data, qsizetype *pos, QByteArray *line);
    void statusLine(const QByteArray &line);
    void header(const QByteArray &line);
    void endOfHeaders();
    void chunkSize(const QByteArray &line);
    void fail(const QString &why);

    State m_state = State::StatusLine;
    QByteArray m_line; // a line split across reads
    qsizetype m_headerBytes = 0;
    qint64 m_seen = 0;
    int m_status = 0;
    bool m_http10 = false;
    bool m_keepAlive = true;
    bool m_closeHeader = false;
    bool m_keepAliveHeader = false;
    bool m_chunked = false;
    bool m_otherEncoding = false;
    qint64 m_contentLength = -1;
    qint64 m_left = 0;
    qint64 m_bodyBytes = 0;
    QString m_error;
};

} // namespace turnstile
