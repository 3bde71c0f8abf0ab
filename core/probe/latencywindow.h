#pragma once

#include "probe/percentile.h"

#include <QList>
#include <QMutex>

#include <deque>
#include <optional>
#include <utility>

namespace turnstile {

// The recent token issue and validation timings of one profile, across probe
// cycles: a probe takes only a few samples (one issue, three validations), so
// a p99 needs the samples of many cycles. Keeps at most `capacity` samples of
// each kind and none older than `maxAgeSec` (after a pause or a suspended
// laptop, hour-old timings say nothing about now). Thread-safe: two probes of
// one profile may overlap on the scheduler's pool.
class LatencyWindow
{
public:
    enum class Kind
    {
        Validate,
        Issue
    };
    static constexpr int kDefaultCapacity = 200;
    static constexpr qint64 kDefaultMaxAgeSec = 3600;

    explicit LatencyWindow(int capacity = kDefaultCapacity, qint64 maxAgeSec = kDefaultMaxAgeSec);

    // Adds samples (ms) taken at `atMs` (ms since the epoch).
    void add(Kind kind, const QList<double> &samplesMs, qint64 atMs);
    // The samples still in the window at `nowMs`, oldest first.
    QList<double> samples(Kind kind, qint64 nowMs) const;
    std::optional<LatencyPercentiles> percentiles(Kind kind, qint64 nowMs) const;

private:
    using Series = std::deque<std::pair<qint64, double>>;
    void expire(Series &s, qint64 nowMs) const;

    const int m_capacity;
    const qint64 m_maxAgeMs;
    mutable QMutex m_mutex;
    mutable Series m_series[2];
};

} // namespace turnstile
