#include "guarded/actionresult.h"

#include "util/rowfigure.h"
#include "util/timetext.h"

#include <QCoreApplication>
#include <QLocale>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ActionResult)
};
} // namespace

QStringList ActionResult::figures(bool rowsCounted) const
{
    if (outcome == Outcome::Refused || !rowsCounted)
        return {};
    const QLocale l;
    QStringList lines;
    // The revocation-impact experiment adds rows instead of deleting them.
    if (details.contains(u"steps"))
        lines.append(Tr::tr("Revocation events before %1, after %2, added %3")
                         .arg(l.toString(before), l.toString(after), l.toString(affected)));
    else
        lines.append(Tr::tr("Rows before %1, after %2, deleted %3")
                         .arg(formatRows(before, beforeEstimated),
                              formatRows(after, afterEstimated), l.toString(affected)));
    lines.append(Tr::tr("%1 batches, %2 retries, slowest batch %3 ms, %4")
                     .arg(l.toString(batches), l.toString(retries),
                          l.toString(slowestBatchMs, 'f', 1), formatRunTime(durationSeconds)));
    // A run on Galera that stopped writing while flow control paused the cluster says so.
    if (const int waits = details.value(u"flow_control_waits").toInt(); waits > 0)
        lines.append(
            Tr::tr("Waited %n time(s) for Galera flow control, %1 in all", nullptr, waits)
                .arg(formatRunTime(details.value(u"flow_control_wait_ms").toDouble() / 1000.0)));
    return lines;
}

QString ActionResult::outcomeName(Outcome o)
{
    switch (o) {
    case Outcome::Completed:
        return QStringLiteral("completed");
    case Outcome::Cancelled:
        return QStringLiteral("cancelled");
    case Outcome::Failed:
        return QStringLiteral("failed");
    case Outcome::Refused:
        return QStringLiteral("refused");
    }
    return {};
}

QJsonObject ActionResult::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("outcome"), outcomeName(outcome));
    o.insert(QStringLiteral("message"), message);
    o.insert(QStringLiteral("before"), before);
    o.insert(QStringLiteral("after"), after);
    if (beforeEstimated)
        o.insert(QStringLiteral("before_estimated"), true);
    if (afterEstimated)
        o.insert(QStringLiteral("after_estimated"), true);
    o.insert(QStringLiteral("affected"), affected);
    o.insert(QStringLiteral("batches"), batches);
    o.insert(QStringLiteral("retries"), retries);
    o.insert(QStringLiteral("slowest_batch_ms"), slowestBatchMs);
    o.insert(QStringLiteral("duration_seconds"), durationSeconds);
    if (!details.isEmpty())
        o.insert(QStringLiteral("details"), details);
    return o;
}

} // namespace turnstile
