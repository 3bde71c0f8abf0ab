// evaluateGalera and the flow-control arithmetic: the sentences, the thresholds, the delta of
// the cumulative counter and split detection, without a server.
#include "collector/collector.h"
#include "db/galerastatus.h"
#include "health/galeraverdict.h"
#include "health/thresholds.h"
#include "probe/galeraalert.h"
#include "probe/proberesult.h"
#include "profiles/profile.h"

#include <QJsonArray>
#include <QTest>

using namespace turnstile;

namespace {
GaleraNodeStatus synced(const QString &name, int size = 3, qint64 conf = 7)
{
    GaleraNodeStatus n;
    n.name = name;
    n.address = QStringLiteral("127.0.0.1:%1").arg(name);
    n.reachable = true;
    n.clusterStatus = QStringLiteral("Primary");
    n.localState = QStringLiteral("Synced");
    n.clusterSize = size;
    n.ready = true;
    n.confId = conf;
    n.flowControlPausedNs = 0;
    return n;
}

GaleraStatus cluster(const QList<GaleraNodeStatus> &nodes, int expected = 3)
{
    GaleraStatus s;
    s.nodes = nodes;
    s.expectedSize = expected;
    return s;
}
} // namespace

class TestGaleraVerdict : public QObject
{
    Q_OBJECT

private slots:
    void theProfileKeepsItsGaleraNodes()
    {
        Profile p;
        p.name = QStringLiteral("east");
        p.galeraNodes = {QStringLiteral("db1:3306"), QStringLiteral("db2:3306")};
        const QJsonObject o = p.toJson();
        QCOMPARE(o.value(u"galera_nodes").toArray().size(), 2);
        QCOMPARE(Profile::fromJson(o).galeraNodes, p.galeraNodes);
        // Absent: nothing written, discovery from the database.
        QVERIFY(!Profile{}.toJson().contains(u"galera_nodes"));
    }

    void flowControlIsTheChangeOverTheIntervalNeverTheCounter()
    {
        // 34 s paused in 100 s, whatever the counter had before.
        const auto share = flowControlShare(900'000'000'000, 1'000, 934'000'000'000, 101'000);
        QVERIFY(share);
        QCOMPARE(qRound(*share * 100), 34);
        QVERIFY(!flowControlShare(-1, 0, 5'000'000'000, 1'000));     // first sample
        QVERIFY(!flowControlShare(5'000'000'000, 1'000, 10, 2'000)); // the node restarted
        QVERIFY(!flowControlShare(5'000'000'000, 1'000, 6'000'000'000, 1'000)); // no time passed
        QCOMPARE(*flowControlShare(0, 0, 2'000'000'000, 1'000), 1.0);           // rounding clamped
    }

    void allSyncedPrimaryIsGreenWithoutASentence()
    {
        GaleraStatus s = cluster({synced(QStringLiteral("db1")), synced(QStringLiteral("db2")),
                                  synced(QStringLiteral("db3"))});
        evaluateGalera(s, defaultThresholds());
        QCOMPARE(s.level, int(HealthLevel::Ok));
        QVERIFY(s.reason.isEmpty());
    }

    void theIssuesExampleNamesNodeFigureAndThreshold()
    {
        GaleraNodeStatus db1 = synced(QStringLiteral("db1"), 2);
        db1.flowControlPausedShare = 0.34;
        db1.flowControlIntervalSec = 60;
        GaleraNodeStatus db2 = synced(QStringLiteral("db2"), 2);
        db2.localState = QStringLiteral("Donor/Desynced");
        GaleraStatus s = cluster({db1, db2});
        evaluateGalera(s, defaultThresholds());
        QCOMPARE(s.level, int(HealthLevel::Warning));
        QCOMPARE(s.reason, QStringLiteral("Galera: db2 is Donor/Desynced; cluster size 2 of 3 "
                                          "(warning from 1 missing); flow control paused db1 for "
                                          "34 % of the last 60 s (warning above 10 %)."));
    }

    void thresholdsComeFromTheProfilesOverrides()
    {
        GaleraNodeStatus db1 = synced(QStringLiteral("db1"));
        db1.flowControlPausedShare = 0.34;
        db1.flowControlIntervalSec = 300;
        GaleraStatus s =
            cluster({db1, synced(QStringLiteral("db2")), synced(QStringLiteral("db3"))});
        evaluateGalera(s, defaultThresholds());
        QCOMPARE(s.level, int(HealthLevel::Warning));
        const QJsonObject overrides{
            {QStringLiteral("galera.flow_control_paused"),
             QJsonObject{{QStringLiteral("warn"), 0.05}, {QStringLiteral("critical"), 0.3}}}};
        evaluateGalera(s, effectiveThresholds(overrides));
        QCOMPARE(s.level, int(HealthLevel::Critical));
        QCOMPARE(s.findings, QStringList{QStringLiteral(
                                 "flow control paused db1 for 34 % of the last 5 min (critical "
                                 "above 30 %)")});
    }

    void twoMissingIsCriticalAndAnUnreachableNodeIsNamed()
    {
        GaleraNodeStatus db3;
        db3.name = QStringLiteral("db3");
        db3.error = QStringLiteral("connection refused");
        GaleraStatus s = cluster({synced(QStringLiteral("db1"), 1), db3});
        evaluateGalera(s, defaultThresholds());
        QCOMPARE(s.level, int(HealthLevel::Critical));
        QCOMPARE(s.findings.first(),
                 QStringLiteral("cluster size 1 of 3 (critical from 2 missing)"));
        QVERIFY(s.findings.contains(QStringLiteral("db3 does not answer (connection refused)")));
    }

    void nonPrimaryAndNotReadyAreCritical()
    {
        GaleraNodeStatus db2 = synced(QStringLiteral("db2"), 1);
        db2.clusterStatus = QStringLiteral("non-Primary");
        db2.ready = false;
        db2.localState = QStringLiteral("Initialized");
        GaleraStatus s =
            cluster({synced(QStringLiteral("db1"), 2), synced(QStringLiteral("db3"), 2), db2});
        evaluateGalera(s, defaultThresholds());
        QCOMPARE(s.level, int(HealthLevel::Critical));
        QVERIFY2(s.reason.startsWith(
                     QStringLiteral("Galera: db2 is non-Primary, not in the Primary component")),
                 qPrintable(s.reason));
    }

    void twoConfigurationIdsAreASplit()
    {
        GaleraStatus s =
            cluster({synced(QStringLiteral("db1"), 3, 7), synced(QStringLiteral("db2"), 3, 7),
                     synced(QStringLiteral("db3"), 3, 9)});
        evaluateGalera(s, defaultThresholds());
        QCOMPARE(s.level, int(HealthLevel::Critical));
        QCOMPARE(s.findings.first(),
                 QStringLiteral("the cluster is split into 2 configurations: configuration 7 on "
                                "db1, db2; configuration 9 on db3"));
        const auto metrics = galeraMetrics(s);
        QVERIFY(metrics.contains(qMakePair(QStringLiteral("galera.conf_ids"), 2.0)));
    }

    void receiveQueueAgainstItsThreshold()
    {
        GaleraNodeStatus db2 = synced(QStringLiteral("db2"));
        db2.recvQueueAvg = 12.5;
        GaleraStatus s =
            cluster({synced(QStringLiteral("db1")), db2, synced(QStringLiteral("db3"))});
        evaluateGalera(s, defaultThresholds());
        QCOMPARE(s.findings,
                 QStringList{QStringLiteral(
                     "db2's receive queue averages 12.5 write sets (warning above 5)")});
    }

    void theProfileVerdictIgnoresGaleraSeriesAndTheAlertFoldsTheSentenceIn()
    {
        // History's galera.* series must not add a second, nameless sentence.
        const HealthVerdict v = evaluateHealth(defaultThresholds(),
                                               {{QStringLiteral("keystone.up"), 1},
                                                {QStringLiteral("galera.flow_control_paused"), 0.9},
                                                {QStringLiteral("galera.nodes_missing"), 2}},
                                               {});
        QVERIFY2(v.reason.isEmpty(), qPrintable(v.reason));
        QCOMPARE(v.level, HealthLevel::Ok);

        ProbeResult r;
        r.thresholdLevel = 2;
        r.thresholdReason = QStringLiteral("Other news.");
        GaleraNodeStatus db2 = synced(QStringLiteral("db2"), 2);
        db2.localState = QStringLiteral("Donor/Desynced");
        GaleraStatus s = cluster({synced(QStringLiteral("db1"), 2), db2});
        evaluateGalera(s, defaultThresholds());
        r.galera = s;
        applyGaleraAlert(r);
        applyGaleraAlert(r); // idempotent
        QCOMPARE(r.thresholdLevel, 2);
        QCOMPARE(
            r.thresholdReason,
            QStringLiteral("Galera: db2 is Donor/Desynced; cluster size 2 of 3 (warning from 1 "
                           "missing). Other news."));
        QVERIFY(r.thresholdTriggered.contains(QStringLiteral("galera")));

        // The probe's JSON keeps the nodes; the history gets the cluster's figures.
        const ProbeResult back = ProbeResult::fromJson(r.toJson());
        QVERIFY(back.galera);
        QCOMPARE(back.galera->nodes.size(), 2);
        QCOMPARE(back.galera->nodes.at(1).localState, QStringLiteral("Donor/Desynced"));
        CollectResult c;
        c.probe = r;
        const auto flat = flattenMetrics(c, nullptr);
        QVERIFY(flat.contains(qMakePair(QStringLiteral("galera.nodes_missing"), 1.0)));
        QVERIFY(flat.contains(qMakePair(QStringLiteral("galera.nodes_synced"), 1.0)));
    }
};

QTEST_GUILESS_MAIN(TestGaleraVerdict)
#include "tst_galeraverdict.moc"
