// LatestJob, the one "only the newest result counts" helper of the pages and
// the probe scheduler: stale results are dropped, the newest is delivered on
// the owner's thread, and nothing is delivered to an owner or tracker that is
// gone, or after cancel(). Jobs are held on a semaphore, so the order of
// events is forced, not hoped for.
#include "util/latestjob.h"

#include <QSemaphore>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using namespace turnstile;

namespace {

// Work that waits until the test lets it go, and says whether it was told
// that it is stale by then.
struct Gate
{
    QSemaphore go;
    std::atomic<int> started{0};
    std::atomic<int> sawStale{0};
};

// A page-like owner: the delivery writes into the object, as a page's does,
// so a delivery after its destruction would be a use after free (ASan), and
// counts into `delivered`, which outlives it.
class Owner : public QObject
{
public:
    explicit Owner(std::shared_ptr<std::atomic<int>> delivered,
                   LatestJob<int>::Policy policy = LatestJob<int>::Policy::Replace)
        : job(this, policy), m_delivered(std::move(delivered))
    {}
    void load(const std::shared_ptr<Gate> &gate, int value)
    {
        job.start(
            [gate, value](const LatestJob<int>::Stale &stale) {
                ++gate->started;
                gate->go.acquire();
                if (stale())
                    ++gate->sawStale;
                return value;
            },
            [this](int v) {
                values.append(v);
                threads.append(QThread::currentThread());
                ++*m_delivered;
            });
    }

    LatestJob<int> job;
    QList<int> values;
    QList<QThread *> threads;

private:
    std::shared_ptr<std::atomic<int>> m_delivered;
};

void waitForPool()
{
    QVERIFY(ioPool()->waitForDone(10000));
    // The deliveries are queued to this thread.
    QTest::qWait(50);
    QCoreApplication::processEvents();
}

} // namespace

class TestLatestJob : public QObject
{
    Q_OBJECT
private slots:
    void staleResultIsDroppedNewestDeliveredOnOwnersThread()
    {
        auto delivered = std::make_shared<std::atomic<int>>(0);
        Owner owner(delivered);
        auto slow = std::make_shared<Gate>();
        auto fast = std::make_shared<Gate>();
        owner.load(slow, 1);
        QTRY_COMPARE(slow->started.load(), 1);
        owner.load(fast, 2);
        fast->go.release();
        QTRY_COMPARE(owner.values, QList<int>{2});
        // The overtaken job ends after the newer one delivered: still dropped.
        slow->go.release();
        waitForPool();
        QCOMPARE(owner.values, QList<int>{2});
        QCOMPARE(owner.threads, QList<QThread *>{QThread::currentThread()});
        QCOMPARE(slow->sawStale.load(), 1);
        QCOMPARE(fast->sawStale.load(), 0);
        QVERIFY(!owner.job.isRunning());
    }

    void workRunsOffTheOwnersThread()
    {
        QObject owner;
        LatestJob<QThread *> job(&owner);
        QThread *delivered = nullptr;
        job.start([] { return QThread::currentThread(); }, [&](QThread *t) { delivered = t; });
        QTRY_VERIFY(delivered);
        QVERIFY(delivered != QThread::currentThread());
    }

    void destroyingTheOwnerFirstDeliversNothing()
    {
        auto delivered = std::make_shared<std::atomic<int>>(0);
        auto gate = std::make_shared<Gate>();
        auto *owner = new Owner(delivered);
        owner->load(gate, 1);
        QTRY_COMPARE(gate->started.load(), 1);
        delete owner; // returns at once: the job is still on the pool
        gate->go.release();
        waitForPool();
        QCOMPARE(delivered->load(), 0);
        QCOMPARE(gate->sawStale.load(), 1); // and it could have stopped early
    }

    void finishingWhileTheOwnerIsDestroyedDeliversNothing()
    {
        // The job's result is queued to the owner before the owner goes.
        auto delivered = std::make_shared<std::atomic<int>>(0);
        auto gate = std::make_shared<Gate>();
        auto *owner = new Owner(delivered);
        owner->load(gate, 1);
        gate->go.release();
        QVERIFY(ioPool()->waitForDone(10000));
        delete owner;
        QTest::qWait(50);
        QCOMPARE(delivered->load(), 0);
    }

    void cancelledTrackerDeliversNothing()
    {
        auto delivered = std::make_shared<std::atomic<int>>(0);
        Owner owner(delivered);
        auto gate = std::make_shared<Gate>();
        owner.load(gate, 1);
        QTRY_COMPARE(gate->started.load(), 1);
        owner.job.cancel();
        QVERIFY(owner.job.isRunning()); // cancel() does not wait, it drops
        gate->go.release();
        waitForPool();
        QCOMPARE(delivered->load(), 0);
        QCOMPARE(gate->sawStale.load(), 1);
        QVERIFY(!owner.job.isRunning());
    }

    void resetTrackerWithTheOwnerAliveDeliversNothing()
    {
        QObject owner;
        auto gate = std::make_shared<Gate>();
        int delivered = 0;
        auto job = std::make_unique<LatestJob<int>>(&owner);
        job->start(
            [gate] {
                gate->go.acquire();
                return 1;
            },
            [&delivered](int) { ++delivered; });
        job.reset();
        gate->go.release();
        waitForPool();
        QCOMPARE(delivered, 0);
    }

    void guardDropsCallbacksOfStaleRequests()
    {
        QObject owner;
        auto job = std::make_unique<LatestJob<int>>(&owner);
        int called = 0;
        const auto first = job->guard(job->next(), [&](int n) { called += n; });
        const auto second = job->guard(job->next(), [&](int n) { called += n; });
        const auto always = job->guard([&](int n) { called += n; });
        first(1); // a newer request came
        QCOMPARE(called, 0);
        second(10);
        always(100);
        QCOMPARE(called, 110);
        job.reset();
        second(1000);
        always(1000);
        QCOMPARE(called, 110);
    }

    void oneAtATimeRunsTheRunningThenOnlyTheNewestWaiting()
    {
        auto delivered = std::make_shared<std::atomic<int>>(0);
        Owner owner(delivered, LatestJob<int>::Policy::OneAtATime);
        auto running = std::make_shared<Gate>();
        auto replaced = std::make_shared<Gate>();
        auto newest = std::make_shared<Gate>();
        owner.load(running, 1);
        QTRY_COMPARE(running->started.load(), 1);
        owner.load(replaced, 2);
        owner.load(newest, 3);
        newest->go.release();
        QTest::qWait(100);
        QCOMPARE(newest->started.load(), 0); // waits for the running one
        running->go.release();
        QTRY_COMPARE(owner.values, (QList<int>{1, 3}));
        waitForPool();
        QCOMPARE(replaced->started.load(), 0);
        QCOMPARE(running->sawStale.load(), 0);
        QCOMPARE(owner.values, (QList<int>{1, 3}));
    }

    void oneAtATimeCancelDropsTheRunningAndTheWaiting()
    {
        auto delivered = std::make_shared<std::atomic<int>>(0);
        Owner owner(delivered, LatestJob<int>::Policy::OneAtATime);
        auto running = std::make_shared<Gate>();
        auto waiting = std::make_shared<Gate>();
        owner.load(running, 1);
        QTRY_COMPARE(running->started.load(), 1);
        owner.load(waiting, 2);
        owner.job.cancel();
        auto after = std::make_shared<Gate>();
        after->go.release();
        owner.load(after, 3); // waits for the cancelled one to end
        running->go.release();
        QTRY_COMPARE(owner.values, QList<int>{3});
        waitForPool();
        QCOMPARE(waiting->started.load(), 0);
        QCOMPARE(running->sawStale.load(), 1);
        QCOMPARE(owner.values, QList<int>{3});
    }
};

QTEST_GUILESS_MAIN(TestLatestJob)
#include "tst_latestjob.moc"
