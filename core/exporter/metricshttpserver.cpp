#include "exporter/metricshttpserver.h"

#include "exporter/prometheustext.h"

#include <QCoreApplication>
#include <QTcpSocket>
#include <QTimer>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(MetricsHttpServer)
};
} // namespace

MetricsHttpServer::MetricsHttpServer(Render render, QObject *parent)
    : QObject(parent), m_render(std::move(render))
{
    m_server.setParent(this);
    // The kernel's backlog holds at most this many more until we accept them.
    m_server.setMaxPendingConnections(kMaxConnections);
    connect(&m_server, &QTcpServer::newConnection, this, &MetricsHttpServer::onNewConnection);
}

bool MetricsHttpServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    if (m_server.listen(address, port))
        return true;
    if (error)
        *error = Tr::tr("Cannot listen on %1 port %2: %3")
                     .arg(address.toString())
                     .arg(port)
                     .arg(m_server.errorString());
    return false;
}

MetricsHttpServer::~MetricsHttpServer()
{
    close();
}

void MetricsHttpServer::close()
{
    m_server.close();
    // The sockets are the server's children and go with it; they must not
    // call back into a half-destroyed object on their way out.
    const QList<QTcpSocket *> open = m_connections.keys();
    m_connections.clear();
    for (QTcpSocket *s : open) {
        s->disconnect(this);
        s->abort();
        s->deleteLater();
    }
}

void MetricsHttpServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        if (m_connections.size() >= kMaxConnections) {
            socket->abort();
            socket->deleteLater();
            continue;
        }
        m_connections.insert(socket, {});
        // One deadline for the whole exchange: a client that trickles its
        // request (or never reads the answer) is cut off, not waited for.
        auto *deadline = new QTimer(socket);
        deadline->setSingleShot(true);
        connect(deadline, &QTimer::timeout, socket, &QTcpSocket::abort);
        deadline->start(kRequestTimeoutMs);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_connections.remove(socket);
            socket->deleteLater();
        });
        if (socket->bytesAvailable() > 0)
            onReadyRead(socket);
    }
}

void MetricsHttpServer::onReadyRead(QTcpSocket *socket)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end() || it->answered) {
        socket->readAll(); // the rest of what it sends is ignored
        return;
    }
    QByteArray &request = it->request;
    request += socket->read(kMaxRequestBytes + 1 - request.size());
    qsizetype end = request.indexOf("\r\n\r\n");
    if (end < 0)
        end = request.indexOf("\n\n");
    if (end < 0) {
        if (request.size() > kMaxRequestBytes)
            respond(socket, "431 Request Header Fields Too Large", "request too large\n",
                    "text/plain; charset=utf-8");
        return;
    }
    const QList<QByteArray> line = request.left(request.indexOf('\n')).trimmed().split(' ');
    if (line.size() != 3 || !line.at(2).startsWith("HTTP/1.")) {
        respond(socket, "400 Bad Request", "bad request\n", "text/plain; charset=utf-8");
        return;
    }
    const QByteArray path = line.at(1).split('?').constFirst();
    if (line.at(0) != "GET") {
        respond(socket, "405 Method Not Allowed", "only GET\n", "text/plain; charset=utf-8",
                "Allow: GET\r\n");
        return;
    }
    if (path != "/metrics") {
        respond(socket, "404 Not Found", "only /metrics\n", "text/plain; charset=utf-8");
        return;
    }
    respond(socket, "200 OK", m_render(), kPrometheusContentType);
}

void MetricsHttpServer::respond(QTcpSocket *socket, const QByteArray &status,
                                const QByteArray &body, const QByteArray &contentType,
                                const QByteArray &extraHeaders)
{
    if (auto it = m_connections.find(socket); it != m_connections.end()) {
        it->answered = true;
        it->request.clear();
    }
    socket->write("HTTP/1.1 " + status + "\r\nContent-Type: " + contentType +
                  "\r\nContent-Length: " + QByteArray::number(body.size()) +
                  "\r\nConnection: close\r\n" + extraHeaders + "\r\n" + body);
    socket->disconnectFromHost();
}

} // namespace turnstile
