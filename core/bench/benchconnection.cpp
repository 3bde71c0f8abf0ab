#include "bench/benchconnection.h"

#include <QSslSocket>
#include <QTcpSocket>

namespace turnstile {

bool BenchConnection::endpointFor(const QUrl &url, Endpoint *out, QString *why)
{
    const QString scheme = url.scheme().toLower();
    if ((scheme != u"http" && scheme != u"https") || url.host().isEmpty()) {
        if (why)
            *why = QStringLiteral("not an http(s) URL: %1").arg(url.toDisplayString());
        return false;
    }
    out->tls = scheme == u"https";
    out->host = url.host();
    out->port = quint16(url.port(out->tls ? 443 : 80));
    return true;
}

bool BenchConnection::isHeaderSafe(const QByteArray &value)
{
    for (char c : value)
        if (uchar(c) <= 0x20 || uchar(c) >= 0x7f)
            return false;
    return true;
}

QByteArray BenchConnection::buildRequest(const QUrl &url, const QByteArray &authToken,
                                         const QByteArray &subjectToken)
{
    QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
    if (path.isEmpty())
        path = "/";
    if (url.hasQuery())
        path += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    const bool tls = url.scheme().compare(u"https", Qt::CaseInsensitive) == 0;
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']'; // IPv6 literal
    const int port = url.port(-1);
    if (port >= 0 && port != (tls ? 443 : 80))
        host += ':' + QByteArray::number(port);
    QByteArray r;
    r.reserve(256 + authToken.size() + subjectToken.size());
    r += "GET " + path + " HTTP/1.1\r\nHost: " + host +
         "\r\nUser-Agent: turnstile-bench/" TURNSTILE_VERSION
         "\r\nAccept: application/json\r\nX-Auth-Token: " +
         authToken + "\r\nX-Subject-Token: " + subjectToken + "\r\nConnection: keep-alive\r\n\r\n";
    return r;
}

BenchConnection::BenchConnection(Endpoint endpoint, QObject *parent)
    : QObject(parent), m_endpoint(std::move(endpoint))
{}

BenchConnection::~BenchConnection() = default;

void BenchConnection::newSocket()
{
    retireSocket();
    // A fresh socket per connection: reconnecting a socket from inside its
    // own disconnected() signal (where a closing server leaves us) is not
    // safe in Qt, and an object per TCP connection costs nothing next to the
    // connect.
    if (m_endpoint.tls) {
        auto *ssl = new QSslSocket(this);
        ssl->setSslConfiguration(m_endpoint.ssl);
        ssl->setPeerVerifyName(m_endpoint.host);
        connect(ssl, &QSslSocket::encrypted, this, &BenchConnection::onReady);
        m_socket = ssl;
    } else {
        m_socket = new QTcpSocket(this);
        connect(m_socket, &QTcpSocket::connected, this, &BenchConnection::onReady);
    }
    connect(m_socket, &QTcpSocket::readyRead, this, &BenchConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::disconnected, this, [this] { onClosed(QString()); });
    connect(m_socket, &QTcpSocket::errorOccurred, this,
            [this](QAbstractSocket::SocketError) { onClosed(m_socket->errorString()); });
}

void BenchConnection::retireSocket()
{
    m_ready = false;
    if (!m_socket)
        return;
    // Silenced first: what it still reports is not about the request now
    // in flight. Its destructor closes the connection.
    m_socket->disconnect(this);
    m_socket->deleteLater();
    m_socket = nullptr;
}

void BenchConnection::send(const QByteArray &request)
{
    Q_ASSERT(!m_busy);
    m_request = request;
    m_busy = true;
    ++m_generation;
    m_inSend = true;
    sendNow();
    m_inSend = false;
}

void BenchConnection::sendNow()
{
    m_retried = false;
    m_parser.reset();
    if (m_ready && m_socket && m_socket->state() == QAbstractSocket::ConnectedState) {
        m_reused = true;
        m_socket->write(m_request);
        return;
    }
    connectAndSend();
}

void BenchConnection::connectAndSend()
{
    newSocket();
    m_reused = false;
    ++m_connects;
    if (m_endpoint.tls)
        static_cast<QSslSocket *>(m_socket)->connectToHostEncrypted(m_endpoint.host,
                                                                    m_endpoint.port);
    else
        m_socket->connectToHost(m_endpoint.host, m_endpoint.port);
}

void BenchConnection::onReady()
{
    // The request is one small write; without Nagle it leaves at once.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_ready = true;
    if (m_busy)
        m_socket->write(m_request);
}

void BenchConnection::onReadyRead()
{
    const QByteArray data = m_socket->readAll();
    if (!m_busy)
        return; // unsolicited bytes on an idle connection: dropped with it on the next send
    const qsizetype used = m_parser.feed(data);
    if (m_parser.failed()) {
        Reply r;
        r.outcome = Reply::Outcome::Garbage;
        r.error = m_parser.error();
        complete(r, false);
        return;
    }
    if (!m_parser.done())
        return;
    Reply r;
    r.outcome = Reply::Outcome::Http;
    r.status = m_parser.status();
    r.bodyBytes = m_parser.bodyBytes();
    // Bytes beyond the answer mean the server and we disagree about framing:
    // that connection is not trusted with another request.
    complete(r, m_parser.keepAlive() && used == data.size());
}

void BenchConnection::onClosed(const QString &why)
{
    if (!m_busy) {
        retireSocket(); // an idle keep-alive connection timed out; reconnect on the next send
        return;
    }
    if (m_socket->bytesAvailable() > 0)
        onReadyRead();
    if (!m_busy)
        return;
    // A kept-alive connection the server closed just as we reused it: the
    // request never reached it, so sending it once more on a fresh connection
    // is what every HTTP client does (GET is idempotent).
    if (m_reused && !m_parser.started() && !m_retried) {
        m_retried = true;
        m_parser.reset();
        connectAndSend();
        return;
    }
    m_parser.closed();
    if (m_parser.done()) {
        Reply r;
        r.outcome = Reply::Outcome::Http;
        r.status = m_parser.status();
        r.bodyBytes = m_parser.bodyBytes();
        complete(r, false);
        return;
    }
    Reply r;
    r.outcome = Reply::Outcome::Network;
    r.error = why.isEmpty() ? m_parser.error() : why;
    complete(r, false);
}

void BenchConnection::complete(Reply reply, bool keepConnection)
{
    m_busy = false;
    if (!keepConnection)
        retireSocket();
    if (m_inSend) {
        // Failed inside send() (a refused loopback connect can fail at
        // once): answering from inside would let a closed loop against a dead
        // server recurse without bound. Delivered from the event loop instead,
        // unless the request was aborted or replaced meanwhile.
        const quint64 gen = m_generation;
        QMetaObject::invokeMethod(
            this,
            [this, gen, reply] {
                if (gen == m_generation && m_callback)
                    m_callback(reply);
            },
            Qt::QueuedConnection);
        return;
    }
    if (m_callback)
        m_callback(reply);
}

void BenchConnection::abort()
{
    ++m_generation;
    m_busy = false;
    retireSocket();
}

} // namespace turnstile
