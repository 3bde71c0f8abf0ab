#pragma once

#include "history/bucket.h"
#include "history/sample.h"

#include <QList>

#include <vector>

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

// decimateMinMax for a series held in memory and redrawn many times (zoom,
// pan): built once when the data is loaded, each decimate() then costs about
// (non-empty columns) x (2 binary searches + 2 x kLeaf samples + 2 x log2(N)
// blocks) instead of a scan of every sample in the range, so a zoom of a
// 1,000,000-sample series does not visit a million samples per frame.
//
// Levels of per-block min/max/sum/count over the time-sorted samples (level
// 0: kLeaf samples a block, each further level two blocks of the one below).
// A column is the samples of [start, end) found by binary search; its inner
// whole blocks are taken from the highest level that fits, the ragged edges
// sample by sample, and all of it goes through decimateMinMax's own column
// accumulator. So the result has the same contract and the same columns as
// decimateMinMax(samples, from, to, buckets): ts, min, max and count equal,
// spikes kept; only sum may differ in the last bits (added in another order).
class MinMaxPyramid
{
public:
    static constexpr qsizetype kLeaf = 32;

    MinMaxPyramid() = default;
    // Unsorted input is stably sorted by time here, once.
    explicit MinMaxPyramid(QList<Sample> samples);

    QList<Bucket> decimate(qint64 from, qint64 to, int buckets) const;

    const QList<Sample> &samples() const { return m_samples; }

private:
    QList<Sample> m_samples;
    // m_levels[k][j]: samples [j * kLeaf << k, (j + 1) * kLeaf << k); only
    // whole blocks. Bucket::ts is unused (the column decides).
    std::vector<std::vector<Bucket>> m_levels;
};

} // namespace turnstile
