// The benchmark's arithmetic without a server: exact percentiles, the
// aggregation of samples, the open-loop schedule, argument checks.
#include "bench/benchconfig.h"
#include "bench/benchresult.h"
#include "bench/latencysummary.h"
#include "bench/openloopschedule.h"
#include "bench/revocationimpact.h"

#include <QTest>

#include <algorithm>
#include <random>

using namespace turnstile;

class TestBenchStats : public QObject
{
    Q_OBJECT

private slots:
    void nearestRankPercentiles()
    {
        QList<qint64> v;
        for (qint64 i = 1; i <= 1000; ++i)
            v.append(i);
        QCOMPARE(LatencySummary::percentile(v, 50), 500);
        QCOMPARE(LatencySummary::percentile(v, 90), 900);
        QCOMPARE(LatencySummary::percentile(v, 99), 990);
        // 99.9 % of 1000 is rank 999 exactly; floating point must not push it to 1000.
        QCOMPARE(LatencySummary::percentile(v, 99.9), 999);
        QCOMPARE(LatencySummary::percentile(v, 100), 1000);
        QCOMPARE(LatencySummary::percentile(v, 0.01), 1);
        // Few samples: the p99 of ten values is the largest, not an interpolation.
        const QList<qint64> ten{1, 2, 3, 4, 5, 6, 7, 8, 9, 100};
        QCOMPARE(LatencySummary::percentile(ten, 99), 100);
        QCOMPARE(LatencySummary::percentile(ten, 50), 5);
        QCOMPARE(LatencySummary::percentile(ten, 90), 9);
        QCOMPARE(LatencySummary::percentile({}, 50), 0);
        QCOMPARE(LatencySummary::percentile({7}, 99.9), 7);
    }

    void summaryFromUnsortedNanoseconds()
    {
        QList<qint64> ns;
        for (qint64 i = 1; i <= 200; ++i)
            ns.append(i * 1000000); // 1..200 ms
        std::mt19937 rng(42);
        std::shuffle(ns.begin(), ns.end(), rng);
        const LatencySummary s = LatencySummary::fromNanoseconds(ns);
        QCOMPARE(s.count, 200);
        QCOMPARE(s.minMs, 1.0);
        QCOMPARE(s.maxMs, 200.0);
        QCOMPARE(s.p50Ms, 100.0);
        QCOMPARE(s.p90Ms, 180.0);
        QCOMPARE(s.p95Ms, 190.0);
        QCOMPARE(s.p99Ms, 198.0);
        QCOMPARE(s.p999Ms, 200.0);
        QCOMPARE(s.meanMs, 100.5);
        const LatencySummary back = LatencySummary::fromJson(s.toJson());
        QCOMPARE(back.p99Ms, s.p99Ms);
        QCOMPARE(LatencySummary::fromNanoseconds({}).count, 0);
    }

    void summarizeCountsErrorsQueueAndSeconds()
    {
        BenchConfig c;
        c.mode = BenchConfig::Mode::Open;
        c.rate = 4;
        QList<BenchSample> samples;
        auto add = [&](qint64 intended, qint64 sent, qint64 done, int status,
                       BenchSample::Outcome o = BenchSample::Outcome::Http) {
            BenchSample s;
            s.intendedNs = intended;
            s.sentNs = sent;
            s.doneNs = done;
            s.status = status;
            s.outcome = o;
            samples.append(s);
        };
        const qint64 ms = 1000000;
        add(0, 0, 10 * ms, 200);
        add(250 * ms, 250 * ms, 260 * ms, 200);
        // Waited 700 ms in the client queue behind a stall: latency 1000 ms, wire 300 ms.
        add(500 * ms, 1200 * ms, 1500 * ms, 200);
        add(750 * ms, 1300 * ms, 1600 * ms, 404);
        add(1000 * ms, 1000 * ms, 1000 * ms + 10000 * ms, 0, BenchSample::Outcome::Timeout);
        add(1250 * ms, 1250 * ms, 1251 * ms, 0, BenchSample::Outcome::Network);
        const BenchResult r = BenchResult::summarize(c, samples, 2000 * ms);
        QCOMPARE(r.sent, 6);
        QCOMPARE(r.completed, 4);
        QCOMPARE(r.ok, 3);
        QCOMPARE(r.errors, 3);
        QCOMPARE(r.errorsByStatus.value(QStringLiteral("404")), 1);
        QCOMPARE(r.errorsByStatus.value(QStringLiteral("timeout")), 1);
        QCOMPARE(r.errorsByStatus.value(QStringLiteral("network")), 1);
        QCOMPARE(r.targetRate, 4.0);
        QCOMPARE(r.achievedRate, 2.0); // 4 answers in the 2 s window
        // The network error is not a latency; the timeout is.
        QCOMPARE(r.latency.count, 5);
        QCOMPARE(r.latency.maxMs, 10000.0);
        QCOMPARE(r.queue.maxMs, 700.0);
        QCOMPARE(r.wire.minMs, 10.0);
        // Answers per second: two in second 0, two in second 1; the timeout is not an answer.
        QCOMPARE(r.perSecond, (QList<qint64>{2, 2}));
        const BenchResult back = BenchResult::fromJson(r.toJson());
        QCOMPARE(back.errorsByStatus, r.errorsByStatus);
        QCOMPARE(back.perSecond, r.perSecond);
        QCOMPARE(back.latency.p50Ms, r.latency.p50Ms);
    }

    void openLoopSchedule()
    {
        const OpenLoopSchedule s(50, 0, 2000000000LL); // 50/s for 2 s
        QCOMPARE(s.dueNs(0), 0);
        QCOMPARE(s.dueNs(1), 20000000);
        QCOMPARE(s.dueNs(50), 1000000000);
        QCOMPARE(s.size(), 100); // due at 0, 20 ms, ..., 1980 ms
        QCOMPARE(s.dueCount(-1), 0);
        QCOMPARE(s.dueCount(0), 1);
        QCOMPARE(s.dueCount(19999999), 1);
        QCOMPARE(s.dueCount(20000000), 2);
        QCOMPARE(s.dueCount(10000000000LL), 100);
        // A rate that does not divide a second: 3/s, due at 0, 333.33.., 666.66.. ms.
        const OpenLoopSchedule t(3, 0, 1000000000LL);
        QCOMPARE(t.size(), 3);
        QCOMPARE(t.dueNs(1), 333333333);
        QCOMPARE(t.dueNs(2), 666666667);
        // With a count, the count wins.
        QCOMPARE(OpenLoopSchedule(1000, 7).size(), 7);
        // Workers interleave: worker 1 of 3 takes requests 1, 4, 7, ...
        QCOMPARE(OpenLoopSchedule::indexFor(1, 3, 0), 1);
        QCOMPARE(OpenLoopSchedule::indexFor(1, 3, 2), 7);
        // Every request of the schedule belongs to exactly one worker.
        const int workers = 4;
        QList<qint64> seen;
        for (int w = 0; w < workers; ++w)
            for (qint64 i = 0; OpenLoopSchedule::indexFor(w, workers, i) < s.size(); ++i)
                seen.append(OpenLoopSchedule::indexFor(w, workers, i));
        std::sort(seen.begin(), seen.end());
        QCOMPARE(seen.size(), s.size());
        for (qsizetype i = 0; i < seen.size(); ++i)
            QCOMPARE(seen[i], qint64(i));
    }

    void configValidation_data()
    {
        QTest::addColumn<int>("concurrency");
        QTest::addColumn<double>("rate");
        QTest::addColumn<qint64>("durationMs");
        QTest::addColumn<qint64>("count");
        QTest::addColumn<int>("pool");
        QTest::addColumn<bool>("valid");
        QTest::newRow("closed default") << 20 << 0.0 << qint64(15000) << qint64(0) << 50 << true;
        QTest::newRow("open 50/s") << 20 << 50.0 << qint64(15000) << qint64(0) << 50 << true;
        QTest::newRow("rate zero") << 20 << 0.0 << qint64(15000) << qint64(0) << 50 << false;
        QTest::newRow("rate negative") << 20 << -5.0 << qint64(15000) << qint64(0) << 50 << false;
        QTest::newRow("rate absurd") << 20 << 1e9 << qint64(15000) << qint64(0) << 50 << false;
        QTest::newRow("concurrency 0") << 0 << 0.0 << qint64(15000) << qint64(0) << 50 << false;
        QTest::newRow("concurrency 200") << 200 << 0.0 << qint64(15000) << qint64(0) << 50 << true;
        QTest::newRow("concurrency over cap")
            << BenchConfig::kMaxConcurrency + 1 << 0.0 << qint64(15000) << qint64(0) << 50 << false;
        QTest::newRow("both duration and count")
            << 20 << 0.0 << qint64(15000) << qint64(100) << 50 << false;
        QTest::newRow("neither") << 20 << 0.0 << qint64(0) << qint64(0) << 50 << false;
        QTest::newRow("count") << 20 << 0.0 << qint64(0) << qint64(100) << 50 << true;
        QTest::newRow("pool empty") << 20 << 0.0 << qint64(15000) << qint64(0) << 0 << false;
        QTest::newRow("too long") << 20 << 0.0 << qint64(7200000) << qint64(0) << 50 << false;
    }

    void configValidation()
    {
        QFETCH(int, concurrency);
        QFETCH(double, rate);
        QFETCH(qint64, durationMs);
        QFETCH(qint64, count);
        QFETCH(int, pool);
        QFETCH(bool, valid);
        BenchConfig c;
        c.mode = rate != 0 ? BenchConfig::Mode::Open : BenchConfig::Mode::Closed;
        if (QByteArray(QTest::currentDataTag()) == "rate zero")
            c.mode = BenchConfig::Mode::Open;
        c.concurrency = concurrency;
        c.rate = rate;
        c.durationMs = durationMs;
        c.count = count;
        c.poolSize = pool;
        const QString why = c.validationError();
        QCOMPARE(why.isEmpty(), valid);
    }

    void workersForConcurrency()
    {
        BenchConfig c;
        c.concurrency = 1;
        QCOMPARE(c.workerCount(), 1);
        c.concurrency = 6;
        QCOMPARE(c.workerCount(), 1);
        c.concurrency = 7;
        QCOMPARE(c.workerCount(), 2);
        c.concurrency = 20;
        QCOMPARE(c.workerCount(), 4);
        c.concurrency = 200;
        QCOMPARE(c.workerCount(), 34);
    }

    void steps()
    {
        QString err;
        QCOMPARE(*RevocationImpact::parseSteps(QStringLiteral("0,100,500,1000"), &err),
                 (QList<qint64>{0, 100, 500, 1000}));
        QCOMPARE(*RevocationImpact::parseSteps(QStringLiteral(" 5 "), &err), (QList<qint64>{5}));
        QVERIFY(!RevocationImpact::parseSteps(QStringLiteral("0,100,50"), &err));
        QVERIFY(err.contains(QStringLiteral("increase")));
        QVERIFY(!RevocationImpact::parseSteps(QStringLiteral("0,-1"), &err));
        QVERIFY(!RevocationImpact::parseSteps(QStringLiteral("0,x"), &err));
        QVERIFY(!RevocationImpact::parseSteps(QStringLiteral(""), &err));
        QVERIFY(!RevocationImpact::parseSteps(QStringLiteral("0,100,100"), &err));
        QVERIFY(!RevocationImpact::parseSteps(QStringLiteral("1000000"), &err));
    }
};

QTEST_GUILESS_MAIN(TestBenchStats)
#include "tst_benchstats.moc"
