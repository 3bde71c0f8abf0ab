// The memcached `stats` reader: the pure parser on good, garbage, truncated
// and oversized answers, and the blocking fetch against a fake server on its
// own thread (slow, silent, closing early, refusing).
#include "memcached/memcachedstats.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

using namespace turnstile;

namespace {

const QByteArray kGood = "STAT pid 4242\r\n"
                         "STAT uptime 120\r\n"
                         "STAT version 1.6.18\r\n"
                         "STAT curr_connections 7\r\n"
                         "STAT get_hits 90\r\n"
                         "STAT get_misses 10\r\n"
                         "STAT evictions 3\r\n"
                         "STAT curr_items 55\r\n"
                         "STAT rusage_user 0.123456\r\n"
                         "END\r\n";

// Answers every connection with a fixed byte string, optionally in two
// halves with a pause, and optionally closes afterwards.
class FakeServer : public QObject
{
    Q_OBJECT
public:
    QByteArray first;
    QByteArray second;
    int pauseMs = 0;
    bool closeAfter = false;
    quint16 port = 0;

public slots:
    void start()
    {
        m_server = new QTcpServer(this);
        m_server->listen(QHostAddress::LocalHost, 0);
        port = m_server->serverPort();
        connect(m_server, &QTcpServer::newConnection, this, [this] {
            QTcpSocket *s = m_server->nextPendingConnection();
            connect(s, &QTcpSocket::readyRead, s, [this, s] {
                if (!s->readAll().contains("stats\r\n"))
                    return;
                s->write(first);
                auto rest = [this, s] {
                    s->write(second);
                    if (closeAfter)
                        s->disconnectFromHost();
                };
                if (pauseMs > 0)
                    QTimer::singleShot(pauseMs, s, rest);
                else
                    rest();
            });
        });
    }

private:
    QTcpServer *m_server = nullptr;
};

} // namespace

class TestMemcachedStats : public QObject
{
    Q_OBJECT

    QThread m_thread;
    FakeServer *m_fake = nullptr;

    // Reconfigure the fake on its own thread, then return its address.
    QString serve(const QByteArray &first, const QByteArray &second, int pauseMs, bool closeAfter)
    {
        QMetaObject::invokeMethod(
            m_fake,
            [=, this] {
                m_fake->first = first;
                m_fake->second = second;
                m_fake->pauseMs = pauseMs;
                m_fake->closeAfter = closeAfter;
            },
            Qt::BlockingQueuedConnection);
        return QStringLiteral("127.0.0.1:%1").arg(m_fake->port);
    }

private slots:
    void initTestCase()
    {
        m_fake = new FakeServer;
        m_fake->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_fake, &QObject::deleteLater);
        m_thread.start();
        QMetaObject::invokeMethod(m_fake, &FakeServer::start, Qt::BlockingQueuedConnection);
        QVERIFY(m_fake->port > 0);
    }
    void cleanupTestCase()
    {
        m_thread.quit();
        m_thread.wait();
    }

    void parsesAGoodAnswer()
    {
        const MemcachedStats s = parseMemcachedStats(kGood);
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.getHits.value_or(-1), 90);
        QCOMPARE(s.getMisses.value_or(-1), 10);
        QCOMPARE(s.evictions.value_or(-1), 3);
        QCOMPARE(s.currItems.value_or(-1), 55);
        QCOMPARE(s.currConnections.value_or(-1), 7);
        QCOMPARE(s.version, QStringLiteral("1.6.18"));
        QCOMPARE(s.all.value(QStringLiteral("rusage_user")), QStringLiteral("0.123456"));
        QCOMPARE(s.all.size(), 9);
        QCOMPARE(s.hitRatio().value_or(-1), 0.9);
    }

    void hitRatioNeedsGets()
    {
        const MemcachedStats s =
            parseMemcachedStats("STAT get_hits 0\r\nSTAT get_misses 0\r\nEND\r\n");
        QVERIFY(s.ok());
        QVERIFY(!s.hitRatio().has_value());
        const MemcachedStats none = parseMemcachedStats("END\r\n");
        QVERIFY(none.ok());
        QVERIFY(!none.getHits.has_value());
        QVERIFY(!none.hitRatio().has_value());
    }

    void oddValuesAreMissingNotWrong()
    {
        const MemcachedStats s = parseMemcachedStats(
            "STAT get_hits lots\r\nSTAT get_misses -5\r\nSTAT evictions 1 2\r\nEND\r\n");
        QVERIFY(s.ok());
        QVERIFY(!s.getHits.has_value());
        QVERIFY(!s.getMisses.has_value());
        QVERIFY(!s.evictions.has_value());
        QCOMPARE(s.all.value(QStringLiteral("evictions")), QStringLiteral("1 2"));
    }

    void rejectsGarbage_data()
    {
        QTest::addColumn<QByteArray>("reply");
        QTest::addColumn<QString>("contains");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("before END");
        QTest::newRow("truncated mid-line") << kGood.left(40) << QStringLiteral("before END");
        QTest::newRow("truncated before END")
            << kGood.left(kGood.size() - 5) << QStringLiteral("before END");
        QTest::newRow("no CR") << QByteArray("STAT get_hits 1\nEND\n")
                               << QStringLiteral("before END");
        QTest::newRow("not STAT") << QByteArray("HELLO world\r\nEND\r\n")
                                  << QStringLiteral("line 1");
        QTest::newRow("STAT without value")
            << QByteArray("STAT get_hits\r\nEND\r\n") << QStringLiteral("line 1");
        QTest::newRow("binary") << QByteArray("\x00\x01\x02\xff\r\nEND\r\n", 9)
                                << QStringLiteral("line 1");
        QTest::newRow("ERROR") << QByteArray("ERROR\r\n") << QStringLiteral("\"ERROR\"");
        QTest::newRow("SERVER_ERROR") << QByteArray("SERVER_ERROR out of memory\r\n")
                                      << QStringLiteral("SERVER_ERROR out of memory");
        QTest::newRow("huge line")
            << (QByteArray("STAT x ") + QByteArray(5000, 'y') + "\r\nEND\r\n")
            << QStringLiteral("longer than");
        QTest::newRow("huge unterminated line")
            << QByteArray(5000, 'y') << QStringLiteral("longer than");
        QByteArray many;
        for (int i = 0; i < 20000; ++i)
            many += "STAT k" + QByteArray::number(i) + " 1\r\n";
        QTest::newRow("huge answer") << many + "END\r\n" << QStringLiteral("larger than");
    }
    void rejectsGarbage()
    {
        QFETCH(QByteArray, reply);
        QFETCH(QString, contains);
        const MemcachedStats s = parseMemcachedStats(reply);
        QVERIFY(!s.ok());
        QVERIFY2(s.error.startsWith(QStringLiteral("unavailable: ")) && s.error.contains(contains),
                 qPrintable(s.error));
        QVERIFY(!s.getHits.has_value());
    }

    void fetchesFromAServer()
    {
        const QString at = serve(kGood.left(50), kGood.mid(50), 100, false);
        const MemcachedStats s = fetchMemcachedStats(at, 3000);
        QVERIFY2(s.ok(), qPrintable(s.error));
        QCOMPARE(s.server, at);
        QCOMPARE(s.getHits.value_or(-1), 90);
        QVERIFY(s.queryMs >= 100);
    }

    void silentServerTimesOut()
    {
        const QString at = serve(QByteArray("STAT pid 1\r\n"), QByteArray(), 0, false);
        QElapsedTimer t;
        t.start();
        const MemcachedStats s = fetchMemcachedStats(at, 500);
        QVERIFY(t.elapsed() < 2000);
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(QStringLiteral("500 ms")), qPrintable(s.error));
    }

    void earlyCloseIsTruncation()
    {
        const QString at = serve(QByteArray("STAT pid 1\r\nSTAT get_"), QByteArray(), 0, true);
        const MemcachedStats s = fetchMemcachedStats(at, 3000);
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(QStringLiteral("before END")), qPrintable(s.error));
    }

    void endlessServerIsCapped()
    {
        QByteArray flood;
        for (int i = 0; i < 40000; ++i)
            flood += "STAT k" + QByteArray::number(i) + " 1\r\n";
        const QString at = serve(flood, QByteArray(), 0, false);
        const MemcachedStats s = fetchMemcachedStats(at, 5000);
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(QStringLiteral("larger than")), qPrintable(s.error));
    }

    void badAddressesAndRefusal()
    {
        for (const char *bad : {"", "host:notaport", "[::1", "[::1]x", "host:0"}) {
            const MemcachedStats s = fetchMemcachedStats(QLatin1String(bad), 500);
            QVERIFY2(!s.ok() && s.error.contains(QStringLiteral("host:port")), bad);
        }
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        const quint16 port = probe.serverPort();
        probe.close();
        QElapsedTimer t;
        t.start();
        const MemcachedStats s =
            fetchMemcachedStats(QStringLiteral("127.0.0.1:%1").arg(port), 2000);
        QVERIFY(t.elapsed() < 2000);
        QVERIFY(!s.ok());
        QVERIFY2(s.error.contains(QStringLiteral("cannot connect")), qPrintable(s.error));
    }
};

QTEST_GUILESS_MAIN(TestMemcachedStats)
#include "tst_memcachedstats.moc"
