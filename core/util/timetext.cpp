#include "util/timetext.h"

#include "util/duration.h"

#include <QLocale>
#include <QRegularExpression>
#include <QTimeZone>

#include <algorithm>
#include <cstdlib>

namespace turnstile {

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

QString formatLatency(double ms)
{
    // 999.6 ms would read "1,000 ms": from what rounds to a second on, seconds.
    if (ms >= 999.5)
        return formatRunTime(ms / 1000);
    return QStringLiteral("%1 ms").arg(QLocale().toString(ms, 'f', ms < 9.95 ? 1 : 0));
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

} // namespace turnstile

namespace turnstile {

QString timeZoneText(qint64 from, qint64 to)
{
    const QTimeZone zone = QTimeZone::systemTimeZone();
    const auto offset = [&zone](qint64 t) {
        return zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(t, Qt::UTC));
    };
    const auto utc = [](int seconds) {
        const int minutes = std::abs(seconds) / 60;
        return QStringLiteral("UTC%1%2:%3")
            .arg(seconds < 0 ? QChar(u'-') : QChar(u'+'))
            .arg(minutes / 60, 2, 10, QChar(u'0'))
            .arg(minutes % 60, 2, 10, QChar(u'0'));
    };
    const int atFrom = offset(from);
    const int atTo = offset(to);
    const QString id = QString::fromUtf8(zone.id());
    static const QStringList kUtcNames = {
        QStringLiteral("UTC"),     QStringLiteral("Etc/UTC"),   QStringLiteral("GMT"),
        QStringLiteral("Etc/GMT"), QStringLiteral("Universal"), QStringLiteral("Etc/Universal"),
        QStringLiteral("Zulu"),    QStringLiteral("Etc/Zulu")};
    if (atFrom == 0 && atTo == 0 && (id.isEmpty() || kUtcNames.contains(id)))
        return QStringLiteral("UTC");
    const QString offsets = atFrom == atTo ? utc(atTo) : utc(atFrom) + u'/' + utc(atTo);
    return id.isEmpty() ? offsets : id + QStringLiteral(", ") + offsets;
}

} // namespace turnstile
