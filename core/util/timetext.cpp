#include "util/timetext.h"

#include "util/duration.h"

#include <QLocale>

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

} // namespace turnstile
