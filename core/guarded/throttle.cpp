#include "guarded/throttle.h"

#include <algorithm>
#include <cmath>

namespace turnstile {

ThrottleSettings operatorThrottle(int maxBatch, int connections)
{
    ThrottleSettings t;
    if (maxBatch > 0) {
        t.maxBatch = maxBatch;
        t.minBatch = std::min(t.minBatch, maxBatch);
    }
    t.connections = std::clamp(connections, 1, kMaxConnections);
    return t;
}

Throttle::Throttle(const ThrottleSettings &s) : m_s(s)
{
    m_s.maxBatch = std::max(1, m_s.maxBatch);
    m_s.minBatch = std::clamp(m_s.minBatch, 1, m_s.maxBatch);
    m_s.overrunWindow = std::max(1, m_s.overrunWindow);
    m_batch = std::clamp(m_s.startBatch, m_s.minBatch, m_s.maxBatch);
    m_ceiling = m_s.maxBatch;
}

int Throttle::afterBatch(double batchMs)
{
    // Aim at half the limit: on a busy server equal batches take up to twice
    // as long as one another, and the limit is what a writer may have to wait
    // for our row locks, not an average.
    const double aim = 0.5 * m_s.maxBatchMs;
    if (batchMs > m_s.maxBatchMs) {
        // Over the cap: remember how big is too big for a while, so growth
        // does not walk straight back into it (that is what keeps the p99,
        // not only the average, under the cap).
        m_ceiling =
            std::clamp(int(m_batch * 0.75 * m_s.maxBatchMs / batchMs), m_s.minBatch, m_s.maxBatch);
        m_sinceOverrun = 0;
    } else if (m_ceiling < m_s.maxBatch && ++m_sinceOverrun >= m_s.overrunWindow) {
        m_ceiling = int(std::min<qint64>(m_s.maxBatch, qint64(m_ceiling) * 2));
        m_sinceOverrun = 0;
    }
    if (batchMs > 0.75 * m_s.maxBatchMs) {
        m_batch = std::clamp(int(m_batch * aim / batchMs), m_s.minBatch, m_s.maxBatch);
    } else if (batchMs < 0.4 * m_s.maxBatchMs && m_batch < m_ceiling) {
        // Grow back towards the aim, at most doubling. Part of a batch's time
        // does not shrink with its size (the commit's log flush, round trips),
        // so growing only below a quarter of the limit left a batch that one
        // slow moment had cut to 50 rows there for the rest of a busy run.
        const double factor = batchMs > 0 ? std::min(2.0, aim / batchMs) : 2.0;
        m_batch = std::clamp(int(m_batch * factor), m_s.minBatch, m_ceiling);
    }
    // Pause only after a batch over the aim, i.e. when the server is busy and
    // the pause hands it to Keystone. After a fast batch nobody waits on us:
    // a writer blocked on one of our row locks got it at our commit, and a
    // pause would only stretch the purge (by 10 % at the default ratio).
    if (batchMs <= aim)
        return 0;
    return int(std::lround(batchMs * std::max(0.0, m_s.sleepRatio)));
}

int Throttle::afterLockConflict(int attempt)
{
    m_batch = std::max(m_s.minBatch, m_batch / 2);
    if (attempt > m_s.maxRetries)
        return -1;
    const double ms = m_s.backoffBaseMs * std::pow(2.0, std::max(0, attempt - 1));
    return int(std::min<double>(ms, m_s.backoffMaxMs));
}

int Throttle::afterFlowControl(double pausedShare) const
{
    if (pausedShare <= 0.01)
        return 0;
    // Paused 10% of the time → wait a second; fully paused → the cap.
    return int(std::min<double>(m_s.backoffMaxMs, 10000.0 * pausedShare));
}

int Throttle::afterReplicaLag(double lagSec) const
{
    if (lagSec <= m_s.maxReplicaLagSec)
        return 0;
    return int(std::min<double>(m_s.backoffMaxMs, (lagSec - m_s.maxReplicaLagSec) * 1000.0 + 500));
}

} // namespace turnstile
