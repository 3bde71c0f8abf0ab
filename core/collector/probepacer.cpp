#include "collector/probepacer.h"

#include <algorithm>
#include <cmath>

namespace turnstile {

void ProbePacer::request(const QString &profile, qint64 nowMs)
{
    m_lastAsked.insert(profile, nowMs);
    if (!m_waiting.contains(profile)) {
        m_waiting.insert(profile);
        m_queue.append(profile);
    }
    // Profiles no longer asked for (removed, or shown no more) stop counting
    // towards the rate after a round; forgotten after two, looked at once a round.
    if (nowMs - m_prunedAt > m_settings.roundMs) {
        m_prunedAt = nowMs;
        m_lastAsked.removeIf(
            [&](const auto &it) { return nowMs - it.value() > 2 * m_settings.roundMs; });
    }
}

void ProbePacer::forget(const QString &profile)
{
    if (m_waiting.remove(profile))
        m_queue.removeAll(profile);
    m_lastAsked.remove(profile);
}

double ProbePacer::ratePerSecond(qint64 nowMs) const
{
    qsizetype asked = 0;
    for (auto it = m_lastAsked.cbegin(); it != m_lastAsked.cend(); ++it)
        if (nowMs - it.value() <= m_settings.roundMs)
            ++asked;
    const double spreadMs = std::max(1.0, double(m_settings.roundMs) *
                                              std::clamp(m_settings.spreadFraction, 0.01, 1.0));
    // Never slower than a burst a second: a few profiles refreshed by hand
    // (F5, choosing another profile) are not held back for seconds.
    return std::max(double(std::max(1, m_settings.burst)), double(asked) * 1000.0 / spreadMs);
}

void ProbePacer::refill(qint64 nowMs)
{
    const double burst = std::max(1, m_settings.burst);
    if (m_tokens < 0)
        m_tokens = burst;
    else if (nowMs > m_refilledAt)
        m_tokens = std::min(burst, m_tokens + ratePerSecond(nowMs) * double(nowMs - m_refilledAt) /
                                                  1000.0);
    m_refilledAt = std::max(m_refilledAt, nowMs);
}

QString ProbePacer::takeNext(qint64 nowMs, int running,
                             const std::function<bool(const QString &)> &busy)
{
    refill(nowMs);
    if (m_queue.isEmpty() || running >= std::max(1, m_settings.maxConcurrent) || m_tokens < 1)
        return {};
    for (qsizetype i = 0; i < m_queue.size(); ++i) {
        if (busy && busy(m_queue.at(i)))
            continue;
        m_tokens -= 1;
        m_waiting.remove(m_queue.at(i));
        return m_queue.takeAt(i);
    }
    return {};
}

qint64 ProbePacer::msUntilNextStart(qint64 nowMs) const
{
    if (m_queue.isEmpty())
        return -1;
    ProbePacer at = *this;
    at.refill(nowMs);
    if (at.m_tokens >= 1)
        return 0;
    return qint64(std::ceil((1 - at.m_tokens) * 1000.0 / ratePerSecond(nowMs)));
}

} // namespace turnstile
