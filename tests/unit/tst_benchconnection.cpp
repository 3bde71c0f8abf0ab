// The benchmark's lean HTTP/1.1 client: the response parser on its own (every
// framing, split at every byte), and BenchConnection against a scripted local
// QTcpServer (a fault-injection server: keep-alive, Connection: close, stale
// keep-alive, garbage, closing mid-answer, refused).
#include "bench/benchconnection.h"
#include "bench/httpresponseparser.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include <functional>
#include <memory>
#include <utility>

using namespace turnstile;

namespace {

// Feeds `bytes` in pieces of `step` bytes; returns the bytes consumed.
qsizetype feedInSteps(HttpResponseParser &p, const QByteArray &bytes, qsizetype step)
{
    qsizetype used = 0;
    for (qsizetype i = 0; i < bytes.size() && !p.done() && !p.failed(); i += step)
        used += p.feed(QByteArrayView(bytes).sliced(i, std::min(step, bytes.size() - i)));
    return used;
}

// A server that answers each complete request (up to the blank line) with
// whatever the test's responder writes. Requests are recorded per connection.
class ScriptedServer : public QObject
{
public:
    // socket, request number over all connections, request number on this connection
    using Responder = std::function<void(QTcpSocket *, int, int)>;

    explicit ScriptedServer(Responder r) : m_responder(std::move(r))
    {
        QObject::connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                ++connections;
                // Shared by the lambdas: a responder may abort the socket,
                // which emits disconnected() from inside readyRead().
                auto state = std::make_shared<std::pair<QByteArray, int>>();
                QObject::connect(s, &QTcpSocket::readyRead, this, [this, s, state] {
                    state->first.append(s->readAll());
                    for (qsizetype end; s->state() == QAbstractSocket::ConnectedState &&
                                        (end = state->first.indexOf("\r\n\r\n")) >= 0;) {
                        requests.append(state->first.left(end + 4));
                        state->first.remove(0, end + 4);
                        m_responder(s, int(requests.size()) - 1, state->second++);
                    }
                });
                QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
    }
    QUrl url() const
    {
        return QUrl(
            QStringLiteral("http://127.0.0.1:%1/v3/auth/tokens").arg(m_server.serverPort()));
    }

    int connections = 0;
    QList<QByteArray> requests;

private:
    QTcpServer m_server;
    Responder m_responder;
};

const QByteArray kOk = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                       "Content-Length: 12\r\n\r\n{\"token\":{}}";

// Sends `n` requests one after the other on one connection object.
QList<BenchConnection::Reply> sendSequence(const QUrl &url, int n, int *connects = nullptr)
{
    BenchConnection::Endpoint ep;
    if (!BenchConnection::endpointFor(url, &ep))
        return {};
    BenchConnection conn(ep);
    QList<BenchConnection::Reply> replies;
    const QByteArray req = BenchConnection::buildRequest(url, "auth-token", "subject-token");
    conn.setCallback([&](const BenchConnection::Reply &r) {
        replies.append(r);
        if (replies.size() < n)
            conn.send(req); // from inside the callback, as the worker does
    });
    conn.send(req);
    // The caller checks how many replies arrived.
    (void)QTest::qWaitFor([&] { return replies.size() >= n; }, 5000);
    if (connects)
        *connects = conn.connects();
    return replies;
}

} // namespace

class TestBenchConnection : public QObject
{
    Q_OBJECT

private slots:
    void contentLengthAtEverySplit()
    {
        const QByteArray bytes = kOk;
        for (qsizetype step = 1; step <= bytes.size(); ++step) {
            HttpResponseParser p;
            QCOMPARE(feedInSteps(p, bytes, step), bytes.size());
            QVERIFY2(p.done(), qPrintable(QString::number(step)));
            QCOMPARE(p.status(), 200);
            QCOMPARE(p.bodyBytes(), 12);
            QVERIFY(p.keepAlive());
        }
    }

    void chunkedWithExtensionsAndTrailers()
    {
        const QByteArray bytes = "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                                 "5;name=value\r\nhello\r\nA\r\n0123456789\r\n0\r\n"
                                 "X-Trailer: yes\r\n\r\n";
        for (qsizetype step : {qsizetype(1), qsizetype(3), bytes.size()}) {
            HttpResponseParser p;
            QCOMPARE(feedInSteps(p, bytes, step), bytes.size());
            QVERIFY(p.done());
            QVERIFY(p.chunked());
            QCOMPARE(p.bodyBytes(), 15);
            QVERIFY(p.keepAlive());
        }
    }

    void bytesAfterTheAnswerAreLeft()
    {
        HttpResponseParser p;
        const QByteArray bytes = kOk + "HTTP/1.1 200 OK\r\n";
        QCOMPARE(p.feed(bytes), kOk.size());
        QVERIFY(p.done());
    }

    void bodyUntilClose()
    {
        HttpResponseParser p;
        p.feed("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nsome body");
        QVERIFY(!p.done());
        p.feed(" more");
        p.closed();
        QVERIFY(p.done());
        QCOMPARE(p.bodyBytes(), 14);
        QVERIFY(!p.keepAlive());
    }

    void connectionHeaders()
    {
        HttpResponseParser close;
        close.feed("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        QVERIFY(close.done());
        QCOMPARE(close.status(), 401);
        QVERIFY(!close.keepAlive());
        HttpResponseParser old;
        old.feed("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n");
        QVERIFY(old.done());
        QVERIFY(old.keepAlive());
        HttpResponseParser noContent; // 204 has no body even with a length
        noContent.feed("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n");
        QVERIFY(noContent.done());
        QCOMPARE(noContent.bodyBytes(), 0);
    }

    void interimAnswerIsSkipped()
    {
        HttpResponseParser p;
        p.feed(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno");
        QVERIFY(p.done());
        QCOMPARE(p.status(), 404);
    }

    void garbageIsRefused_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("not http") << QByteArray("SSH-2.0-OpenSSH_9.2\r\n");
        QTest::newRow("short status") << QByteArray("HTTP/1.1 20\r\n\r\n");
        QTest::newRow("letters in status") << QByteArray("HTTP/1.1 2x0 OK\r\n\r\n");
        QTest::newRow("http/2 preface") << QByteArray("HTTP/2 200\r\n\r\n");
        QTest::newRow("header without colon") << QByteArray("HTTP/1.1 200 OK\r\nbroken\r\n\r\n");
        QTest::newRow("folded header")
            << QByteArray("HTTP/1.1 200 OK\r\nA: b\r\n continued\r\n\r\n");
        QTest::newRow("bad length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n");
        QTest::newRow("two lengths")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
        QTest::newRow("bad chunk size")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        QTest::newRow("chunk longer than said")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n");
        QTest::newRow("switching protocols")
            << QByteArray("HTTP/1.1 101 Switching Protocols\r\n\r\n");
        QTest::newRow("endless header") << QByteArray("HTTP/1.1 200 OK\r\nX: ") +
                                               QByteArray(HttpResponseParser::kMaxHeaderBytes, 'a');
    }
    void garbageIsRefused()
    {
        QFETCH(QByteArray, bytes);
        HttpResponseParser p;
        p.feed(bytes);
        QVERIFY(p.failed());
        QVERIFY(!p.error().isEmpty());
        QVERIFY(!p.keepAlive());
    }

    void closedMidAnswer()
    {
        HttpResponseParser p;
        p.feed("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nshort");
        p.closed();
        QVERIFY(p.failed());
        HttpResponseParser none;
        none.closed();
        QVERIFY(none.failed());
        QVERIFY(!none.started());
    }

    void requestBytes()
    {
        const QByteArray r = BenchConnection::buildRequest(
            QUrl(QStringLiteral("https://keystone.example:5000/identity/v3/auth/tokens")), "A",
            "S");
        QVERIFY(r.startsWith("GET /identity/v3/auth/tokens HTTP/1.1\r\n"));
        QVERIFY(r.contains("\r\nHost: keystone.example:5000\r\n"));
        QVERIFY(r.contains("\r\nX-Auth-Token: A\r\n"));
        QVERIFY(r.contains("\r\nX-Subject-Token: S\r\n"));
        QVERIFY(r.contains("\r\nAccept: application/json\r\n"));
        QVERIFY(r.contains("\r\nConnection: keep-alive\r\n"));
        QVERIFY(r.endsWith("\r\n\r\n"));
        const QByteArray dflt = BenchConnection::buildRequest(
            QUrl(QStringLiteral("https://keystone.example:443/v3/auth/tokens")), "A", "S");
        QVERIFY(dflt.contains("\r\nHost: keystone.example\r\n"));
        QVERIFY(BenchConnection::isHeaderSafe("gAAAAABk-_x"));
        QVERIFY(!BenchConnection::isHeaderSafe("a\r\nX-Injected: 1"));
        QVERIFY(!BenchConnection::isHeaderSafe("a b"));
        BenchConnection::Endpoint ep;
        QVERIFY(!BenchConnection::endpointFor(QUrl(QStringLiteral("ftp://h/v3")), &ep));
        QVERIFY(BenchConnection::endpointFor(QUrl(QStringLiteral("https://h/v3")), &ep));
        QVERIFY(ep.tls);
        QCOMPARE(ep.port, 443);
    }

    void keepAliveReusesTheConnection()
    {
        ScriptedServer server([](QTcpSocket *s, int, int) { s->write(kOk); });
        int connects = 0;
        const auto replies = sendSequence(server.url(), 3, &connects);
        QCOMPARE(replies.size(), 3);
        for (const auto &r : replies) {
            QCOMPARE(r.outcome, BenchConnection::Reply::Outcome::Http);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.bodyBytes, 12);
        }
        QCOMPARE(connects, 1);
        QCOMPARE(server.connections, 1);
        QVERIFY(server.requests.at(0).contains("X-Subject-Token: subject-token\r\n"));
    }

    void connectionCloseReconnects()
    {
        // Keystone under uwsgi: every answer closes its connection.
        ScriptedServer server([](QTcpSocket *s, int, int) {
            s->write("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}");
            s->disconnectFromHost();
        });
        int connects = 0;
        const auto replies = sendSequence(server.url(), 3, &connects);
        QCOMPARE(replies.size(), 3);
        for (const auto &r : replies)
            QCOMPARE(r.status, 200);
        QCOMPARE(connects, 3);
        QTRY_COMPARE(server.connections, 3);
    }

    void chunkedAcrossWrites()
    {
        ScriptedServer server([](QTcpSocket *s, int, int) {
            s->write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7\r\n{\"a\"");
            s->flush();
            QTimer::singleShot(20, s, [s] { s->write(":1}\r\n0\r\n\r\n"); });
        });
        const auto replies = sendSequence(server.url(), 2);
        QCOMPARE(replies.size(), 2);
        for (const auto &r : replies) {
            QCOMPARE(r.status, 200);
            QCOMPARE(r.bodyBytes, 7);
        }
        QCOMPARE(server.connections, 1);
    }

    void bodyUntilServerCloses()
    {
        ScriptedServer server([](QTcpSocket *s, int, int) {
            s->write("HTTP/1.1 200 OK\r\n\r\nno length at all");
            s->disconnectFromHost();
        });
        const auto replies = sendSequence(server.url(), 2);
        QCOMPARE(replies.size(), 2);
        QCOMPARE(replies.at(0).outcome, BenchConnection::Reply::Outcome::Http);
        QCOMPARE(replies.at(0).bodyBytes, 16);
        QCOMPARE(replies.at(1).status, 200);
    }

    void staleKeepAliveIsRetriedOnce()
    {
        // The server keeps the first connection alive, then drops it while it
        // is idle without a word: the second request is sent again on a new
        // connection instead of failing.
        ScriptedServer server([](QTcpSocket *s, int, int onThis) {
            s->write(kOk);
            if (onThis == 0)
                QTimer::singleShot(50, s, [s] { s->abort(); });
        });
        BenchConnection::Endpoint ep;
        QVERIFY(BenchConnection::endpointFor(server.url(), &ep));
        BenchConnection conn(ep);
        QList<BenchConnection::Reply> replies;
        conn.setCallback([&](const BenchConnection::Reply &r) { replies.append(r); });
        const QByteArray req = BenchConnection::buildRequest(server.url(), "a", "s");
        conn.send(req);
        QTRY_COMPARE(replies.size(), 1);
        QTest::qWait(200); // the server has dropped the idle connection
        conn.send(req);
        QTRY_COMPARE(replies.size(), 2);
        QCOMPARE(replies.at(1).outcome, BenchConnection::Reply::Outcome::Http);
        QCOMPARE(replies.at(1).status, 200);
        QCOMPARE(conn.connects(), 2);
    }

    void garbageAnswer()
    {
        ScriptedServer server(
            [](QTcpSocket *s, int, int) { s->write("this is not HTTP at all\r\n\r\n"); });
        const auto replies = sendSequence(server.url(), 2);
        QCOMPARE(replies.size(), 2);
        for (const auto &r : replies) {
            QCOMPARE(r.outcome, BenchConnection::Reply::Outcome::Garbage);
            QCOMPARE(r.status, 0);
            QVERIFY(!r.error.isEmpty());
        }
        // A connection that spoke garbage is not trusted with the next request.
        QCOMPARE(server.connections, 2);
    }

    void closedWithoutAnswer()
    {
        ScriptedServer server([](QTcpSocket *s, int, int) { s->abort(); });
        const auto replies = sendSequence(server.url(), 1);
        QCOMPARE(replies.size(), 1);
        QCOMPARE(replies.at(0).outcome, BenchConnection::Reply::Outcome::Network);
    }

    void closedMidBody()
    {
        ScriptedServer server([](QTcpSocket *s, int, int) {
            s->write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial");
            s->disconnectFromHost();
        });
        const auto replies = sendSequence(server.url(), 1);
        QCOMPARE(replies.size(), 1);
        QCOMPARE(replies.at(0).outcome, BenchConnection::Reply::Outcome::Network);
    }

    void refused()
    {
        quint16 port = 0;
        {
            QTcpServer s;
            QVERIFY(s.listen(QHostAddress::LocalHost));
            port = s.serverPort();
        }
        const auto replies =
            sendSequence(QUrl(QStringLiteral("http://127.0.0.1:%1/v3/auth/tokens").arg(port)), 1);
        QCOMPARE(replies.size(), 1);
        QCOMPARE(replies.at(0).outcome, BenchConnection::Reply::Outcome::Network);
        QVERIFY(!replies.at(0).error.isEmpty());
    }

    void failuresNeverAnswerFromInsideSend()
    {
        // A closed loop sends the next request from the callback; against a
        // dead endpoint a callback from inside send() would recurse once per
        // request. Answers (even an immediate refusal) come from the event loop.
        quint16 port = 0;
        {
            QTcpServer s;
            QVERIFY(s.listen(QHostAddress::LocalHost));
            port = s.serverPort();
        }
        const QUrl url(QStringLiteral("http://127.0.0.1:%1/v3/auth/tokens").arg(port));
        BenchConnection::Endpoint ep;
        QVERIFY(BenchConnection::endpointFor(url, &ep));
        BenchConnection conn(ep);
        const QByteArray req = BenchConnection::buildRequest(url, "a", "s");
        bool inSend = false;
        int replies = 0;
        int nested = 0;
        conn.setCallback([&](const BenchConnection::Reply &r) {
            QCOMPARE(r.outcome, BenchConnection::Reply::Outcome::Network);
            nested += inSend ? 1 : 0;
            if (++replies < 200) {
                inSend = true;
                conn.send(req);
                inSend = false;
            }
        });
        inSend = true;
        conn.send(req);
        inSend = false;
        QTRY_COMPARE(replies, 200);
        QCOMPARE(nested, 0);
    }

    void abortDropsTheRequestSilently()
    {
        ScriptedServer server([](QTcpSocket *, int, int) {}); // never answers
        BenchConnection::Endpoint ep;
        QVERIFY(BenchConnection::endpointFor(server.url(), &ep));
        BenchConnection conn(ep);
        int calls = 0;
        conn.setCallback([&](const BenchConnection::Reply &) { ++calls; });
        conn.send(BenchConnection::buildRequest(server.url(), "a", "s"));
        QTRY_COMPARE(server.requests.size(), 1);
        conn.abort();
        QVERIFY(!conn.busy());
        QTest::qWait(50);
        QCOMPARE(calls, 0);
    }
};

QTEST_GUILESS_MAIN(TestBenchConnection)
#include "tst_benchconnection.moc"
