#pragma once

#include "events/eventquery.h"
#include "history/namedseries.h"

#include <QList>

namespace turnstile {

// The Events page's chart of failed logins per minute, split by user: one
// curve for each of the topN users with the most failures in [fromSec,
// toSec), one "other users" curve for the rest (when there are any), each a
// per-minute count with the minutes without failures as zeros, decimated to
// `buckets` columns (decimateMinMax: a burst survives any width). Curves are
// named by the user as Keystone named them, most failures first; metric
// "auth.failures", profile as given. Pure.
QList<NamedSeries> authFailureSeries(const QList<AuthFailureCount> &counts, const QString &profile,
                                     qint64 fromSec, qint64 toSec, int topN, int buckets);

} // namespace turnstile
