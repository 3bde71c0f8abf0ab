#pragma once

#include "history/annotation.h"

#include <QJsonObject>
#include <QList>

namespace turnstile {

// Guarded actions from the audit log as chart annotations, so a purge shows
// on the growth charts where its curve drops. Only actions that changed
// something (completed, or cancelled/failed after deleting rows), stamped at
// their end, within [from, to].
// The text is what the action did, in words: "Purged 1.9 M expired tokens",
// "Unlocked user nova", "Rotated the Fernet keys", never the machine kind.
QList<Annotation> annotationsFromAudit(const QList<QJsonObject> &records, qint64 from, qint64 to);

// Whether an action of this kind belongs on a chart of this metric: a token
// purge on the token chart, a revocation prune on the revocation chart, a
// key rotation on the latency charts; an unlock on none of the growth or
// latency charts. A kind this list does not know (a future action) is drawn
// everywhere rather than lost.
bool annotationConcerns(const QString &kind, const QString &metric);

} // namespace turnstile
