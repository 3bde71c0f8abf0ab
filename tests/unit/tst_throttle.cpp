// The purge's pacing rules, as numbers.
#include "guarded/throttle.h"

#include <QTest>

using namespace turnstile;

class TestThrottle : public QObject
{
    Q_OBJECT

private slots:
    void startsAtTheOperatorsBatchAndNeverExceedsIt()
    {
        ThrottleSettings s;
        s.maxBatch = 1000;
        Throttle t(s);
        QCOMPARE(t.batchSize(), 1000);
        for (int i = 0; i < 10; ++i)
            t.afterBatch(1);
        QCOMPARE(t.batchSize(), 1000);
    }

    void slowBatchesShrinkFastOnesGrowBack()
    {
        ThrottleSettings s;
        s.maxBatch = 1000;
        s.minBatch = 50;
        s.maxBatchMs = 100;
        s.overrunWindow = 1; // the p99 ceiling has its own test
        Throttle t(s);
        // Batches aim at half the limit: 400 ms -> 1000 * 50/400 = 125.
        t.afterBatch(400);
        QCOMPARE(t.batchSize(), 125);
        t.afterBatch(10000);
        QCOMPARE(t.batchSize(), 50); // never below the floor
        t.afterBatch(60);            // between 40 % and 75 % of the limit: unchanged
        QCOMPARE(t.batchSize(), 50);
        t.afterBatch(10); // fast: grows, at most doubling
        QCOMPARE(t.batchSize(), 100);
        t.afterBatch(35); // below 40 %: towards the aim, 100 * 50/35 = 142
        QCOMPARE(t.batchSize(), 142);
        for (int i = 0; i < 5; ++i)
            t.afterBatch(1);
        QCOMPARE(t.batchSize(), 1000); // never above the operator's batch
    }

    void sizedByTimeNotByAFixedThousandRows()
    {
        // A server where a batch costs 5 ms plus 10 µs a row: the size that
        // takes the aim (half of the 100 ms cap) is 4,500 rows, far above the
        // old fixed 1,000.
        auto cost = [](int rows) { return 5.0 + rows * 0.01; };
        Throttle t; // defaults: start 1,000, aim 50 ms, cap 100 ms
        QCOMPARE(t.batchSize(), 1000);
        int over = 0;
        for (int i = 0; i < 200; ++i) {
            const double ms = cost(t.batchSize());
            if (ms > t.settings().maxBatchMs)
                ++over;
            t.afterBatch(ms);
        }
        QCOMPARE(over, 0);
        QVERIFY2(t.batchSize() >= 3000 && t.batchSize() <= 4500,
                 qPrintable(QString::number(t.batchSize())));
        // The server slows down tenfold: the size follows within a few batches.
        for (int i = 0; i < 5; ++i)
            t.afterBatch(cost(t.batchSize()) * 10);
        QVERIFY2(cost(t.batchSize()) * 10 <= 75, qPrintable(QString::number(t.batchSize())));
    }

    void growthIsMultiplicativeAndBounded()
    {
        ThrottleSettings s;
        s.startBatch = 100;
        s.maxBatch = 1000;
        Throttle t(s);
        QCOMPARE(t.batchSize(), 100);
        t.afterBatch(1);
        QCOMPARE(t.batchSize(), 200); // at most doubling
        t.afterBatch(1);
        t.afterBatch(1);
        t.afterBatch(1);
        QCOMPARE(t.batchSize(), 1000); // never above the bound (the operator's --batch)
        ThrottleSettings big;
        big.startBatch = 200000;
        QCOMPARE(Throttle(big).batchSize(), big.maxBatch); // the start is bounded too
    }

    void anOverrunHoldsGrowthBelowTheCapForAWindow()
    {
        ThrottleSettings s;
        s.startBatch = 8000;
        s.maxBatchMs = 100;
        s.overrunWindow = 10;
        Throttle t(s);
        t.afterBatch(200);             // 8,000 rows took twice the cap
        QCOMPARE(t.ceiling(), 3000);   // 8000 * 75/200: the size expected at 3/4 of the cap
        QCOMPARE(t.batchSize(), 2000); // towards the aim: 8000 * 50/200
        for (int i = 0; i < 9; ++i)
            t.afterBatch(1); // fast, but the ceiling holds
        QCOMPARE(t.batchSize(), 3000);
        t.afterBatch(1); // the 10th batch without an overrun lifts it
        QCOMPARE(t.ceiling(), 6000);
        QCOMPARE(t.batchSize(), 6000);
    }

    void pausesOnlyAfterSlowBatches()
    {
        ThrottleSettings s;
        s.maxBatchMs = 100;
        s.sleepRatio = 0.25;
        Throttle t(s);
        QCOMPARE(t.afterBatch(40), 0);  // under the aim: nobody waits on us
        QCOMPARE(t.afterBatch(80), 20); // over the aim: hand the server back
        s.sleepRatio = 0;
        QCOMPARE(Throttle(s).afterBatch(80), 0);
    }

    void lockConflictsBackOffThenGiveUp()
    {
        ThrottleSettings s;
        s.maxBatch = 1000;
        s.backoffBaseMs = 200;
        s.backoffMaxMs = 1000;
        s.maxRetries = 4;
        Throttle t(s);
        QCOMPARE(t.afterLockConflict(1), 200);
        QCOMPARE(t.batchSize(), 500);
        QCOMPARE(t.afterLockConflict(2), 400);
        QCOMPARE(t.afterLockConflict(3), 800);
        QCOMPARE(t.afterLockConflict(4), 1000); // capped
        QCOMPARE(t.afterLockConflict(5), -1);   // exhausted
    }

    void galeraAndReplicasPauseTheWork()
    {
        Throttle t;
        QCOMPARE(t.afterFlowControl(0), 0);
        QCOMPARE(t.afterFlowControl(0.1), 1000);
        QCOMPARE(t.afterFlowControl(1.0), t.settings().backoffMaxMs);
        QCOMPARE(t.afterReplicaLag(1), 0);
        QCOMPARE(t.afterReplicaLag(t.settings().maxReplicaLagSec + 2), 2500);
    }
};

QTEST_GUILESS_MAIN(TestThrottle)
#include "tst_throttle.moc"
