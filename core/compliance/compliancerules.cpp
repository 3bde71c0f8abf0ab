#include "compliance/compliancerules.h"

#include "db/sqlsession.h"

#include <QCoreApplication>

#include <algorithm>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ComplianceRules)
};

void sortBy(QList<ComplianceEntry> &list, bool byDay)
{
    std::stable_sort(list.begin(), list.end(),
                     [byDay](const ComplianceEntry &a, const ComplianceEntry &b) {
                         if (byDay ? a.day != b.day : a.at != b.at) {
                             // Unknown dates last.
                             if (byDay ? !a.day.isValid() : !a.at.isValid())
                                 return false;
                             if (byDay ? !b.day.isValid() : !b.at.isValid())
                                 return true;
                             return byDay ? a.day < b.day : a.at < b.at;
                         }
                         return a.user.displayName() < b.user.displayName();
                     });
}
} // namespace

LockVerdict lockVerdict(const ComplianceUser &user, const ComplianceSettings &settings,
                        const QDateTime &now)
{
    LockVerdict v;
    if (!user.local || user.failedAuthCount <= 0)
        return v;
    // The exemption comes first in Keystone too: such a user is never locked,
    // although failures keep being counted.
    if (user.ignoreLockout) {
        v.state = LockState::Exempt;
        return v;
    }
    if (!settings.lockoutEnabled() || user.failedAuthCount < *settings.lockoutFailureAttempts) {
        // Below the limit the counter never resets by time: one more failure
        // after a year still counts.
        v.state = LockState::Failing;
        return v;
    }
    if (!user.failedAuthAt.isValid()) {
        v.state = LockState::Locked;
        return v;
    }
    v.unlocksAt = user.failedAuthAt.toUTC().addSecs(settings.lockoutDurationSec);
    // Keystone: locked while failed_auth_at + duration > utcnow().
    v.state = v.unlocksAt > now.toUTC() ? LockState::Locked : LockState::LockExpired;
    return v;
}

InactivityVerdict inactivityVerdict(const ComplianceUser &user, const ComplianceSettings &settings,
                                    const QDate &today, int withinDays)
{
    InactivityVerdict v;
    if (!settings.inactivityEnabled())
        return v;
    const QDate last = user.lastActiveDay();
    if (!last.isValid()) {
        v.state = user.enabled ? InactivityState::Unknown : InactivityState::StoredDisabled;
        return v;
    }
    v.daysInactive = int(last.daysTo(today));
    v.disablesOn = last.addDays(*settings.disableInactiveDays);
    if (user.ignoreInactivity) {
        v.state = user.enabled ? InactivityState::Exempt : InactivityState::StoredDisabled;
        return v;
    }
    // Keystone: disabled once (today - last active).days >= the limit. It
    // judges only users whose stored flag is set, but any later update of
    // such a user (even of its description) stores enabled = false, so an
    // inactive user with the flag off counts as disabled by the rule too.
    if (v.daysInactive >= *settings.disableInactiveDays)
        v.state = InactivityState::Disabled;
    else if (!user.enabled)
        v.state = InactivityState::StoredDisabled;
    else if (today.daysTo(v.disablesOn) <= withinDays)
        v.state = InactivityState::DisablesSoon;
    else
        v.state = InactivityState::Active;
    return v;
}

ExpiryVerdict passwordVerdict(const ComplianceUser &user, const QDateTime &now, int withinDays)
{
    ExpiryVerdict v;
    if (!user.passwordExpires.isValid())
        return v;
    v.expiresAt = user.passwordExpires.toUTC();
    if (user.ignorePasswordExpiry) {
        v.state = ExpiryState::Exempt;
        return v;
    }
    const QDateTime n = now.toUTC();
    // Keystone: expired once utcnow() >= expires_at.
    if (n >= v.expiresAt)
        v.state = ExpiryState::Expired;
    else if (v.expiresAt < n.addDays(withinDays))
        v.state = ExpiryState::ExpiresSoon;
    else
        v.state = ExpiryState::Valid;
    return v;
}

ComplianceReport classifyUsers(const QList<ComplianceUser> &users,
                               const ComplianceSettings &settings, const QDateTime &now,
                               int withinDays)
{
    ComplianceReport r;
    r.at = now.toUTC();
    r.withinDays = withinDays;
    r.settings = settings;
    QList<ComplianceEntry> locked, failing, soon, disabled, expiring, expired;
    const QDate today = r.at.date();
    for (const ComplianceUser &u : users) {
        if (u.serviceAccount.value_or(false))
            r.serviceAccounts.append(u);
        const LockVerdict lock = lockVerdict(u, settings, r.at);
        if (lock.state == LockState::Locked)
            locked.append({u, lock.unlocksAt, {}, -1});
        else if (lock.state == LockState::Failing)
            failing.append({u, u.failedAuthAt.toUTC(), {}, -1});

        const InactivityVerdict idle = inactivityVerdict(u, settings, today, withinDays);
        if (idle.state == InactivityState::DisablesSoon)
            soon.append({u, {}, idle.disablesOn, idle.daysInactive});
        else if (idle.state == InactivityState::Disabled)
            disabled.append({u, {}, idle.disablesOn, idle.daysInactive});

        const ExpiryVerdict pw = passwordVerdict(u, r.at, withinDays);
        if (pw.state == ExpiryState::ExpiresSoon)
            expiring.append({u, pw.expiresAt, {}, -1});
        else if (pw.state == ExpiryState::Expired)
            expired.append({u, pw.expiresAt, {}, -1});
    }
    std::sort(r.serviceAccounts.begin(), r.serviceAccounts.end(),
              [](const ComplianceUser &a, const ComplianceUser &b) { return a.name < b.name; });
    sortBy(locked, false);
    // The most failures first: those are one attempt away from a lockout.
    std::stable_sort(failing.begin(), failing.end(),
                     [](const ComplianceEntry &a, const ComplianceEntry &b) {
                         return a.user.failedAuthCount > b.user.failedAuthCount;
                     });
    sortBy(soon, true);
    sortBy(disabled, true);
    sortBy(expiring, false);
    sortBy(expired, false);

    if (settings.lockoutEnabled())
        r.locked = Metric<QList<ComplianceEntry>>::of(locked);
    else
        r.locked = Metric<QList<ComplianceEntry>>::unavailable(SqlSession::unavailable(
            Tr::tr("account lockout is not configured (lockout_failure_attempts)")));
    r.failing = Metric<QList<ComplianceEntry>>::of(failing);
    if (settings.inactivityEnabled()) {
        r.inactiveSoon = Metric<QList<ComplianceEntry>>::of(soon);
        r.inactiveDisabled = Metric<QList<ComplianceEntry>>::of(disabled);
    } else {
        const QString off = SqlSession::unavailable(
            Tr::tr("inactivity disabling is not configured (disable_user_account_days_inactive)"));
        r.inactiveSoon = Metric<QList<ComplianceEntry>>::unavailable(off);
        r.inactiveDisabled = Metric<QList<ComplianceEntry>>::unavailable(off);
    }
    r.passwordExpiring = Metric<QList<ComplianceEntry>>::of(expiring);
    r.passwordExpired = Metric<QList<ComplianceEntry>>::of(expired);
    return r;
}

} // namespace turnstile
