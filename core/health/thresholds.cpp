#include "health/thresholds.h"
#include "health/thresholdoverrides.h"
#include "history/metricnames.h"
#include "util/numbertext.h"

#include "util/rowfigure.h"
#include "util/timetext.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Thresholds)
};

using K = ThresholdRule::Kind;

QString fragment(const ThresholdRule &r, double value, const QHash<QString, double> &latest,
                 bool measured, const QString &subject)
{
    const QLocale loc;
    const qint64 n = qint64(value);
    // Who mints the tokens (Fernet: the authenticate success events): the
    // user and the share, the two things an operator acts on.
    if (r.metric == u"auth.top_user.hour") {
        const double all = latest.value(QStringLiteral("auth.success.hour"));
        const QString who = subject.isEmpty() ? Tr::tr("one user") : subject;
        if (all <= 0)
            return Tr::tr("%1 issued %2 tokens in the last hour").arg(who, loc.toString(n));
        return Tr::tr("%1 issued %2 tokens in the last hour, %3 % of all")
            .arg(who, loc.toString(n), loc.toString(qRound(100.0 * value / all)));
    }
    if (r.metric == u"keystone.up")
        return Tr::tr("Keystone does not answer");
    // Latencies through formatLatency(), as the tile's figures: the sentence
    // and the row it highlights say "1.6 s" alike.
    if (r.metric == u"validate.ms" && measured)
        return Tr::tr("validation p99 %1").arg(formatLatency(value));
    if (r.metric == u"validate.ms")
        return Tr::tr("token validation takes %1").arg(formatLatency(value));
    if (r.metric == u"issue.ms")
        return Tr::tr("issuing a token takes %1").arg(formatLatency(value));
    if (r.metric == u"revocation_event.rows")
        return Tr::tr("%1 revocation events").arg(loc.toString(n));
    if (r.metric == u"revocation_event.obsolete")
        return Tr::tr("%1 of %2 revocation events are obsolete")
            .arg(loc.toString(n), loc.toString(qint64(latest.value(r.denominator))));
    if (r.metric == u"revocation_event.wide")
        return Tr::tr("%1 user-, project- or domain-wide revocation events are scanned on every "
                      "validation")
            .arg(loc.toString(n));
    // The collector's frequent sample splits the token table by the
    // server's estimates (only the smaller side is counted), so the expired
    // figure is not stated as a count.
    if (r.metric == u"token.expired")
        return Tr::tr("%1 expired rows in the token table by the server's estimate")
            .arg(formatRows(n, true));
    if (r.metric == u"trust.expired")
        return Tr::tr("%1 expired trusts").arg(loc.toString(n));
    if (r.metric == u"trust.deleted")
        return Tr::tr("%1 soft-deleted trusts").arg(loc.toString(n));
    if (r.metric == u"password.max_per_user")
        return Tr::tr("a user has %1 passwords in the history").arg(loc.toString(n));
    if (r.metric == u"application_credential.expired")
        return Tr::tr("%1 expired application credentials").arg(loc.toString(n));
    if (r.kind == K::GrowthPerDay)
        return Tr::tr("%1: %2 more rows a day").arg(metricDisplayName(r.metric), loc.toString(n));
    if (r.metric == u"memcached.hit_ratio")
        return Tr::tr("the memcached hit ratio is %1%").arg(loc.toString(value * 100, 'f', 0));
    if (r.metric == u"users.locked")
        return Tr::tr("%n user(s) locked out", nullptr, int(n));
    if (r.metric == u"catalog.bytes")
        return Tr::tr("the catalog is %1 bytes").arg(loc.toString(n));
    return Tr::tr("%1: %2").arg(metricDisplayName(r.metric), exactNumber(value, loc));
}

// The limit in the words of the fragment it follows: "50%" after a share,
// a latency as formatLatency() writes any latency ("1.0 s", "500 ms").
QString limitText(const ThresholdRule &r, double limit)
{
    const QLocale loc;
    const qint64 n = qint64(limit);
    if (r.metric == u"validate.ms" || r.metric == u"issue.ms")
        return formatLatency(limit);
    if (r.kind == K::ShareOf || r.metric == u"memcached.hit_ratio")
        return Tr::tr("%1%").arg(loc.toString(limit * 100, 'f', 0));
    if (r.kind == K::GrowthPerDay)
        return Tr::tr("%1 rows a day").arg(loc.toString(n));
    if (r.metric == u"token.expired")
        return Tr::tr("%1 rows").arg(loc.toString(n));
    if (r.metric.startsWith(u"revocation_event."))
        return loc.toString(n);
    if (r.metric == u"catalog.bytes")
        return Tr::tr("%1 bytes").arg(loc.toString(n));
    if (r.metric == u"auth.top_user.hour")
        return Tr::tr("%1 an hour").arg(loc.toString(n));
    if (r.metric == u"trust.expired" || r.metric == u"trust.deleted" ||
        r.metric == u"application_credential.expired")
        return loc.toString(n);
    if (r.metric == u"password.max_per_user")
        return Tr::tr("%1 passwords").arg(loc.toString(n));
    return exactNumber(limit, loc);
}
} // namespace

QString thresholdFinding(const ThresholdRule &r, HealthLevel level, double value,
                         const QHash<QString, double> &latest, bool measured,
                         const QString &subject)
{
    const QString what = fragment(r, value, latest, measured, subject);
    // "Keystone does not answer" needs no "(critical below 1)".
    if (r.metric == u"keystone.up" ||
        (level != HealthLevel::Critical && level != HealthLevel::Warning))
        return what;
    const bool crit = level == HealthLevel::Critical;
    const QString limit = limitText(r, crit ? r.critical : r.warn);
    if (r.kind == K::Below)
        return crit ? Tr::tr("%1 (critical below %2)").arg(what, limit)
                    : Tr::tr("%1 (warning below %2)").arg(what, limit);
    return crit ? Tr::tr("%1 (critical above %2)").arg(what, limit)
                : Tr::tr("%1 (warning above %2)").arg(what, limit);
}

QList<ThresholdRule> defaultThresholds()
{
    return {
        {QStringLiteral("keystone.up"), K::Below, 1, 1, {}, 0, {}},
        {QStringLiteral("validate.ms"),
         K::Above,
         500,
         1500,
         {},
         0,
         QStringLiteral("validate.p99.ms")},
        {QStringLiteral("issue.ms"), K::Above, 2000, 5000, {}, 0, {}},
        {QStringLiteral("revocation_event.rows"), K::Above, 1000, 10000, {}, 0, {}},
        {QStringLiteral("revocation_event.obsolete"),
         K::ShareOf,
         0.5,
         0.9,
         QStringLiteral("revocation_event.rows"),
         100,
         {}},
        {QStringLiteral("revocation_event.wide"), K::Above, 100, 1000, {}, 0, {}},
        {QStringLiteral("token.expired"), K::Above, 1000000, 10000000, {}, 0, {}},
        {QStringLiteral("token.live"), K::GrowthPerDay, 100000, 1000000, {}, 0, {}},
        {QStringLiteral("revocation_event.rows"), K::GrowthPerDay, 1000, 10000, {}, 0, {}},
        {QStringLiteral("memcached.hit_ratio"), K::Below, 0.8, 0.5, {}, 0, {}},
        {QStringLiteral("users.locked"), K::Above, 5, 20, {}, 0, {}},
        {QStringLiteral("catalog.bytes"), K::Above, 4096, 8192, {}, 0, {}},
        // Purgeable rows of the tables that grow besides token: the guarded
        // "Flush trusts" and "Prune password history" clear the first three.
        {QStringLiteral("trust.expired"), K::Above, 10000, 100000, {}, 0, {}},
        {QStringLiteral("trust.deleted"), K::Above, 10000, 100000, {}, 0, {}},
        {QStringLiteral("password.max_per_user"), K::Above, 100, 1000, {}, 0, {}},
        {QStringLiteral("application_credential.expired"), K::Above, 1000, 10000, {}, 0, {}},
        // One user's successful logins in the last hour, from the stored
        // authenticate events (each is a token; a Fernet cloud has no other
        // record): a notifier minting tokens in a loop.
        {QStringLiteral("auth.top_user.hour"), K::Above, 10000, 100000, {}, 0, {}},
    };
}

QList<ThresholdRule> effectiveThresholds(const QJsonObject &overrides)
{
    QList<ThresholdRule> rules = defaultThresholds();
    for (ThresholdRule &r : rules) {
        const ThresholdLevels l =
            ThresholdLevels::fromJson(overrides.value(thresholdKey(r)).toObject());
        r.warn = l.warn.value_or(r.warn);
        r.critical = l.critical.value_or(r.critical);
    }
    return rules;
}

HealthVerdict evaluateHealth(const QList<ThresholdRule> &rules,
                             const QHash<QString, double> &latest,
                             const QHash<QString, double> &growthPerDay,
                             const QHash<QString, QString> &subjects)
{
    HealthVerdict v;
    QStringList critical, warning;
    bool anyValue = false;
    for (const ThresholdRule &r : rules) {
        double value = 0;
        double compared = 0;
        bool measured = false;
        switch (r.kind) {
        case K::Above:
        case K::Below: {
            measured = !r.measure.isEmpty() && latest.contains(r.measure);
            const QString &m = measured ? r.measure : r.metric;
            if (!latest.contains(m))
                continue;
            value = compared = latest.value(m);
            break;
        }
        case K::GrowthPerDay:
            if (!growthPerDay.contains(r.metric))
                continue;
            value = compared = growthPerDay.value(r.metric);
            break;
        case K::ShareOf: {
            if (!latest.contains(r.metric) || !latest.contains(r.denominator))
                continue;
            const double denom = latest.value(r.denominator);
            if (denom < std::max(1.0, r.minDenominator))
                continue;
            value = latest.value(r.metric);
            compared = value / denom;
            break;
        }
        }
        anyValue = true;
        const bool below = r.kind == K::Below;
        const bool crit = below ? compared < r.critical : compared > r.critical;
        const bool warn = below ? compared < r.warn : compared > r.warn;
        if (!crit && !warn)
            continue;
        // GrowthPerDay needs the fragment to know it is a rate.
        ThresholdRule shown = r;
        (crit ? critical : warning)
            .append(thresholdFinding(shown, crit ? HealthLevel::Critical : HealthLevel::Warning,
                                     value, latest, measured, subjects.value(r.metric)));
        v.triggered.append(r.metric);
        if (crit)
            v.critical.append(r.metric);
    }
    if (!anyValue) {
        v.level = HealthLevel::Unknown;
        v.reason = Tr::tr("No figures yet.");
        return v;
    }
    v.level = !critical.isEmpty()  ? HealthLevel::Critical
              : !warning.isEmpty() ? HealthLevel::Warning
                                   : HealthLevel::Ok;
    const QStringList all = critical + warning;
    v.findings = all;
    if (!all.isEmpty()) {
        QString s = all.join(QStringLiteral("; "));
        // A sentence starts with a capital, but not a user's name: Keystone
        // tells "ceilometer" and "Ceilometer" apart.
        const bool startsWithName =
            std::any_of(subjects.cbegin(), subjects.cend(),
                        [&](const QString &n) { return !n.isEmpty() && s.startsWith(n); });
        if (!startsWithName)
            s[0] = s[0].toUpper();
        v.reason = s + u'.';
    }
    return v;
}

QString healthLevelName(HealthLevel l)
{
    switch (l) {
    case HealthLevel::Ok:
        return QStringLiteral("ok");
    case HealthLevel::Warning:
        return QStringLiteral("warning");
    case HealthLevel::Critical:
        return QStringLiteral("critical");
    case HealthLevel::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

} // namespace turnstile
