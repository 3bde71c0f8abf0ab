#include "util/timetext.h"

#include "util/duration.h"

#include <QCoreApplication>
#include <QLocale>
#include <QRegularExpression>

#include <algorithm>
#include <cstdlib>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(TimeText)
};
} // namespace

QString formatUtcTime(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"))
                       : QStringLiteral("–");
}

QString formatRunTime(double seconds)
{
    if (seconds < 0)
        return QStringLiteral("?");
    if (seconds < 10)
        return QStringLiteral("%1 s").arg(QLocale().toString(seconds, 'f', 1));
    return formatDuration(qint64(seconds + 0.5));
}

} // namespace turnstile

namespace turnstile {

namespace {
// The locale's short date with a four-digit year, or without the year: the
// year field goes with the separator beside it ("M/d/yy" -> "M/d"), except
// a closing dot ("dd.MM.yy" -> "dd.MM."), which German writes after a day
// and month.
QString localeDate(const QLocale &locale, bool withYear)
{
    QString f = locale.dateFormat(QLocale::ShortFormat);
    static const QRegularExpression years(QStringLiteral("y+"));
    if (withYear)
        return f.replace(years, QStringLiteral("yyyy"));
    f.remove(years);
    static const QRegularExpression leading(QStringLiteral("^[^A-Za-z']+"));
    static const QRegularExpression trailing(QStringLiteral("[^A-Za-z'.]+$|(?<=\\.)[^A-Za-z']+$"));
    f.remove(leading);
    f.remove(trailing);
    // A separator pair left in the middle by a year between day and month.
    static const QRegularExpression doubled(QStringLiteral("([^A-Za-z'])[^A-Za-z']*\\1"));
    f.replace(doubled, QStringLiteral("\\1"));
    return f.isEmpty() ? QStringLiteral("dd.MM.") : f;
}
} // namespace

QString axisTimeFormat(qint64 from, qint64 to, int ticks, const QDateTime &now,
                       const QLocale &locale)
{
    const qint64 span = to - from;
    const qint64 spacing = span / std::max(1, ticks - 1);
    const QDate first = QDateTime::fromSecsSinceEpoch(from).date();
    const QDate last = QDateTime::fromSecsSinceEpoch(to).date();
    const bool year = first.year() != last.year() || first.year() != now.date().year();
    // Below a minute between ticks (the Benchmark dialog's live chart) every
    // label would read the same minute.
    const QString clock = spacing < 60 ? QStringLiteral("HH:mm:ss") : QStringLiteral("HH:mm");
    const QString date = localeDate(locale, year);
    if (spacing >= 86400)
        return date;
    // Within one day the clock alone is unambiguous; across midnight a
    // 24-hour range read "13:17 … 13:17", and another year is not the one the
    // reader assumes.
    if (first == last && !year)
        return clock;
    return date + u' ' + clock;
}

QString timeZoneCaption(const QDateTime &at)
{
    const QDateTime local = at.toLocalTime();
    QString zone = local.timeZoneAbbreviation();
    // Some systems give "+0530" or nothing: say it as an offset from UTC.
    if (zone.isEmpty() || zone.startsWith(u'+') || zone.startsWith(u'-')) {
        const int offset = local.offsetFromUtc();
        zone = offset == 0 ? QStringLiteral("UTC")
                           : QStringLiteral("UTC%1%2:%3")
                                 .arg(offset < 0 ? u'-' : u'+')
                                 .arg(std::abs(offset) / 3600, 2, 10, QLatin1Char('0'))
                                 .arg(std::abs(offset) % 3600 / 60, 2, 10, QLatin1Char('0'));
    }
    return Tr::tr("times in %1").arg(zone);
}

} // namespace turnstile
