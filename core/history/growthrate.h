#pragma once

#include "history/bucket.h"
#include "history/serieskey.h"

#include <QList>

#include <optional>

namespace turnstile {

class HistoryStore;

// How much a series changed between the mean of its first and of its last
// bucket, and over how long.
struct Growth
{
    double change = 0;
    qint64 spanSec = 0;
    double perDay() const { return change * 86400.0 / double(spanSec); }
};

// Buckets, not single samples, so one odd sample at either end does not
// decide the figure. nullopt when the buckets span less than an hour (too
// short to say anything) or hold no finite mean.
std::optional<Growth> growthOver(const QList<Bucket> &buckets);

// growthOver() as a slope per day.
std::optional<double> growthPerDay(const QList<Bucket> &buckets);

// The same over [from, to) of a stored series, read in hourly buckets (at
// most 400) so a week costs one small rollup query. nullopt also for an
// unknown series; a failing read leaves a sentence in store.error().
std::optional<double> growthPerDay(HistoryStore &store, const SeriesKey &key, qint64 from,
                                   qint64 to);
std::optional<Growth> growthOver(HistoryStore &store, const SeriesKey &key, qint64 from, qint64 to);

// The change of a stored series between its first and its last finite raw
// sample in [from, to), over the span actually observed between them — not
// the width of the buckets they fall in: 15 minutes of history straddling an
// hour boundary are 15 minutes, not 1 or 2 hours. Returned whatever the span
// (a caller shows "collecting" below kMinGrowthSpanSec); nullopt with fewer
// than two finite samples or an unknown series.
std::optional<Growth> observedGrowth(HistoryStore &store, const SeriesKey &key, qint64 from,
                                     qint64 to);
// Below this much observed history a growth rate means nothing.
inline constexpr qint64 kMinGrowthSpanSec = 3600;

} // namespace turnstile
