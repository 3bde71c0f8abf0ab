#include "history/metricnames.h"

#include <QCoreApplication>
#include <QHash>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(MetricNames)
};

// The table holds the source text; tr() runs on every call, so a language
// installed after start-up applies.
QString knownName(const QString &metric)
{
    static const QHash<QString, const char *> names = {
        {QStringLiteral("token.live"), QT_TRANSLATE_NOOP("MetricNames", "Live tokens")},
        {QStringLiteral("token.live_exact"),
         QT_TRANSLATE_NOOP("MetricNames", "Live tokens (exact count)")},
        {QStringLiteral("token.expired"), QT_TRANSLATE_NOOP("MetricNames", "Expired tokens")},
        {QStringLiteral("token.expired_exact"),
         QT_TRANSLATE_NOOP("MetricNames", "Expired tokens (exact count)")},
        {QStringLiteral("token.bytes"), QT_TRANSLATE_NOOP("MetricNames", "Token table size")},
        {QStringLiteral("revocation_event.rows"),
         QT_TRANSLATE_NOOP("MetricNames", "Revocation events")},
        {QStringLiteral("revocation_event.obsolete"),
         QT_TRANSLATE_NOOP("MetricNames", "Obsolete revocation events")},
        {QStringLiteral("revocation_event.wide"),
         QT_TRANSLATE_NOOP("MetricNames", "Wide revocation events")},
        {QStringLiteral("catalog.bytes"), QT_TRANSLATE_NOOP("MetricNames", "Service catalog size")},
        {QStringLiteral("db.cycle_ms"), QT_TRANSLATE_NOOP("MetricNames", "Database cycle time")},
        {QStringLiteral("db.exact_ms"), QT_TRANSLATE_NOOP("MetricNames", "Exact count duration")},
        {QStringLiteral("keystone.up"), QT_TRANSLATE_NOOP("MetricNames", "Keystone up")},
        {QStringLiteral("users.enabled"), QT_TRANSLATE_NOOP("MetricNames", "Enabled users")},
        {QStringLiteral("users.locked"), QT_TRANSLATE_NOOP("MetricNames", "Locked users")},
        {QStringLiteral("users.passwords_expiring"),
         QT_TRANSLATE_NOOP("MetricNames", "Passwords expiring")},
        {QStringLiteral("validate.ms"), QT_TRANSLATE_NOOP("MetricNames", "Validation time")},
        {QStringLiteral("validate.p50.ms"), QT_TRANSLATE_NOOP("MetricNames", "Validation p50")},
        {QStringLiteral("validate.p95.ms"), QT_TRANSLATE_NOOP("MetricNames", "Validation p95")},
        {QStringLiteral("validate.p99.ms"), QT_TRANSLATE_NOOP("MetricNames", "Validation p99")},
        {QStringLiteral("issue.ms"), QT_TRANSLATE_NOOP("MetricNames", "Token issue time")},
        {QStringLiteral("issue.p50.ms"), QT_TRANSLATE_NOOP("MetricNames", "Token issue p50")},
        {QStringLiteral("issue.p95.ms"), QT_TRANSLATE_NOOP("MetricNames", "Token issue p95")},
        {QStringLiteral("issue.p99.ms"), QT_TRANSLATE_NOOP("MetricNames", "Token issue p99")},
        {QStringLiteral("memcached.hits"), QT_TRANSLATE_NOOP("MetricNames", "Memcached hits")},
        {QStringLiteral("memcached.misses"), QT_TRANSLATE_NOOP("MetricNames", "Memcached misses")},
        {QStringLiteral("memcached.evictions"),
         QT_TRANSLATE_NOOP("MetricNames", "Memcached evictions")},
        {QStringLiteral("memcached.items"), QT_TRANSLATE_NOOP("MetricNames", "Memcached items")},
        {QStringLiteral("memcached.connections"),
         QT_TRANSLATE_NOOP("MetricNames", "Memcached connections")},
        {QStringLiteral("memcached.hit_ratio"),
         QT_TRANSLATE_NOOP("MetricNames", "Memcached hit ratio")},
        {QStringLiteral("bench.rps"),
         QT_TRANSLATE_NOOP("MetricNames", "Benchmark answers per second")},
        {QStringLiteral("bench.p50_ms"), QT_TRANSLATE_NOOP("MetricNames", "Benchmark p50")},
        {QStringLiteral("bench.p90_ms"), QT_TRANSLATE_NOOP("MetricNames", "Benchmark p90")},
        {QStringLiteral("bench.p99_ms"), QT_TRANSLATE_NOOP("MetricNames", "Benchmark p99")},
        {QStringLiteral("bench.p999_ms"), QT_TRANSLATE_NOOP("MetricNames", "Benchmark p99.9")},
        {QStringLiteral("bench.max_ms"), QT_TRANSLATE_NOOP("MetricNames", "Benchmark maximum")},
        {QStringLiteral("bench.errors"), QT_TRANSLATE_NOOP("MetricNames", "Benchmark errors")},
        {QStringLiteral("bench.revocation_events"),
         QT_TRANSLATE_NOOP("MetricNames", "Revocation events at benchmark")},
    };
    const auto it = names.constFind(metric);
    return it == names.constEnd() ? QString() : Tr::tr(*it);
}

// "keystone" → "Keystone": the object's name starts the label. Only the
// first letter: the rest is the server's own name (lower-cased by the
// collector, metricNamePart).
QString capitalised(QString part)
{
    if (!part.isEmpty())
        part[0] = part[0].toUpper();
    return part;
}
} // namespace

QString metricDisplayName(const QString &metric)
{
    if (const QString known = knownName(metric); !known.isEmpty())
        return known;
    // Per-object families: schema.<name>.bytes, table.<name>.rows|bytes.
    const QStringList parts = metric.split(u'.');
    if (parts.size() == 3 && !parts[1].isEmpty()) {
        const QString object = capitalised(parts[1]);
        if (parts[0] == u"schema" && parts[2] == u"bytes")
            return Tr::tr("%1 schema size").arg(object);
        if (parts[0] == u"table" && parts[2] == u"rows")
            return Tr::tr("%1 table rows").arg(object);
        if (parts[0] == u"table" && parts[2] == u"bytes")
            return Tr::tr("%1 table size").arg(object);
    }
    return metric;
}

QString seriesDisplayName(const QString &metric, const QString &profile)
{
    return Tr::tr("%1 — %2", "series name — profile").arg(metricDisplayName(metric), profile);
}

} // namespace turnstile
