#pragma once

#include "history/bucket.h"

#include <QList>
#include <QString>

#include <utility>

namespace turnstile {

// One curve of a chart: the decimated min/max buckets of one series, as
// HistoryStore::query() returns them, under the name the legend and a CSV
// export show (human, translated: metricDisplayName). metric and profile are
// the machine identity an export keeps beside it, so scripts can join on
// them; empty for curves that are no stored series (a benchmark's own run).
struct NamedSeries
{
    // A constructor rather than aggregate initialisation, so the many
    // {name, buckets} of curves without a stored series stay valid under
    // -Wmissing-field-initializers.
    NamedSeries(QString name = {}, QList<Bucket> buckets = {}, QString metric = {},
                QString profile = {})
        : name(std::move(name)), buckets(std::move(buckets)), metric(std::move(metric)),
          profile(std::move(profile))
    {}

    QString name;
    QList<Bucket> buckets;
    QString metric;
    QString profile;
    // Indices of buckets that start a new segment: the history has a gap
    // before them (segmentBreaks), which the chart shows as a gap.
    QList<qsizetype> breaks;

    bool operator==(const NamedSeries &) const = default;
};

} // namespace turnstile
