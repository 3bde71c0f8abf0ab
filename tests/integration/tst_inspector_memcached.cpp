// memcached `stats` against the lab's real memcached: a few sets and gets
// first, so the counters the dashboard shows are seen to move.
#include "memcached/memcachedstats.h"
#include "testsupport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>

using namespace turnstile;
using testsupport::lab;

class TestInspectorMemcached : public QObject
{
    Q_OBJECT

    static QString server() { return lab(QStringLiteral("TURNSTILE_LAB_MEMCACHED")); }

    // One text-protocol command and its whole answer (ends with the marker).
    static QByteArray command(QTcpSocket &s, const QByteArray &cmd, const QByteArray &end)
    {
        s.write(cmd);
        QByteArray out;
        QElapsedTimer t;
        t.start();
        while (!out.endsWith(end) && t.elapsed() < 3000) {
            if (s.bytesAvailable() == 0)
                s.waitForReadyRead(500);
            out += s.readAll();
        }
        return out;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!server().isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
    }

    void countersMoveWithTraffic()
    {
        const MemcachedStats before = fetchMemcachedStats(server());
        QVERIFY2(before.ok(), qPrintable(before.error));
        QVERIFY(before.getHits && before.getMisses && before.evictions && before.currItems &&
                before.currConnections);
        QVERIFY(!before.version.isEmpty());

        QTcpSocket s;
        const QString host = server().section(u':', 0, 0);
        s.connectToHost(host, server().section(u':', 1).toUShort());
        QVERIFY(s.waitForConnected(3000));
        const QByteArray key =
            "turnstile-test-" + QByteArray::number(QCoreApplication::applicationPid());
        QCOMPARE(command(s, "set " + key + " 0 60 5\r\nhello\r\n", "\r\n"),
                 QByteArray("STORED\r\n"));
        for (int i = 0; i < 3; ++i)
            QVERIFY(command(s, "get " + key + "\r\n", "END\r\n").contains("hello"));
        QCOMPARE(command(s, "get " + key + "-missing\r\n", "END\r\n"), QByteArray("END\r\n"));
        QCOMPARE(command(s, "get " + key + "-missing2\r\n", "END\r\n"), QByteArray("END\r\n"));

        // Others may use the lab's memcached at the same time: at least ours.
        const MemcachedStats after = fetchMemcachedStats(server());
        QVERIFY2(after.ok(), qPrintable(after.error));
        QVERIFY(*after.getHits >= *before.getHits + 3);
        QVERIFY(*after.getMisses >= *before.getMisses + 2);
        QVERIFY(*after.currItems >= 1);
        QVERIFY(*after.currConnections >= 2); // ours above, and the stats connection
        QVERIFY(after.hitRatio().has_value());
        QVERIFY(*after.hitRatio() > 0.0 && *after.hitRatio() <= 1.0);
        QVERIFY(after.queryMs > 0);
        QCOMPARE(after.server, server());
        command(s, "delete " + key + "\r\n", "\r\n");
    }

    void wrongPortIsUnavailableQuickly()
    {
        const QString host = server().section(u':', 0, 0);
        QElapsedTimer t;
        t.start();
        const MemcachedStats s = fetchMemcachedStats(host + QStringLiteral(":1"), 2000);
        QVERIFY(t.elapsed() < 2500);
        QVERIFY(!s.ok());
        QVERIFY(s.error.startsWith(QStringLiteral("unavailable: ")));
    }
};

QTEST_GUILESS_MAIN(TestInspectorMemcached)
#include "tst_inspector_memcached.moc"
