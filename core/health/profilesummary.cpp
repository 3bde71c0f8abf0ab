#include "health/profilesummary.h"

#include "health/profileverdict.h"
#include "history/historystore.h"
#include "util/numbertext.h"
#include "util/timetext.h"

#include <QCoreApplication>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ProfileSummary)
};

enum class Unit
{
    Count,
    Milliseconds,
    Bytes
};

Unit unitOf(const QString &metric)
{
    if (metric.endsWith(u".ms"))
        return Unit::Milliseconds;
    if (metric.endsWith(u".bytes"))
        return Unit::Bytes;
    return Unit::Count;
}

// value rounded to three significant digits, then with an SI prefix:
// 2,512,345 reads "2.51 M", 1,250 "1.25 k", 12 "12".
QString count(double value, const QLocale &locale)
{
    if (value == 0)
        return locale.toString(0);
    const double step = std::pow(10.0, std::floor(std::log10(std::abs(value))) - 2);
    // Counts are whole: 12 stays "12", not "12.0".
    const double unit = std::max(step, 1.0);
    return axisNumber(std::round(value / unit) * unit, unit, locale);
}

QString magnitude(const QString &metric, double value, const QLocale &locale)
{
    switch (unitOf(metric)) {
    case Unit::Milliseconds:
        // The one way a latency is written (the Overview, the findings).
        return formatLatency(value);
    case Unit::Bytes: {
        // Three significant digits, like the counts ("410 MiB", "3.5 MiB"),
        // and "1.0 GiB" rather than "1,024 MiB". The IEC symbols are the
        // same in every language.
        static constexpr const char16_t *kUnits[] = {u"B", u"KiB", u"MiB", u"GiB", u"TiB"};
        double scaled = value;
        size_t unit = 0;
        while (std::abs(scaled) >= 999.5 && unit + 1 < std::size(kUnits)) {
            scaled /= 1024;
            ++unit;
        }
        const int decimals = unit == 0 || std::abs(scaled) >= 99.95 ? 0 : 1;
        return locale.toString(scaled, 'f', decimals) + u' ' + QString::fromUtf16(kUnits[unit]);
    }
    case Unit::Count:
        break;
    }
    return count(value, locale);
}

QString signedText(double value, const QString &magnitudeText, const QLocale &locale)
{
    return (value < 0 ? locale.negativeSign() : locale.positiveSign()) + magnitudeText;
}
} // namespace

QStringList headlineMetrics()
{
    return {
        QStringLiteral("token.live"),
        QStringLiteral("token.expired"),
        QStringLiteral("validate.p99.ms"),
        QStringLiteral("issue.p99.ms"),
        QStringLiteral("revocation_event.rows"),
        QStringLiteral("revocation_event.obsolete"),
        QStringLiteral("users.locked"),
        QStringLiteral("table.*.bytes"),
        QStringLiteral("schema.*.bytes"),
    };
}

QString headlineValue(const QString &metric, double value, const QLocale &locale)
{
    return magnitude(metric, value, locale);
}

QString headlineChange(const QString &metric, const RangeChange &change, const QLocale &locale)
{
    const double d = change.change();
    if (d == 0)
        return Tr::tr("unchanged");
    const QString absolute = signedText(d, magnitude(metric, std::abs(d), locale), locale);
    const std::optional<double> pct = change.percent();
    if (!pct)
        return absolute;
    const QString percent = signedText(
        *pct,
        Tr::tr("%1%").arg(locale.toString(std::abs(*pct), 'f', std::abs(*pct) < 99.95 ? 1 : 0)),
        locale);
    return Tr::tr("%1 (%2)").arg(absolute, percent);
}

ProfileSummary ProfileSummary::read(HistoryStore &store, const QString &profile,
                                    const QJsonObject &thresholdOverrides, qint64 from, qint64 to)
{
    ProfileSummary s;
    s.profile = profile;
    s.verdict = evaluateProfileHealth(thresholdOverrides, profile, &store, to).verdict;
    const std::optional<QList<SeriesKey>> keys = store.seriesKeys(profile);
    if (!keys)
        return s;
    QStringList known;
    for (const SeriesKey &k : *keys)
        known.append(k.metric);
    const QStringList patterns = headlineMetrics();
    for (int group = 0; group < patterns.size(); ++group) {
        const QString &pattern = patterns[group];
        QStringList metrics;
        if (pattern.contains(u'*')) {
            const QRegularExpression re(QRegularExpression::wildcardToRegularExpression(pattern));
            for (const QString &m : std::as_const(known))
                if (re.match(m).hasMatch())
                    metrics.append(m);
        } else if (known.contains(pattern)) {
            metrics.append(pattern);
        }
        QList<HeadlineFigure> found;
        for (const QString &m : std::as_const(metrics))
            if (const std::optional<RangeChange> c =
                    rangeChange(store, SeriesKey{profile, m}, from, to))
                found.append(HeadlineFigure{m, *c, group});
        // The biggest tables first: they are what a capacity review is about.
        std::stable_sort(found.begin(), found.end(),
                         [](const HeadlineFigure &a, const HeadlineFigure &b) {
                             return a.change.last > b.change.last;
                         });
        s.figures += found;
    }
    return s;
}

} // namespace turnstile
