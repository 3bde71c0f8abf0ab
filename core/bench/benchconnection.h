#pragma once

#include "bench/httpresponseparser.h"

#include <QByteArray>
#include <QObject>
#include <QSslConfiguration>
#include <QString>
#include <QUrl>

#include <functional>

class QTcpSocket;

namespace turnstile {

// One connection slot of the validate phase: a lean HTTP/1.1 client on a
// QTcpSocket (QSslSocket for https) that sends one prebuilt GET at a time and
// keeps the connection alive while the server lets it. QNetworkAccessManager
// costs ~0.3 ms of CPU per request on this class of machine (docs/benchmarks.md,
// "Token validation"), which at a static endpoint is the whole measurement; a
// socket and a small parser cost a fraction of that, like wrk.
//
// Event-driven on the thread it lives on (never blocks): several connections
// share one worker thread's event loop. When the server closes (Keystone
// under uwsgi sends "Connection: close"), the next request opens a new
// connection, as wrk does; that connect is part of the request's time.
class BenchConnection : public QObject
{
    Q_OBJECT
public:
    struct Endpoint
    {
        QString host;
        quint16 port = 0;
        bool tls = false;
        QSslConfiguration ssl; // https only; verifies peers unless the profile says not to
    };

    struct Reply
    {
        enum class Outcome
        {
            Http,    // a complete HTTP answer; status is set
            Network, // refused, reset, closed early, TLS failure
            Garbage  // bytes that are not an HTTP answer
        };
        Outcome outcome = Outcome::Network;
        int status = 0;
        qint64 bodyBytes = 0;
        QString error; // empty for Http
    };
    using Callback = std::function<void(const Reply &)>;

    // Endpoint of an http(s) URL; false (and *why) for other schemes or no host.
    static bool endpointFor(const QUrl &url, Endpoint *out, QString *why = nullptr);
    // "GET <path> HTTP/1.1" with Host, User-Agent, Accept: application/json,
    // X-Auth-Token, X-Subject-Token and Connection: keep-alive.
    static QByteArray buildRequest(const QUrl &url, const QByteArray &authToken,
                                   const QByteArray &subjectToken);
    // Tokens go into a header line verbatim: no control characters or spaces.
    static bool isHeaderSafe(const QByteArray &value);

    explicit BenchConnection(Endpoint endpoint, QObject *parent = nullptr);
    ~BenchConnection() override;

    // Called once per request, on this object's thread. It may send() the
    // next request from inside the call.
    void setCallback(Callback cb) { m_callback = std::move(cb); }
    // Sends `request` (bytes from buildRequest()); one at a time.
    void send(const QByteArray &request);
    // Drops the request in flight and the connection; no callback follows.
    void abort();
    bool busy() const { return m_busy; }
    // Connections opened so far (tests: keep-alive reuse vs reconnects).
    int connects() const { return m_connects; }

private:
    void sendNow();
    void newSocket();
    void retireSocket();
    void connectAndSend();
    void onReady(); // connected (plain) or encrypted (TLS)
    void onReadyRead();
    void onClosed(const QString &why);
    void complete(Reply reply, bool keepConnection);

    Endpoint m_endpoint;
    QTcpSocket *m_socket = nullptr;
    HttpResponseParser m_parser;
    QByteArray m_request;
    Callback m_callback;
    bool m_busy = false;
    bool m_ready = false;  // connected (and encrypted) and reusable
    bool m_reused = false; // the request went out on a kept-alive connection
    bool m_retried = false;
    bool m_inSend = false;
    quint64 m_generation = 0; // bumped by send() and abort(): drops stale deferred answers
    int m_connects = 0;
};

} // namespace turnstile
