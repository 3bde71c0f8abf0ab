#include "util/duration.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Duration)
};
} // namespace

std::optional<qint64> parseDuration(const QString &text, QString *error)
{
    // The unit is required: a bare number was read as seconds, so "--older-than 7 d" (the
    // shell splits it) became a 7-second retention and purged tokens meant to stay a week.
    static const QRegularExpression re(QStringLiteral("^\\s*(\\d{1,9})\\s*([smhdw])\\s*$"));
    static const QRegularExpression bare(QStringLiteral("^\\s*\\d+\\s*$"));
    const QRegularExpressionMatch m = re.match(text.toLower());
    auto fail = [&]() -> std::optional<qint64> {
        if (error)
            *error = Tr::tr("\"%1\" is not a duration; use a whole number with s, m, h, d or w, "
                            "e.g. 60s or 7d.")
                         .arg(text);
        return std::nullopt;
    };
    if (bare.match(text).hasMatch()) {
        if (error)
            *error = Tr::tr("\"%1\" has no unit; write it with s, m, h, d or w, e.g. %1s or "
                            "%1d.")
                         .arg(text.trimmed());
        return std::nullopt;
    }
    if (!m.hasMatch())
        return fail();
    const qint64 n = m.captured(1).toLongLong();
    const QString unit = m.captured(2);
    const qint64 factor = unit == u"m"   ? 60
                          : unit == u"h" ? 3600
                          : unit == u"d" ? 86400
                          : unit == u"w" ? 604800
                                         : 1; // "s"
    const qint64 secs = n * factor;
    if (secs <= 0 || secs > qint64(10) * 366 * 86400)
        return fail();
    if (error)
        error->clear();
    return secs;
}

QString formatDuration(qint64 seconds)
{
    if (seconds <= 0)
        return QStringLiteral("0s");
    const struct
    {
        qint64 size;
        char unit;
    } units[] = {{86400, 'd'}, {3600, 'h'}, {60, 'm'}, {1, 's'}};
    QStringList parts;
    for (const auto &u : units) {
        if (seconds >= u.size && parts.size() < 2) {
            parts.append(QString::number(seconds / u.size) + QLatin1Char(u.unit));
            seconds %= u.size;
        }
    }
    return parts.join(u' ');
}

} // namespace turnstile
