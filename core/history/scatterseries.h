#pragma once

#include "history/namedseries.h"

#include <QList>
#include <QPointF>
#include <QString>

namespace turnstile {

// One point cloud of a scatter chart: two series of the same profile, read
// with the same range and bucket budget and therefore on the same bucket
// grid, paired by bucket start.
struct ScatterSeries
{
    QString name;
    NamedSeries x;
    NamedSeries y;

    // (mean of x, mean of y) for every bucket start both series have, in
    // time order. Buckets without a finite mean on either side are skipped:
    // a failed probe is a gap, not a point at zero.
    QList<QPointF> points() const;
    // The bucket start of every point, parallel to points().
    QList<qint64> times() const;

    bool operator==(const ScatterSeries &) const = default;
};

} // namespace turnstile
