#pragma once

#include "events/keystoneevent.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace turnstile {

// [security_compliance] of keystone.conf (KeystoneConf).
struct LockoutPolicy
{
    int failureAttempts = 0; // 0: lockout is off, nothing to warn about
    int durationSeconds = 1800;
};

struct LockoutFinding
{
    enum class Level
    {
        Amber, // one more failure locks the account
        Red    // locked now
    };
    Level level = Level::Amber;
    QString user; // name when known, else id
    QString userId;
    int failures = 0;          // consecutive failures Keystone is counting
    qint64 firstFailureMs = 0; // the first of them
    qint64 lockedUntilMs = 0;  // Red only
    QString text;              // one sentence for the Overview and `events`
    // One of the profile's service accounts: its lockout stops a service, and
    // anyone who knows its name can cause it, so it is warned of one failure
    // earlier and in stronger words.
    bool serviceAccount = false;
    int attemptsLeft = 0; // failed logins until the lock (Amber: 1, a service account 1 or 2)
    bool operator==(const LockoutFinding &) const = default;
};

// Replays Keystone's lockout rule over authentication events (any order;
// other events are ignored): a failed password adds one to the user's count
// and stamps it; a success clears it; at `failureAttempts` the account is
// locked for `durationSeconds` after the last failure, and the first attempt
// after that starts counting afresh. An unknown user (404) counts nothing.
// Returns, per user, Red when locked at `nowMs` and Amber when the next
// failure would lock it, most urgent first. Pure.
//
// It sees only what was notified: failures from before Turnstile consumed
// events, or a reset by an administrator (PATCH enabled), are unknown to
// it, so it is an early warning, not the database's truth
// (compliance's lockout report reads that).
//
// Users in serviceAccounts (names or ids) are service accounts: Amber
// already two failures before the lock (when the limit is 3 or more), and
// every finding says what their lockout stops.
QList<LockoutFinding> evaluateLockout(const QList<KeystoneEvent> &events,
                                      const LockoutPolicy &policy, qint64 nowMs,
                                      const QStringList &serviceAccounts = {});

} // namespace turnstile
