#pragma once

#include "compliance/compliancereport.h"

namespace turnstile {

// Keystone's own account rules as pure functions, so every boundary is
// unit-tested without a server. Sources (Keystone 22, Zed):
//  * lockout: keystone/identity/backends/sql.py Identity._is_account_locked();
//  * inactivity: keystone/identity/backends/sql_model.py User.enabled;
//  * password expiry: sql_model.py User.password_is_expired.

enum class LockState
{
    Clear,       // no failure on record (or not a local user)
    Failing,     // failures recorded, below the limit (or lockout is off)
    Locked,      // Keystone refuses even the right password until unlocksAt
    LockExpired, // the limit was reached but the lockout is over; Keystone
                 // resets the counter on the next attempt
    Exempt,      // ignore_lockout_failure_attempts is set
};

struct LockVerdict
{
    LockState state = LockState::Clear;
    // failed_auth_at + lockout_duration; invalid when the failure time is
    // missing (Keystone cannot compute it either and keeps refusing).
    QDateTime unlocksAt;
};

LockVerdict lockVerdict(const ComplianceUser &user, const ComplianceSettings &settings,
                        const QDateTime &now);

enum class InactivityState
{
    NotConfigured,  // disable_user_account_days_inactive is not set
    Unknown,        // neither last_active_at nor created_at is known: Keystone skips the rule
    StoredDisabled, // user.enabled is false and the limit is not reached: an
                    // administrator's choice, not the rule's
    Exempt,         // ignore_user_inactivity is set
    Active,         // disabled later than the window
    DisablesSoon,   // disabled on disablesOn, within the window
    Disabled,       // disabled since disablesOn (whatever user.enabled says: Keystone
                    // stores false at the first update of an inactive user)
};

struct InactivityVerdict
{
    InactivityState state = InactivityState::NotConfigured;
    QDate disablesOn; // last active day + the limit; the first day Keystone refuses
    int daysInactive = -1;
};

// `today` is the UTC date (Keystone compares utcnow().date()).
InactivityVerdict inactivityVerdict(const ComplianceUser &user, const ComplianceSettings &settings,
                                    const QDate &today, int withinDays);

enum class ExpiryState
{
    NoExpiry,    // no password, or one without expires_at
    Valid,       // expires after the window
    ExpiresSoon, // expires within the window
    Expired,     // Keystone answers PasswordExpired
    Exempt,      // ignore_password_expiry is set
};

struct ExpiryVerdict
{
    ExpiryState state = ExpiryState::NoExpiry;
    QDateTime expiresAt;
};

ExpiryVerdict passwordVerdict(const ComplianceUser &user, const QDateTime &now, int withinDays);

// Sorts users onto the six lists (a user may be on several) and orders each
// list by its date, soonest first. Lists whose rule is not configured are
// "unavailable: … not configured".
ComplianceReport classifyUsers(const QList<ComplianceUser> &users,
                               const ComplianceSettings &settings, const QDateTime &now,
                               int withinDays);

} // namespace turnstile
