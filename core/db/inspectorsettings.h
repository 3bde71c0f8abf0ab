#pragma once

#include <QDateTime>

namespace turnstile {

// The Keystone configuration the database figures depend on. The defaults are
// Keystone's own (keystone/conf/*.py), except where Keystone's default is
// "off"; there 0 means "not configured" and the figure says so instead of
// guessing.
struct InspectorSettings
{
    int tokenExpirationSec = 3600;        // [token] expiration
    int revokeExpirationBufferSec = 1800; // [revoke] expiration_buffer
    int lockoutFailureAttempts = 0;       // [security_compliance] lockout_failure_attempts
    int lockoutDurationSec = 1800;        // [security_compliance] lockout_duration; 0 = until reset
    int disableInactiveDays = 0;        // [security_compliance] disable_user_account_days_inactive
    int passwordExpiryWarningDays = 14; // "expiring soon" window for the current passwords
    int topProducers = 10;              // rows per top-producer list
    // The frequent token split counts its smaller side (normally the live
    // tokens) with a range COUNT when the estimate is at most this many rows:
    // ~15 ms per 30,000 index entries on the benchmark VM. 0 = estimates only.
    qint64 frequentCountLimit = 100000;
    int statementTimeoutMs = 25000; // server-side limit per statement
    // The clock the figures are computed against (UTC). Invalid = now; tests
    // pin it.
    QDateTime now;
};

} // namespace turnstile
