#include "probe/percentile.h"

#include <algorithm>
#include <cmath>

namespace turnstile {

namespace {
// samples sorted ascending, without NaN, not empty.
double rankOf(const QList<double> &sorted, double percent)
{
    const qsizetype n = sorted.size();
    // ceil(p/100 × n): p × n / 100 is exact in a double for whole percents,
    // so 99 % of 200 is rank 198, not 199; the epsilon absorbs the rounding
    // of fractional percents.
    const double exact = percent * double(n) / 100.0;
    qsizetype rank = qsizetype(std::ceil(exact - 1e-9));
    rank = std::clamp<qsizetype>(rank, 1, n);
    return sorted.at(rank - 1);
}

QList<double> sortedFinite(QList<double> samples)
{
    samples.removeIf([](double v) { return std::isnan(v); });
    std::sort(samples.begin(), samples.end());
    return samples;
}
} // namespace

std::optional<double> nearestRankPercentile(QList<double> samples, double percent)
{
    if (!(percent > 0 && percent <= 100))
        return std::nullopt;
    const QList<double> sorted = sortedFinite(std::move(samples));
    if (sorted.isEmpty())
        return std::nullopt;
    return rankOf(sorted, percent);
}

std::optional<LatencyPercentiles> latencyPercentiles(QList<double> samples)
{
    const QList<double> sorted = sortedFinite(std::move(samples));
    if (sorted.isEmpty())
        return std::nullopt;
    LatencyPercentiles p;
    p.p50 = rankOf(sorted, 50);
    p.p95 = rankOf(sorted, 95);
    p.p99 = rankOf(sorted, 99);
    p.samples = int(sorted.size());
    return p;
}

} // namespace turnstile
