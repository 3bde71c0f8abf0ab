#pragma once

#include <QHash>
#include <QObject>
#include <QTcpServer>

#include <functional>

class QTcpSocket;

namespace turnstile {

// The HTTP side of the exporter: answers GET /metrics with what render()
// returns and nothing else (404 for other paths, 405 for other methods).
// Lives on MetricsEndpoint's thread, never on the collector's, so a cycle
// that hangs on a database cannot hold a scrape. A client that sends more
// than a request line and a few headers, or too slowly, or opens too many
// connections is cut off: the exporter may listen on a network where anyone
// can connect.
class MetricsHttpServer : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxRequestBytes = 8192;
    static constexpr int kRequestTimeoutMs = 5000;
    static constexpr int kMaxConnections = 32;

    using Render = std::function<QByteArray()>;
    explicit MetricsHttpServer(Render render, QObject *parent = nullptr);
    ~MetricsHttpServer() override;

    // On this object's thread.
    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const { return m_server.serverPort(); }
    void close();

private:
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void respond(QTcpSocket *socket, const QByteArray &status, const QByteArray &body,
                 const QByteArray &contentType, const QByteArray &extraHeaders = {});

    Render m_render;
    QTcpServer m_server;
    struct Connection
    {
        QByteArray request; // what it sent so far
        bool answered = false;
    };
    // Every open connection until it closes, answered or not: the limit
    // counts a client that does not read its answer too.
    QHash<QTcpSocket *, Connection> m_connections;
};

} // namespace turnstile
