#pragma once

#include <QtGlobal>

namespace turnstile {

// How a chunked delete paces itself. Pure arithmetic, unit-tested; the
// deleter feeds it what each batch cost and sleeps for what it returns.
//
// - Batches aim at half of maxBatchMs (a short transaction is the point:
//   writers wait on our row locks at most that long): they shrink when one
//   takes more than 3/4 of it and grow back, never above the operator's batch
//   size, when one takes less than 2/5.
// - After a batch that took more than half of maxBatchMs (a busy server) it
//   sleeps sleepRatio × the batch's time, so concurrent writers get the
//   server between batches; after a fast batch it goes straight on.
// - A lock wait timeout or deadlock backs off exponentially.
// - Galera flow control or replica lag above the limit pauses the work.
struct ThrottleSettings
{
    int maxBatch = 1000;
    int minBatch = 50;
    double maxBatchMs = 100;
    double sleepRatio = 0.1;
    int backoffBaseMs = 200;
    int backoffMaxMs = 5000;
    int maxRetries = 6;
    double maxReplicaLagSec = 5;
};

class Throttle
{
public:
    explicit Throttle(const ThrottleSettings &s = {});

    int batchSize() const { return m_batch; }
    const ThrottleSettings &settings() const { return m_s; }

    // A batch committed after batchMs: adapts the size, returns the sleep.
    int afterBatch(double batchMs);
    // The attempt-th consecutive failure (1-based) of one batch with a lock
    // wait or deadlock: the sleep before trying again, or -1 when retries are
    // exhausted. Also halves the batch.
    int afterLockConflict(int attempt);
    // Share (0..1) of the last interval that Galera replication spent paused
    // by flow control: the sleep that lets the cluster catch up.
    int afterFlowControl(double pausedShare) const;
    // Seconds a replica is behind: the sleep before the next batch.
    int afterReplicaLag(double lagSec) const;

private:
    ThrottleSettings m_s;
    int m_batch;
};

} // namespace turnstile
