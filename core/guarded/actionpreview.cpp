#include "guarded/actionpreview.h"

#include "util/rowfigure.h"
#include "util/timetext.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QLocale>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ActionPreview)
};

QJsonValue time(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODate)) : QJsonValue();
}
} // namespace

QList<ActionPreview::Line> ActionPreview::describe() const
{
    using K = Line::Kind;
    QList<Line> lines;
    lines.append({K::Target, Tr::tr("Target"),
                  target.description.isEmpty()
                      ? target.text
                      : Tr::tr("%1 — %2").arg(target.text, target.description)});
    if (!serverIdentity.isEmpty())
        lines.append({K::Server, Tr::tr("Server"), serverIdentity});
    if (refused()) {
        lines.append({K::Refusal, Tr::tr("Refused"), refusal});
        return lines;
    }
    if (parameters.contains(u"steps")) {
        // The revocation-impact experiment adds rows; it has no cutoff.
        lines.append(
            {K::Figure, Tr::tr("Events now"), formatRows(rowsToStay, rowsToStayEstimated)});
        lines.append({K::Figure, Tr::tr("To add"), formatRows(rowsToGo, rowsToGoEstimated)});
    } else {
        // Actions that delete no rows (a key rotation) leave cutoff and counts unset.
        if (cutoff.isValid())
            lines.append({K::Figure, Tr::tr("Cutoff"), formatUtcTime(cutoff)});
        if (rowsToGo >= 0)
            lines.append(
                {K::Figure, Tr::tr("Rows that go"), formatRows(rowsToGo, rowsToGoEstimated)});
        if (rowsToStay >= 0)
            lines.append(
                {K::Figure, Tr::tr("Rows that stay"), formatRows(rowsToStay, rowsToStayEstimated)});
    }
    if (oldestAffected.isValid())
        lines.append(
            {K::Figure, Tr::tr("Affected span"),
             Tr::tr("%1 … %2").arg(formatUtcTime(oldestAffected), formatUtcTime(newestAffected))});
    if (estimatedSeconds >= 0 || !estimateBasis.isEmpty())
        lines.append(
            {K::Figure, Tr::tr("Estimated duration"),
             estimateBasis.isEmpty()
                 ? formatRunTime(estimatedSeconds)
                 : Tr::tr("%1 (from %2)").arg(formatRunTime(estimatedSeconds), estimateBasis)});
    for (const QString &s : statements)
        lines.append({K::Statement, Tr::tr("Statement"), s});
    for (const QString &c : consequences)
        lines.append({K::Consequence, Tr::tr("Consequence"), c});
    for (const QString &w : warnings)
        lines.append({K::Warning, Tr::tr("Warning"), w});
    return lines;
}

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
