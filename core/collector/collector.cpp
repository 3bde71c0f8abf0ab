#include "collector/collector.h"

#include "db/dbconnection.h"
#include "db/drivererror.h"
#include "db/keystoneinspector.h"
#include "health/profileverdict.h"
#include "history/growthrate.h"
#include "history/historystore.h"
#include "probe/latencywindow.h"
#include "probe/prober.h"
#include "profiles/keystoneconf.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QRegularExpression>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Collector)
};

template <typename T>
void put(QList<QPair<QString, double>> &out, QStringList *unavailable, const QString &metric,
         const Metric<T> &m)
{
    if (m.value)
        out.append({metric, double(*m.value)});
    else if (unavailable && !m.error.isEmpty())
        unavailable->append(metric + QStringLiteral(": ") + m.error);
}

} // namespace

InspectorSettings inspectorSettingsFor(const Profile &p)
{
    InspectorSettings s;
    if (p.keystoneConfPath.isEmpty())
        return s;
    QString err;
    const KeystoneConf conf = KeystoneConf::load(p.keystoneConfPath, &err);
    if (!err.isEmpty())
        return s;
    s.tokenExpirationSec = conf.tokenExpiration;
    s.revokeExpirationBufferSec = conf.revokeExpirationBuffer;
    s.lockoutFailureAttempts = conf.lockoutFailureAttempts.value_or(0);
    s.lockoutDurationSec = conf.lockoutDuration;
    s.disableInactiveDays = conf.disableUserAccountDaysInactive.value_or(0);
    return s;
}

// Schema and table names come from the server; in metric names they are
// reduced to the metric alphabet, never used as SQL.
QString metricNamePart(const QString &serverName)
{
    static const QRegularExpression bad(QStringLiteral("[^a-z0-9_]"));
    return serverName.toLower().replace(bad, QStringLiteral("_")).left(48);
}

qint64 alignToSlot(qint64 epochSec, int intervalSec)
{
    const qint64 i = std::max(1, intervalSec);
    return epochSec - ((epochSec % i) + i) % i;
}

std::optional<double> memcachedHitRatio(const MemcachedCounters &now,
                                        const std::optional<MemcachedCounters> &before)
{
    MemcachedCounters d = now;
    if (before && now.hits >= before->hits && now.misses >= before->misses)
        d = {now.hits - before->hits, now.misses - before->misses};
    if (d.hits + d.misses <= 0)
        return std::nullopt;
    return d.hits / (d.hits + d.misses);
}

QList<QPair<QString, double>> flattenMetrics(const CollectResult &r, QStringList *unavailable)
{
    QList<QPair<QString, double>> out;
    const ProbeResult &p = r.probe;
    out.append(
        {QStringLiteral("keystone.up"), p.endpointError.isEmpty() && p.reachable ? 1.0 : 0.0});
    if (p.issueMs)
        out.append({QStringLiteral("issue.ms"), *p.issueMs});
    if (p.validateMs)
        out.append({QStringLiteral("validate.ms"), *p.validateMs});
    // Percentiles over the probe's latency window, beside the per-probe
    // figures above (kept under their old names for existing history).
    auto percentiles = [&](const QString &base, const std::optional<LatencyPercentiles> &lp) {
        if (!lp)
            return;
        out.append({base + QStringLiteral(".p50.ms"), lp->p50});
        out.append({base + QStringLiteral(".p95.ms"), lp->p95});
        out.append({base + QStringLiteral(".p99.ms"), lp->p99});
    };
    percentiles(QStringLiteral("issue"), p.issuePercentiles);
    percentiles(QStringLiteral("validate"), p.validatePercentiles);
    if (p.tokenBytes)
        out.append({QStringLiteral("token.bytes"), double(*p.tokenBytes)});
    if (p.catalogBytes)
        out.append({QStringLiteral("catalog.bytes"), double(*p.catalogBytes)});
    if (unavailable && !p.tokenError.isEmpty())
        unavailable->append(QStringLiteral("validate.ms: ") + p.tokenError);

    if (r.frequent) {
        const FrequentSample &f = *r.frequent;
        out.append({QStringLiteral("db.cycle_ms"), f.databaseMs});
        put(out, unavailable, QStringLiteral("token.expired"), f.tokens.expired);
        put(out, unavailable, QStringLiteral("token.live"), f.tokens.live);
        put(out, unavailable, QStringLiteral("revocation_event.rows"), f.revocations.total);
        put(out, unavailable, QStringLiteral("revocation_event.obsolete"), f.revocations.obsolete);
        if (f.revocations.kinds.value)
            out.append(
                {QStringLiteral("revocation_event.wide"), double(f.revocations.kinds.value->wide)});
        for (const KeystoneTableStats &t : f.tables) {
            const QString base = QStringLiteral("table.") + metricNamePart(tableName(t.table));
            if (!t.size.value) {
                if (unavailable && !t.size.error.isEmpty())
                    unavailable->append(base + QStringLiteral(": ") + t.size.error);
                continue;
            }
            const TableSize &s = *t.size.value;
            if (s.rowsEstimate)
                out.append({base + QStringLiteral(".rows"), double(*s.rowsEstimate)});
            if (s.dataBytes || s.indexBytes)
                out.append({base + QStringLiteral(".bytes"),
                            double(s.dataBytes.value_or(0) + s.indexBytes.value_or(0))});
        }
    }
    if (r.exact) {
        const ExactSample &e = *r.exact;
        put(out, unavailable, QStringLiteral("token.expired_exact"), e.tokens.expired);
        put(out, unavailable, QStringLiteral("token.live_exact"), e.tokens.live);
        put(out, unavailable, QStringLiteral("users.enabled"), e.users.enabled);
        put(out, unavailable, QStringLiteral("users.locked"), e.users.locked);
        put(out, unavailable, QStringLiteral("users.passwords_expiring"),
            e.users.passwordsExpiringSoon);
        put(out, unavailable, QStringLiteral("trust.live"), e.purgeable.trustsLive);
        put(out, unavailable, QStringLiteral("trust.expired"), e.purgeable.trustsExpired);
        put(out, unavailable, QStringLiteral("trust.deleted"), e.purgeable.trustsDeleted);
        put(out, unavailable, QStringLiteral("password.rows"), e.purgeable.passwordRows);
        put(out, unavailable, QStringLiteral("password.max_per_user"),
            e.purgeable.passwordMaxPerUser);
        put(out, unavailable, QStringLiteral("application_credential.expired"),
            e.purgeable.applicationCredentialsExpired);
        out.append({QStringLiteral("db.exact_ms"), e.databaseMs});
        if (e.server.schemas.value)
            for (const SchemaSize &s : *e.server.schemas.value)
                out.append(
                    {QStringLiteral("schema.") + metricNamePart(s.name) + QStringLiteral(".bytes"),
                     double(s.dataBytes + s.indexBytes)});
    }
    qint64 hits = 0, misses = 0, evictions = 0, items = 0, conns = 0;
    bool anyMc = false;
    for (const MemcachedStats &m : r.memcached) {
        if (!m.ok()) {
            if (unavailable)
                unavailable->append(QStringLiteral("memcached %1: %2").arg(m.server, m.error));
            continue;
        }
        anyMc = true;
        hits += m.getHits.value_or(0);
        misses += m.getMisses.value_or(0);
        evictions += m.evictions.value_or(0);
        items += m.currItems.value_or(0);
        conns += m.currConnections.value_or(0);
    }
    if (anyMc) {
        out.append({QStringLiteral("memcached.hits"), double(hits)});
        out.append({QStringLiteral("memcached.misses"), double(misses)});
        out.append({QStringLiteral("memcached.evictions"), double(evictions)});
        out.append({QStringLiteral("memcached.items"), double(items)});
        out.append({QStringLiteral("memcached.connections"), double(conns)});
        if (const auto ratio = memcachedHitRatio({double(hits), double(misses)}, r.memcachedBefore))
            out.append({QStringLiteral("memcached.hit_ratio"), *ratio});
    }
    return out;
}

CollectResult collectOnce(const Profile &profile, const Secrets &secrets, HistoryStore &store,
                          const CollectOptions &options)
{
    QElapsedTimer cycle;
    cycle.start();
    CollectResult r;
    r.profile = profile.name;
    r.slot = alignToSlot(QDateTime::currentSecsSinceEpoch(), options.intervalSec);

    r.probe = runProbe(profile, secrets, 3, options.latency.get());

    if (!profile.databaseUrl.isEmpty()) {
        QString err;
        const DatabaseUrl url = DatabaseUrl::parse(profile.databaseUrl, &err);
        if (url.isValid()) {
            DbConnection db(url, secrets.databasePassword);
            QElapsedTimer opening;
            opening.start();
            if (db.open()) {
                KeystoneInspector inspector(db, inspectorSettingsFor(profile));
                r.frequent = inspector.sampleFrequent();
                bool exactDue = options.forceExact;
                if (!exactDue) {
                    const std::optional<Sample> last =
                        store.latest(SeriesKey{profile.name, QStringLiteral("db.exact_ms")});
                    exactDue = !last || r.slot - last->ts >= options.exactEverySec;
                }
                if (exactDue)
                    r.exact = inspector.sampleExact();
            } else {
                r.unavailable.append(
                    QStringLiteral("database: ") +
                    describeDatabaseFailure(db.error(), url.database + u'@' + url.displayHost(),
                                            opening.elapsed())
                        .sentence);
            }
        } else {
            r.unavailable.append(QStringLiteral("database: ") + err);
        }
    }
    // Keystone keeps answering without its cache, only slower and on the
    // database's back: the tile has to say why, not just show a missing hit
    // ratio (the region's latency rises and nothing else is red).
    QStringList memcachedDown;
    for (const QString &server : profile.memcachedServers) {
        r.memcached.append(fetchMemcachedStats(server));
        if (const MemcachedStats &m = r.memcached.last(); !m.ok())
            memcachedDown.append(
                Tr::tr("memcached %1 is %2; without its cache Keystone checks every token in "
                       "the database.")
                    .arg(m.server, m.error));
    }
    r.probe.warnings.append(memcachedDown);
    if (!profile.memcachedServers.isEmpty()) {
        const auto hits = store.latest(SeriesKey{profile.name, QStringLiteral("memcached.hits")});
        const auto misses =
            store.latest(SeriesKey{profile.name, QStringLiteral("memcached.misses")});
        // Only a pair from the same earlier cycle describes one moment.
        if (hits && misses && hits->ts == misses->ts && hits->ts < r.slot)
            r.memcachedBefore = MemcachedCounters{hits->value, misses->value};
    }

    if (options.readKeys && !profile.keyRepositories.isEmpty()) {
        QString error;
        if (const auto setup = KeySetup::fromProfile(profile, &error))
            r.keys = readKeyStatus(*setup);
        else
            r.unavailable.append(QStringLiteral("keys: ") + error);
    }

    for (const auto &[metric, value] : flattenMetrics(r, &r.unavailable))
        r.samples.append({SeriesKey{profile.name, metric}, Sample{r.slot, value}});
    r.written = store.append(r.samples);
    if (r.written < 0)
        r.storeError = store.error();

    // The verdict the Overview shows: this cycle's figures over the store's
    // recent ones, growth from history; the same function as `thresholds`.
    QHash<QString, double> latest;
    for (const auto &[key, sample] : std::as_const(r.samples))
        latest.insert(key.metric, sample.value);
    const HealthVerdict v =
        evaluateProfileHealth(profile.thresholds, profile.name, &store, r.slot, latest).verdict;
    r.probe.thresholdLevel = int(v.level);
    r.probe.thresholdReason = v.reason;
    r.probe.thresholdTriggered = v.triggered;
    r.probe.thresholdCritical = v.critical;
    // The slower validations a lost cache causes are amber on their own and
    // would hide the cause (the tile shows the threshold sentence first): the
    // memcached sentence leads unless something is red.
    if (!memcachedDown.isEmpty() && r.probe.thresholdLevel >= 2) {
        const QString cause = memcachedDown.join(u' ');
        r.probe.thresholdReason = r.probe.thresholdLevel >= 3
                                      ? r.probe.thresholdReason + u' ' + cause
                                      : cause + u' ' + r.probe.thresholdReason;
    }

    // What the Overview tile shows beside the probe's own figures.
    if (r.frequent)
        r.probe.revocationObsolete = r.frequent->revocations.obsolete.value;
    if (latest.contains(QStringLiteral("memcached.hit_ratio")))
        r.probe.memcachedHitRatio = latest.value(QStringLiteral("memcached.hit_ratio"));
    // Token growth over the history actually observed (live + expired), and
    // that span, so the tile says "in the last 15 min" or "collecting".
    std::optional<double> tokenGrowth;
    std::optional<qint64> tokenGrowthSpan;
    for (const char *metric : {"token.live", "token.expired"})
        if (const auto g = observedGrowth(store, SeriesKey{profile.name, QLatin1String(metric)},
                                          r.slot - 86400, r.slot + 1)) {
            tokenGrowthSpan = std::min(tokenGrowthSpan.value_or(g->spanSec), g->spanSec);
            if (g->spanSec >= kMinGrowthSpanSec)
                tokenGrowth = tokenGrowth.value_or(0) + g->perDay();
        }
    r.probe.tokenGrowthPerDay = tokenGrowth;
    r.probe.tokenGrowthSpanSec = tokenGrowthSpan;
    r.durationSec = cycle.nsecsElapsed() / 1e9;
    return r;
}

void judgeProbe(ProbeResult &probe, const QJsonObject &thresholds, HistoryStore *store)
{
    CollectResult c;
    c.probe = probe;
    QHash<QString, double> fresh;
    for (const auto &[metric, value] : flattenMetrics(c, nullptr))
        fresh.insert(metric, value);
    if (probe.revocationEvents)
        fresh.insert(QStringLiteral("revocation_event.rows"), double(*probe.revocationEvents));
    const HealthVerdict v = evaluateProfileHealth(thresholds, probe.profile, store,
                                                  QDateTime::currentSecsSinceEpoch(), fresh)
                                .verdict;
    probe.thresholdLevel = int(v.level);
    probe.thresholdReason = v.reason;
    probe.thresholdTriggered = v.triggered;
    probe.thresholdCritical = v.critical;
}

} // namespace turnstile
