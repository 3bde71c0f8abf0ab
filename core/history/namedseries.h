#pragma once

#include "history/bucket.h"

#include <QList>
#include <QString>

namespace turnstile {

// One curve of a chart: the decimated min/max buckets of one series, as
// HistoryStore::query() returns them, under the name the legend and a CSV
// export show.
struct NamedSeries
{
    QString name;
    QList<Bucket> buckets;

    bool operator==(const NamedSeries &) const = default;
};

} // namespace turnstile
