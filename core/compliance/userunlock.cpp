#include "compliance/userunlock.h"

#include "compliance/complianceinspector.h"
#include "compliance/compliancerules.h"
#include "compliance/compliancesettings.h"
#include "db/databaseurl.h"
#include "db/dbconnection.h"
#include "guarded/actioncontrol.h"
#include "keystone/keystoneclient.h"
#include "util/duration.h"
#include "util/timetext.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <QUrlQuery>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(UserUnlock)
};

QJsonValue time(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODate)) : QJsonValue();
}

bool databaseUsable(const Profile &p, DatabaseUrl *url, QString *why)
{
    if (p.databaseUrl.isEmpty()) {
        *why = Tr::tr("Profile %1 has no database.").arg(p.name);
        return false;
    }
    QString err;
    *url = DatabaseUrl::parse(p.databaseUrl, &err);
    if (!url->isValid() || url->backend == DatabaseUrl::Backend::Sqlite) {
        *why = Tr::tr("The database URL of profile %1 is not usable: %2")
                   .arg(p.name, err.isEmpty() ? Tr::tr("unsupported backend") : err);
        return false;
    }
    return true;
}
} // namespace

UserUnlock::UserUnlock(Profile profile, Secrets secrets, QString nameOrId, Method method)
    : m_profile(std::move(profile)), m_secrets(std::move(secrets)),
      m_nameOrId(std::move(nameOrId).trimmed()), m_method(method)
{}

void UserUnlock::setServiceNames(const QString &project, const QString &role)
{
    m_serviceProject = project;
    m_serviceRole = role;
}

std::optional<GuardedAction::FollowUp> UserUnlock::followUp(const ActionResult &result) const
{
    if (m_method != Method::Api || result.ok() ||
        !result.details.value(u"database_fallback_possible").toBool())
        return std::nullopt;
    // The user the preview found, by id: the name could meanwhile be another's.
    auto next = std::make_shared<UserUnlock>(
        m_profile, m_secrets, m_user.id.isEmpty() ? m_nameOrId : m_user.id, Method::Database);
    next->setServiceNames(m_serviceProject, m_serviceRole);
    return FollowUp{Tr::tr("Unlock through the database"),
                    Tr::tr("Reset the failed logins in the database instead?"), next};
}

QString UserUnlock::kind() const
{
    return m_method == Method::Api ? QStringLiteral("users.unlock")
                                   : QStringLiteral("users.unlock.database");
}

bool UserUnlock::lookUpInDatabase(ActionPreview &p)
{
    DatabaseUrl url;
    QString why;
    if (!databaseUsable(m_profile, &url, &why)) {
        if (m_method == Method::Database) {
            p.refusal = why + u' ' + Tr::tr("The database path needs the Keystone database.");
            return false;
        }
        p.warnings.append(why + u' ' +
                          Tr::tr("The failed logins and the unlock time are unknown; the API does "
                                 "not show them."));
        return true;
    }
    QString confError;
    const ComplianceSettings settings = ComplianceSettings::forProfile(m_profile, &confError);
    if (!confError.isEmpty())
        p.warnings.append(confError + u' ' +
                          Tr::tr("The unlock time is computed with Keystone's defaults."));
    DbConnection db(url, m_secrets.databasePassword);
    ComplianceInspector inspector(db, settings);
    inspector.setServiceNames(m_serviceProject, m_serviceRole);
    const ComplianceInspector::Lookup found = inspector.findUsers(m_nameOrId);
    if (!found.error.isEmpty()) {
        if (m_method == Method::Database) {
            p.refusal = found.error;
            return false;
        }
        p.warnings.append(
            Tr::tr("The database could not be read (%1); the failed logins are unknown.")
                .arg(found.error));
        return true;
    }
    if (found.users.isEmpty()) {
        p.refusal = Tr::tr("No user with the name or ID \"%1\" in the database of profile %2.")
                        .arg(m_nameOrId, m_profile.name);
        return false;
    }
    if (found.users.size() > 1) {
        QStringList which;
        for (const ComplianceUser &u : found.users)
            which.append(QStringLiteral("%1 (%2)").arg(
                u.id, u.domainName.isEmpty() ? u.domainId : u.domainName));
        p.refusal = Tr::tr("%n users are named \"%1\"; give the user ID instead: %2.", nullptr,
                           int(found.users.size()))
                        .arg(m_nameOrId, which.join(QStringLiteral(", ")));
        return false;
    }
    m_user = found.users.constFirst();
    m_now = found.at;
    m_failuresKnown = true;
    if (!m_user.local) {
        p.refusal = Tr::tr("%1 is not a local user: Keystone locks out only users whose password "
                           "is in its own database.")
                        .arg(m_user.displayName());
        return false;
    }
    const LockVerdict lock = lockVerdict(m_user, settings, m_now);
    QJsonObject params = p.parameters;
    params.insert(QStringLiteral("lockout_failure_attempts"),
                  settings.lockoutFailureAttempts ? QJsonValue(*settings.lockoutFailureAttempts)
                                                  : QJsonValue());
    params.insert(QStringLiteral("lockout_duration"), settings.lockoutDurationSec);
    params.insert(QStringLiteral("unlocks_at"), time(lock.unlocksAt));
    params.insert(QStringLiteral("locked"), lock.state == LockState::Locked);
    p.parameters = params;
    switch (lock.state) {
    case LockState::Locked:
        p.consequences.append(
            lock.unlocksAt.isValid()
                ? Tr::tr("%1 is locked out after %n failed login(s), the last at %2; Keystone "
                         "would unlock the account by itself at %3 (in %4).",
                         nullptr, m_user.failedAuthCount)
                      .arg(m_user.displayName(), formatUtcTime(m_user.failedAuthAt),
                           formatUtcTime(lock.unlocksAt),
                           formatDuration(std::max<qint64>(1, m_now.secsTo(lock.unlocksAt))))
                : Tr::tr("%1 is locked out after %n failed login(s); the time of the last one is "
                         "not recorded, so Keystone would not unlock the account by itself.",
                         nullptr, m_user.failedAuthCount)
                      .arg(m_user.displayName()));
        break;
    case LockState::LockExpired:
        p.consequences.append(
            Tr::tr("%1 reached %n failed login(s), but the lockout ended at %2; Keystone resets "
                   "the counter at the next login attempt anyway.",
                   nullptr, m_user.failedAuthCount)
                .arg(m_user.displayName(), formatUtcTime(lock.unlocksAt)));
        break;
    case LockState::Failing:
        p.consequences.append(
            Tr::tr("%1 is not locked; %n failed login(s) are on record, the last at %2.", nullptr,
                   m_user.failedAuthCount)
                .arg(m_user.displayName(), formatUtcTime(m_user.failedAuthAt)));
        break;
    case LockState::Exempt:
        p.consequences.append(Tr::tr("%1 has ignore_lockout_failure_attempts set: Keystone never "
                                     "locks this account; %n failure(s) are counted anyway.",
                                     nullptr, m_user.failedAuthCount)
                                  .arg(m_user.displayName()));
        break;
    case LockState::Clear:
        break;
    }
    return true;
}

bool UserUnlock::lookUpInApi(ActionPreview &p)
{
    KeystoneClient client(m_profile, m_secrets);
    const TokenInfo token = client.issueToken();
    if (!token.ok()) {
        if (m_method == Method::Api) {
            p.refusal = Tr::tr("Cannot log in to Keystone's API: %1").arg(token.error);
            return false;
        }
        return true; // the database path does not need the API
    }
    // The default policy lets only admins PATCH a user; say so before the
    // operator confirms, not only after the 403.
    const QJsonObject t =
        QJsonDocument::fromJson(token.http.body).object().value(u"token").toObject();
    m_apiUser = t.value(u"user").toObject().value(u"name").toString();
    m_apiAdmin = false;
    for (const QJsonValue &r : t.value(u"roles").toArray())
        m_apiAdmin = m_apiAdmin || r.toObject().value(u"name").toString() == u"admin";
    if (m_user.id.isEmpty()) {
        // No database: find the user through the API.
        HttpResult h = client.get(QStringLiteral("/users/") + apiPathSegment(m_nameOrId));
        QJsonObject user;
        if (h.ok()) {
            user = QJsonDocument::fromJson(h.body).object().value(u"user").toObject();
        } else if (h.status == 404) {
            QUrlQuery q;
            q.addQueryItem(QStringLiteral("name"), m_nameOrId);
            h = client.get(QStringLiteral("/users?") + q.toString(QUrl::FullyEncoded));
            const QJsonArray users =
                QJsonDocument::fromJson(h.body).object().value(u"users").toArray();
            if (!h.ok()) {
                p.refusal = h.error;
                return false;
            }
            if (users.size() > 1) {
                QStringList which;
                for (const QJsonValue &u : users)
                    which.append(u.toObject().value(u"id").toString());
                p.refusal = Tr::tr("%n users are named \"%1\"; give the user ID instead: %2.",
                                   nullptr, int(users.size()))
                                .arg(m_nameOrId, which.join(QStringLiteral(", ")));
                return false;
            }
            user = users.isEmpty() ? QJsonObject() : users.at(0).toObject();
        } else {
            p.refusal = h.error;
            return false;
        }
        if (user.isEmpty()) {
            p.refusal = Tr::tr("No user with the name or ID \"%1\" in Keystone (profile %2).")
                            .arg(m_nameOrId, m_profile.name);
            return false;
        }
        m_user.id = user.value(u"id").toString();
        m_user.name = user.value(u"name").toString();
        m_user.domainId = user.value(u"domain_id").toString();
        m_user.enabled = user.value(u"enabled").toBool(true);
        m_user.local = true; // unknown without the database; Keystone will tell
    }
    if (m_user.domainName.isEmpty() && !m_user.domainId.isEmpty()) {
        const HttpResult d =
            client.get(QStringLiteral("/domains/") + apiPathSegment(m_user.domainId));
        if (d.ok())
            m_user.domainName = QJsonDocument::fromJson(d.body)
                                    .object()
                                    .value(u"domain")
                                    .toObject()
                                    .value(u"name")
                                    .toString();
    }
    return true;
}

void UserUnlock::describe(ActionPreview &p)
{
    const QString domain = m_user.domainName.isEmpty() ? m_user.domainId : m_user.domainName;
    p.target.text = m_user.name.isEmpty() ? m_user.id : m_user.name;
    p.target.description = Tr::tr("user %1 (ID %2) in domain %3, profile %4")
                               .arg(p.target.text, m_user.id, domain, m_profile.name);
    QJsonObject params = p.parameters;
    params.insert(QStringLiteral("user_id"), m_user.id);
    params.insert(QStringLiteral("name"), m_user.name);
    params.insert(QStringLiteral("domain_id"), m_user.domainId);
    params.insert(QStringLiteral("domain"), m_user.domainName);
    if (m_failuresKnown) {
        params.insert(QStringLiteral("failed_auth_count"), m_user.failedAuthCount);
        params.insert(QStringLiteral("failed_auth_at"), time(m_user.failedAuthAt));
    }
    if (m_user.serviceAccount)
        params.insert(QStringLiteral("service_account"), *m_user.serviceAccount);
    p.parameters = params;
    p.rowsToGo = !m_failuresKnown ? -1 : (m_user.failedAuthCount > 0 ? 1 : 0);
    p.rowsToStay = 0;
    if (m_failuresKnown && m_user.failedAuthCount <= 0)
        p.consequences.append(
            Tr::tr("%1 has no failed login on record: there is nothing to unlock.")
                .arg(m_user.displayName()));
    if (m_user.serviceAccount.value_or(false))
        p.warnings.append(Tr::tr("%1 is a service account: unless the service's configured "
                                 "password is fixed first, it fails again and locks again.")
                              .arg(m_user.displayName()));

    if (m_method == Method::Api) {
        p.statements.append(
            QStringLiteral("PATCH /v3/users/%1 {\"user\": {\"enabled\": true}}").arg(m_user.id));
        p.consequences.append(
            Tr::tr("Keystone sets the user enabled, which resets the failed-login "
                   "counter; the next login with the right password works."));
        QString confError;
        const ComplianceSettings settings = ComplianceSettings::forProfile(m_profile, &confError);
        if (settings.inactivityEnabled())
            p.consequences.append(
                Tr::tr("Keystone also sets last_active_at to today, which restarts the %n-day "
                       "inactivity clock of this account.",
                       nullptr, *settings.disableInactiveDays));
        if (settings.inactivityEnabled() &&
            inactivityVerdict(m_user, settings, QDateTime::currentDateTimeUtc().date(), 0).state ==
                InactivityState::Disabled)
            p.warnings.append(
                Tr::tr("%1 is also disabled for inactivity (last active %2); the "
                       "unlock makes the account usable again.")
                    .arg(m_user.displayName(), m_user.lastActiveDay().toString(Qt::ISODate)));
        if (!m_user.enabled && p.refusal.isEmpty())
            p.refusal = Tr::tr("%1 is disabled. Unlocking through the API sets the user enabled "
                               "and would undo that; enable the user deliberately, or reset only "
                               "the counter with the database path.")
                            .arg(m_user.displayName());
        if (!m_apiAdmin)
            p.warnings.append(Tr::tr("The API user %1 holds no admin role; Keystone's default "
                                     "policy lets only admins update a user, so the unlock will "
                                     "probably be refused.")
                                  .arg(m_apiUser));
    } else {
        p.statements.append(QStringLiteral("UPDATE local_user SET failed_auth_count = 0, "
                                           "failed_auth_at = NULL WHERE user_id = ?"));
        p.consequences.append(
            Tr::tr("Only this user's local_user row changes, as Keystone itself resets it after "
                   "a successful login. The API is bypassed: no notification or CADF event "
                   "records the unlock, and the enabled flag and last activity stay as they "
                   "are."));
    }
}

ActionPreview UserUnlock::preview()
{
    ActionPreview p;
    p.action = kind();
    p.title = m_method == Method::Api ? Tr::tr("Unlock a user")
                                      : Tr::tr("Reset a user's failed logins in the database");
    p.at = QDateTime::currentDateTimeUtc();
    p.parameters.insert(QStringLiteral("user"), m_nameOrId);
    p.parameters.insert(QStringLiteral("method"), m_method == Method::Api
                                                      ? QStringLiteral("api")
                                                      : QStringLiteral("database"));
    m_user = ComplianceUser();
    m_failuresKnown = false;
    m_apiAdmin = true;
    if (m_nameOrId.isEmpty()) {
        p.refusal = Tr::tr("Name the user to unlock.");
        return p;
    }
    if (m_profile.readOnly) {
        p.refusal = Tr::tr("Profile %1 is read-only; no guarded action runs against it.")
                        .arg(m_profile.name);
        return p;
    }
    if (!lookUpInDatabase(p))
        return p;
    if (m_method == Method::Database) {
        DatabaseUrl url;
        QString why;
        databaseUsable(m_profile, &url, &why);
        DbConnection db(url, m_secrets.databasePassword);
        ComplianceInspector inspector(db, {});
        if (const QString no = inspector.localUserWriteRefusal(); !no.isEmpty()) {
            p.refusal = no;
            return p;
        }
        // The API only adds the domain name here; the database path works without it.
        if (!m_profile.authUrl.isEmpty() && m_user.domainName.isEmpty())
            lookUpInApi(p);
    } else if (!lookUpInApi(p)) {
        return p;
    }
    describe(p);
    if (!m_failuresKnown)
        p.consequences.prepend(Tr::tr("The failed logins of %1 are unknown without the database.")
                                   .arg(m_user.displayName()));
    return p;
}

ActionResult UserUnlock::execute(const ActionPreview &confirmed, ActionControl &control)
{
    if (control.isCancelled()) {
        ActionResult r;
        r.outcome = ActionResult::Outcome::Cancelled;
        r.message = Tr::tr("Cancelled before anything changed.");
        return r;
    }
    return m_method == Method::Api ? executeApi(confirmed) : executeDatabase(confirmed);
}

qint64 UserUnlock::failuresNow(const QString &userId, QString *error)
{
    DatabaseUrl url;
    QString why;
    if (!databaseUsable(m_profile, &url, &why))
        return -1;
    DbConnection db(url, m_secrets.databasePassword);
    ComplianceInspector inspector(db, {});
    const ComplianceInspector::Lookup found = inspector.findUsers(userId);
    if (!found.error.isEmpty()) {
        *error = found.error;
        return -1;
    }
    if (found.users.size() != 1)
        return -1;
    return found.users.constFirst().failedAuthCount;
}

QString UserUnlock::databaseFallbackAdvice(bool *possible)
{
    *possible = false;
    DatabaseUrl url;
    QString why;
    if (!databaseUsable(m_profile, &url, &why))
        return {};
    DbConnection db(url, m_secrets.databasePassword);
    ComplianceInspector inspector(db, {});
    const QString no = inspector.localUserWriteRefusal();
    *possible = no.isEmpty();
    if (no.isEmpty())
        return Tr::tr("The database user can write local_user: the database path (turnstilectl "
                      "users unlock --database-fallback) resets the counter there instead.");
    return Tr::tr("The database path is not available either: %1").arg(no);
}

ActionResult UserUnlock::executeApi(const ActionPreview &confirmed)
{
    ActionResult r;
    r.startedAt = QDateTime::currentDateTimeUtc();
    const QString userId = confirmed.parameters.value(u"user_id").toString();
    r.before = confirmed.parameters.value(u"failed_auth_count").toInteger(-1);
    KeystoneClient client(m_profile, m_secrets);
    const TokenInfo token = client.issueToken();
    if (!token.ok()) {
        r.outcome = ActionResult::Outcome::Failed;
        r.message = Tr::tr("Cannot log in to Keystone's API: %1").arg(token.error);
        r.finishedAt = QDateTime::currentDateTimeUtc();
        return r;
    }
    // Keystone's default policy lets only admins read or update another user.
    auto forbidden = [&](const HttpResult &h) {
        r.details.insert(QStringLiteral("http_status"), h.status);
        r.outcome = ActionResult::Outcome::Failed;
        r.message = Tr::tr("Keystone refused the unlock (403): the API user %1 may not update "
                           "users; Keystone's default policy allows it to admins only.")
                        .arg(m_apiUser.isEmpty() ? m_profile.username : m_apiUser);
        bool possible = false;
        const QString advice = databaseFallbackAdvice(&possible);
        if (!advice.isEmpty()) {
            r.message += u' ' + advice;
            r.details.insert(QStringLiteral("database_fallback"), advice);
        }
        r.details.insert(QStringLiteral("database_fallback_possible"), possible);
        r.finishedAt = QDateTime::currentDateTimeUtc();
        return r;
    };
    // The PATCH sets enabled = true: a user an administrator disabled since
    // the preview would be enabled again. Read the user now and act only on
    // the one the operator confirmed.
    {
        const HttpResult now = client.get(QStringLiteral("/users/") + apiPathSegment(userId));
        if (now.status == 403)
            return forbidden(now);
        const QJsonObject u = QJsonDocument::fromJson(now.body).object().value(u"user").toObject();
        QString why;
        if (!now.ok())
            why = Tr::tr("Cannot read user %1 again before the unlock: %2")
                      .arg(confirmed.target.text, now.error);
        else if (u.value(u"id").toString() != userId)
            why = Tr::tr("Keystone no longer has the user %1 the preview found.")
                      .arg(confirmed.target.text);
        else if (!u.value(u"enabled").toBool(true))
            why = Tr::tr("%1 was disabled since the preview; unlocking would enable it again. "
                         "Nothing was changed.")
                      .arg(confirmed.target.text);
        else if (u.value(u"name").toString() != confirmed.parameters.value(u"name").toString() ||
                 u.value(u"domain_id").toString() !=
                     confirmed.parameters.value(u"domain_id").toString())
            why = Tr::tr("User %1 changed since the preview (now %2 in domain %3); run the "
                         "preview again. Nothing was changed.")
                      .arg(confirmed.target.text, u.value(u"name").toString(),
                           u.value(u"domain_id").toString());
        if (!why.isEmpty()) {
            r.outcome = ActionResult::Outcome::Refused;
            r.message = why;
            r.finishedAt = QDateTime::currentDateTimeUtc();
            return r;
        }
    }
    const QByteArray body =
        QJsonDocument(
            QJsonObject{{QStringLiteral("user"), QJsonObject{{QStringLiteral("enabled"), true}}}})
            .toJson(QJsonDocument::Compact);
    const HttpResult h = client.patch(QStringLiteral("/users/") + apiPathSegment(userId), body);
    r.details.insert(QStringLiteral("http_status"), h.status);
    if (!h.ok()) {
        if (h.status == 403)
            return forbidden(h);
        r.outcome = ActionResult::Outcome::Failed;
        r.message = h.error;
        r.finishedAt = QDateTime::currentDateTimeUtc();
        return r;
    }
    r.outcome = ActionResult::Outcome::Completed;
    r.affected = 1;
    QString err;
    r.after = failuresNow(userId, &err);
    const QString who = confirmed.target.text;
    if (r.after > 0) {
        // Keystone answered 200 but the counter stayed: say it, do not hide it.
        r.outcome = ActionResult::Outcome::Failed;
        r.message =
            Tr::tr("Keystone accepted the update of %1, but %n failed login(s) are still on "
                   "record.",
                   nullptr, int(r.after))
                .arg(who);
    } else {
        r.message = r.before > 0 ? Tr::tr("%1 is unlocked: Keystone reset %n failed login(s).",
                                          nullptr, int(r.before))
                                       .arg(who)
                                 : Tr::tr("%1 is unlocked.").arg(who);
    }
    r.finishedAt = QDateTime::currentDateTimeUtc();
    r.durationSeconds = r.startedAt.msecsTo(r.finishedAt) / 1000.0;
    return r;
}

ActionResult UserUnlock::executeDatabase(const ActionPreview &confirmed)
{
    ActionResult r;
    r.startedAt = QDateTime::currentDateTimeUtc();
    const QString userId = confirmed.parameters.value(u"user_id").toString();
    r.before = confirmed.parameters.value(u"failed_auth_count").toInteger(-1);
    DatabaseUrl url;
    QString why;
    auto fail = [&](const QString &message) {
        r.outcome = ActionResult::Outcome::Failed;
        r.message = message;
        r.finishedAt = QDateTime::currentDateTimeUtc();
        return r;
    };
    if (!databaseUsable(m_profile, &url, &why))
        return fail(why);
    DbConnection db(url, m_secrets.databasePassword);
    SqlSession s(db);
    if (!s.begin(&why))
        return fail(SqlSession::unavailable(why));
    // The user id the operator confirmed; a local_user row belongs to exactly one.
    const SqlResult u =
        s.run(QStringLiteral(
                  "UPDATE %1 SET failed_auth_count = 0, failed_auth_at = NULL WHERE user_id = ?")
                  .arg(s.table(KeystoneTable::LocalUser)),
              {userId});
    if (!u.ok())
        return fail(Tr::tr("The database refused the reset: %1").arg(u.error));
    r.affected = std::max<qint64>(0, u.rowsAffected);
    const SqlResult check =
        s.run(QStringLiteral("SELECT COALESCE(failed_auth_count, 0) FROM %1 WHERE user_id = ?")
                  .arg(s.table(KeystoneTable::LocalUser)),
              {userId});
    if (!check.ok() || check.isEmpty())
        return fail(check.ok() ? Tr::tr("The user's local_user row is gone.") : check.error);
    r.after = check.value(0, 0).toLongLong();
    r.outcome = r.after == 0 ? ActionResult::Outcome::Completed : ActionResult::Outcome::Failed;
    r.message = r.after == 0 ? Tr::tr("%1 is unlocked: the database reset %n failed login(s).",
                                      nullptr, int(std::max<qint64>(0, r.before)))
                                   .arg(confirmed.target.text)
                             : Tr::tr("The reset of %1 did not hold: %n failed login(s) on record.",
                                      nullptr, int(r.after))
                                   .arg(confirmed.target.text);
    r.finishedAt = QDateTime::currentDateTimeUtc();
    r.durationSeconds = r.startedAt.msecsTo(r.finishedAt) / 1000.0;
    return r;
}

} // namespace turnstile
