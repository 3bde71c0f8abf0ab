#include "events/eventfilter.h"

namespace turnstile {

namespace {

bool has(const QString &field, const QString &needle)
{
    return !field.isEmpty() && field.contains(needle, Qt::CaseInsensitive);
}

bool targetIs(const KeystoneEvent &e, QLatin1StringView kind)
{
    return e.targetType.endsWith(kind);
}

} // namespace

bool EventFilter::isEmpty() const
{
    return action.isEmpty() && outcome.isEmpty() && user.isEmpty() && project.isEmpty() &&
           fromMs == 0 && toMs == 0;
}

bool EventFilter::matches(const KeystoneEvent &e) const
{
    if (!action.isEmpty() && e.action != action)
        return false;
    if (!outcome.isEmpty() && e.outcome != outcome)
        return false;
    if (fromMs > 0 && e.eventTimeMs < fromMs)
        return false;
    if (toMs > 0 && e.eventTimeMs >= toMs)
        return false;
    if (!user.isEmpty()) {
        const bool aboutUser = targetIs(e, QLatin1StringView("/user"));
        if (!has(e.initiatorName, user) && !has(e.initiatorId, user) &&
            !(aboutUser && (has(e.targetName, user) || has(e.targetId, user))))
            return false;
    }
    if (!project.isEmpty()) {
        const bool aboutProject = targetIs(e, QLatin1StringView("/project"));
        if (!has(e.initiatorProjectId, project) &&
            !(aboutProject && (has(e.targetName, project) || has(e.targetId, project))))
            return false;
    }
    return true;
}

} // namespace turnstile
