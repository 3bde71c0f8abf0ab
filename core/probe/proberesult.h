#pragma once

#include "compliance/compliancesummary.h"
#include "db/galerastatus.h"
#include "events/brokerqueuedepth.h"
#include "probe/percentile.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace turnstile {

// One probe of one profile: the figures the Overview shows and
// `turnstilectl probe --json` prints. Every figure is optional, with a
// reason when it is missing, so one failing part never hides the others.
struct ProbeResult
{
    QString profile;
    QDateTime startedAt;
    double durationMs = 0;

    // Identity endpoint
    QString endpoint;
    bool reachable = false;
    QString keystoneVersion;
    QString endpointError;
    // oslo.middleware /healthcheck: "ok", "failing", "absent" (not deployed) or empty (not asked)
    QString health;
    QStringList catalogRegions;

    // Token issue/validate
    std::optional<double> issueMs;
    std::optional<double> validateMs; // median of this probe's validation samples
    // Nearest-rank p50/p95/p99 over the profile's recent samples (LatencyWindow:
    // the last 200 of the last hour, across probes); over this probe's own
    // samples when it ran without a window (`turnstilectl probe`).
    std::optional<LatencyPercentiles> validatePercentiles;
    std::optional<LatencyPercentiles> issuePercentiles;
    std::optional<qint64> tokenBytes;
    std::optional<qint64> catalogBytes;
    QString tokenError;
    QStringList warnings;
    // What in the profile's keystone.conf hides Keystone's events from
    // Turnstile, one sentence per line to change (checkNotificationConfig);
    // informational, no part of the verdict.
    QStringList notificationProblems;
    // Keystone's notifications.info as the broker's management API reports
    // it (readNotificationQueue), read by `turnstilectl probe` for a profile
    // with a notification URL; empty when not asked or nothing answered.
    // Informational, no part of the verdict.
    BrokerQueueReading notificationQueue;
    bool notificationQueueRead = false;
    // Keystone rejected the credentials (401), now or in an earlier cycle:
    // Turnstile stopped logging in with them (AuthBackoff) until they change
    // or the user asks for a retry, so as not to lock the account.
    bool authRejected = false;
    QString authUser; // the account (or application credential) the profile logs in as
    bool authWithPassword = true;
    // [security_compliance] lockout_failure_attempts and lockout_duration from
    // the profile's keystone.conf, when it names one.
    std::optional<int> lockoutAttempts;
    int lockoutDurationSec = 0;
    // The profile's own account is locked until then (from the database,
    // set by the scheduler); its id for the guarded unlock.
    QDateTime authLockedUntil;
    QString authUserId;

    // Database
    bool databaseConfigured = false;
    QString databaseTarget; // "keystone@db1:3306", no password
    std::optional<qint64> revocationEvents;
    // Older than token expiration + buffer: what a prune would remove.
    std::optional<qint64> revocationObsolete;
    std::optional<qint64> tokenRows;
    // Rows per day, live and expired together, over the last day of history
    // (set by the collector; needs an hour of history).
    std::optional<double> tokenGrowthPerDay;
    // The history the figure above was measured over (at most a day): with
    // a few hours only, the tile shows the change itself, not a day's
    // extrapolation of it.
    std::optional<qint64> tokenGrowthSpanSec;
    bool tokenRowsEstimated = false; // the server's estimate: the table is too big to COUNT(*)
    QString revocationError;
    QString tokenRowsError;
    QString databaseError;
    double databaseMs = 0;
    // The drivers' and Keystone's own words behind the sentences above, for a
    // details view (the tile's tooltip, `--json`): databaseError is a
    // translated sentence (describeDatabaseFailure), and a Keystone failure
    // blamed on the database keeps Keystone's own sentence here.
    QString databaseErrorDetail;
    QString keystoneErrorDetail;

    // get_hits / (get_hits + get_misses) over the profile's memcached
    // servers since they started (set by the collector).
    std::optional<double> memcachedHitRatio;

    // Threshold verdict over this cycle's figures (set by the collector):
    // 0 unknown, 1 ok, 2 warning, 3 critical, and the sentence saying why.
    int thresholdLevel = 0;
    QString thresholdReason;
    // The threshold metrics that are amber or red, and the red ones among
    // them (HealthVerdict::triggered, ::critical): the tile highlights their
    // rows.
    QStringList thresholdTriggered;
    QStringList thresholdCritical;
    // Locked accounts (set by the scheduler when the profile has a database).
    std::optional<ComplianceSummary> compliance;
    // Fernet key consistency across the profile's nodes (set by the scheduler
    // when the profile lists key repositories): KeyConsistency::Level as int
    // (0 unknown/not configured, 1 ok, 2 warning, 3 critical) and its sentence.
    int keysLevel = 0;
    QString keysSummary;
    // The Galera cluster behind the database (profile galera_nodes, or discovered from
    // wsrep_incoming_addresses), judged by evaluateGalera; folded into the verdict by
    // applyGaleraAlert. `probe --json`: "galera".
    std::optional<GaleraStatus> galera;

    // True when every configured part answered.
    bool healthy() const;
    QJsonObject toJson() const;
    static ProbeResult fromJson(const QJsonObject &o);
};

} // namespace turnstile
