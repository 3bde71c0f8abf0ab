#pragma once

#include <QDate>
#include <QDateTime>
#include <QString>

#include <optional>

namespace turnstile {

// One Keystone user as the compliance rules see it: the columns Keystone's
// identity backend judges (keystone/identity/backends/sql.py and
// sql_model.py), the per-user exemptions from user_option, and the names an
// operator needs to reach the person. A value, so it can travel from the
// worker thread to a model.
struct ComplianceUser
{
    QString id;
    QString name; // local_user.name / nonlocal_user.name, else from the API
    QString domainId;
    QString domainName; // from the project table (domains are projects), else the API
    QString email;      // "email" in user.extra, if anyone put it there

    bool enabled = true; // user.enabled as stored (an administrator's choice)
    QDateTime createdAt; // user.created_at (UTC); invalid when NULL (old rows)
    QDate lastActiveAt;  // user.last_active_at; invalid when NULL

    bool local = false;        // has a local_user row (only those can be locked out)
    int failedAuthCount = 0;   // local_user.failed_auth_count (NULL = 0)
    QDateTime failedAuthAt;    // local_user.failed_auth_at (UTC)
    QDateTime passwordExpires; // the current password's expiry (UTC); invalid = never

    // user_option rows whose value is true (resource_options.py ids).
    bool ignoreLockout = false;        // 1002 ignore_lockout_failure_attempts
    bool ignorePasswordExpiry = false; // 1001 ignore_password_expiry
    bool ignoreInactivity = false;     // 1004 ignore_user_inactivity

    // Holds the `service` role, or any role on the service project, directly
    // or through a group. Unknown when the assignment tables were out of reach.
    std::optional<bool> serviceAccount;

    // Keystone's inactivity reference day: last_active_at, else the day the
    // user was created (sql_model.User.enabled); invalid when neither is known.
    QDate lastActiveDay() const
    {
        if (lastActiveAt.isValid())
            return lastActiveAt;
        return createdAt.isValid() ? createdAt.toUTC().date() : QDate();
    }
    // "name (domain)", or the id when the name is unknown.
    QString displayName() const;
};

} // namespace turnstile
