#pragma once

#include "db/metric.h"

#include <QDateTime>

#include <optional>

namespace turnstile {

// Revocation events by age of revoked_at.
struct RevocationAgeHistogram
{
    qint64 underHour = 0; // revoked_at within the last hour (or in the future: clock skew)
    qint64 hourToDay = 0;
    qint64 dayToWeek = 0;
    qint64 overWeek = 0;
    qint64 total() const { return underHour + hourToDay + dayToWeek + overWeek; }
};

// Revocation events by kind. Events with an audit_id revoke one token (or
// chain) and are found through the audit_id index; "wide" events
// (audit_id IS NULL) revoke everything of a user, project or domain and are
// what Keystone's validation path has to scan for every token.
struct RevocationKinds
{
    std::optional<qint64> auditId; // total - wide, when the total is known
    qint64 wide = 0;               // audit_id IS NULL
    qint64 userWide = 0;           // … and user_id set
    qint64 projectWide = 0;        // … and project_id set (overlaps userWide for role removals)
    qint64 domainWide = 0;         // … and domain_id set
    qint64 otherWide = 0;          // … and none of the three (trust, consumer, audit chain)
};

// The instants the revocation figures are cut at.
struct RevocationWindows
{
    QDateTime hourAgo;
    QDateTime dayAgo;
    QDateTime weekAgo;
    // Keystone prunes events with revoked_at older than now - ([token]
    // expiration + [revoke] expiration_buffer); older rows are obsolete.
    QDateTime obsoleteBefore;
};

struct RevocationStats
{
    QDateTime at;
    RevocationWindows windows;
    Metric<qint64> total;
    Metric<RevocationAgeHistogram> ages;
    Metric<qint64> obsolete; // rows Keystone would already have pruned
    Metric<RevocationKinds> kinds;
    double queryMs = 0;
};

// Pure helpers, unit-tested.
RevocationWindows revocationWindows(const QDateTime &nowUtc, int tokenExpirationSec,
                                    int expirationBufferSec);
// From one pass of cumulative counts (rows newer than each cut) to buckets.
RevocationAgeHistogram histogramFromCumulative(qint64 total, qint64 sinceHour, qint64 sinceDay,
                                               qint64 sinceWeek);

} // namespace turnstile
