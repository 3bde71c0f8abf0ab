#include "bench/latencysummary.h"

#include <algorithm>
#include <cmath>

namespace turnstile {

qint64 LatencySummary::percentile(const QList<qint64> &sorted, double p)
{
    if (sorted.isEmpty())
        return 0;
    const qsizetype n = sorted.size();
    // ceil(p/100 * n) computed on integers where possible: 99.9 % of 1000 is
    // rank 999 exactly, not 999.0000000001 rounded up to 1000.
    const double exact = p / 100.0 * double(n);
    qsizetype rank = qsizetype(std::ceil(exact - 1e-9));
    rank = std::clamp<qsizetype>(rank, 1, n);
    return sorted[rank - 1];
}

LatencySummary LatencySummary::fromNanoseconds(QList<qint64> ns)
{
    LatencySummary s;
    if (ns.isEmpty())
        return s;
    std::sort(ns.begin(), ns.end());
    const auto ms = [](qint64 v) { return double(v) / 1e6; };
    s.count = ns.size();
    s.minMs = ms(ns.first());
    s.maxMs = ms(ns.last());
    s.p50Ms = ms(percentile(ns, 50));
    s.p90Ms = ms(percentile(ns, 90));
    s.p95Ms = ms(percentile(ns, 95));
    s.p99Ms = ms(percentile(ns, 99));
    s.p999Ms = ms(percentile(ns, 99.9));
    long double sum = 0;
    for (qint64 v : ns)
        sum += v;
    s.meanMs = double(sum / ns.size()) / 1e6;
    return s;
}

QJsonObject LatencySummary::toJson() const
{
    const auto r = [](double v) { return std::round(v * 1000.0) / 1000.0; };
    return QJsonObject{
        {QStringLiteral("count"), count},        {QStringLiteral("min_ms"), r(minMs)},
        {QStringLiteral("p50_ms"), r(p50Ms)},    {QStringLiteral("p90_ms"), r(p90Ms)},
        {QStringLiteral("p95_ms"), r(p95Ms)},    {QStringLiteral("p99_ms"), r(p99Ms)},
        {QStringLiteral("p99_9_ms"), r(p999Ms)}, {QStringLiteral("max_ms"), r(maxMs)},
        {QStringLiteral("mean_ms"), r(meanMs)}};
}

LatencySummary LatencySummary::fromJson(const QJsonObject &o)
{
    LatencySummary s;
    s.count = o.value(u"count").toInteger();
    s.minMs = o.value(u"min_ms").toDouble();
    s.p50Ms = o.value(u"p50_ms").toDouble();
    s.p90Ms = o.value(u"p90_ms").toDouble();
    s.p95Ms = o.value(u"p95_ms").toDouble();
    s.p99Ms = o.value(u"p99_ms").toDouble();
    s.p999Ms = o.value(u"p99_9_ms").toDouble();
    s.maxMs = o.value(u"max_ms").toDouble();
    s.meanMs = o.value(u"mean_ms").toDouble();
    return s;
}

} // namespace turnstile
