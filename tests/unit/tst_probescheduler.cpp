// ProbeScheduler runs at most one probe per profile: requests made while one
// hangs are folded into one that follows it, so a stalled region cannot fill
// the probe pool with blocked threads.
#include "collector/probescheduler.h"
#include "profiles/secretstore.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace turnstile;

class TestProbeScheduler : public QObject
{
    Q_OBJECT
private slots:
    void requestsForABusyProfileAreFolded()
    {
        // Accepts connections and never answers: each probe waits for its
        // timeout (a fault the lab's Keystone cannot produce on demand).
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        QList<QTcpSocket *> held;
        connect(&silent, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket *s = silent.nextPendingConnection())
                held.append(s);
        });

        Profile p;
        p.name = QStringLiteral("stalled");
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v3").arg(silent.serverPort()));
        p.username = QStringLiteral("admin");
        p.timeoutMs = 1500;

        SecretStore secrets;
        ProbeScheduler scheduler(&secrets);
        QSignalSpy finished(&scheduler, &ProbeScheduler::probeFinished);
        for (int i = 0; i < 5; ++i)
            scheduler.probe(p);
        QTRY_COMPARE_WITH_TIMEOUT(scheduler.inFlight(), 1, 10000);
        QTest::qWait(300);
        QCOMPARE(scheduler.inFlight(), 1); // not five blocked pool threads

        // The running probe reports (same profile, so its figures are the
        // freshest there are), then the one request kept for afterwards.
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 30000);
        QTest::qWait(500);
        QCOMPARE(finished.count(), 2);
        QCOMPARE(scheduler.inFlight(), 0);
        const ProbeResult r = finished.last().at(0).value<ProbeResult>();
        QCOMPARE(r.profile, QStringLiteral("stalled"));
        QVERIFY(!r.endpointError.isEmpty());
        qDeleteAll(held);
    }

    void editedProfileDropsTheRunningProbe_data()
    {
        QTest::addColumn<bool>("whileRunning");
        // Edited while the old probe waits for its endpoint.
        QTest::newRow("running") << true;
        // Edited before the keychain answered for the old request.
        QTest::newRow("keychain") << false;
    }

    void editedProfileDropsTheRunningProbe()
    {
        QFETCH(bool, whileRunning);
        // Two endpoints that never answer; the profile is edited from the
        // first to the second.
        QTcpServer first;
        QTcpServer second;
        QVERIFY(first.listen(QHostAddress::LocalHost));
        QVERIFY(second.listen(QHostAddress::LocalHost));
        QList<QTcpSocket *> held;
        for (QTcpServer *server : {&first, &second})
            connect(server, &QTcpServer::newConnection, this, [&held, server] {
                while (QTcpSocket *s = server->nextPendingConnection())
                    held.append(s);
            });
        Profile p;
        p.name = QStringLiteral("edited");
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v3").arg(first.serverPort()));
        p.username = QStringLiteral("admin");
        p.timeoutMs = 1500;
        Profile edited = p;
        edited.authUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v3").arg(second.serverPort()));

        SecretStore secrets;
        ProbeScheduler scheduler(&secrets);
        QSignalSpy finished(&scheduler, &ProbeScheduler::probeFinished);
        scheduler.probe(p);
        if (whileRunning)
            QTRY_COMPARE_WITH_TIMEOUT(scheduler.inFlight(), 1, 10000);
        scheduler.probe(edited);
        scheduler.probe(edited);
        // Never more than one pool thread for the profile.
        QTRY_COMPARE_WITH_TIMEOUT(scheduler.inFlight(), 1, 10000);
        QTest::qWait(300);
        QCOMPARE(scheduler.inFlight(), 1);

        // Only the edited profile's figures arrive: the old endpoint's are
        // stale. While the old probe ran, the two requests for the edited
        // one were folded into one that followed it. Before the keychain
        // answered, the old request never starts; the edited one's first
        // probe then reports and its second, which waited, follows.
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() >= 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(scheduler.inFlight(), 0, 30000);
        QTest::qWait(500);
        if (whileRunning)
            QCOMPARE(finished.count(), 1);
        else
            QVERIFY(finished.count() <= 2);
        for (const QList<QVariant> &args : std::as_const(finished)) {
            const ProbeResult r = args.at(0).value<ProbeResult>();
            QVERIFY2(r.endpoint.contains(QString::number(second.serverPort())),
                     qPrintable(r.endpoint));
        }
        qDeleteAll(held);
    }
};

QTEST_MAIN(TestProbeScheduler)
#include "tst_probescheduler.moc"
