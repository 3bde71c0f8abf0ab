#pragma once

#include "history/bucket.h"
#include "history/sample.h"

#include <QList>

namespace turnstile {

// Min/max decimation for charts: the range [from, to) is cut into `buckets`
// columns of equal width, ceil((to - from) / buckets) seconds each (at least
// one second), and every column keeps the min, max, sum and count of what
// fell into it. A single spike therefore survives any reduction, which an
// average or every-nth-sample would hide.
//
// Contract, shared by both overloads (pure functions, no state):
//  * the result holds only non-empty columns, ordered by time, at most
//    `buckets` of them; Bucket::ts is the column start (from + i * width);
//  * input outside [from, to) is ignored; input need not be sorted;
//  * NaN and infinite values are ignored (a probe that failed is a gap, not
//    a zero); a column with nothing finite in it is absent;
//  * to <= from or buckets <= 0 give an empty result;
//  * arithmetic does not overflow for any qint64 from/to.
qint64 decimationWidth(qint64 from, qint64 to, int buckets);

QList<Bucket> decimateMinMax(const QList<Sample> &samples, qint64 from, qint64 to, int buckets);

// Same for pre-aggregated rows (rollups, or buckets of an earlier pass): a
// row is assigned by its ts; min/max/sum/count merge. Rows with count <= 0
// or a non-finite min/max are ignored.
QList<Bucket> decimateMinMax(const QList<Bucket> &rows, qint64 from, qint64 to, int buckets);

} // namespace turnstile
