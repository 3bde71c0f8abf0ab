#include "history/rangechange.h"

#include "history/historystore.h"

#include <algorithm>
#include <cmath>

namespace turnstile {

namespace {
// Coarse buckets to find where a series has values; fine buckets inside the
// first and the last of them to read the values at either end. 30 days are
// 200 buckets of 4 h, each read again in 500 slices of under 30 s: raw
// samples.
constexpr int kCoarseBuckets = 200;
constexpr int kFineBuckets = 500;

const Bucket *firstFinite(const QList<Bucket> &buckets)
{
    const auto it = std::find_if(buckets.cbegin(), buckets.cend(),
                                 [](const Bucket &b) { return std::isfinite(b.avg()); });
    return it == buckets.cend() ? nullptr : &*it;
}

const Bucket *lastFinite(const QList<Bucket> &buckets)
{
    const auto it = std::find_if(buckets.crbegin(), buckets.crend(),
                                 [](const Bucket &b) { return std::isfinite(b.avg()); });
    return it == buckets.crend() ? nullptr : &*it;
}
} // namespace

std::optional<double> RangeChange::percent() const
{
    if (first == 0)
        return std::nullopt;
    return change() / std::abs(first) * 100.0;
}

std::optional<RangeChange> rangeChange(const QList<Bucket> &buckets)
{
    const Bucket *first = firstFinite(buckets);
    const Bucket *last = lastFinite(buckets);
    if (!first || !last)
        return std::nullopt;
    return RangeChange{first->avg(), first->ts, last->avg(), last->ts};
}

std::optional<RangeChange> rangeChange(HistoryStore &store, const SeriesKey &key, qint64 from,
                                       qint64 to)
{
    if (to <= from)
        return std::nullopt;
    const std::optional<DecimatedSeries> coarse = store.query(key, from, to, kCoarseBuckets);
    if (!coarse)
        return std::nullopt;
    const QList<Bucket> &buckets = coarse->buckets;
    const qint64 width = std::max<qint64>(coarse->bucketSeconds, 1);
    // The fine buckets of coarse bucket b, inside [from, to): the grid
    // starts at `from` rounded down and the last bucket may reach past `to`,
    // so a coarse bucket at either end may hold values only outside the
    // range; the next one inward is read then.
    bool failed = false;
    const auto fine = [&](const Bucket &b) {
        const qint64 lo = std::max(from, b.ts);
        const qint64 hi = std::min(to, b.ts + width);
        if (hi <= lo || !std::isfinite(b.avg()))
            return QList<Bucket>{};
        const std::optional<DecimatedSeries> q = store.query(key, lo, hi, kFineBuckets);
        failed = failed || !q;
        return q ? q->buckets : QList<Bucket>{};
    };
    const Bucket *first = nullptr;
    QList<Bucket> head;
    for (qsizetype i = 0; i < buckets.size() && !first && !failed; ++i) {
        head = fine(buckets[i]);
        first = firstFinite(head);
    }
    const Bucket *last = nullptr;
    QList<Bucket> tail;
    for (qsizetype i = buckets.size() - 1; i >= 0 && first && !last && !failed; --i) {
        tail = fine(buckets[i]);
        last = lastFinite(tail);
    }
    if (failed || !first || !last)
        return std::nullopt;
    return RangeChange{first->avg(), first->ts, last->avg(), last->ts};
}

} // namespace turnstile
