// Validation and issue latency percentiles: the nearest-rank function, the
// rolling window the probe keeps per profile, and how the figures travel
// (probe JSON, history metric names, the threshold on p99).
#include "collector/collector.h"
#include "health/thresholds.h"
#include "probe/latencywindow.h"
#include "probe/percentile.h"
#include "probe/proberesult.h"

#include <QtConcurrent/QtConcurrentRun>
#include <QTest>

#include <cmath>
#include <limits>

using namespace turnstile;

class TestLatencyPercentiles : public QObject
{
    Q_OBJECT

    static QList<double> oneTo(int n)
    {
        QList<double> v;
        for (int i = n; i >= 1; --i) // descending: the function must sort
            v.append(i);
        return v;
    }

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    void nearestRank_data()
    {
        QTest::addColumn<QList<double>>("samples");
        QTest::addColumn<double>("percent");
        QTest::addColumn<double>("expected");
        // 1..100: the p-th percentile is p itself.
        QTest::newRow("100 p50") << oneTo(100) << 50.0 << 50.0;
        QTest::newRow("100 p95") << oneTo(100) << 95.0 << 95.0;
        QTest::newRow("100 p99") << oneTo(100) << 99.0 << 99.0;
        QTest::newRow("100 p100") << oneTo(100) << 100.0 << 100.0;
        // 200 samples: p99 is rank ceil(198.0) = 198, not 199 (no float drift).
        QTest::newRow("200 p99") << oneTo(200) << 99.0 << 198.0;
        QTest::newRow("200 p95") << oneTo(200) << 95.0 << 190.0;
        QTest::newRow("200 p50") << oneTo(200) << 50.0 << 100.0;
        // Few samples: p99 is the slowest one, p50 of an even count the lower middle.
        QTest::newRow("3 p50") << QList<double>{30, 10, 20} << 50.0 << 20.0;
        QTest::newRow("3 p99") << QList<double>{30, 10, 20} << 99.0 << 30.0;
        QTest::newRow("4 p50") << QList<double>{4, 1, 3, 2} << 50.0 << 2.0;
        QTest::newRow("1 p1") << QList<double>{7.5} << 1.0 << 7.5;
        // Exact measured values, no interpolation.
        QTest::newRow("10 p95") << QList<double>{12.5, 11, 13, 10, 14, 15, 16, 17, 18, 1300} << 95.0
                                << 1300.0;
        QTest::newRow("10 p90") << QList<double>{12.5, 11, 13, 10, 14, 15, 16, 17, 18, 1300} << 90.0
                                << 18.0;
        QTest::newRow("duplicates") << QList<double>{5, 5, 5, 9} << 75.0 << 5.0;
    }
    void nearestRank()
    {
        QFETCH(QList<double>, samples);
        QFETCH(double, percent);
        QFETCH(double, expected);
        const std::optional<double> got = nearestRankPercentile(samples, percent);
        QVERIFY(got.has_value());
        QCOMPARE(*got, expected);
    }

    void nearestRankRejectsNonsense()
    {
        QVERIFY(!nearestRankPercentile({}, 50));
        QVERIFY(!nearestRankPercentile({1, 2}, 0));
        QVERIFY(!nearestRankPercentile({1, 2}, 100.5));
        QVERIFY(!nearestRankPercentile({1, 2}, std::numeric_limits<double>::quiet_NaN()));
        const double nan = std::numeric_limits<double>::quiet_NaN();
        QVERIFY(!nearestRankPercentile({nan, nan}, 50));
        // NaN samples do not count as samples.
        QCOMPARE(*nearestRankPercentile({nan, 3, 1, nan, 2}, 99), 3.0);
        QCOMPARE(latencyPercentiles({nan, 3, 1})->samples, 2);
    }

    void threePercentilesAgreeWithTheFunction()
    {
        QList<double> v;
        for (int i = 0; i < 137; ++i)
            v.append(std::fmod(i * 37.0, 101.0) + i / 1000.0);
        const std::optional<LatencyPercentiles> p = latencyPercentiles(v);
        QVERIFY(p);
        QCOMPARE(p->samples, 137);
        QCOMPARE(p->p50, *nearestRankPercentile(v, 50));
        QCOMPARE(p->p95, *nearestRankPercentile(v, 95));
        QCOMPARE(p->p99, *nearestRankPercentile(v, 99));
        QVERIFY(p->p50 <= p->p95 && p->p95 <= p->p99);
        QVERIFY(!latencyPercentiles({}));
    }

    void windowKeepsTheLastSamples()
    {
        LatencyWindow w(200, 3600);
        const qint64 t0 = 1'700'000'000'000;
        // 100 probe cycles of three validations: only the last 200 count.
        for (int cycle = 0; cycle < 100; ++cycle)
            w.add(LatencyWindow::Kind::Validate,
                  {double(cycle * 3 + 1), double(cycle * 3 + 2), double(cycle * 3 + 3)},
                  t0 + cycle * 10'000);
        const qint64 now = t0 + 99 * 10'000;
        const QList<double> kept = w.samples(LatencyWindow::Kind::Validate, now);
        QCOMPARE(kept.size(), 200);
        QCOMPARE(kept.first(), 101.0); // 300 samples, the oldest 100 dropped
        QCOMPARE(kept.last(), 300.0);
        const LatencyPercentiles p = *w.percentiles(LatencyWindow::Kind::Validate, now);
        QCOMPARE(p.samples, 200);
        QCOMPARE(p.p50, 200.0);
        QCOMPARE(p.p99, 298.0);
        // The two kinds are separate.
        QVERIFY(w.samples(LatencyWindow::Kind::Issue, now).isEmpty());
        QVERIFY(!w.percentiles(LatencyWindow::Kind::Issue, now));
    }

    void windowForgetsOldSamples()
    {
        LatencyWindow w(200, 60);
        const qint64 t0 = 1'700'000'000'000;
        w.add(LatencyWindow::Kind::Issue, {900}, t0);             // a slow hour ago
        w.add(LatencyWindow::Kind::Issue, {40, 50}, t0 + 30'000); // recent
        QCOMPARE(w.samples(LatencyWindow::Kind::Issue, t0 + 59'000).size(), 3);
        // After a suspended laptop wakes up: the old stall is no longer "now".
        QCOMPARE(w.samples(LatencyWindow::Kind::Issue, t0 + 61'000), (QList<double>{40, 50}));
        QCOMPARE(w.percentiles(LatencyWindow::Kind::Issue, t0 + 61'000)->p99, 50.0);
        QVERIFY(w.samples(LatencyWindow::Kind::Issue, t0 + 200'000).isEmpty());
    }

    void windowIsThreadSafe()
    {
        // Two probes of one profile may overlap on the scheduler's pool.
        LatencyWindow w(1000, 3600);
        const qint64 t0 = 1'700'000'000'000;
        QList<QFuture<void>> futures;
        for (int t = 0; t < 4; ++t)
            futures.append(QtConcurrent::run([&w, t0, t] {
                for (int i = 0; i < 200; ++i) {
                    w.add(LatencyWindow::Kind::Validate, {double(t), double(i)}, t0 + i);
                    (void)w.percentiles(LatencyWindow::Kind::Validate, t0 + i);
                }
            }));
        for (QFuture<void> &f : futures)
            f.waitForFinished();
        QCOMPARE(w.samples(LatencyWindow::Kind::Validate, t0 + 200).size(), 1000);
    }

    void probeJsonCarriesPercentiles()
    {
        ProbeResult r;
        r.profile = QStringLiteral("east");
        r.startedAt = QDateTime::currentDateTimeUtc();
        r.validateMs = 21;
        r.validatePercentiles = LatencyPercentiles{20, 90, 1300, 200};
        r.issuePercentiles = LatencyPercentiles{60, 70, 80, 67};
        const QJsonObject tok = r.toJson()[u"token"].toObject();
        QCOMPARE(tok[u"validate_p50_ms"].toDouble(), 20.0);
        QCOMPARE(tok[u"validate_p95_ms"].toDouble(), 90.0);
        QCOMPARE(tok[u"validate_p99_ms"].toDouble(), 1300.0);
        QCOMPARE(tok[u"validate_window_samples"].toInt(), 200);
        QCOMPARE(tok[u"issue_p99_ms"].toDouble(), 80.0);
        QCOMPARE(tok[u"validate_ms"].toDouble(), 21.0); // the old figure stays
        const ProbeResult back = ProbeResult::fromJson(r.toJson());
        QCOMPARE(back.validatePercentiles, r.validatePercentiles);
        QCOMPARE(back.issuePercentiles, r.issuePercentiles);

        // Nothing measured: null, not zero.
        const QJsonObject none = ProbeResult{}.toJson()[u"token"].toObject();
        QVERIFY(none[u"validate_p99_ms"].isNull());
        QVERIFY(!ProbeResult::fromJson(ProbeResult{}.toJson()).validatePercentiles);
    }

    void historyMetricNames()
    {
        CollectResult c;
        c.probe.reachable = true;
        c.probe.issueMs = 61;
        c.probe.validateMs = 21;
        c.probe.validatePercentiles = LatencyPercentiles{20, 90, 1300, 200};
        c.probe.issuePercentiles = LatencyPercentiles{60, 70, 80, 67};
        QHash<QString, double> m;
        for (const auto &[name, value] : flattenMetrics(c, nullptr))
            m.insert(name, value);
        QCOMPARE(m.value(QStringLiteral("validate.ms")), 21.0);
        QCOMPARE(m.value(QStringLiteral("issue.ms")), 61.0);
        QCOMPARE(m.value(QStringLiteral("validate.p50.ms")), 20.0);
        QCOMPARE(m.value(QStringLiteral("validate.p95.ms")), 90.0);
        QCOMPARE(m.value(QStringLiteral("validate.p99.ms")), 1300.0);
        QCOMPARE(m.value(QStringLiteral("issue.p50.ms")), 60.0);
        QCOMPARE(m.value(QStringLiteral("issue.p95.ms")), 70.0);
        QCOMPARE(m.value(QStringLiteral("issue.p99.ms")), 80.0);

        c.probe.validatePercentiles.reset();
        m.clear();
        for (const auto &[name, value] : flattenMetrics(c, nullptr))
            m.insert(name, value);
        QVERIFY(!m.contains(QStringLiteral("validate.p99.ms")));
        QVERIFY(m.contains(QStringLiteral("issue.p99.ms")));
    }

    void thresholdJudgesValidationOnP99()
    {
        // The median is fine, the tail is not: amber, and the sentence says p99.
        const HealthVerdict v = evaluateHealth(defaultThresholds(),
                                               {{QStringLiteral("keystone.up"), 1},
                                                {QStringLiteral("validate.ms"), 40},
                                                {QStringLiteral("validate.p99.ms"), 1300}},
                                               {});
        QCOMPARE(v.level, HealthLevel::Warning);
        QVERIFY2(v.reason.contains(QStringLiteral("Validation p99 1.3 s")), qPrintable(v.reason));
        QCOMPARE(v.triggered, QStringList{QStringLiteral("validate.ms")});

        // When the p99 is there, it is what is judged, not this probe's median.
        const HealthVerdict quiet = evaluateHealth(
            defaultThresholds(),
            {{QStringLiteral("validate.ms"), 900}, {QStringLiteral("validate.p99.ms"), 100}}, {});
        QCOMPARE(quiet.level, HealthLevel::Ok);

        // Without percentiles (older history, other callers): the median, as before.
        const HealthVerdict old =
            evaluateHealth(defaultThresholds(), {{QStringLiteral("validate.ms"), 1600}}, {});
        QCOMPARE(old.level, HealthLevel::Critical);
        QVERIFY2(old.reason.contains(QStringLiteral("Token validation takes 1.6 s")),
                 qPrintable(old.reason));

        // The existing override key "validate.ms" sets the levels the p99 is held to.
        const QJsonObject overrides{
            {QStringLiteral("validate.ms"),
             QJsonObject{{QStringLiteral("warn"), 100}, {QStringLiteral("critical"), 200}}}};
        const HealthVerdict strict = evaluateHealth(
            effectiveThresholds(overrides),
            {{QStringLiteral("validate.ms"), 40}, {QStringLiteral("validate.p99.ms"), 250}}, {});
        QCOMPARE(strict.level, HealthLevel::Critical);
        QVERIFY2(strict.reason.contains(QStringLiteral("Validation p99 250 ms")),
                 qPrintable(strict.reason));
    }
};

QTEST_GUILESS_MAIN(TestLatencyPercentiles)
#include "tst_latencypercentiles.moc"
