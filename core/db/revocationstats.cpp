#include "db/revocationstats.h"

#include <algorithm>

namespace turnstile {

RevocationWindows revocationWindows(const QDateTime &nowUtc, int tokenExpirationSec,
                                    int expirationBufferSec)
{
    const QDateTime now = nowUtc.toUTC();
    RevocationWindows w;
    w.hourAgo = now.addSecs(-3600);
    w.dayAgo = now.addSecs(-24 * 3600);
    w.weekAgo = now.addDays(-7);
    w.obsoleteBefore =
        now.addSecs(-(qint64(std::max(0, tokenExpirationSec)) + std::max(0, expirationBufferSec)));
    return w;
}

RevocationAgeHistogram histogramFromCumulative(qint64 total, qint64 sinceHour, qint64 sinceDay,
                                               qint64 sinceWeek)
{
    // The counts come from one statement, so they nest; clamp anyway so a
    // torn read can never show a negative bucket.
    RevocationAgeHistogram h;
    h.underHour = std::max<qint64>(0, sinceHour);
    h.hourToDay = std::max<qint64>(0, sinceDay - sinceHour);
    h.dayToWeek = std::max<qint64>(0, sinceWeek - sinceDay);
    h.overWeek = std::max<qint64>(0, total - sinceWeek);
    return h;
}

} // namespace turnstile
