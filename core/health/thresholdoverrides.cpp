#include "health/thresholdoverrides.h"

#include "history/metricnames.h"

#include <QCoreApplication>
#include <QLocale>

#include <cmath>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Thresholds)
};

using K = ThresholdRule::Kind;

bool isShare(const ThresholdRule &r)
{
    return r.kind == K::ShareOf || r.metric == u"memcached.hit_ratio";
}

// A level in its unit, for a sentence: "1500 ms", "0.9".
QString withUnit(const ThresholdRule &r, double value)
{
    const QString unit = isShare(r) ? QString() : thresholdUnit(r);
    const QString number = formatThresholdLevel(value);
    return unit.isEmpty() ? number : Tr::tr("%1 %2", "number unit").arg(number, unit);
}

std::optional<double> level(const ThresholdRule &r, const QString &text, const QString &which,
                            QString *error)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return std::nullopt;
    bool ok = false;
    // C locale everywhere: the file and scripts must read the same in every
    // language, and "1.000" must never mean one in one locale and a thousand
    // in another.
    const double v = QLocale::c().toDouble(t, &ok);
    if (!ok || !std::isfinite(v)) {
        if (error)
            *error = Tr::tr("%1: the %2 level \"%3\" is not a number; write it with digits and a "
                            "'.', like 300 or 0.5.")
                         .arg(thresholdLabel(r), which, t);
        return std::nullopt;
    }
    return v;
}
} // namespace

QJsonObject ThresholdLevels::toJson() const
{
    QJsonObject o;
    if (warn)
        o[u"warn"] = *warn;
    if (critical)
        o[u"critical"] = *critical;
    return o;
}

ThresholdLevels ThresholdLevels::fromJson(const QJsonObject &o)
{
    ThresholdLevels l;
    if (o.contains(u"warn"))
        l.warn = o.value(u"warn").toDouble();
    if (o.contains(u"critical"))
        l.critical = o.value(u"critical").toDouble();
    return l;
}

QString thresholdKey(const ThresholdRule &r)
{
    return r.kind == K::GrowthPerDay ? r.metric + QStringLiteral("/day") : r.metric;
}

QStringList thresholdKeys()
{
    QStringList keys;
    for (const ThresholdRule &r : defaultThresholds())
        keys.append(thresholdKey(r));
    return keys;
}

std::optional<ThresholdRule> thresholdRuleFor(const QString &key)
{
    for (const ThresholdRule &r : defaultThresholds())
        if (thresholdKey(r) == key)
            return r;
    return std::nullopt;
}

QString thresholdLabel(const ThresholdRule &r)
{
    const QString name = metricDisplayName(r.metric);
    if (r.kind == K::GrowthPerDay)
        return Tr::tr("%1 per day", "growth of a metric").arg(name);
    if (r.kind == K::ShareOf)
        // Not "of Revocation events": a name lower-cased mid-sentence is
        // wrong in German, where nouns keep their capital.
        return Tr::tr("%1 (share of all)", "obsolete revocation events among all").arg(name);
    return name;
}

QString thresholdUnit(const ThresholdRule &r)
{
    if (isShare(r))
        return Tr::tr("share (0–1)");
    if (r.kind == K::GrowthPerDay)
        return Tr::tr("rows a day");
    if (r.metric.endsWith(u".ms"))
        return Tr::tr("ms");
    if (r.metric.startsWith(u"revocation_event.") || r.metric.startsWith(u"token."))
        return Tr::tr("rows");
    if (r.metric.endsWith(u".bytes"))
        return Tr::tr("bytes");
    if (r.metric == u"users.locked")
        return Tr::tr("users");
    if (r.metric == u"auth.top_user.hour")
        return Tr::tr("tokens an hour");
    return {};
}

std::optional<ThresholdLevels> parseThresholdLevels(const QString &key, const QString &text,
                                                    QString *error)
{
    const std::optional<ThresholdRule> rule = thresholdRuleFor(key);
    if (!rule) {
        if (error)
            *error = Tr::tr("\"%1\" is not a metric with a threshold (%2).")
                         .arg(key, thresholdKeys().join(QStringLiteral(", ")));
        return std::nullopt;
    }
    if (text.count(u':') != 1) {
        if (error)
            *error = Tr::tr("%1: \"%2\" is not WARN:CRITICAL (either may be left empty for its "
                            "default, as in 300: or :800).")
                         .arg(thresholdLabel(*rule), text);
        return std::nullopt;
    }
    return parseThresholdLevels(key, text.section(u':', 0, 0), text.section(u':', 1), error);
}

std::optional<ThresholdLevels> parseThresholdLevels(const QString &key, const QString &warnText,
                                                    const QString &criticalText, QString *error)
{
    const std::optional<ThresholdRule> rule = thresholdRuleFor(key);
    if (!rule)
        return parseThresholdLevels(key, QStringLiteral(":"), error); // the sentence
    const ThresholdRule &r = *rule;
    QString problem;
    ThresholdLevels l;
    l.warn = level(r, warnText, Tr::tr("warning"), &problem);
    if (problem.isEmpty())
        l.critical = level(r, criticalText, Tr::tr("critical"), &problem);
    const double warn = l.warn.value_or(r.warn);
    const double critical = l.critical.value_or(r.critical);
    if (problem.isEmpty() && (warn < 0 || critical < 0))
        problem = Tr::tr("%1: a level cannot be negative.").arg(thresholdLabel(r));
    if (problem.isEmpty() && isShare(r) && (warn > 1 || critical > 1))
        problem = Tr::tr("%1: the levels are shares between 0 and 1 (0.5 is half).")
                      .arg(thresholdLabel(r));
    // Crossing the critical level before the warning one would make the
    // tile go red without ever having been amber.
    if (problem.isEmpty() && r.kind == K::Below && warn < critical)
        problem = Tr::tr("%1: the warning level (%2) must not be below the critical level (%3).")
                      .arg(thresholdLabel(r), withUnit(r, warn), withUnit(r, critical));
    if (problem.isEmpty() && r.kind != K::Below && warn > critical)
        problem = Tr::tr("%1: the warning level (%2) must not be above the critical level (%3).")
                      .arg(thresholdLabel(r), withUnit(r, warn), withUnit(r, critical));
    if (!problem.isEmpty()) {
        if (error)
            *error = problem;
        return std::nullopt;
    }
    return l;
}

QString formatThresholdLevels(const ThresholdLevels &levels)
{
    return (levels.warn ? formatThresholdLevel(*levels.warn) : QString()) + u':' +
           (levels.critical ? formatThresholdLevel(*levels.critical) : QString());
}

QString formatThresholdLevel(double value)
{
    return QLocale::c().toString(value, 'f', QLocale::FloatingPointShortest);
}

} // namespace turnstile
