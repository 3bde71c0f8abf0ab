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
        Throttle t(s);
        t.afterBatch(400); // 4x too slow -> 1000 * 0.8 * 100/400 = 200
        QCOMPARE(t.batchSize(), 200);
        t.afterBatch(10000);
        QCOMPARE(t.batchSize(), 50); // never below the floor
        t.afterBatch(60);            // within limits, not fast: unchanged
        QCOMPARE(t.batchSize(), 50);
        t.afterBatch(10);
        QCOMPARE(t.batchSize(), 100);
        t.afterBatch(10);
        t.afterBatch(10);
        t.afterBatch(10);
        t.afterBatch(10);
        QCOMPARE(t.batchSize(), 1000);
    }

    void sleepIsAShareOfTheBatchTime()
    {
        ThrottleSettings s;
        s.sleepRatio = 0.25;
        Throttle t(s);
        QCOMPARE(t.afterBatch(40), 10);
        s.sleepRatio = 0;
        QCOMPARE(Throttle(s).afterBatch(40), 0);
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
