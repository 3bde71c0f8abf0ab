#pragma once

#include <QtGlobal>

#include <limits>

namespace turnstile {

// The samples of one time slice [ts, ts + width), reduced to what a chart
// needs: min and max keep peaks visible at any zoom level, sum/count give the
// mean. Rollup rows (1 min, 1 h) are buckets too, which is what lets the
// decimation merge raw samples and rollups with one function.
struct Bucket
{
    qint64 ts = 0; // start of the slice, seconds since the epoch (UTC)
    double min = 0;
    double max = 0;
    double sum = 0;
    qint64 count = 0; // finite samples that contributed

    double avg() const
    {
        return count > 0 ? sum / double(count) : std::numeric_limits<double>::quiet_NaN();
    }

    bool operator==(const Bucket &) const = default;
};

} // namespace turnstile
