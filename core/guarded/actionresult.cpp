#include "guarded/actionresult.h"

namespace turnstile {

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
