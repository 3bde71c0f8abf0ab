#include "probe/latencywindow.h"

#include <QMutexLocker>

#include <algorithm>

namespace turnstile {

LatencyWindow::LatencyWindow(int capacity, qint64 maxAgeSec)
    : m_capacity(std::max(1, capacity)), m_maxAgeMs(std::max<qint64>(1, maxAgeSec) * 1000)
{}

void LatencyWindow::expire(Series &s, qint64 nowMs) const
{
    while (!s.empty() && nowMs - s.front().first > m_maxAgeMs)
        s.pop_front();
    while (s.size() > size_t(m_capacity))
        s.pop_front();
}

void LatencyWindow::add(Kind kind, const QList<double> &samplesMs, qint64 atMs)
{
    QMutexLocker lock(&m_mutex);
    Series &s = m_series[int(kind)];
    for (double v : samplesMs)
        s.emplace_back(atMs, v);
    expire(s, atMs);
}

QList<double> LatencyWindow::samples(Kind kind, qint64 nowMs) const
{
    QMutexLocker lock(&m_mutex);
    Series &s = m_series[int(kind)];
    expire(s, nowMs);
    QList<double> out;
    out.reserve(qsizetype(s.size()));
    for (const auto &[at, v] : s)
        out.append(v);
    return out;
}

std::optional<LatencyPercentiles> LatencyWindow::percentiles(Kind kind, qint64 nowMs) const
{
    return latencyPercentiles(samples(kind, nowMs));
}

} // namespace turnstile
