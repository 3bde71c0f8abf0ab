#include "bench/httpresponseparser.h"

#include <QList>

namespace turnstile {

namespace {
bool allDigits(QByteArrayView v)
{
    if (v.isEmpty())
        return false;
    for (char c : v)
        if (c < '0' || c > '9')
            return false;
    return true;
}

bool hasToken(const QByteArray &list, QByteArrayView token)
{
    for (const QByteArray &part : list.split(','))
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    return false;
}
} // namespace

void HttpResponseParser::fail(const QString &why)
{
    m_state = State::Error;
    m_error = why;
    m_keepAlive = false;
}

bool HttpResponseParser::takeLine(QByteArrayView data, qsizetype *pos, QByteArray *line)
{
    const qsizetype nl = data.indexOf('\n', *pos);
    const qsizetype end = nl < 0 ? data.size() : nl + 1;
    m_line.append(data.sliced(*pos, end - *pos));
    m_headerBytes += end - *pos;
    *pos = end;
    // Chunk-size lines and trailers count against the same bound: a server
    // sending an endless line is garbage, not something to buffer.
    if (m_line.size() > kMaxHeaderBytes ||
        ((m_state == State::StatusLine || m_state == State::Headers) &&
         m_headerBytes > kMaxHeaderBytes)) {
        fail(QStringLiteral("The response headers exceed %1 KiB.").arg(kMaxHeaderBytes / 1024));
        return false;
    }
    if (nl < 0)
        return false;
    m_line.chop(1);
    if (m_line.endsWith('\r'))
        m_line.chop(1);
    *line = std::move(m_line);
    m_line = QByteArray();
    return true;
}

void HttpResponseParser::statusLine(const QByteArray &line)
{
    // "HTTP/1.1 200 OK"; the reason phrase may be empty or missing.
    if (line.size() < 12 || !line.startsWith("HTTP/1.") || line.at(7) < '0' || line.at(7) > '9' ||
        line.at(8) != ' ' || !allDigits(QByteArrayView(line).sliced(9, 3)) ||
        (line.size() > 12 && line.at(12) != ' ')) {
        fail(QStringLiteral("The answer is not HTTP (status line \"%1\").")
                 .arg(QString::fromLatin1(line.left(40)).toHtmlEscaped()));
        return;
    }
    m_http10 = line.at(7) == '0';
    m_status = QByteArrayView(line).sliced(9, 3).toInt();
    if (m_status < 100) {
        fail(QStringLiteral("The answer has an invalid status code %1.").arg(m_status));
        return;
    }
    m_state = State::Headers;
}

void HttpResponseParser::header(const QByteArray &line)
{
    const qsizetype colon = line.indexOf(':');
    // Folded continuation lines are obsolete and refused like any garbage.
    if (colon <= 0 || line.at(0) == ' ' || line.at(0) == '\t') {
        fail(QStringLiteral("The answer has a malformed header line."));
        return;
    }
    const QByteArray name = line.left(colon).trimmed().toLower();
    const QByteArray value = line.mid(colon + 1).trimmed();
    if (name == "content-length") {
        if (!allDigits(value) || value.size() > 15) {
            fail(QStringLiteral("The answer has an invalid Content-Length."));
            return;
        }
        const qint64 n = value.toLongLong();
        if (m_contentLength >= 0 && m_contentLength != n) {
            fail(QStringLiteral("The answer has two different Content-Length headers."));
            return;
        }
        m_contentLength = n;
    } else if (name == "transfer-encoding") {
        // Only the last coding says how the body ends (RFC 9112 6.3).
        const QList<QByteArray> codings = value.split(',');
        if (codings.last().trimmed().compare("chunked", Qt::CaseInsensitive) == 0)
            m_chunked = true;
        else
            m_otherEncoding = true;
    } else if (name == "connection") {
        m_closeHeader = m_closeHeader || hasToken(value, "close");
        m_keepAliveHeader = m_keepAliveHeader || hasToken(value, "keep-alive");
    }
}

void HttpResponseParser::endOfHeaders()
{
    // Interim answers (100 Continue, 103 Early Hints) precede the real one.
    if (m_status >= 100 && m_status < 200 && m_status != 101) {
        const qint64 seen = m_seen;
        reset();
        m_seen = seen;
        return;
    }
    if (m_status == 101) {
        fail(QStringLiteral("The server switched protocols (101) on a plain GET."));
        return;
    }
    m_keepAlive = m_http10 ? m_keepAliveHeader && !m_closeHeader : !m_closeHeader;
    if (m_status == 204 || m_status == 304) {
        m_state = State::Done;
        return;
    }
    if (m_chunked && !m_otherEncoding) {
        m_state = State::ChunkSize;
        return;
    }
    if (m_otherEncoding) {
        m_chunked = false;
        m_keepAlive = false;
        m_state = State::UntilClose;
        return;
    }
    if (m_contentLength >= 0) {
        m_left = m_contentLength;
        m_state = m_left == 0 ? State::Done : State::Body;
        return;
    }
    m_keepAlive = false;
    m_state = State::UntilClose;
}

void HttpResponseParser::chunkSize(const QByteArray &line)
{
    QByteArrayView v(line);
    if (const qsizetype semi = v.indexOf(';'); semi >= 0)
        v = v.first(semi);
    v = v.trimmed();
    bool ok = !v.isEmpty() && v.size() <= 15;
    for (char c : v)
        ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
    if (!ok) {
        fail(QStringLiteral("The answer has an invalid chunk size."));
        return;
    }
    m_left = v.toLongLong(nullptr, 16);
    m_state = m_left == 0 ? State::Trailers : State::ChunkData;
}

qsizetype HttpResponseParser::feed(QByteArrayView data)
{
    qsizetype pos = 0;
    while (pos < data.size() && m_state != State::Done && m_state != State::Error) {
        const qsizetype before = pos;
        switch (m_state) {
        case State::StatusLine:
        case State::Headers:
        case State::ChunkSize:
        case State::ChunkEnd:
        case State::Trailers: {
            QByteArray line;
            if (!takeLine(data, &pos, &line))
                break;
            switch (m_state) {
            case State::StatusLine:
                statusLine(line);
                break;
            case State::Headers:
                if (line.isEmpty())
                    endOfHeaders();
                else
                    header(line);
                break;
            case State::ChunkSize:
                chunkSize(line);
                break;
            case State::ChunkEnd:
                if (line.isEmpty())
                    m_state = State::ChunkSize;
                else
                    fail(QStringLiteral("A chunk of the answer is longer than its size says."));
                break;
            case State::Trailers:
                if (line.isEmpty())
                    m_state = State::Done;
                break;
            default:
                break;
            }
            break;
        }
        case State::Body:
        case State::ChunkData: {
            const qint64 n = std::min<qint64>(m_left, data.size() - pos);
            pos += n;
            m_left -= n;
            m_bodyBytes += n;
            if (m_left == 0)
                m_state = m_state == State::Body ? State::Done : State::ChunkEnd;
            break;
        }
        case State::UntilClose:
            m_bodyBytes += data.size() - pos;
            pos = data.size();
            break;
        case State::Done:
        case State::Error:
            break;
        }
        m_seen += pos - before;
    }
    return pos;
}

void HttpResponseParser::closed()
{
    if (m_state == State::UntilClose) {
        m_state = State::Done;
        m_keepAlive = false;
        return;
    }
    if (m_state == State::Done || m_state == State::Error)
        return;
    fail(m_seen == 0
             ? QStringLiteral("The server closed the connection without answering.")
             : QStringLiteral("The server closed the connection in the middle of the answer."));
}

} // namespace turnstile
