#include "history/metricnames.h"

#include <QCoreApplication>
#include <QHash>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(MetricNames)
};

// The one table of metric keys: the name a person reads and what the figure
// means and why it matters (tooltips). It holds the source text; tr() runs
// on every call, so a language installed after start-up applies.
struct MetricText
{
    const char *name;
    const char *description;
};

const MetricText *known(const QString &metric)
{
    static const QHash<QString, MetricText> table = {
        {QStringLiteral("token.live"),
         {QT_TRANSLATE_NOOP("MetricNames", "Live tokens"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Tokens that are still valid. Keystone with Fernet tokens stores none; "
                            "a growing count means a legacy token table that is filling up.")}},
        {QStringLiteral("token.live_exact"),
         {QT_TRANSLATE_NOOP("MetricNames", "Live tokens (exact count)"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Tokens that are still valid, counted row by row once an hour (the "
                            "frequent figure is the server's estimate).")}},
        {QStringLiteral("token.expired"),
         {QT_TRANSLATE_NOOP("MetricNames", "Expired tokens"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Expired tokens still in the token table. They only cost disk and "
                            "purge time; a steady rise means the purge no longer keeps up.")}},
        {QStringLiteral("token.expired_exact"),
         {QT_TRANSLATE_NOOP("MetricNames", "Expired tokens (exact count)"),
          QT_TRANSLATE_NOOP("MetricNames", "Expired tokens counted row by row once an hour (the "
                                           "frequent figure is the server's estimate).")}},
        {QStringLiteral("token.bytes"),
         {QT_TRANSLATE_NOOP("MetricNames", "Token table size"),
          QT_TRANSLATE_NOOP("MetricNames", "Disk space of the token table. A large table makes "
                                           "backups, migrations and purges slow.")}},
        {QStringLiteral("revocation_event.rows"),
         {QT_TRANSLATE_NOOP("MetricNames", "Revocation events"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Revocation events Keystone checks on every token validation. "
                            "Thousands of them make every OpenStack call slower.")}},
        {QStringLiteral("revocation_event.obsolete"),
         {QT_TRANSLATE_NOOP("MetricNames", "Obsolete revocation events"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Revocation events older than any token they could revoke. Keystone "
                            "still scans them; pruning them is safe.")}},
        {QStringLiteral("revocation_event.wide"),
         {QT_TRANSLATE_NOOP("MetricNames", "Wide revocation events"),
          QT_TRANSLATE_NOOP("MetricNames", "Revocation events for a whole user, project or domain. "
                                           "Each is compared with every validated token.")}},
        {QStringLiteral("catalog.bytes"),
         {QT_TRANSLATE_NOOP("MetricNames", "Service catalog size"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Size of the service catalog sent with every token. Proxies in front "
                            "of services refuse headers above their limit (often 8 KB).")}},
        {QStringLiteral("db.cycle_ms"),
         {QT_TRANSLATE_NOOP("MetricNames", "Database cycle time"),
          QT_TRANSLATE_NOOP("MetricNames", "Time the collector's database queries took in one "
                                           "cycle. A rise points at a busy or locked database.")}},
        {QStringLiteral("db.exact_ms"),
         {QT_TRANSLATE_NOOP("MetricNames", "Exact count duration"),
          QT_TRANSLATE_NOOP(
              "MetricNames",
              "Time the hourly exact row counts took. Long counts load the database.")}},
        {QStringLiteral("keystone.up"),
         {QT_TRANSLATE_NOOP("MetricNames", "Keystone up"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Whether Keystone answered the probe (1) or not (0). When it is down, "
                            "no OpenStack call can authenticate.")}},
        {QStringLiteral("auth.top_user.hour"),
         {QT_TRANSLATE_NOOP("MetricNames", "Top token producer"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Successful logins of the user who logged in most in the last hour, "
                            "from Keystone's authenticate events. Each is a token; a service "
                            "minting tokens in a loop fills caches and revocation checks.")}},
        {QStringLiteral("auth.success.hour"),
         {QT_TRANSLATE_NOOP("MetricNames", "Successful logins"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Successful logins of all users in the last hour, from Keystone's "
                            "authenticate events: the tokens a Fernet cloud issued.")}},
        {QStringLiteral("users.enabled"),
         {QT_TRANSLATE_NOOP("MetricNames", "Enabled users"),
          QT_TRANSLATE_NOOP("MetricNames", "Users that can log in.")}},
        {QStringLiteral("users.locked"),
         {QT_TRANSLATE_NOOP("MetricNames", "Locked users"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Users locked out after too many failed logins. Many at once suggest a "
                            "password spray or a service with a stale password.")}},
        {QStringLiteral("users.passwords_expiring"),
         {QT_TRANSLATE_NOOP("MetricNames", "Passwords expiring"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Users whose password expires within the warning window. A service "
                            "account whose password expires stops working.")}},
        {QStringLiteral("trust.live"),
         {QT_TRANSLATE_NOOP("MetricNames", "Live trusts"),
          QT_TRANSLATE_NOOP("MetricNames", "Trusts that are neither expired nor soft-deleted: "
                                           "delegations services still use.")}},
        {QStringLiteral("trust.expired"),
         {QT_TRANSLATE_NOOP("MetricNames", "Expired trusts"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Expired trusts Keystone keeps until someone flushes them "
                            "(keystone-manage trust_flush, or Flush trusts here). Counted once an "
                            "hour.")}},
        {QStringLiteral("trust.deleted"),
         {QT_TRANSLATE_NOOP("MetricNames", "Soft-deleted trusts"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Deleted trusts Keystone only marks as deleted; they stay until a "
                            "trust flush. Counted once an hour.")}},
        {QStringLiteral("password.rows"),
         {QT_TRANSLATE_NOOP("MetricNames", "Password rows (with history)"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Every stored password hash, current and old. Keystone keeps old ones "
                            "for the reuse check ([security_compliance] "
                            "unique_last_password_count).")}},
        {QStringLiteral("password.max_per_user"),
         {QT_TRANSLATE_NOOP("MetricNames", "Longest password history of a user"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "The most password rows one local user has. More than the reuse check "
                            "needs can be pruned.")}},
        {QStringLiteral("application_credential.expired"),
         {QT_TRANSLATE_NOOP("MetricNames", "Expired application credentials"),
          QT_TRANSLATE_NOOP("MetricNames", "Application credentials past their expiry; Keystone "
                                           "never removes them.")}},
        {QStringLiteral("validate.ms"),
         {QT_TRANSLATE_NOOP("MetricNames", "Validation time"),
          QT_TRANSLATE_NOOP(
              "MetricNames",
              "Time Keystone takes to validate a token: every OpenStack API call waits for it.")}},
        {QStringLiteral("validate.p50.ms"),
         {QT_TRANSLATE_NOOP("MetricNames", "Validation p50"),
          QT_TRANSLATE_NOOP("MetricNames", "Median token validation time over the probe's recent "
                                           "samples: what a typical API call waits.")}},
        {QStringLiteral("validate.p95.ms"),
         {QT_TRANSLATE_NOOP("MetricNames", "Validation p95"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Validation time that 95 % of recent validations stay under.")}},
        {QStringLiteral("validate.p99.ms"),
         {QT_TRANSLATE_NOOP("MetricNames", "Validation p99"),
          QT_TRANSLATE_NOOP("MetricNames", "Validation time that 99 % of recent validations stay "
                                           "under: the slow calls users notice first.")}},
        {QStringLiteral("issue.ms"),
         {QT_TRANSLATE_NOOP("MetricNames", "Token issue time"),
          QT_TRANSLATE_NOOP("MetricNames", "Time Keystone takes to issue a token: logins and "
                                           "services' own tokens wait for it.")}},
        {QStringLiteral("issue.p50.ms"),
         {QT_TRANSLATE_NOOP("MetricNames", "Token issue p50"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Median token issue time over the probe's recent samples.")}},
        {QStringLiteral("issue.p95.ms"),
         {QT_TRANSLATE_NOOP("MetricNames", "Token issue p95"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Token issue time that 95 % of recent logins stay under.")}},
        {QStringLiteral("issue.p99.ms"),
         {QT_TRANSLATE_NOOP("MetricNames", "Token issue p99"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Token issue time that 99 % of recent logins stay under.")}},
        {QStringLiteral("memcached.hits"),
         {QT_TRANSLATE_NOOP("MetricNames", "Memcached hits"),
          QT_TRANSLATE_NOOP("MetricNames", "Reads memcached answered from its cache.")}},
        {QStringLiteral("memcached.misses"),
         {QT_TRANSLATE_NOOP("MetricNames", "Memcached misses"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Reads memcached could not answer; Keystone then asks the database.")}},
        {QStringLiteral("memcached.evictions"),
         {QT_TRANSLATE_NOOP("MetricNames", "Memcached evictions"),
          QT_TRANSLATE_NOOP("MetricNames", "Items memcached dropped for lack of memory; a rising "
                                           "count means the cache is too small.")}},
        {QStringLiteral("memcached.items"),
         {QT_TRANSLATE_NOOP("MetricNames", "Memcached items"),
          QT_TRANSLATE_NOOP("MetricNames", "Items held in memcached.")}},
        {QStringLiteral("memcached.connections"),
         {QT_TRANSLATE_NOOP("MetricNames", "Memcached connections"),
          QT_TRANSLATE_NOOP("MetricNames", "Open connections to memcached.")}},
        {QStringLiteral("memcached.hit_ratio"),
         {QT_TRANSLATE_NOOP("MetricNames", "Memcached hit ratio"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Share of reads memcached answered from its cache since the previous "
                            "cycle. A low ratio sends token validations to the database.")}},
        {QStringLiteral("bench.rps"),
         {QT_TRANSLATE_NOOP("MetricNames", "Benchmark answers per second"),
          QT_TRANSLATE_NOOP("MetricNames", "Token validations per second the benchmark reached.")}},
        {QStringLiteral("bench.p50_ms"),
         {QT_TRANSLATE_NOOP("MetricNames", "Benchmark p50"),
          QT_TRANSLATE_NOOP("MetricNames", "Median validation latency in the benchmark.")}},
        {QStringLiteral("bench.p90_ms"),
         {QT_TRANSLATE_NOOP("MetricNames", "Benchmark p90"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Validation latency 90 % of the benchmark's requests stayed under.")}},
        {QStringLiteral("bench.p99_ms"),
         {QT_TRANSLATE_NOOP("MetricNames", "Benchmark p99"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Validation latency 99 % of the benchmark's requests stayed under.")}},
        {QStringLiteral("bench.p999_ms"),
         {QT_TRANSLATE_NOOP("MetricNames", "Benchmark p99.9"),
          QT_TRANSLATE_NOOP(
              "MetricNames",
              "Validation latency 99.9 % of the benchmark's requests stayed under.")}},
        {QStringLiteral("bench.max_ms"),
         {QT_TRANSLATE_NOOP("MetricNames", "Benchmark maximum"),
          QT_TRANSLATE_NOOP("MetricNames", "The slowest validation in the benchmark.")}},
        {QStringLiteral("bench.errors"),
         {QT_TRANSLATE_NOOP("MetricNames", "Benchmark errors"),
          QT_TRANSLATE_NOOP("MetricNames", "Benchmark requests that failed.")}},
        {QStringLiteral("bench.revocation_events"),
         {QT_TRANSLATE_NOOP("MetricNames", "Revocation events at benchmark"),
          QT_TRANSLATE_NOOP("MetricNames",
                            "Revocation events in the database when the benchmark ran: the cause "
                            "the revocation-impact experiment measures.")}},
    };
    const auto it = table.constFind(metric);
    return it == table.constEnd() ? nullptr : &*it;
}

QString knownName(const QString &metric)
{
    const MetricText *t = known(metric);
    return t ? Tr::tr(t->name) : QString();
}

} // namespace

QString metricDisplayName(const QString &metric)
{
    if (const QString known = knownName(metric); !known.isEmpty())
        return known;
    // Per-object families: schema.<name>.bytes, table.<name>.rows|bytes.
    const QStringList parts = metric.split(u'.');
    if (parts.size() == 3 && !parts[1].isEmpty()) {
        // The object keeps the server's spelling: "mysql" and "local_user"
        // are names, and "Mysql" or "Local_user" name nothing.
        const QString object = parts[1];
        if (parts[0] == u"schema" && parts[2] == u"bytes")
            return Tr::tr("Size of schema %1").arg(object);
        if (parts[0] == u"table" && parts[2] == u"rows")
            return Tr::tr("Rows of table %1").arg(object);
        if (parts[0] == u"table" && parts[2] == u"bytes")
            return Tr::tr("Size of table %1").arg(object);
    }
    return metric;
}

QString metricDescription(const QString &metric)
{
    if (const MetricText *t = known(metric))
        return Tr::tr(t->description);
    const QStringList parts = metric.split(u'.');
    if (parts.size() == 3 && !parts[1].isEmpty()) {
        if (parts[0] == u"schema" && parts[2] == u"bytes")
            return Tr::tr("Disk space of the %1 schema, tables and indexes together. Its growth "
                          "is what backups and the database server must keep up with.")
                .arg(parts[1]);
        if (parts[0] == u"table" && parts[2] == u"rows")
            return Tr::tr("Rows in the %1 table. A table that only grows needs a purge.")
                .arg(parts[1]);
        if (parts[0] == u"table" && parts[2] == u"bytes")
            return Tr::tr("Disk space of the %1 table with its indexes.").arg(parts[1]);
    }
    return {};
}

QString seriesDisplayName(const QString &metric, const QString &profile)
{
    return Tr::tr("%1 — %2", "series name — profile").arg(metricDisplayName(metric), profile);
}

} // namespace turnstile
