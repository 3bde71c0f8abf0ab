#include "health/galeraverdict.h"
#include "health/thresholds.h"
#include "overviewmodel.h"
#include "probe/galeraalert.h"
#include "util/timetext.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QSignalSpy>
#include <QTest>

using namespace turnstile;

class TestOverviewModel : public QObject
{
    Q_OBJECT
    static ProbeResult healthy(const QString &name)
    {
        ProbeResult r;
        r.profile = name;
        r.startedAt = QDateTime::currentDateTimeUtc();
        r.reachable = true;
        r.keystoneVersion = QStringLiteral("v3.14");
        r.issueMs = 290.5;
        r.validateMs = 55.25;
        r.databaseConfigured = true;
        r.revocationEvents = 4812;
        r.tokenRows = 0;
        return r;
    }
private slots:
    void passesModelTester()
    {
        OverviewModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setProfiles({QStringLiteral("a"), QStringLiteral("b")});
        m.setBusy(QStringLiteral("a"), true);
        m.setResult(healthy(QStringLiteral("a")));
        m.setProfiles({QStringLiteral("b")});
        m.setProfiles({});
    }
    void keepsResultsAcrossProfileListChanges()
    {
        OverviewModel m;
        m.setProfiles({QStringLiteral("a"), QStringLiteral("b")});
        m.setResult(healthy(QStringLiteral("b")));
        m.setProfiles({QStringLiteral("b"), QStringLiteral("c")});
        QVERIFY(m.result(QStringLiteral("b")).has_value());
        QVERIFY(!m.result(QStringLiteral("c")).has_value());
        QCOMPARE(m.index(0, OverviewModel::RevocationColumn).data().toString(),
                 QLocale().toString(4812));
    }
    void resultForUnknownProfileIsIgnored()
    {
        OverviewModel m;
        m.setProfiles({QStringLiteral("a")});
        QSignalSpy spy(&m, &QAbstractItemModel::dataChanged);
        m.setResult(healthy(QStringLiteral("gone")));
        QCOMPARE(spy.count(), 0);
    }

    // Issue 21: "2 critical · 1 warning · 5 OK" above the tiles.
    void summaryCountsEveryLevel()
    {
        OverviewModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(m.summaryText(), QString());
        QStringList names;
        for (int i = 0; i < 9; ++i)
            names.append(QStringLiteral("p%1").arg(i));
        m.setProfiles(names);
        QCOMPARE(m.summaryText(), QStringLiteral("9 unknown"));
        for (int i = 0; i < 8; ++i) {
            ProbeResult r = healthy(names.at(i));
            if (i < 2)
                r.endpointError = QStringLiteral("Connection refused.");
            else if (i == 2)
                r.thresholdLevel = 2;
            m.setResult(r);
        }
        // p8 was never probed: unknown, not OK.
        QCOMPARE(m.summaryText(), QStringLiteral("2 critical · 1 warning · 5 OK · 1 unknown"));
    }

    // Issue 21: red first, then amber, the rest; stable inside a level.
    void rowsBySeverityIsStable()
    {
        OverviewModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const QStringList names{QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"),
                                QStringLiteral("d"), QStringLiteral("e"), QStringLiteral("f")};
        m.setProfiles(names);
        QCOMPARE(m.rowsBySeverity(), (QList<int>{0, 1, 2, 3, 4, 5}));
        const auto set = [&m](const QString &name, int level) {
            ProbeResult r = healthy(name);
            if (level == 3)
                r.endpointError = QStringLiteral("Connection refused.");
            else if (level == 2)
                r.thresholdLevel = 2;
            m.setResult(r);
        };
        set(QStringLiteral("a"), 1);
        set(QStringLiteral("b"), 2);
        set(QStringLiteral("c"), 3);
        set(QStringLiteral("d"), 1);
        set(QStringLiteral("e"), 3);
        set(QStringLiteral("f"), 2);
        QCOMPARE(m.rowsBySeverity(), (QList<int>{2, 4, 1, 5, 0, 3}));
        // The rows themselves stay put: the order is a view of them.
        QCOMPARE(m.profiles(), names);
    }

    // Issue 21: the figure a threshold judged carries its level, so the
    // tile can highlight the offending row.
    void figureStatusNamesTheOffendingColumn()
    {
        OverviewModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setProfiles({QStringLiteral("a")});
        const auto at = [&m](int column) {
            return m.index(0, column)
                .data(OverviewModel::FigureStatusRole)
                .value<OverviewModel::Status>();
        };
        QCOMPARE(at(OverviewModel::ValidateColumn), OverviewModel::Status::Unknown);
        ProbeResult r = healthy(QStringLiteral("a"));
        r.thresholdLevel = 3;
        r.thresholdTriggered = {QStringLiteral("validate.ms"),
                                QStringLiteral("revocation_event.obsolete"),
                                QStringLiteral("revocation_event.rows")};
        r.thresholdCritical = {QStringLiteral("validate.ms"),
                               QStringLiteral("revocation_event.obsolete")};
        m.setResult(r);
        QCOMPARE(at(OverviewModel::ValidateColumn), OverviewModel::Status::Critical);
        // Two rules on one row: the worse one wins.
        QCOMPARE(at(OverviewModel::RevocationColumn), OverviewModel::Status::Critical);
        QCOMPARE(at(OverviewModel::IssueColumn), OverviewModel::Status::Ok);
        r.thresholdCritical.clear();
        m.setResult(r);
        QCOMPARE(at(OverviewModel::ValidateColumn), OverviewModel::Status::Warning);
        QCOMPARE(OverviewModel::columnOfMetric(QStringLiteral("token.live")),
                 int(OverviewModel::TokenGrowthColumn));
        QCOMPARE(OverviewModel::columnOfMetric(QStringLiteral("keys")),
                 int(OverviewModel::KeysColumn));
    }
    void statusAndReason()
    {
        ProbeResult r = healthy(QStringLiteral("a"));
        QCOMPARE(OverviewModel::statusOf(r), OverviewModel::Status::Ok);

        r.databaseError =
            QStringLiteral("Cannot connect to the database keystone at db:3306: Access denied");
        QCOMPARE(OverviewModel::statusOf(r), OverviewModel::Status::Warning);
        QCOMPARE(OverviewModel::reasonOf(r), r.databaseError);

        r.endpointError =
            QStringLiteral("Connection refused by 127.0.0.1:1: nothing listens there.");
        QCOMPARE(OverviewModel::statusOf(r), OverviewModel::Status::Critical);
        QCOMPARE(OverviewModel::reasonOf(r), r.endpointError);

        OverviewModel m;
        m.setProfiles({QStringLiteral("a")});
        m.setResult(r);
        QCOMPARE(m.index(0, 0).data(OverviewModel::StatusRole).value<OverviewModel::Status>(),
                 OverviewModel::Status::Critical);
        QCOMPARE(m.index(0, OverviewModel::StatusColumn).data(Qt::DecorationRole).value<QColor>(),
                 QColor(0xc6, 0x28, 0x28));
        QCOMPARE(m.index(0, 0).data(OverviewModel::ReasonRole).toString(), r.endpointError);
    }
    void thresholdVerdictColoursTheRow()
    {
        ProbeResult r = healthy(QStringLiteral("a"));
        r.thresholdLevel = 2;
        r.thresholdReason = QStringLiteral(
            "4,812 revocation events; 3,900 of 4,812 revocation events are obsolete.");
        QCOMPARE(OverviewModel::statusOf(r), OverviewModel::Status::Warning);
        QCOMPARE(OverviewModel::reasonOf(r), r.thresholdReason);
        r.thresholdLevel = 3;
        QCOMPARE(OverviewModel::statusOf(r), OverviewModel::Status::Critical);
        r.endpointError = QStringLiteral("down");
        QCOMPARE(OverviewModel::reasonOf(r),
                 QStringLiteral("down")); // unreachable beats a stale verdict
    }
    // Issue 18: a Galera node that left turns the region's tile amber and the tile's reason
    // names the node and the size, through the same verdict as every other finding.
    void aGaleraNodeThatLeftColoursTheTileAndSaysWhy()
    {
        ProbeResult r = healthy(QStringLiteral("a"));
        r.thresholdLevel = 1;
        GaleraStatus g;
        g.expectedSize = 3;
        for (const char *name : {"db1", "db2"}) {
            GaleraNodeStatus n;
            n.name = QLatin1String(name);
            n.reachable = true;
            n.clusterStatus = QStringLiteral("Primary");
            n.localState = QStringLiteral("Synced");
            n.clusterSize = 2;
            n.ready = true;
            g.nodes.append(n);
        }
        GaleraNodeStatus db3;
        db3.name = QStringLiteral("db3");
        db3.error = QStringLiteral("connection refused");
        g.nodes.append(db3);
        evaluateGalera(g, defaultThresholds());
        r.galera = g;
        applyGaleraAlert(r);
        QCOMPARE(OverviewModel::statusOf(r), OverviewModel::Status::Warning);
        QCOMPARE(OverviewModel::reasonOf(r),
                 QStringLiteral("Galera: db3 does not answer (connection refused); cluster size 2 "
                                "of 3 (warning from 1 missing)."));
    }
    // Issue 18's screenshot: the region whose own Galera node left fails at Keystone too; the
    // tile leads with the cluster (the cause), then Keystone's symptom, not the symptom alone.
    void aFailingKeystoneWithADegradedClusterSaysTheClusterFirst()
    {
        ProbeResult r = healthy(QStringLiteral("a"));
        r.endpointError = QStringLiteral("127.0.0.1:37342 closed the connection before answering.");
        QCOMPARE(OverviewModel::reasonOf(r), r.endpointError);
        GaleraStatus g;
        g.level = 2;
        g.reason = QStringLiteral("Galera: db3 does not answer (connection refused); cluster "
                                  "size 2 of 3 (warning from 1 missing).");
        r.galera = g;
        QCOMPARE(OverviewModel::reasonOf(r), g.reason + u' ' + r.endpointError);
        r.galera->level = 1; // a healthy cluster is not blamed
        QCOMPARE(OverviewModel::reasonOf(r), r.endpointError);
        r.endpointError.clear();
        r.tokenError = QStringLiteral("Keystone answered HTTP 500.");
        r.galera->level = 3;
        QCOMPARE(OverviewModel::reasonOf(r), g.reason + u' ' + r.tokenError);
    }
    void missingFiguresSayUnavailable()
    {
        ProbeResult r = healthy(QStringLiteral("a"));
        r.revocationEvents.reset();
        r.revocationError = QStringLiteral("unavailable: SELECT command denied");
        OverviewModel m;
        m.setProfiles({QStringLiteral("a")});
        m.setResult(r);
        QCOMPARE(m.index(0, OverviewModel::RevocationColumn).data().toString(),
                 QStringLiteral("unavailable"));
        QVERIFY(m.index(0, 0)
                    .data(OverviewModel::ReasonRole)
                    .toString()
                    .contains(QStringLiteral("SELECT command denied")));
    }
    void growthObsoleteAndMemcached()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        ProbeResult r = healthy(QStringLiteral("a"));
        OverviewModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setProfiles({QStringLiteral("a")});
        m.setResult(r);
        // Not measured (no history, no memcached): said, not left blank.
        QCOMPARE(m.index(0, OverviewModel::TokenGrowthColumn).data().toString(),
                 QStringLiteral("n/a"));
        QCOMPARE(m.index(0, OverviewModel::MemcachedColumn).data().toString(),
                 QStringLiteral("n/a"));
        QCOMPARE(m.index(0, OverviewModel::KeysColumn).data().toString(), QStringLiteral("n/a"));
        QCOMPARE(m.index(0, OverviewModel::LockedUsersColumn).data().toString(),
                 QStringLiteral("n/a"));
        r.keysSummary = QStringLiteral("3 nodes agree (primary 7)");
        ComplianceSummary locked;
        locked.locked = 12;
        r.compliance = locked;
        m.setResult(r);
        QCOMPARE(m.index(0, OverviewModel::KeysColumn).data().toString(), r.keysSummary);
        QCOMPARE(m.index(0, OverviewModel::LockedUsersColumn).data().toString(),
                 QStringLiteral("12"));
        locked.locked = -1;
        r.compliance = locked;
        m.setResult(r);
        QCOMPARE(m.index(0, OverviewModel::LockedUsersColumn).data().toString(),
                 QStringLiteral("unavailable"));
        r.compliance.reset();
        r.revocationEvents = 4812;
        r.revocationObsolete = 3900;
        r.tokenGrowthPerDay = 125000.4;
        r.memcachedHitRatio = 0.9731;
        m.setResult(r);
        QCOMPARE(m.index(0, OverviewModel::RevocationColumn).data().toString(),
                 QStringLiteral("4,812 (3,900 obsolete)"));
        QCOMPARE(m.index(0, OverviewModel::TokenGrowthColumn).data().toString(),
                 QStringLiteral("+125,000 / day"));
        QCOMPARE(m.index(0, OverviewModel::MemcachedColumn).data().toString(),
                 QStringLiteral("97.3 %"));
        r.tokenGrowthPerDay = -2000;
        r.revocationObsolete = 0;
        m.setResult(r);
        QCOMPARE(m.index(0, OverviewModel::TokenGrowthColumn).data().toString(),
                 QStringLiteral("-2,000 / day"));
        // From a few hours of history (a purge an hour ago), the change itself:
        // -4,000,000 / day over 9 h is 1.5 M rows gone, not a rate.
        r.tokenGrowthPerDay = -4'000'000;
        r.tokenGrowthSpanSec = 9 * 3600;
        m.setResult(r);
        QCOMPARE(m.index(0, OverviewModel::TokenGrowthColumn).data().toString(),
                 QStringLiteral("-1,500,000 in the last 9h"));
        r.tokenGrowthSpanSec = 86400 - 60; // a full day (less a sample slot)
        m.setResult(r);
        QCOMPARE(m.index(0, OverviewModel::TokenGrowthColumn).data().toString(),
                 QStringLiteral("-4,000,000 / day"));
        QCOMPARE(m.index(0, OverviewModel::RevocationColumn).data().toString(),
                 QStringLiteral("4,812"));
        // 15.5: a quarter of an hour of history is no rate, only the span.
        r.tokenGrowthPerDay.reset();
        r.tokenGrowthSpanSec = 15 * 60;
        m.setResult(r);
        QCOMPARE(m.index(0, OverviewModel::TokenGrowthColumn).data().toString(),
                 QStringLiteral("collecting (15m so far)"));
        r.tokenGrowthPerDay = -4'000'000;
        r.tokenGrowthSpanSec = 86400 - 60;
        // The figures survive the JSON round trip (turnstilectl probe --json).
        r.revocationObsolete = 3900;
        const ProbeResult back = ProbeResult::fromJson(r.toJson());
        QCOMPARE(back.revocationObsolete, r.revocationObsolete);
        QCOMPARE(back.tokenGrowthPerDay, r.tokenGrowthPerDay);
        QCOMPARE(back.tokenGrowthSpanSec, r.tokenGrowthSpanSec);
        QCOMPARE(back.memcachedHitRatio, r.memcachedHitRatio);
    }
    // Issue 21: the tile said "p99 1,640 ms" while its sentence said "1.6 s".
    // One function writes every latency, so the highlighted figure and the
    // sentence quote the same number.
    void latencyReadsAsTheSentenceSaysIt()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QCOMPARE(formatLatency(4.84), QStringLiteral("4.8 ms"));
        QCOMPARE(formatLatency(9.96), QStringLiteral("10 ms"));
        QCOMPARE(formatLatency(640.4), QStringLiteral("640 ms"));
        QCOMPARE(formatLatency(999.6), QStringLiteral("1.0 s"));
        QCOMPARE(formatLatency(1640), QStringLiteral("1.6 s"));
        ProbeResult r = healthy(QStringLiteral("a"));
        r.validatePercentiles = LatencyPercentiles{120, 300, 1640, 200};
        const HealthVerdict v =
            evaluateHealth(defaultThresholds(), {{QStringLiteral("validate.p99.ms"), 1640}}, {});
        r.thresholdLevel = int(v.level);
        r.thresholdReason = v.reason;
        OverviewModel m;
        m.setProfiles({QStringLiteral("a")});
        m.setResult(r);
        const QString figure = m.index(0, OverviewModel::ValidateColumn).data().toString();
        QCOMPARE(figure, QStringLiteral("p50 120 ms · p99 1.6 s"));
        QVERIFY2(v.reason.startsWith(QStringLiteral("Validation p99 1.6 s (critical above 1.5 s)")),
                 qPrintable(v.reason));
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        QCOMPARE(formatLatency(1640), QStringLiteral("1,6 s"));
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    void validationShowsP50AndP99()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        ProbeResult r = healthy(QStringLiteral("a"));
        OverviewModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setProfiles({QStringLiteral("a")});
        m.setResult(r);
        // No window yet (an old result): the per-probe median.
        QCOMPARE(m.index(0, OverviewModel::ValidateColumn).data().toString(),
                 QStringLiteral("55 ms"));
        r.validatePercentiles = LatencyPercentiles{12.25, 40, 1312.6, 180};
        m.setResult(r);
        QCOMPARE(m.index(0, OverviewModel::ValidateColumn).data().toString(),
                 QStringLiteral("p50 12 ms · p99 1.3 s"));
        r.validatePercentiles = LatencyPercentiles{4.44, 5, 9.96, 3};
        m.setResult(r);
        QCOMPARE(m.index(0, OverviewModel::ValidateColumn).data().toString(),
                 QStringLiteral("p50 4.4 ms · p99 10 ms"));
        const QString tip =
            m.index(0, OverviewModel::ValidateColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("last 3 sample")) &&
                     tip.contains(QStringLiteral("p95 5.0 ms")),
                 qPrintable(tip));
        // Other columns keep the reason as their tooltip.
        QCOMPARE(m.index(0, OverviewModel::NameColumn).data(Qt::ToolTipRole).toString(),
                 OverviewModel::reasonOf(r));
    }
};

QTEST_GUILESS_MAIN(TestOverviewModel)
#include "tst_overviewmodel.moc"
