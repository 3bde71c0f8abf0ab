#pragma once

#include "history/annotation.h"

#include <QJsonObject>
#include <QList>

namespace turnstile {

// Guarded actions from the audit log as chart annotations, so a purge shows
// on the growth charts where its curve drops. Only actions that changed
// something (completed, or cancelled/failed after deleting rows), stamped at
// their end, within [from, to].
QList<Annotation> annotationsFromAudit(const QList<QJsonObject> &records, qint64 from, qint64 to);

} // namespace turnstile
