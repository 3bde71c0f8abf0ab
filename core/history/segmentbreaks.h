#pragma once

#include "history/bucket.h"

#include <QList>

namespace turnstile {

// Where a curve has to break: the indices i (ascending, 1 <= i < n) at which
// buckets[i] starts a new segment because nothing was sampled between it and
// buckets[i - 1] for longer than the series' own rhythm allows. A collector
// that was down for a night must show as a hole, not as a straight line that
// invents a night of steady growth.
//
// The rhythm is the larger of the bucket width (what decimation makes
// adjacent) and the median spacing of the buckets (a collector sampling every
// 5 minutes into 1-minute buckets); a step of more than kGapFactor times it
// is a gap. Pure; buckets must be ordered by time (as HistoryStore::query
// returns them).
constexpr double kGapFactor = 2.5;
QList<qsizetype> segmentBreaks(const QList<Bucket> &buckets, qint64 bucketSeconds);

} // namespace turnstile
