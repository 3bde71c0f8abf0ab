// Faults a real Keystone cannot produce on demand: garbage bodies, stalls,
// oversized answers, a missing X-Subject-Token, redirect loops. A tiny HTTP
// server in the test process injects them; everything else is tested against
// the lab's real Keystone.
#include "keystone/keystoneclient.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <functional>

using namespace turnstile;

namespace {

// Answers every request with whatever the handler returns (raw HTTP bytes).
// An empty answer means: keep the connection open and say nothing (a stall).
class FaultServer : public QObject
{
public:
    using Handler = std::function<QByteArray(const QByteArray &requestHead)>;
    explicit FaultServer(Handler h) : m_handler(std::move(h))
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                QObject::connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    m_buffer[s] += s->readAll();
                    const qsizetype end = m_buffer[s].indexOf("\r\n\r\n");
                    if (end < 0)
                        return;
                    const QByteArray answer = m_handler(m_buffer[s].left(end));
                    if (answer.isEmpty())
                        return;
                    s->write(answer);
                    s->disconnectFromHost();
                });
            }
        });
    }
    QUrl url(const QString &path = QStringLiteral("/v3")) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path));
    }

private:
    QTcpServer m_server;
    Handler m_handler;
    QHash<QTcpSocket *, QByteArray> m_buffer;
};

QByteArray response(int status, const QByteArray &body, const QByteArray &extraHeaders = {})
{
    return "HTTP/1.1 " + QByteArray::number(status) +
           " X\r\nContent-Type: application/json\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\nConnection: close\r\n" + extraHeaders + "\r\n" +
           body;
}

const QByteArray kVersion =
    R"({"version":{"id":"v3.14","status":"stable","links":[{"rel":"self","href":"http://x/v3/"}]}})";

Profile profileFor(const QUrl &url)
{
    Profile p;
    p.name = QStringLiteral("fault");
    p.authUrl = url;
    p.username = QStringLiteral("u");
    p.projectName = QStringLiteral("p");
    p.timeoutMs = 1500;
    return p;
}

Secrets pw()
{
    Secrets s;
    s.password = QStringLiteral("hunter2-secret");
    return s;
}

} // namespace

class TestKeystoneClientFaults : public QObject
{
    Q_OBJECT
private slots:
    void garbageVersionDocument()
    {
        FaultServer srv(
            [](const QByteArray &) { return response(200, "<html>proxy error</html>"); });
        KeystoneClient c(profileFor(srv.url()), pw());
        const VersionInfo v = c.discover();
        QVERIFY(!v.ok());
        QVERIFY2(v.error.contains(QStringLiteral("not JSON")), qPrintable(v.error));
    }
    void stalledServerTimesOut()
    {
        FaultServer srv([](const QByteArray &) { return QByteArray(); });
        KeystoneClient c(profileFor(srv.url()), pw());
        QElapsedTimer t;
        t.start();
        const VersionInfo v = c.discover();
        QVERIFY(!v.ok());
        QVERIFY2(v.error.contains(QStringLiteral("timeout")), qPrintable(v.error));
        QVERIFY(t.elapsed() < 10000);
    }
    void oversizedBodyIsCapped()
    {
        FaultServer srv(
            [](const QByteArray &) { return response(200, QByteArray(3 * 1024 * 1024, 'x')); });
        KeystoneClient c(profileFor(srv.url()), pw());
        c.setBodyLimit(1024 * 1024);
        const VersionInfo v = c.discover();
        QVERIFY(!v.ok());
        QVERIFY2(v.error.contains(QStringLiteral("limit")), qPrintable(v.error));
        QCOMPARE(v.http.bodyBytes, 0);
    }
    void tokenWithoutSubjectHeader()
    {
        FaultServer srv([](const QByteArray &head) {
            if (head.startsWith("POST"))
                return response(201, R"({"token":{"expires_at":"2030-01-01T00:00:00.000000Z"}})");
            return response(200, kVersion);
        });
        KeystoneClient c(profileFor(srv.url()), pw());
        const TokenInfo t = c.issueToken();
        QVERIFY(!t.ok());
        QVERIFY2(t.error.contains(QStringLiteral("X-Subject-Token")), qPrintable(t.error));
    }
    void statusCodesBecomeSentences_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("expected");
        QTest::newRow("401") << 401 << QStringLiteral("credentials");
        QTest::newRow("403") << 403 << QStringLiteral("role");
        QTest::newRow("404") << 404 << QStringLiteral("404");
        QTest::newRow("503") << 503 << QStringLiteral("server error");
    }
    void statusCodesBecomeSentences()
    {
        QFETCH(int, status);
        QFETCH(QString, expected);
        FaultServer srv([status](const QByteArray &head) {
            if (head.startsWith("POST"))
                return response(status, R"({"error":{"code":0,"message":"nope"}})");
            return response(200, kVersion);
        });
        KeystoneClient c(profileFor(srv.url()), pw());
        const TokenInfo t = c.issueToken();
        QVERIFY(!t.ok());
        QCOMPARE(t.http.status, status);
        QVERIFY2(t.error.contains(expected), qPrintable(t.error));
        QVERIFY2(!t.error.contains(pw().password), "the password must never appear in an error");
    }
    void redirectLoop()
    {
        FaultServer *self = nullptr;
        FaultServer srv([&self](const QByteArray &) {
            return QByteArray("HTTP/1.1 302 Found\r\nLocation: ") +
                   self->url().toString().toUtf8() +
                   "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        });
        self = &srv;
        KeystoneClient c(profileFor(srv.url()), pw());
        const VersionInfo v = c.discover();
        QVERIFY(!v.ok());
        QVERIFY2(v.error.contains(QStringLiteral("redirect")), qPrintable(v.error));
    }
    // 14.9: Qt copies every request header (X-Auth-Token) and, on a 307, the
    // body (the password) onto a redirected request. A redirect to another
    // origin (here a second local listener) must receive nothing.
    void crossOriginRedirectGetsNoCredentials_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("issue");
        QTest::newRow("302 GET with token") << 302 << false;
        QTest::newRow("307 GET with token") << 307 << false;
        QTest::newRow("307 POST with password") << 307 << true;
        QTest::newRow("308 POST with password") << 308 << true;
    }
    void crossOriginRedirectGetsNoCredentials()
    {
        QFETCH(int, status);
        QFETCH(bool, issue);
        QByteArrayList seenByOther;
        FaultServer other([&seenByOther](const QByteArray &head) {
            seenByOther.append(head);
            return response(200, kVersion);
        });
        FaultServer origin([&](const QByteArray &) {
            return "HTTP/1.1 " + QByteArray::number(status) + " Moved\r\nLocation: " +
                   other.url(QStringLiteral("/v3/auth/tokens")).toString().toUtf8() +
                   "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        });
        KeystoneClient c(profileFor(origin.url()), pw());
        c.setAuthToken("gAAAA-secret-admin-token");
        QString error;
        if (issue) {
            const TokenInfo t = c.issueToken();
            QVERIFY(!t.ok());
            error = t.error;
        } else {
            const HttpResult h = c.get(QStringLiteral("/users"));
            QVERIFY(!h.ok());
            error = h.error;
        }
        QTest::qWait(200); // a follow-up request would have arrived by now
        QVERIFY2(seenByOther.isEmpty(), qPrintable(QStringLiteral("the other origin received: ") +
                                                   QString::fromUtf8(seenByOther.join("\n---\n"))));
        QVERIFY2(error.contains(QStringLiteral("redirect")), qPrintable(error));
        QVERIFY(!error.contains(pw().password));
    }
    // An id from a response or a user goes into a path through apiPathSegment:
    // it stays one segment, so "../auth/tokens" can never address another
    // resource (compliance, unlock and the revocation experiment use it).
    void hostileIdStaysOnePathSegment()
    {
        QByteArray requestLine;
        FaultServer srv([&](const QByteArray &head) -> QByteArray {
            requestLine = head.left(head.indexOf("\r\n"));
            return response(200, R"({"user":{}})");
        });
        KeystoneClient c(profileFor(srv.url()), pw());
        c.setAuthToken("tok");
        const HttpResult h =
            c.get(QStringLiteral("/users/") + apiPathSegment(QStringLiteral("../auth/tokens?x#y")));
        QVERIFY2(h.ok(), qPrintable(h.error));
        QCOMPARE(requestLine, QByteArray("GET /v3/users/..%2Fauth%2Ftokens%3Fx%23y HTTP/1.1"));
    }

    void sameOriginRedirectIsFollowed()
    {
        FaultServer *self = nullptr;
        QByteArray tokenSeen;
        FaultServer srv([&](const QByteArray &head) -> QByteArray {
            if (head.startsWith("GET /v3/users ")) {
                return "HTTP/1.1 302 Found\r\nLocation: " +
                       self->url(QStringLiteral("/v3/users2")).toString().toUtf8() +
                       "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
            }
            for (const QByteArray &line : head.split('\n'))
                if (line.toLower().startsWith("x-auth-token:"))
                    tokenSeen = line.mid(13).trimmed();
            return response(200, R"({"users":[]})");
        });
        self = &srv;
        KeystoneClient c(profileFor(srv.url()), pw());
        c.setAuthToken("tok");
        const HttpResult h = c.get(QStringLiteral("/users"));
        QVERIFY2(h.ok(), qPrintable(h.error));
        QCOMPARE(h.status, 200);
        QCOMPARE(tokenSeen, QByteArray("tok"));
    }
    void connectionRefused()
    {
        KeystoneClient c(profileFor(QUrl(QStringLiteral("http://127.0.0.1:1/v3"))), pw());
        const VersionInfo v = c.discover();
        QVERIFY(!v.ok());
        QVERIFY2(v.error.contains(QStringLiteral("refused")), qPrintable(v.error));
    }
    void dnsFailure()
    {
        KeystoneClient c(profileFor(QUrl(QStringLiteral("http://no-such-host.invalid/v3"))), pw());
        const VersionInfo v = c.discover();
        QVERIFY(!v.ok());
        QVERIFY2(v.error.contains(QStringLiteral("DNS")), qPrintable(v.error));
    }
    void tokenSizeWarnings()
    {
        QVERIFY(KeystoneClient::sizeWarnings(200, 3000).isEmpty());
        QCOMPARE(KeystoneClient::sizeWarnings(200, 5000).size(), 1);
        QVERIFY(KeystoneClient::sizeWarnings(9000, 0).first().contains(QStringLiteral("8 KB")));
    }
};

QTEST_GUILESS_MAIN(TestKeystoneClientFaults)
#include "tst_keystoneclient_faults.moc"
