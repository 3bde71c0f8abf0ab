#include "guarded/actionprogress.h"

#include "util/timetext.h"

#include <QCoreApplication>
#include <QLocale>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ActionProgress)
};
} // namespace

QString ActionProgress::describe(bool rowsCounted) const
{
    const QLocale l;
    if (!rowsCounted && !stage.isEmpty())
        return Tr::tr("%1 · %2 % · %3")
            .arg(stage, l.toString(total > 0 ? 100.0 * double(done) / double(total) : 0.0, 'f', 0),
                 formatRunTime(elapsedSeconds));
    if (!rowsCounted)
        return Tr::tr("Step %1 of %2 · %3")
            .arg(l.toString(done), l.toString(total), formatRunTime(elapsedSeconds));
    const QString rows =
        Tr::tr("%1 of %2 rows · %3 rows/s · %4 left · batch of %5")
            .arg(l.toString(done), l.toString(total), l.toString(qRound64(rowsPerSecond)),
                 formatRunTime(secondsLeft), l.toString(currentBatchSize));
    return throttled.isEmpty() ? rows : Tr::tr("%1 · %2").arg(rows, throttled);
}

} // namespace turnstile
