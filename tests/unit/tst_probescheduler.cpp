// ProbeScheduler runs at most one probe per profile: requests made while one
// hangs are folded into one that follows it, so a stalled region cannot fill
// the probe pool with blocked threads. Issue 21: a refresh of hundreds of
// profiles is paced (ProbePacer): a burst, then spread over half the round,
// a bounded number running, and every profile still probed once a round.
#include "collector/probepacer.h"
#include "collector/probescheduler.h"
#include "profiles/secretstore.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <cmath>
#include <functional>

using namespace turnstile;

class TestProbeScheduler : public QObject
{
    Q_OBJECT
    // Steps a ProbePacer through `rounds` refresh rounds of `profiles`
    // profiles in 10 ms steps; each probe takes `durationMs(profile)`.
    struct Simulation
    {
        int maxRunning = 0;
        int mostStartsInOneStep = 0;
        // Per round, per profile: when it started, from the round's start.
        QList<QHash<QString, QList<qint64>>> starts;
    };
    static Simulation simulate(const ProbePacing &pacing, int profiles, int rounds,
                               const std::function<qint64(int)> &durationMs)
    {
        ProbePacer pacer(pacing);
        Simulation sim;
        QHash<QString, qint64> endsAt; // running probes
        const auto name = [](int i) {
            return QStringLiteral("p%1").arg(i, 3, 10, QLatin1Char('0'));
        };
        for (qint64 now = 0; now < rounds * pacing.roundMs; now += 10) {
            const int round = int(now / pacing.roundMs);
            if (now % pacing.roundMs == 0) {
                sim.starts.append(QHash<QString, QList<qint64>>());
                for (int i = 0; i < profiles; ++i) // the window's timer: every profile
                    pacer.request(name(i), now);
            }
            endsAt.removeIf([now](const auto &it) { return it.value() <= now; });
            int started = 0;
            for (QString next = pacer.takeNext(
                     now, int(endsAt.size()), [&](const QString &p) { return endsAt.contains(p); });
                 !next.isEmpty();
                 next = pacer.takeNext(now, int(endsAt.size()),
                                       [&](const QString &p) { return endsAt.contains(p); })) {
                endsAt.insert(next, now + durationMs(next.mid(1).toInt()));
                sim.starts[round][next].append(now - round * pacing.roundMs);
                ++started;
            }
            sim.maxRunning = std::max(sim.maxRunning, int(endsAt.size()));
            sim.mostStartsInOneStep = std::max(sim.mostStartsInOneStep, started);
        }
        return sim;
    }

private slots:
    // 200 profiles refreshed every 30 s: never 200 at once, yet each once a
    // round, all within the first half of it; also when every tenth profile
    // hangs for 5 s on each probe.
    void pacingSpreadsARoundAndKeepsEveryProfileOnTime_data()
    {
        QTest::addColumn<int>("profiles");
        QTest::addColumn<bool>("someHang");
        QTest::newRow("200") << 200 << false;
        QTest::newRow("200, every tenth hangs 5 s") << 200 << true;
        QTest::newRow("500") << 500 << false;
    }
    void pacingSpreadsARoundAndKeepsEveryProfileOnTime()
    {
        QFETCH(int, profiles);
        QFETCH(bool, someHang);
        const ProbePacing pacing; // the window's: 16 at a time, bursts of 8, 30 s
        const Simulation sim = simulate(pacing, profiles, 3, [someHang](int i) -> qint64 {
            return someHang && i % 10 == 0 ? 5000 : 300;
        });
        QVERIFY2(sim.maxRunning <= pacing.maxConcurrent,
                 qPrintable(QString::number(sim.maxRunning)));
        QCOMPARE(sim.mostStartsInOneStep, pacing.burst);
        QCOMPARE(sim.starts.size(), 3);
        const qint64 spread = qint64(double(pacing.roundMs) * pacing.spreadFraction);
        for (const auto &round : sim.starts) {
            QCOMPARE(round.size(), profiles); // every profile probed this round
            qint64 last = 0;
            for (auto it = round.cbegin(); it != round.cend(); ++it) {
                QCOMPARE(it.value().size(), 1); // once
                last = std::max(last, it.value().first());
            }
            // All started within the first half of the round (one 10 ms step of slack).
            QVERIFY2(last <= spread + 10, qPrintable(QString::number(last)));
            // Spread, not bunched: the first second starts the burst and about
            // a second's worth of the rate, not the whole round.
            int firstSecond = 0;
            for (const auto &at : round)
                firstSecond += at.first() < 1000 ? 1 : 0;
            const int allowed = pacing.burst + int(std::ceil(profiles * 1000.0 / double(spread)));
            QVERIFY2(firstSecond <= allowed,
                     qPrintable(QStringLiteral("%1 > %2").arg(firstSecond).arg(allowed)));
        }
    }

    // A few profiles are not held back: all start at once, as before.
    void pacingStartsAFewProfilesAtOnce()
    {
        const Simulation sim = simulate(ProbePacing{}, 4, 1, [](int) { return 300; });
        for (const auto &at : sim.starts.first())
            QCOMPARE(at.first(), 0);
        QCOMPARE(sim.starts.first().size(), 4);
    }

    // The longest-waiting request first; asking again keeps the place; a
    // profile whose probe still runs waits and the ones behind it go first.
    void pacingOrder()
    {
        ProbePacing pacing;
        pacing.burst = 1;
        pacing.roundMs = 4000; // 3 profiles over 2 s, or one start a second
        ProbePacer pacer(pacing);
        pacer.request(QStringLiteral("a"), 0);
        pacer.request(QStringLiteral("b"), 0);
        pacer.request(QStringLiteral("c"), 0);
        pacer.request(QStringLiteral("a"), 0); // keeps its place
        QCOMPARE(pacer.waiting(), 3);
        const auto none = [](const QString &) { return false; };
        QCOMPARE(pacer.takeNext(0, 0, none), QStringLiteral("a"));
        QCOMPARE(pacer.takeNext(0, 1, none), QString()); // the bucket is empty
        QVERIFY(pacer.msUntilNextStart(0) > 0);
        const qint64 next = pacer.msUntilNextStart(0);
        QCOMPARE(pacer.takeNext(next, 1, [](const QString &p) { return p == u"b"; }),
                 QStringLiteral("c"));
        QVERIFY(pacer.isWaiting(QStringLiteral("b")));
        // Bounded: with maxConcurrent running nothing starts, tokens or not.
        QCOMPARE(pacer.takeNext(100000, pacing.maxConcurrent, none), QString());
        pacer.forget(QStringLiteral("b"));
        QCOMPARE(pacer.waiting(), 0);
        QCOMPARE(pacer.msUntilNextStart(100000), -1);
    }

    // The real scheduler: 40 profiles whose Keystone refuses connections,
    // at most 4 running and bursts of 2 over a 2 s round. Before, all 40
    // started (keychain read, probe, "Probing…") inside the 40 probe() calls.
    void schedulerPacesARefresh()
    {
        ProbePacing pacing;
        pacing.maxConcurrent = 4;
        pacing.burst = 2;
        pacing.roundMs = 2000;
        SecretStore secrets;
        ProbeScheduler scheduler(&secrets, nullptr, pacing);
        QElapsedTimer clock;
        QList<qint64> startedAt;
        int mostRunning = 0;
        connect(&scheduler, &ProbeScheduler::probeStarted, this, [&](const QString &) {
            startedAt.append(clock.elapsed());
            mostRunning = std::max(mostRunning, scheduler.running());
        });
        QSignalSpy finished(&scheduler, &ProbeScheduler::probeFinished);
        clock.start();
        for (int i = 0; i < 40; ++i) {
            Profile p;
            p.name = QStringLiteral("refused-%1").arg(i);
            p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3"));
            p.username = QStringLiteral("admin");
            p.timeoutMs = 1500;
            scheduler.probe(p);
        }
        QCOMPARE(startedAt.size(), pacing.burst); // not 40
        QCOMPARE(scheduler.waiting(), 40 - pacing.burst);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 40, 20000);
        QVERIFY2(mostRunning <= pacing.maxConcurrent, qPrintable(QString::number(mostRunning)));
        QCOMPARE(startedAt.size(), 40);
        // Spread: the burst at once, then at 40 profiles per second (the 40
        // asked for within the 2 s round, over half of it): start i no
        // earlier than (i + 1 - burst) / 40 s after the first (the machine
        // may be slower, never faster).
        for (qsizetype i = 0; i < startedAt.size(); ++i)
            QVERIFY2(startedAt.at(i) - startedAt.first() >= (i + 1 - pacing.burst) * 25 - 5,
                     qPrintable(QStringLiteral("start %1 at %2 ms, the first at %3 ms")
                                    .arg(i)
                                    .arg(startedAt.at(i))
                                    .arg(startedAt.first())));
        QVERIFY2(startedAt.last() - startedAt.first() >= 900,
                 qPrintable(QString::number(startedAt.last() - startedAt.first())));
        QCOMPARE(scheduler.running(), 0);
        QCOMPARE(scheduler.waiting(), 0);
    }

    // A profile removed while its request waits is not probed afterwards
    // (the window's profile file watcher removes profiles).
    void forgottenRequestNeverStarts()
    {
        ProbePacing pacing;
        pacing.burst = 1;
        pacing.roundMs = 2000;
        SecretStore secrets;
        ProbeScheduler scheduler(&secrets, nullptr, pacing);
        QStringList started;
        connect(&scheduler, &ProbeScheduler::probeStarted, this,
                [&](const QString &p) { started.append(p); });
        QSignalSpy finished(&scheduler, &ProbeScheduler::probeFinished);
        for (const char *name : {"first", "removed", "last"}) {
            Profile p;
            p.name = QLatin1String(name);
            p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3"));
            p.timeoutMs = 1500;
            scheduler.probe(p);
        }
        QCOMPARE(started, QStringList{QStringLiteral("first")});
        scheduler.forget(QStringLiteral("removed"));
        QCOMPARE(scheduler.waiting(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, 20000);
        QTest::qWait(300);
        QCOMPARE(started, (QStringList{QStringLiteral("first"), QStringLiteral("last")}));
    }

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
