#pragma once

#include <QList>

#include <optional>

namespace turnstile {

// The exact nearest-rank percentile of samples: the smallest sample such that
// at least `percent` % of the samples are less than or equal to it (rank
// ceil(percent / 100 × n), 1-based). No interpolation, so the figure is always
// a latency that was really measured — with few samples p99 is the slowest
// one, which is what an operator should see. Empty input or a percent outside
// (0, 100] gives nothing. NaN samples are ignored. Pure; unit-tested.
std::optional<double> nearestRankPercentile(QList<double> samples, double percent);

// p50/p95/p99 of one window of latency samples and how many samples they
// were taken over.
struct LatencyPercentiles
{
    double p50 = 0;
    double p95 = 0;
    double p99 = 0;
    int samples = 0;

    bool operator==(const LatencyPercentiles &) const = default;
};

// nearestRankPercentile() at 50, 95 and 99 over one sort of the samples.
std::optional<LatencyPercentiles> latencyPercentiles(QList<double> samples);

} // namespace turnstile
