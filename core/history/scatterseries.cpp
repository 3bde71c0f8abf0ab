#include "history/scatterseries.h"

#include <QHash>

#include <cmath>

namespace turnstile {

namespace {
template <typename Visit> void pair(const ScatterSeries &s, Visit visit)
{
    QHash<qint64, double> xs;
    xs.reserve(s.x.buckets.size());
    for (const Bucket &b : s.x.buckets)
        if (std::isfinite(b.avg()))
            xs.insert(b.ts, b.avg());
    for (const Bucket &b : s.y.buckets) {
        const auto it = xs.constFind(b.ts);
        if (it != xs.cend() && std::isfinite(b.avg()))
            visit(b.ts, QPointF(*it, b.avg()));
    }
}
} // namespace

QList<QPointF> ScatterSeries::points() const
{
    QList<QPointF> out;
    pair(*this, [&out](qint64, const QPointF &p) { out.append(p); });
    return out;
}

QList<qint64> ScatterSeries::times() const
{
    QList<qint64> out;
    pair(*this, [&out](qint64 ts, const QPointF &) { out.append(ts); });
    return out;
}

} // namespace turnstile
