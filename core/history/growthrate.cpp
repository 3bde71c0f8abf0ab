#include "history/growthrate.h"

#include "history/historystore.h"

#include <algorithm>
#include <cmath>

namespace turnstile {

std::optional<Growth> growthOver(const QList<Bucket> &buckets)
{
    const Bucket *first = nullptr;
    const Bucket *last = nullptr;
    for (const Bucket &b : buckets) {
        if (!std::isfinite(b.avg()))
            continue;
        if (!first)
            first = &b;
        last = &b;
    }
    if (!first || last->ts - first->ts < 3600)
        return std::nullopt;
    return Growth{last->avg() - first->avg(), last->ts - first->ts};
}

std::optional<double> growthPerDay(const QList<Bucket> &buckets)
{
    if (const auto g = growthOver(buckets))
        return g->perDay();
    return std::nullopt;
}

std::optional<Growth> growthOver(HistoryStore &store, const SeriesKey &key, qint64 from, qint64 to)
{
    const int hours = int(std::clamp<qint64>((to - from) / 3600, 2, 400));
    const std::optional<DecimatedSeries> q = store.query(key, from, to, hours);
    if (!q)
        return std::nullopt;
    return growthOver(q->buckets);
}

std::optional<Growth> observedGrowth(HistoryStore &store, const SeriesKey &key, qint64 from,
                                     qint64 to)
{
    const std::optional<QList<Sample>> all = store.samples(key, from, to);
    if (!all)
        return std::nullopt;
    const Sample *first = nullptr;
    const Sample *last = nullptr;
    for (const Sample &s : *all) {
        if (!std::isfinite(s.value))
            continue;
        if (!first)
            first = &s;
        last = &s;
    }
    if (!first || last->ts <= first->ts)
        return std::nullopt;
    return Growth{last->value - first->value, last->ts - first->ts};
}

std::optional<double> growthPerDay(HistoryStore &store, const SeriesKey &key, qint64 from,
                                   qint64 to)
{
    if (const auto g = growthOver(store, key, from, to))
        return g->perDay();
    return std::nullopt;
}

} // namespace turnstile
