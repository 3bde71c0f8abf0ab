#include "guarded/throttle.h"

#include <algorithm>
#include <cmath>

namespace turnstile {

Throttle::Throttle(const ThrottleSettings &s) : m_s(s)
{
    m_s.maxBatch = std::max(1, m_s.maxBatch);
    m_s.minBatch = std::clamp(m_s.minBatch, 1, m_s.maxBatch);
    m_batch = m_s.maxBatch;
}

int Throttle::afterBatch(double batchMs)
{
    if (batchMs > m_s.maxBatchMs && batchMs > 0) {
        // Aim below the limit so one slow page does not flap the size.
        const double scaled = m_batch * (0.8 * m_s.maxBatchMs / batchMs);
        m_batch = std::clamp(int(scaled), m_s.minBatch, m_s.maxBatch);
    } else if (batchMs < m_s.maxBatchMs / 4 && m_batch < m_s.maxBatch) {
        m_batch = std::min(m_s.maxBatch, m_batch * 2);
    }
    return int(std::lround(std::max(0.0, batchMs) * std::max(0.0, m_s.sleepRatio)));
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
