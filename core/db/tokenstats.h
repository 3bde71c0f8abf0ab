#pragma once

#include "db/metric.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace turnstile {

// The legacy `token` table split at one instant. Keystone's token flush
// deletes rows with expires < now, so `expired` is what a flush would remove.
struct TokenStats
{
    QDateTime at; // the instant of the split (UTC)
    // Whether each side is a COUNT (or settled by MIN/MAX) rather than the
    // optimizer's estimate. The exact variant counts both; the frequent one
    // counts the smaller side when its range is short
    // (InspectorSettings::frequentCountLimit).
    bool expiredExact = false;
    bool liveExact = false;
    bool exact() const { return expiredExact && liveExact; }
    Metric<qint64> expired;
    Metric<qint64> live;
    Metric<QDateTime> oldestExpires; // MIN(expires), UTC; unavailable with "no rows" when empty
    Metric<QDateTime> newestExpires; // MAX(expires), UTC
    double queryMs = 0;              // all statements of this figure group
};

struct TokenProducer
{
    QString id; // user_id or trust_id
    qint64 tokens = 0;
    std::optional<double> share; // of all rows, when the exact split is known
};

// Who fills the table: GROUP BY on the indexed column, top N only.
struct TokenProducers
{
    Metric<QList<TokenProducer>> byUser;
    Metric<QList<TokenProducer>> byTrust;
    // Rows in the range the lists were taken from; only when asked for
    // (tokenProducers' withTotal), unavailable otherwise.
    Metric<qint64> total;
    double queryMs = 0;
};

} // namespace turnstile
