// The depth of Keystone's notifications.info through RabbitMQ's management
// API, without a lab: the request it makes (path, vhost encoding, basic
// auth) and the answers a real broker does not give on demand (a proxy's
// HTML page, a queue sampled before its first figures) from a fake HTTP
// server — format and fault injection only. The real API is read in
// tst_lab_events_producers::notificationsInfoDepthFromTheManagementApi. The
// JSON is what RabbitMQ 3.10's GET /api/queues/VHOST/NAME answers, trimmed.
#include "events/brokerqueuedepth.h"
#include "events/transporturl.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace turnstile;

namespace {

// Answers every request with `status` and `body`; keeps the last request.
class FakeManagementApi : public QObject
{
public:
    QByteArray status = "200 OK";
    QByteArray body;
    QByteArray lastRequest;

    FakeManagementApi()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            QTcpSocket *s = m_server.nextPendingConnection();
            connect(s, &QTcpSocket::readyRead, s, [this, s] {
                lastRequest += s->readAll();
                if (!lastRequest.contains("\r\n\r\n"))
                    return;
                s->write("HTTP/1.1 " + status +
                         "\r\nContent-Type: application/json\r\nConnection: close\r\n"
                         "Content-Length: " +
                         QByteArray::number(body.size()) + "\r\n\r\n" + body);
                s->disconnectFromHost();
            });
        });
    }
    QUrl url() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()));
    }

private:
    QTcpServer m_server;
};

TransportUrl broker(const QString &vhost = QStringLiteral("lab"))
{
    TransportUrl t;
    t.host = QStringLiteral("127.0.0.1");
    t.user = QStringLiteral("monitor");
    t.password = QStringLiteral("s3cret");
    t.vhost = vhost;
    return t;
}

const QByteArray kQueue = R"({"arguments":{},"auto_delete":false,"consumers":0,
"durable":false,"exclusive":false,"memory":1180024,"message_bytes":43211000,
"messages":41000,"messages_ready":41000,"messages_unacknowledged":0,
"name":"notifications.info","node":"turnstile-lab-37500@localhost",
"policy":"notif-cap","state":"running","type":"classic","vhost":"lab"})";

} // namespace

class TestBrokerQueueDepth : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void readsTheDepthWithTheBrokerAccount()
    {
        FakeManagementApi api;
        api.body = kQueue;
        const BrokerQueueReading r =
            readBrokerQueueDepth(api.url(), broker(), QStringLiteral("notifications.info"));
        QVERIFY2(r.depth, qPrintable(r.error));
        QCOMPARE(*r.depth, (BrokerQueueDepth{QStringLiteral("notifications.info"), 41000, 0}));
        QVERIFY2(api.lastRequest.startsWith("GET /api/queues/lab/notifications.info HTTP/1.1"),
                 api.lastRequest.constData());
        QVERIFY(api.lastRequest.contains("Authorization: Basic " +
                                         QByteArray("monitor:s3cret").toBase64()));
        QCOMPARE(unreadQueueFinding(*r.depth),
                 QStringLiteral("RabbitMQ's queue notifications.info holds 41,000 messages and "
                                "nothing reads it: oslo.messaging fills it with every Keystone "
                                "notification, so it grows until the broker's memory or disk "
                                "alarm blocks the publishers. Give it a consumer or cap it with a "
                                "policy (max-length)."));
    }

    // The default vhost "/" is a path segment of its own: %2F.
    void defaultVhostIsEncoded()
    {
        FakeManagementApi api;
        api.body = kQueue;
        QVERIFY(readBrokerQueueDepth(api.url(), broker(QStringLiteral("/")),
                                     QStringLiteral("notifications.info"))
                    .depth);
        QVERIFY2(api.lastRequest.startsWith("GET /api/queues/%2F/notifications.info "),
                 api.lastRequest.constData());
    }

    void faultsAreOneSentenceEach()
    {
        FakeManagementApi api;
        api.status = "401 Unauthorized";
        api.body = R"({"error":"not_authorised","reason":"Login failed"})";
        BrokerQueueReading r = readBrokerQueueDepth(api.url(), broker(), QStringLiteral("q"));
        QVERIFY(!r.depth);
        QVERIFY2(r.error.contains(QStringLiteral("monitoring or management tag")),
                 qPrintable(r.error));
        QVERIFY(!r.error.contains(QStringLiteral("s3cret")));

        api.status = "404 Not Found";
        api.lastRequest.clear();
        r = readBrokerQueueDepth(api.url(), broker(), QStringLiteral("q"));
        QVERIFY2(r.error.contains(QStringLiteral("no such queue")), qPrintable(r.error));

        api.status = "200 OK";
        api.body = "<html>proxy login</html>";
        api.lastRequest.clear();
        r = readBrokerQueueDepth(api.url(), broker(), QStringLiteral("q"));
        QVERIFY2(r.error.contains(QStringLiteral("not a queue's figures")), qPrintable(r.error));

        // Nothing listens: KeystoneClient's sentence.
        QTcpServer closed;
        closed.listen(QHostAddress::LocalHost, 0);
        const quint16 port = closed.serverPort();
        closed.close();
        r = readBrokerQueueDepth(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), broker(),
                                 QStringLiteral("q"), {}, true, 2000);
        QVERIFY(!r.depth);
        QVERIFY(!r.error.isEmpty());
        QVERIFY(!r.answered);
    }

    // The password amqps:// protects is never sent to a plain http:// management API on another
    // host; loopback, https:// and an amqp:// broker (clear already, and warned) are left alone.
    void aPlainManagementUrlNeverDowngradesATlsBroker()
    {
        QString error;
        const TransportUrl tls = TransportUrl::parse(
            QStringLiteral("rabbit://turnstile:s3cret@rabbit.example:5671/?ssl=1"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(tls.tls);
        const QString refused = managementUrlRefusal(
            QUrl(QStringLiteral("http://turnstile:s3cret@rabbit.example:15672/")), tls);
        QVERIFY(refused.contains(QStringLiteral("https://")));
        QVERIFY(refused.contains(QStringLiteral("rabbit.example:15672")));
        QVERIFY(!refused.contains(QStringLiteral("s3cret")));
        QVERIFY(managementUrlRefusal(QUrl(QStringLiteral("https://rabbit.example:15671/")), tls)
                    .isEmpty());
        QVERIFY(
            managementUrlRefusal(QUrl(QStringLiteral("http://127.0.0.1:15672/")), tls).isEmpty());
        const TransportUrl plain =
            TransportUrl::parse(QStringLiteral("rabbit://turnstile@rabbit.example:5672/"), &error);
        QVERIFY(!plain.tls);
        QVERIFY(managementUrlRefusal(QUrl(QStringLiteral("http://rabbit.example:15672/")), plain)
                    .isEmpty());
    }
    void findingsOnlyAboveTheLevel()
    {
        QVERIFY(unreadQueueFinding({QStringLiteral("notifications.info"), 900, 0}).isEmpty());
        QCOMPARE(unreadQueueFinding({QStringLiteral("notifications.info"), 20000, 2}),
                 QStringLiteral("RabbitMQ's queue notifications.info holds 20,000 messages: its 2 "
                                "consumer(s) fall behind."));
        // Before the broker has sampled the queue: ready + unacknowledged.
        const BrokerQueueReading r = parseManagementQueue(
            200, R"({"name":"q","messages_ready":5,"messages_unacknowledged":2,"consumers":1})",
            QStringLiteral("http://x"));
        QCOMPARE(r.depth->messages, 7);
        QCOMPARE(managementUrlFor(broker()).toString(), QStringLiteral("http://127.0.0.1:15672"));
        TransportUrl tls = broker();
        tls.tls = true;
        QCOMPARE(managementUrlFor(tls).toString(), QStringLiteral("https://127.0.0.1:15671"));
    }
};

QTEST_GUILESS_MAIN(TestBrokerQueueDepth)
#include "tst_brokerqueuedepth.moc"
