#pragma once

#include "compliance/complianceuser.h"
#include "guarded/guardedaction.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

namespace turnstile {

class SqlSession;

// Unlocks a Keystone user locked out by failed logins.
//
// Api (the default): PATCH /v3/users/{id} {"user": {"enabled": true}}.
// Keystone's User.enabled setter (identity/backends/sql_model.py) resets
// local_user.failed_auth_count to 0 and failed_auth_at to NULL whenever a
// user is set enabled, and, with disable_user_account_days_inactive set, also
// sets last_active_at to today. Because the same PATCH would enable a user an
// administrator disabled, the preview refuses a disabled user.
//
// Database (only when the operator chooses it): UPDATE local_user SET
// failed_auth_count = 0, failed_auth_at = NULL for that one local_user row,
// exactly what Keystone does after a successful login. For when the API
// account lacks the admin role; it bypasses Keystone's notifications.
//
// The typed confirmation is the user's name. The preview reads the failures
// from the database when the profile has one (the API does not show them).
class UserUnlock : public GuardedAction
{
public:
    enum class Method
    {
        Api,
        Database,
    };

    UserUnlock(Profile profile, Secrets secrets, QString nameOrId, Method method = Method::Api);

    QString kind() const override;
    ActionPreview preview() override;
    ActionResult execute(const ActionPreview &confirmed, ActionControl &control) override;
    // After an API unlock that failed where the database path would work:
    // the same user through the database.
    std::optional<FollowUp> followUp(const ActionResult &result) const override;

    // What makes an account a service account (ComplianceInspector::setServiceNames).
    void setServiceNames(const QString &project, const QString &role);

    Method method() const { return m_method; }
    // The user the last preview found (id empty when none was found).
    const ComplianceUser &user() const { return m_user; }

private:
    bool lookUpInDatabase(ActionPreview &p);
    bool lookUpInApi(ActionPreview &p);
    void describe(ActionPreview &p);
    ActionResult executeApi(const ActionPreview &confirmed);
    ActionResult executeDatabase(const ActionPreview &confirmed);
    // "The database user can write local_user: …" or why the database path
    // is not available either; empty without a database. *possible: the
    // database path would work.
    QString databaseFallbackAdvice(bool *possible);
    // failed_auth_count after the action, -1 when unknown.
    qint64 failuresNow(const QString &userId, QString *error);

    Profile m_profile;
    Secrets m_secrets;
    QString m_nameOrId;
    Method m_method;
    ComplianceUser m_user;
    QDateTime m_now;
    bool m_failuresKnown = false;
    QString m_apiUser;      // who the API token belongs to, for messages
    bool m_apiAdmin = true; // the token carries the admin role
    QString m_serviceProject = QStringLiteral("service");
    QString m_serviceRole = QStringLiteral("service");
};

} // namespace turnstile
