#pragma once

#include "history/bucket.h"
#include "history/serieskey.h"

#include <QList>

#include <optional>

namespace turnstile {

class HistoryStore;

// How a series moved over a report's range: its first and its last value in
// it, for the "change over the range" figures of a capacity review ("Live
// tokens 2.1 M → 2.6 M, +512 k (+24.4%)"). Unlike growthOver(), which
// compares the means of coarse buckets to estimate a rate, these are the
// values as sampled at either end, so the last one is the figure the
// Overview shows now.
struct RangeChange
{
    double first = 0;
    qint64 firstTs = 0;
    double last = 0;
    qint64 lastTs = 0;

    double change() const { return last - first; }
    // The change as a share of the first value, in percent; nullopt when the
    // first value is 0 (growth from nothing has no percentage).
    std::optional<double> percent() const;

    bool operator==(const RangeChange &) const = default;
};

// Pure: the mean of the first and of the last bucket with a finite mean
// (buckets are samples, or slices too short to matter, when they come from
// the store's finest table). nullopt when no bucket has one.
std::optional<RangeChange> rangeChange(const QList<Bucket> &buckets);

// The first and last value of a stored series in [from, to): where the
// series has values is found on coarse buckets, then each end is read at the
// finest resolution the store still keeps there (raw samples, or a rollup
// where retention removed them). nullopt for an unknown series or one
// without a value in the range; a failing read leaves a sentence in
// store.error().
std::optional<RangeChange> rangeChange(HistoryStore &store, const SeriesKey &key, qint64 from,
                                       qint64 to);

} // namespace turnstile
