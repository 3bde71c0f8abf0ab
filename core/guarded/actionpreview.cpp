#include "guarded/actionpreview.h"

#include <QJsonArray>

namespace turnstile {

namespace {
QJsonValue time(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODate)) : QJsonValue();
}
} // namespace

QJsonObject ActionPreview::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("action"), action);
    o.insert(QStringLiteral("target"), target.text);
    o.insert(QStringLiteral("cutoff"), time(cutoff));
    o.insert(QStringLiteral("rows_to_go"), rowsToGo);
    o.insert(QStringLiteral("rows_to_stay"), rowsToStay);
    if (rowsToGoEstimated)
        o.insert(QStringLiteral("rows_to_go_estimated"), true);
    if (rowsToStayEstimated)
        o.insert(QStringLiteral("rows_to_stay_estimated"), true);
    o.insert(QStringLiteral("oldest_affected"), time(oldestAffected));
    o.insert(QStringLiteral("newest_affected"), time(newestAffected));
    o.insert(QStringLiteral("estimated_seconds"), estimatedSeconds);
    o.insert(QStringLiteral("estimate_basis"), estimateBasis);
    o.insert(QStringLiteral("statements"), QJsonArray::fromStringList(statements));
    o.insert(QStringLiteral("consequences"), QJsonArray::fromStringList(consequences));
    o.insert(QStringLiteral("warnings"), QJsonArray::fromStringList(warnings));
    if (mustAcknowledge >= 0)
        o.insert(QStringLiteral("must_acknowledge"), mustAcknowledge);
    if (refused())
        o.insert(QStringLiteral("refusal"), refusal);
    if (resumesRunStartedAt.isValid())
        o.insert(QStringLiteral("resumes_run_started_at"), time(resumesRunStartedAt));
    if (!serverIdentity.isEmpty())
        o.insert(QStringLiteral("server_identity"), serverIdentity);
    o.insert(QStringLiteral("parameters"), parameters);
    o.insert(QStringLiteral("at"), time(at));
    return o;
}

} // namespace turnstile
