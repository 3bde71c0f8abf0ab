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

    // One end, read fine: the first (or last) finite value in coarse bucket
    // b, inside [from, to). The grid starts at `from` rounded down and the
    // last bucket may reach past `to`, so a coarse bucket at either end may
    // hold values only outside the range; the caller then tries the next one
    // inward. A slice of raw rows (under 30 s) is read sample by sample, for
    // the sample's own time and value.
    bool failed = false;
    const auto end = [&](const Bucket &b, bool last) -> std::optional<Sample> {
        const qint64 lo = std::max(from, b.ts);
        const qint64 hi = std::min(to, b.ts + width);
        if (hi <= lo || !std::isfinite(b.avg()))
            return std::nullopt;
        const std::optional<DecimatedSeries> fine = store.query(key, lo, hi, kFineBuckets);
        if (!fine) {
            failed = true;
            return std::nullopt;
        }
        const Bucket *f = last ? lastFinite(fine->buckets) : firstFinite(fine->buckets);
        if (!f)
            return std::nullopt;
        Sample value{f->ts, f->avg()};
        if (fine->resolution == Resolution::Raw) {
            const std::optional<QList<Sample>> raw =
                store.samples(key, std::max(lo, f->ts), std::min(hi, f->ts + fine->bucketSeconds));
            if (!raw) {
                failed = true;
                return std::nullopt;
            }
            const auto finite = [](const Sample &s) { return std::isfinite(s.value); };
            if (last) {
                if (const auto it = std::find_if(raw->crbegin(), raw->crend(), finite);
                    it != raw->crend())
                    value = *it;
            } else if (const auto it = std::find_if(raw->cbegin(), raw->cend(), finite);
                       it != raw->cend()) {
                value = *it;
            }
        }
        return value;
    };
    std::optional<Sample> first;
    for (qsizetype i = 0; i < buckets.size() && !first && !failed; ++i)
        first = end(buckets[i], false);
    std::optional<Sample> last;
    for (qsizetype i = buckets.size() - 1; i >= 0 && first && !last && !failed; --i)
        last = end(buckets[i], true);
    if (failed || !first || !last)
        return std::nullopt;
    return RangeChange{first->value, first->ts, last->value, last->ts};
}

} // namespace turnstile
