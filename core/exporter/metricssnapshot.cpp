#include "exporter/metricssnapshot.h"

namespace turnstile {

const QStringList &collectErrorStages()
{
    static const QStringList stages{QStringLiteral("keystone"), QStringLiteral("token"),
                                    QStringLiteral("database"), QStringLiteral("memcached"),
                                    QStringLiteral("keys"),     QStringLiteral("store")};
    return stages;
}

QStringList failedStages(const CollectResult &r)
{
    QStringList out;
    auto add = [&out](const QString &stage) {
        if (!out.contains(stage))
            out.append(stage);
    };
    if (!r.probe.endpointError.isEmpty() || !r.probe.reachable)
        add(QStringLiteral("keystone"));
    // The unavailable lines are "metric: reason" (collectOnce, flattenMetrics):
    // the token figure, memcached servers, the key setup, and the rest are
    // database figures or the database itself.
    for (const QString &u : r.unavailable) {
        if (u.startsWith(QLatin1String("validate.ms:")))
            add(QStringLiteral("token"));
        else if (u.startsWith(QLatin1String("memcached ")))
            add(QStringLiteral("memcached"));
        else if (u.startsWith(QLatin1String("keys:")))
            add(QStringLiteral("keys"));
        else
            add(QStringLiteral("database"));
    }
    if (r.keys && !r.keys->fernetConsistency.consistent())
        for (const RepositoryState &n : r.keys->fernet)
            if (!n.readable())
                add(QStringLiteral("keys"));
    if (!r.storeError.isEmpty())
        add(QStringLiteral("store"));
    return out;
}

MetricsSnapshot advanceSnapshot(const MetricsSnapshot &prev, const CollectResult &r,
                                const QString &region, qint64 finishedAtMs)
{
    MetricsSnapshot next = prev;
    qsizetype i = 0;
    while (i < next.profiles.size() && next.profiles.at(i).cycle.profile != r.profile)
        ++i;
    if (i == next.profiles.size()) {
        ExportedProfile fresh;
        for (const QString &stage : collectErrorStages())
            fresh.errorsTotal.insert(stage, 0);
        next.profiles.append(fresh);
    }
    ExportedProfile &p = next.profiles[i];
    p.region = region;
    p.cycle = r;
    p.finishedAtMs = finishedAtMs;
    p.cycles += 1;
    if (r.exact) {
        p.exact = r.exact;
        p.exactAtMs = finishedAtMs;
    }
    for (const QString &stage : failedStages(r))
        p.errorsTotal[stage] += 1;
    return next;
}

} // namespace turnstile
