// ComplianceInspector on PostgreSQL. The lab's Keystone runs on MariaDB, so
// this builds a scratch database with the tables Keystone's models create on
// PostgreSQL (naive timestamps, boolean, the assignment `type` enum), seeds
// one user per rule and boundary relative to a pinned "now", and checks every
// list, the exemptions, service accounts through a role and through a group,
// domain names, the current-password choice and the UPDATE grant check. The
// process runs in Asia/Kolkata so a local-time slip in a bound or read
// timestamp shows up.
#include "compliance/complianceinspector.h"
#include "db/dbconnection.h"
#include "testsupport.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <memory>
#include <time.h>
#include <unistd.h>

using namespace turnstile;
using testsupport::execOrWarn;
using testsupport::lab;
using testsupport::labPgSuperuser;
using testsupport::labPgUrl;

class TestCompliancePg : public QObject
{
    Q_OBJECT

    QString m_db;
    QString m_ro;
    QString m_roPassword;
    QDateTime m_now;
    std::unique_ptr<DbConnection> m_owner;

    bool exec(const QString &sql) { return execOrWarn(m_owner->database(), sql); }

    ComplianceSettings settings() const
    {
        ComplianceSettings s;
        s.lockoutFailureAttempts = 3;
        s.lockoutDurationSec = 1800;
        s.disableInactiveDays = 90;
        return s;
    }

    bool createAndSeed()
    {
        const QString now = QStringLiteral("TIMESTAMP '%1'")
                                .arg(m_now.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
        const QString today = QStringLiteral("CAST(%1 AS date)").arg(now);
        auto us = [](const QDateTime &t) { return QString::number(t.toMSecsSinceEpoch() * 1000); };
        const QStringList sql = {
            QStringLiteral("CREATE TABLE \"user\" (id varchar(64) PRIMARY KEY, extra text, enabled "
                           "boolean, default_project_id varchar(64), created_at timestamp, "
                           "last_active_at date, domain_id varchar(64) NOT NULL)"),
            QStringLiteral("CREATE TABLE local_user (id integer PRIMARY KEY, user_id varchar(64) "
                           "NOT NULL UNIQUE, domain_id varchar(64) NOT NULL, name varchar(255) NOT "
                           "NULL, failed_auth_count integer, failed_auth_at timestamp)"),
            QStringLiteral(
                "CREATE TABLE password (id serial PRIMARY KEY, local_user_id integer NOT "
                "NULL, expires_at timestamp, self_service boolean NOT NULL DEFAULT "
                "false, password_hash varchar(255), created_at_int bigint NOT NULL "
                "DEFAULT 0, expires_at_int bigint, created_at timestamp NOT NULL)"),
            QStringLiteral("CREATE TABLE user_option (user_id varchar(64) NOT NULL, option_id "
                           "varchar(4) NOT NULL, option_value text, PRIMARY KEY (user_id, "
                           "option_id))"),
            QStringLiteral("CREATE TABLE nonlocal_user (domain_id varchar(64), name varchar(255), "
                           "user_id varchar(64) UNIQUE, PRIMARY KEY (domain_id, name))"),
            QStringLiteral("CREATE TABLE project (id varchar(64) PRIMARY KEY, name varchar(64) NOT "
                           "NULL, extra text, description text, enabled boolean, domain_id "
                           "varchar(64) NOT NULL, parent_id varchar(64), is_domain boolean NOT "
                           "NULL DEFAULT false)"),
            QStringLiteral("CREATE TABLE role (id varchar(64) PRIMARY KEY, name varchar(255) NOT "
                           "NULL, extra text, domain_id varchar(64) NOT NULL DEFAULT "
                           "'<<null>>', description varchar(255))"),
            QStringLiteral("CREATE TYPE type AS ENUM ('UserProject', 'GroupProject', "
                           "'UserDomain', 'GroupDomain')"),
            QStringLiteral("CREATE TABLE assignment (type type NOT NULL, actor_id varchar(64) NOT "
                           "NULL, target_id varchar(64) NOT NULL, role_id varchar(64) NOT NULL, "
                           "inherited boolean NOT NULL, PRIMARY KEY (type, actor_id, target_id, "
                           "role_id, inherited))"),
            QStringLiteral("CREATE TABLE user_group_membership (user_id varchar(64) NOT NULL, "
                           "group_id varchar(64) NOT NULL, PRIMARY KEY (user_id, group_id))"),

            QStringLiteral("INSERT INTO project (id, name, domain_id, is_domain) VALUES "
                           "('default', 'Default', '<<keystone.domain.root>>', true), "
                           "('p-admin', 'admin', 'default', false), "
                           "('p-svc', 'service', 'default', false)"),
            QStringLiteral("INSERT INTO role (id, name) VALUES ('r-svc', 'service'), ('r-member', "
                           "'member')"),
            QStringLiteral("INSERT INTO assignment VALUES ('UserProject', 'lk', 'p-admin', "
                           "'r-svc', false), ('GroupProject', 'g1', 'p-svc', 'r-member', false), "
                           "('UserProject', 'fl', 'p-admin', 'r-member', false)"),
            QStringLiteral("INSERT INTO user_group_membership VALUES ('gp', 'g1')"),
            // Users: every one enabled, created 10 days ago, active today,
            // unless the rule it tests needs otherwise.
            QStringLiteral(
                "INSERT INTO \"user\" (id, extra, enabled, domain_id, created_at, last_active_at) "
                "SELECT id, extra, true, 'default', %1 - INTERVAL '10 days', %2 FROM (VALUES "
                "('lk', '{\"email\": \"lk@example.org\"}'), ('gp', NULL), ('ex', NULL), "
                "('fl', NULL), ('old', NULL), ('idle', NULL), ('gone', NULL), ('gonex', NULL), "
                "('pw', NULL), ('pwold', NULL), ('pwx', NULL), ('ldap', NULL)) AS v(id, extra)")
                .arg(now, today),
            QStringLiteral("INSERT INTO local_user VALUES "
                           "(1, 'lk', 'default', 'lk-name', 3, %1 - INTERVAL '60 seconds'), "
                           "(2, 'gp', 'default', 'gp-name', 5, %1 - INTERVAL '100 seconds'), "
                           "(3, 'ex', 'default', 'ex-name', 4, %1 - INTERVAL '10 seconds'), "
                           "(4, 'fl', 'default', 'fl-name', 2, %1 - INTERVAL '400 days'), "
                           "(5, 'old', 'default', 'old-name', 3, %1 - INTERVAL '1801 seconds'), "
                           "(6, 'idle', 'default', 'idle-name', 0, NULL), "
                           "(7, 'gone', 'default', 'gone-name', NULL, NULL), "
                           "(8, 'gonex', 'default', 'gonex-name', NULL, NULL), "
                           "(9, 'pw', 'default', 'pw-name', NULL, NULL), "
                           "(10, 'pwold', 'default', 'pwold-name', NULL, NULL), "
                           "(11, 'pwx', 'default', 'pwx-name', NULL, NULL)")
                .arg(now),
            QStringLiteral("INSERT INTO nonlocal_user VALUES ('default', 'ldap-name', 'ldap')"),
            QStringLiteral("UPDATE \"user\" SET last_active_at = %1 - 88 WHERE id = 'idle'")
                .arg(today),
            // Never logged in: the creation day counts.
            QStringLiteral("UPDATE \"user\" SET last_active_at = NULL, created_at = %1 - INTERVAL "
                           "'100 days' WHERE id IN ('gone', 'ldap')")
                .arg(now),
            QStringLiteral("UPDATE \"user\" SET last_active_at = %1 - 100 WHERE id = 'gonex'")
                .arg(today),
            QStringLiteral("INSERT INTO user_option VALUES ('ex', '1002', 'true'), ('gonex', "
                           "'1004', 'true'), ('pwx', '1001', 'true'), ('fl', '1002', 'false')"),
            // pw: the older row would expire tomorrow, the current one in 3 days.
            QStringLiteral("INSERT INTO password (local_user_id, password_hash, created_at, "
                           "created_at_int, expires_at, expires_at_int) VALUES "
                           "(9, 'x', %1 - INTERVAL '2 days', %2, %1 + INTERVAL '1 day', %3), "
                           "(9, 'x', %1 - INTERVAL '1 day', %4, %1 + INTERVAL '3 days', %5), "
                           "(10, 'x', %1 - INTERVAL '1 day', %4, %1 - INTERVAL '1 hour', NULL), "
                           "(11, 'x', %1 - INTERVAL '1 day', %4, %1 - INTERVAL '1 hour', %6), "
                           "(1, 'x', %1 - INTERVAL '1 day', %4, NULL, NULL)")
                .arg(now, us(m_now.addDays(-2)), us(m_now.addDays(1)), us(m_now.addDays(-1)),
                     us(m_now.addDays(3)), us(m_now.addSecs(-3600))),
        };
        for (const QString &s : sql) {
            if (!exec(s))
                return false;
        }
        return true;
    }

    static QStringList ids(const Metric<QList<ComplianceEntry>> &list)
    {
        QStringList out;
        if (list.value) {
            for (const ComplianceEntry &e : *list.value)
                out.append(e.user.id);
        }
        return out;
    }

private slots:
    void initTestCase()
    {
        qputenv("TZ", "Asia/Kolkata");
        tzset();
        QCOMPARE(QDateTime::currentDateTime().offsetFromUtc(), 19800);
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_PG_SOCKET_DIR")).isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
        m_now = QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch(), Qt::UTC);
        const QString suffix = QString::number(QCoreApplication::applicationPid());
        m_db = QStringLiteral("tst_compliance_pg_") + suffix;
        m_ro = QStringLiteral("tst_compl_ro_") + suffix;
        m_roPassword = QString::number(QRandomGenerator::system()->generate64(), 36);
        QVERIFY(labPgSuperuser(
            QStringLiteral(
                "DROP DATABASE IF EXISTS %1 WITH (FORCE);\nCREATE DATABASE %1 OWNER %2;\n"
                "DROP ROLE IF EXISTS %3;\nCREATE ROLE %3 LOGIN PASSWORD '%4';\n")
                .arg(m_db, lab(QStringLiteral("TURNSTILE_LAB_PG_USER")), m_ro, m_roPassword)));
        m_owner = std::make_unique<DbConnection>(
            labPgUrl(lab(QStringLiteral("TURNSTILE_LAB_PG_USER")), m_db),
            lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD")));
        QVERIFY2(m_owner->open(), qPrintable(m_owner->error()));
        QVERIFY(createAndSeed());
        QVERIFY(
            exec(QStringLiteral("GRANT SELECT ON ALL TABLES IN SCHEMA public TO %1").arg(m_ro)));
    }

    void cleanupTestCase()
    {
        m_owner.reset();
        labPgSuperuser(
            QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE);\nDROP ROLE IF EXISTS "
                           "%2;\n")
                .arg(m_db, m_ro));
    }

    void everyListOnPostgres()
    {
        DbConnection db(labPgUrl(m_ro, m_db), m_roPassword);
        ComplianceInspector in(db, settings());
        in.setNow(m_now);
        const ComplianceReport r = in.inspect(7);
        QCOMPARE(r.at, m_now);
        QVERIFY2(r.locked.available(), qPrintable(r.locked.error));
        QVERIFY2(r.serviceAccountsError.isEmpty(), qPrintable(r.serviceAccountsError));
        QVERIFY(r.notes.isEmpty());

        // Locked, soonest unlock first; the exempt one and the expired lockout are not.
        QCOMPARE(ids(r.locked), (QStringList{QStringLiteral("gp"), QStringLiteral("lk")}));
        const ComplianceEntry &gp = r.locked.value->at(0);
        QCOMPARE(gp.at, m_now.addSecs(1700));
        QCOMPARE(gp.user.failedAuthCount, 5);
        QCOMPARE(gp.user.serviceAccount, std::optional<bool>(true)); // group, service project
        const ComplianceEntry &lk = r.locked.value->at(1);
        QCOMPARE(lk.at, m_now.addSecs(1740));
        QCOMPARE(lk.user.serviceAccount, std::optional<bool>(true)); // the service role
        QCOMPARE(lk.user.name, QStringLiteral("lk-name"));
        QCOMPARE(lk.user.domainName, QStringLiteral("Default"));
        QCOMPARE(lk.user.email, QStringLiteral("lk@example.org"));

        // Two failures 400 days ago still count; a member role is no service account.
        QCOMPARE(ids(r.failing), QStringList{QStringLiteral("fl")});
        QCOMPARE(r.failing.value->at(0).user.serviceAccount, std::optional<bool>(false));

        QCOMPARE(ids(r.inactiveSoon), QStringList{QStringLiteral("idle")});
        QCOMPARE(r.inactiveSoon.value->at(0).day, m_now.date().addDays(2));
        // gone (never logged in, created 100 days ago) and the LDAP user; not gonex.
        QCOMPARE(ids(r.inactiveDisabled),
                 (QStringList{QStringLiteral("gone"), QStringLiteral("ldap")}));
        const ComplianceEntry &ldap = r.inactiveDisabled.value->at(1);
        QCOMPARE(ldap.user.name, QStringLiteral("ldap-name"));
        QVERIFY(!ldap.user.local);
        QCOMPARE(ldap.day, m_now.date().addDays(-10));

        QCOMPARE(ids(r.passwordExpiring), QStringList{QStringLiteral("pw")});
        QCOMPARE(r.passwordExpiring.value->at(0).at, m_now.addDays(3)); // the current row
        QCOMPARE(ids(r.passwordExpired), QStringList{QStringLiteral("pwold")});
        QCOMPARE(r.passwordExpired.value->at(0).at, m_now.addSecs(-3600)); // the DATETIME column

        const ComplianceReport narrow = in.inspect(1);
        QVERIFY(narrow.inactiveSoon.value->isEmpty());
        QVERIFY(narrow.passwordExpiring.value->isEmpty());
    }

    void findUsersAndTheWriteCheck()
    {
        DbConnection ro(labPgUrl(m_ro, m_db), m_roPassword);
        ComplianceInspector reader(ro, settings());
        const ComplianceInspector::Lookup byName = reader.findUsers(QStringLiteral("gp-name"));
        QVERIFY2(byName.error.isEmpty(), qPrintable(byName.error));
        QCOMPARE(byName.users.size(), 1);
        QCOMPARE(byName.users.at(0).id, QStringLiteral("gp"));
        QCOMPARE(byName.users.at(0).serviceAccount, std::optional<bool>(true));
        QCOMPARE(reader.findUsers(QStringLiteral("lk")).users.at(0).name,
                 QStringLiteral("lk-name"));
        QVERIFY(reader.findUsers(QStringLiteral("nobody")).users.isEmpty());
        const QString refusal = reader.localUserWriteRefusal();
        QVERIFY2(refusal.contains(QStringLiteral("no UPDATE privilege")), qPrintable(refusal));

        ComplianceInspector owner(*m_owner, settings());
        QCOMPARE(owner.localUserWriteRefusal(), QString());
    }
};

QTEST_GUILESS_MAIN(TestCompliancePg)
#include "tst_compliance_pg.moc"
