#pragma once

#include <QtGlobal>

namespace turnstile {

// How a chunked delete paces itself. Pure arithmetic, unit-tested; the
// deleter feeds it what each batch cost and sleeps for what it returns.
//
// - Batches are sized by time, not by a row count: they start at startBatch
//   and aim at half of maxBatchMs (a short transaction is the point: writers
//   wait on our row locks at most that long). They shrink multiplicatively
//   when one takes more than 3/4 of it and grow multiplicatively (at most
//   doubling) when one takes less than 2/5, bounded by minBatch and maxBatch.
//   A fixed 1,000-row cap left a fast server doing ten times the round trips
//   and commits it needed.
// - maxBatchMs is a p99 cap: a batch over it lowers a ceiling to the size
//   expected to take 3/4 of it, and the ceiling only rises (doubling) after
//   overrunWindow batches without another overrun, so at most about one
//   batch in overrunWindow goes over the cap.
// - After a batch that took more than half of maxBatchMs (a busy server) it
//   sleeps sleepRatio × the batch's time, so concurrent writers get the
//   server between batches; after a fast batch it goes straight on.
// - A lock wait timeout or deadlock backs off exponentially.
// - Galera flow control or replica lag above the limit pauses the work: on a Galera node the
//   run samples the change of wsrep_flow_control_paused_ns every flowControlSampleMs and,
//   while the paused share is above maxFlowControlShare, writes nothing and says so in its
//   progress ("throttled: Galera flow control 40 %") until a sample shows it below.
// The most connections one chunked run may use side by side.
inline constexpr int kMaxConnections = 8;

struct ThrottleSettings
{
    // Connections deleting side by side, each walking its own region of the
    // key space (1 = the walking session alone). Each keeps its transactions
    // as short as one alone would; together they finish sooner where the
    // server has CPU to spare, and put more load on it.
    int connections = 1;
    int maxBatch = 100000; // the bound; the operator's --batch lowers it
    int startBatch = 1000;
    int minBatch = 50;
    double maxBatchMs = 100;
    int overrunWindow = 100;
    double sleepRatio = 0.1;
    int backoffBaseMs = 200;
    int backoffMaxMs = 5000;
    int maxRetries = 6;
    double maxReplicaLagSec = 5;
    double maxFlowControlShare = 0.10; // galera.flow_control_paused's default warning
    int flowControlSampleMs = 1000;
    // A batch slower than this while flow control did not pause it: the progress says a
    // node may be stalled (a SIGSTOPped node stalls the cluster without flow control).
    double stallBatchMs = 2000;
};

// The operator's bounds (turnstilectl --batch and --connections, the Actions
// page): at most maxBatch rows a transaction (0 = sized by time alone, up to
// ThrottleSettings' own bound; the throttle never goes below what was asked)
// and `connections` side by side (clamped to 1..kMaxConnections).
ThrottleSettings operatorThrottle(int maxBatch, int connections = 1);

class Throttle
{
public:
    explicit Throttle(const ThrottleSettings &s = {});

    int batchSize() const { return m_batch; }
    // The largest size growth may reach now (maxBatch unless a batch overran).
    int ceiling() const { return m_ceiling; }
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
    int m_ceiling;
    int m_sinceOverrun = 0;
};

} // namespace turnstile
