#pragma once

#include "compliance/compliancereport.h"
#include "db/sqlsession.h"

#include <QSet>

namespace turnstile {

class DbConnection;

// Reads the compliance lists from Keystone's database (MariaDB/MySQL and
// PostgreSQL): local_user.failed_auth_count / failed_auth_at, user.enabled,
// last_active_at, created_at and extra, the current password's expiry
// (expires_at_int, else expires_at, of the newest row by created_at_int), the
// user_option exemptions, domain names (domains are rows of `project`) and the
// role assignments that make an account a service account.
//
// One statement selects the candidates of every list with the rules' own
// cut-offs, so a cloud with 100,000 users sends back the few that matter; the
// exact judgement is compliancerules.cpp's, the same code the unit tests
// pin down. Columns an older schema lacks make the lists that need them
// "unavailable for this schema", never a failed statement.
//
// Blocking; for a worker thread that owns the DbConnection.
class ComplianceInspector
{
public:
    ComplianceInspector(DbConnection &db, ComplianceSettings settings);
    ComplianceInspector(const ComplianceInspector &) = delete;
    ComplianceInspector &operator=(const ComplianceInspector &) = delete;

    // The clock the rules are judged against. Default: the database server's
    // (Keystone compares with its own utcnow(); the database host is the
    // closest honest stand-in for it, the workstation may be minutes off).
    void setNow(const QDateTime &now) { m_pinnedNow = now; }
    // A service account holds this role, or any role on a project of this
    // name (directly or through a group). Keystone's install guides name both
    // "service".
    void setServiceNames(const QString &project, const QString &role);

    ComplianceReport inspect(int withinDays);

    // Users whose id or local name is `nameOrId` (a name can exist in several
    // domains). Every field is filled as in inspect(), serviceAccount too.
    struct Lookup
    {
        QList<ComplianceUser> users;
        QDateTime at;
        QString error; // the database could not be asked
    };
    Lookup findUsers(const QString &nameOrId);

    // Empty when this database user may UPDATE local_user on a writable
    // server; otherwise the sentence why not.
    QString localUserWriteRefusal();

    SqlSession &session() { return m_session; }

private:
    bool loadColumns(QString *error);
    bool has(KeystoneTable table, const char *column) const;
    bool hasTable(KeystoneTable table) const;
    QString schemaGap(KeystoneTable table, const QStringList &columns, const QString &release,
                      const QString &lists) const;
    QString passwordGap() const;
    QDateTime clock(QString *error);
    QString selectSql(const QString &where) const;
    // At most `limit` users (-1: no limit); *truncated says more matched.
    QList<ComplianceUser> fetch(const QString &where, const QVariantList &binds, QString *error,
                                int limit = -1, bool *truncated = nullptr);
    QString markServiceAccounts(QList<ComplianceUser> &users);

    ComplianceSettings m_settings;
    SqlSession m_session;
    QDateTime m_pinnedNow;
    QString m_serviceProject = QStringLiteral("service");
    QString m_serviceRole = QStringLiteral("service");
    bool m_columnsLoaded = false;
    bool m_passwordJoin = false; // the current password can be found
    QSet<QString> m_columns;     // "table.column", lower case
};

} // namespace turnstile
