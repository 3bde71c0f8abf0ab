#pragma once

#include "db/metric.h"

#include <QDateTime>

namespace turnstile {

// Rows of the tables that grow besides token, split as the guarded actions
// that clear them see them: trusts as keystone-manage trust_flush judges
// them (soft-deleted whatever their dates; expired by expires_at_int), the
// password history per local user, and expired application credentials.
struct PurgeableStats
{
    QDateTime at;
    Metric<qint64> trustsLive;         // neither soft-deleted nor expired
    Metric<qint64> trustsExpired;      // expired, not soft-deleted: "Flush trusts" removes them
    Metric<qint64> trustsDeleted;      // soft-deleted: "Flush trusts" removes them
    Metric<qint64> passwordRows;       // every password row, current and history
    Metric<qint64> passwordMaxPerUser; // the longest history of one local user
    Metric<qint64> applicationCredentialsExpired;
    double queryMs = 0;
};

} // namespace turnstile
