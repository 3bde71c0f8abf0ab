#include "history/segmentbreaks.h"

#include <algorithm>

namespace turnstile {

QList<qsizetype> segmentBreaks(const QList<Bucket> &buckets, qint64 bucketSeconds)
{
    QList<qsizetype> out;
    if (buckets.size() < 3)
        return out; // two points have no rhythm to break
    QList<qint64> steps;
    steps.reserve(buckets.size() - 1);
    for (qsizetype i = 1; i < buckets.size(); ++i)
        steps.append(buckets[i].ts - buckets[i - 1].ts);
    QList<qint64> sorted = steps;
    const auto mid = sorted.begin() + sorted.size() / 2;
    std::nth_element(sorted.begin(), mid, sorted.end());
    const double rhythm = double(std::max(std::max<qint64>(bucketSeconds, 1), *mid));
    for (qsizetype i = 0; i < steps.size(); ++i)
        if (double(steps[i]) > kGapFactor * rhythm)
            out.append(i + 1);
    return out;
}

} // namespace turnstile
