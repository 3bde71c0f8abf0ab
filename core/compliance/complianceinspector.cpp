#include "compliance/complianceinspector.h"

#include "compliance/compliancerules.h"
#include "db/dbconnection.h"
#include "guarded/databaseclock.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ComplianceInspector)
};

// The columns of the select list, in order.
enum Col
{
    CId,
    CDomainId,
    CEnabled,
    CCreatedAt,
    CLastActive,
    CExtra,
    CLocalId,
    CLocalName,
    CNonLocalName,
    CFailedCount,
    CFailedAt,
    CDomainName,
    CExpiresInt,
    CExpiresAt,
    CIgnoreLockout,
    CIgnoreExpiry,
    CIgnoreInactivity,
};

std::optional<qint64> integer(const QVariant &v)
{
    if (!v.isValid() || v.isNull())
        return std::nullopt;
    bool ok = false;
    const qint64 i = v.toLongLong(&ok);
    if (ok)
        return i;
    const double d = v.toString().toDouble(&ok);
    return ok ? std::optional<qint64>(qint64(d)) : std::nullopt;
}

QDateTime fromEpoch(const QVariant &v)
{
    const std::optional<qint64> s = integer(v);
    return s ? QDateTime::fromSecsSinceEpoch(*s, Qt::UTC) : QDateTime();
}

QDate day(const QVariant &v)
{
    if (!v.isValid() || v.isNull())
        return {};
    if (v.metaType().id() == QMetaType::QDate)
        return v.toDate();
    return QDate::fromString(v.toString().left(10), Qt::ISODate);
}

// option_value is JSON; Keystone tests `option_value is True`.
bool optionTrue(const QVariant &v)
{
    return !v.isNull() && v.toString().trimmed().compare(u"true", Qt::CaseInsensitive) == 0;
}

QString emailFromExtra(const QVariant &v)
{
    if (v.isNull())
        return {};
    const QJsonObject extra = QJsonDocument::fromJson(v.toString().toUtf8()).object();
    return extra.value(u"email").toString().trimmed();
}

// Microseconds since the epoch, the unit of Keystone's *_int columns.
qint64 micros(const QDateTime &t)
{
    return t.toMSecsSinceEpoch() * 1000;
}
} // namespace

ComplianceInspector::ComplianceInspector(DbConnection &db, ComplianceSettings settings)
    : m_settings(std::move(settings)), m_session(db)
{}

void ComplianceInspector::setServiceNames(const QString &project, const QString &role)
{
    m_serviceProject = project;
    m_serviceRole = role;
}

bool ComplianceInspector::loadColumns(QString *error)
{
    if (m_columnsLoaded)
        return true;
    QString reason;
    if (!m_session.begin(&reason)) {
        *error = SqlSession::unavailable(reason);
        return false;
    }
    QStringList names;
    QVariantList binds;
    for (const KeystoneTable t :
         {KeystoneTable::User, KeystoneTable::LocalUser, KeystoneTable::Password,
          KeystoneTable::UserOption, KeystoneTable::NonLocalUser, KeystoneTable::Project,
          KeystoneTable::Role, KeystoneTable::Assignment, KeystoneTable::UserGroupMembership}) {
        names.append(QStringLiteral("?"));
        binds.append(tableName(t));
    }
    // Table names travel as bound values here, never as SQL text.
    const SqlResult r = m_session.run(
        (m_session.isMySql()
             ? QStringLiteral("SELECT LOWER(TABLE_NAME), LOWER(COLUMN_NAME) FROM "
                              "information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND "
                              "TABLE_NAME IN (%1)")
             : QStringLiteral("SELECT LOWER(table_name), LOWER(column_name) FROM "
                              "information_schema.columns WHERE table_schema = current_schema() "
                              "AND table_name IN (%1)"))
            .arg(names.join(QStringLiteral(", "))),
        binds);
    if (!r.ok()) {
        *error = r.error;
        return false;
    }
    m_columns.clear();
    for (const QVariantList &row : r.rows)
        m_columns.insert(row.value(0).toString() + u'.' + row.value(1).toString());
    m_columnsLoaded = true;
    m_passwordJoin = passwordGap().isEmpty();
    return true;
}

bool ComplianceInspector::has(KeystoneTable table, const char *column) const
{
    return m_columns.contains(tableName(table) + u'.' + QLatin1String(column));
}

bool ComplianceInspector::hasTable(KeystoneTable table) const
{
    return has(table, table == KeystoneTable::UserGroupMembership ? "user_id"
                      : table == KeystoneTable::Assignment        ? "actor_id"
                      : table == KeystoneTable::UserOption        ? "option_id"
                      : table == KeystoneTable::NonLocalUser      ? "user_id"
                                                                  : "id");
}

QString ComplianceInspector::schemaGap(KeystoneTable table, const QStringList &columns,
                                       const QString &release, const QString &lists) const
{
    QStringList missing;
    for (const QString &c : columns) {
        if (!has(table, c.toLatin1().constData()))
            missing.append(tableName(table) + u'.' + c);
    }
    if (missing.isEmpty())
        return {};
    return Tr::tr("unavailable for this schema: %1 needs %2, which this database does not have "
                  "(Keystone %3 added it) or this user cannot see.")
        .arg(lists, missing.join(QStringLiteral(", ")), release);
}

QString ComplianceInspector::passwordGap() const
{
    return schemaGap(KeystoneTable::Password,
                     {QStringLiteral("local_user_id"), QStringLiteral("created_at"),
                      QStringLiteral("expires_at")},
                     QStringLiteral("Newton"), Tr::tr("the password lists"));
}

QDateTime ComplianceInspector::clock(QString *error)
{
    if (m_pinnedNow.isValid())
        return QDateTime::fromSecsSinceEpoch(m_pinnedNow.toSecsSinceEpoch(), Qt::UTC);
    return databaseNowUtc(m_session, error);
}

QString ComplianceInspector::selectSql(const QString &where) const
{
    const SqlSession &s = m_session;
    auto col = [](bool present, const QString &expr) {
        return present ? expr : QStringLiteral("NULL");
    };
    const bool options = hasTable(KeystoneTable::UserOption);
    auto option = [&](const char *id) {
        // The option ids of keystone/identity/backends/resource_options.py.
        return col(options, QStringLiteral("(SELECT o.option_value FROM %1 o WHERE o.user_id = "
                                           "u.id AND o.option_id = '%2')")
                                .arg(s.table(KeystoneTable::UserOption), QLatin1String(id)));
    };
    const QStringList select{
        QStringLiteral("u.id"),
        QStringLiteral("u.domain_id"),
        QStringLiteral("u.enabled"),
        col(has(KeystoneTable::User, "created_at"), s.epochSeconds(QStringLiteral("u.created_at"))),
        col(has(KeystoneTable::User, "last_active_at"), QStringLiteral("u.last_active_at")),
        col(has(KeystoneTable::User, "extra"), QStringLiteral("u.extra")),
        QStringLiteral("lu.id"),
        QStringLiteral("lu.name"),
        col(hasTable(KeystoneTable::NonLocalUser), QStringLiteral("nlu.name")),
        col(has(KeystoneTable::LocalUser, "failed_auth_count"),
            QStringLiteral("lu.failed_auth_count")),
        col(has(KeystoneTable::LocalUser, "failed_auth_at"),
            s.epochSeconds(QStringLiteral("lu.failed_auth_at"))),
        col(hasTable(KeystoneTable::Project), QStringLiteral("d.name")),
        col(m_passwordJoin && has(KeystoneTable::Password, "expires_at_int"),
            QStringLiteral("p.expires_at_int")),
        col(m_passwordJoin, s.epochSeconds(QStringLiteral("p.expires_at"))),
        option("1002"),
        option("1001"),
        option("1004"),
    };
    QString sql = QStringLiteral("SELECT %1 FROM %2 u LEFT JOIN %3 lu ON lu.user_id = u.id")
                      .arg(select.join(QStringLiteral(", ")), s.table(KeystoneTable::User),
                           s.table(KeystoneTable::LocalUser));
    if (hasTable(KeystoneTable::NonLocalUser))
        sql += QStringLiteral(" LEFT JOIN %1 nlu ON nlu.user_id = u.id")
                   .arg(s.table(KeystoneTable::NonLocalUser));
    if (hasTable(KeystoneTable::Project))
        sql += QStringLiteral(" LEFT JOIN %1 d ON d.id = u.domain_id")
                   .arg(s.table(KeystoneTable::Project));
    // The current password: the last by created_at_int (LocalUser.passwords
    // order_by), by created_at on schemas from before the integer columns.
    if (m_passwordJoin) {
        const char *order =
            has(KeystoneTable::Password, "created_at_int") ? "created_at_int" : "created_at";
        sql += QStringLiteral(" LEFT JOIN %1 p ON p.local_user_id = lu.id AND p.%2 = (SELECT "
                              "MAX(p2.%2) FROM %1 p2 WHERE p2.local_user_id = lu.id)")
                   .arg(s.table(KeystoneTable::Password), QLatin1String(order));
    }
    sql += QStringLiteral(" WHERE ") + where;
    return sql;
}

QList<ComplianceUser> ComplianceInspector::fetch(const QString &where, const QVariantList &binds,
                                                 QString *error, int limit, bool *truncated)
{
    // One row more than the limit tells whether more matched. The limit is
    // our own integer, never text from outside.
    const QString sql =
        selectSql(where) + (limit > 0 ? QStringLiteral(" LIMIT %1").arg(limit + 1) : QString());
    SqlResult r = m_session.run(sql, binds);
    if (!r.ok()) {
        *error = r.error;
        return {};
    }
    if (truncated)
        *truncated = limit > 0 && r.rows.size() > limit;
    if (limit > 0 && r.rows.size() > limit)
        r.rows.resize(limit);
    QList<ComplianceUser> users;
    QSet<QString> seen;
    for (int i = 0; i < r.rows.size(); ++i) {
        ComplianceUser u;
        u.id = r.value(i, CId).toString();
        // Two password rows created in the same microsecond would repeat a user.
        if (seen.contains(u.id))
            continue;
        seen.insert(u.id);
        u.domainId = r.value(i, CDomainId).toString();
        // NULL is falsy to Keystone's `if self._enabled` as well.
        u.enabled = !r.value(i, CEnabled).isNull() && r.value(i, CEnabled).toBool();
        u.createdAt = fromEpoch(r.value(i, CCreatedAt));
        u.lastActiveAt = day(r.value(i, CLastActive));
        u.email = emailFromExtra(r.value(i, CExtra));
        u.local = !r.value(i, CLocalId).isNull();
        u.name = u.local ? r.value(i, CLocalName).toString() : r.value(i, CNonLocalName).toString();
        u.failedAuthCount = int(integer(r.value(i, CFailedCount)).value_or(0));
        u.failedAuthAt = fromEpoch(r.value(i, CFailedAt));
        u.domainName = r.value(i, CDomainName).toString();
        // Password.expires_at: expires_at_int or the DATETIME (0 means unset).
        const std::optional<qint64> expInt = integer(r.value(i, CExpiresInt));
        if (expInt && *expInt != 0)
            u.passwordExpires = QDateTime::fromMSecsSinceEpoch(*expInt / 1000, Qt::UTC);
        else
            u.passwordExpires = fromEpoch(r.value(i, CExpiresAt));
        u.ignoreLockout = optionTrue(r.value(i, CIgnoreLockout));
        u.ignorePasswordExpiry = optionTrue(r.value(i, CIgnoreExpiry));
        u.ignoreInactivity = optionTrue(r.value(i, CIgnoreInactivity));
        users.append(u);
    }
    return users;
}

QString ComplianceInspector::markServiceAccounts(QList<ComplianceUser> &users)
{
    if (users.isEmpty())
        return {};
    if (!hasTable(KeystoneTable::Assignment) || !hasTable(KeystoneTable::Role) ||
        !hasTable(KeystoneTable::Project))
        return SqlSession::unavailable(
            Tr::tr("the role assignment tables (assignment, role, project) are not visible to "
                   "this database user"));
    const SqlSession &s = m_session;
    const QString assignment = s.table(KeystoneTable::Assignment);
    const QString role = s.table(KeystoneTable::Role);
    const QString project = s.table(KeystoneTable::Project);
    // Every service account of the cloud: a handful of rows, whatever the
    // number of users.
    QString sql = QStringLiteral("SELECT a.actor_id FROM %1 a JOIN %2 r ON r.id = a.role_id "
                                 "LEFT JOIN %3 p ON p.id = a.target_id WHERE a.type IN "
                                 "('UserProject', 'UserDomain') AND (r.name = ? OR (a.type = "
                                 "'UserProject' AND p.name = ?))")
                      .arg(assignment, role, project);
    QVariantList binds{m_serviceRole, m_serviceProject};
    if (hasTable(KeystoneTable::UserGroupMembership)) {
        sql += QStringLiteral(" UNION SELECT m.user_id FROM %1 m JOIN %2 a ON a.actor_id = "
                              "m.group_id JOIN %3 r ON r.id = a.role_id LEFT JOIN %4 p ON p.id = "
                              "a.target_id WHERE a.type IN ('GroupProject', 'GroupDomain') AND "
                              "(r.name = ? OR (a.type = 'GroupProject' AND p.name = ?))")
                   .arg(s.table(KeystoneTable::UserGroupMembership), assignment, role, project);
        binds << m_serviceRole << m_serviceProject;
    }
    const SqlResult r = m_session.run(sql, binds);
    if (!r.ok())
        return r.error;
    QSet<QString> service;
    for (const QVariantList &row : r.rows)
        service.insert(row.value(0).toString());
    for (ComplianceUser &u : users)
        u.serviceAccount = service.contains(u.id);
    return {};
}

ComplianceReport ComplianceInspector::inspect(int withinDays)
{
    const double before = m_session.elapsedMs();
    QString error;
    QDateTime now;
    if (loadColumns(&error))
        now = clock(&error);
    if (!now.isValid()) {
        ComplianceReport r =
            classifyUsers({}, m_settings, QDateTime::currentDateTimeUtc(), withinDays);
        for (const ComplianceList l : allComplianceLists())
            r.list(l) = Metric<QList<ComplianceEntry>>::unavailable(error);
        return r;
    }

    // Which lists this schema can answer.
    const QString lockGap =
        schemaGap(KeystoneTable::LocalUser,
                  {QStringLiteral("failed_auth_count"), QStringLiteral("failed_auth_at")},
                  QStringLiteral("Newton"), Tr::tr("the lockout lists"));
    const QString idleGap = schemaGap(
        KeystoneTable::User, {QStringLiteral("last_active_at"), QStringLiteral("created_at")},
        QStringLiteral("Ocata"), Tr::tr("the inactivity lists"));
    const QString pwGap = passwordGap();
    const QString baseGap =
        schemaGap(KeystoneTable::LocalUser, {QStringLiteral("user_id"), QStringLiteral("name")},
                  QStringLiteral("Mitaka"), Tr::tr("every list"));

    QStringList conditions;
    QVariantList binds;
    if (lockGap.isEmpty())
        conditions.append(QStringLiteral("lu.failed_auth_count > 0"));
    if (idleGap.isEmpty() && m_settings.inactivityEnabled()) {
        // Disabled on last active day + limit; inside the window when that
        // day is at most today + withinDays.
        conditions.append(
            QStringLiteral("COALESCE(u.last_active_at, CAST(u.created_at AS DATE)) <= ?"));
        binds.append(now.date().addDays(withinDays - *m_settings.disableInactiveDays));
    }
    if (pwGap.isEmpty()) {
        const QDateTime horizon = now.addDays(withinDays);
        if (has(KeystoneTable::Password, "expires_at_int")) {
            conditions.append(QStringLiteral(
                "((p.expires_at_int IS NOT NULL AND p.expires_at_int <> 0 AND p.expires_at_int "
                "< ?) OR ((p.expires_at_int IS NULL OR p.expires_at_int = 0) AND p.expires_at < "
                "?))"));
            binds << micros(horizon) << horizon;
        } else {
            conditions.append(QStringLiteral("p.expires_at < ?"));
            binds << horizon;
        }
    }

    // A cloud with a directory-sized user table and a wide window matches
    // more users than a list can show; the read stays bounded and says so.
    constexpr int kMaxUsers = 20000;
    QList<ComplianceUser> users;
    QString fetchError;
    bool truncated = false;
    if (baseGap.isEmpty() && !conditions.isEmpty())
        users = fetch(conditions.join(QStringLiteral(" OR ")), binds, &fetchError, kMaxUsers,
                      &truncated);
    const QString serviceError = fetchError.isEmpty() ? markServiceAccounts(users) : QString();

    ComplianceReport r = classifyUsers(users, m_settings, now, withinDays);
    r.serviceAccountsError = serviceError;
    if (truncated)
        r.notes.append(Tr::tr("More than %L1 users match; only %L1 of them were read, so the "
                              "lists below are incomplete.")
                           .arg(kMaxUsers));
    if (!hasTable(KeystoneTable::UserOption))
        r.notes.append(Tr::tr("This database has no user_option table: no user is exempt from "
                              "lockout, inactivity or password expiry."));
    if (!hasTable(KeystoneTable::Project))
        r.notes.append(Tr::tr("Domain names are not visible in this database."));
    auto fail = [&](std::initializer_list<ComplianceList> lists, const QString &why) {
        if (why.isEmpty())
            return;
        for (const ComplianceList l : lists) {
            // A rule that is not configured says so first; that is the cause.
            if (r.list(l).available())
                r.list(l) = Metric<QList<ComplianceEntry>>::unavailable(why);
        }
    };
    const QString common = !baseGap.isEmpty() ? baseGap : fetchError;
    fail({ComplianceList::Locked, ComplianceList::Failing, ComplianceList::InactiveSoon,
          ComplianceList::InactiveDisabled, ComplianceList::PasswordExpiring,
          ComplianceList::PasswordExpired},
         common);
    fail({ComplianceList::Locked, ComplianceList::Failing}, lockGap);
    fail({ComplianceList::InactiveSoon, ComplianceList::InactiveDisabled}, idleGap);
    fail({ComplianceList::PasswordExpiring, ComplianceList::PasswordExpired}, pwGap);
    r.databaseMs = m_session.elapsedMs() - before;
    for (const ComplianceList l : allComplianceLists())
        r.list(l).queryMs = r.databaseMs;
    return r;
}

ComplianceInspector::Lookup ComplianceInspector::findUsers(const QString &nameOrId)
{
    Lookup out;
    if (!loadColumns(&out.error))
        return out;
    out.at = clock(&out.error);
    if (!out.at.isValid())
        return out;
    const QString gap =
        schemaGap(KeystoneTable::LocalUser, {QStringLiteral("user_id"), QStringLiteral("name")},
                  QStringLiteral("Mitaka"), Tr::tr("finding a user"));
    if (!gap.isEmpty()) {
        out.error = gap;
        return out;
    }
    out.users = fetch(QStringLiteral("u.id = ? OR lu.name = ?"), {nameOrId, nameOrId}, &out.error);
    if (out.error.isEmpty()) {
        // An exact id match wins over a user who happens to be named like it.
        for (const ComplianceUser &u : std::as_const(out.users)) {
            if (u.id == nameOrId) {
                out.users = {u};
                break;
            }
        }
        markServiceAccounts(out.users);
    }
    return out;
}

QString ComplianceInspector::localUserWriteRefusal()
{
    QString reason;
    if (!m_session.begin(&reason))
        return SqlSession::unavailable(reason);
    const QString table = tableName(KeystoneTable::LocalUser);
    if (m_session.isMySql()) {
        const SqlResult ro = m_session.run(QStringLiteral("SELECT @@GLOBAL.read_only"));
        if (ro.ok() && ro.value(0, 0).toInt() == 1)
            return Tr::tr("The database server is read-only (a replica?).");
        // The exact privilege test: an UPDATE that matches no row. The server
        // checks the grant before it looks at the condition.
        const SqlResult probe = m_session.run(
            QStringLiteral("UPDATE %1 SET failed_auth_count = failed_auth_count WHERE 1 = 0")
                .arg(m_session.table(KeystoneTable::LocalUser)));
        if (!probe.ok())
            return Tr::tr("The database user cannot update %1: %2").arg(table, probe.error);
        return {};
    }
    const SqlResult rec = m_session.run(QStringLiteral("SELECT pg_is_in_recovery()"));
    if (rec.ok() && rec.value(0, 0).toBool())
        return Tr::tr("The database server is a standby (in recovery).");
    const SqlResult priv = m_session.run(
        QStringLiteral("SELECT has_table_privilege(current_user, quote_ident(current_schema()) || "
                       "'.' || quote_ident(?), 'UPDATE'), current_user"),
        {table});
    if (!priv.ok())
        return Tr::tr("Cannot check the UPDATE privilege on %1: %2").arg(table, priv.error);
    if (!priv.value(0, 0).toBool())
        return Tr::tr("The database user %1 has no UPDATE privilege on %2.")
            .arg(priv.value(0, 1).toString(), table);
    return {};
}

} // namespace turnstile
