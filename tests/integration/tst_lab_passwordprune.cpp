// The password-history prune against the lab's Keystone 22, which runs with
// [security_compliance] unique_last_password_count = 3 (tests/lab/lab.sh):
// a user changes their password through the API several times, an older
// history is added underneath (rows from an older release, or from a count
// that was lowered), the prune runs through the guarded workflow, and then
// Keystone still refuses the reuse of every password its check reads and
// accepts a login with the current one.
#include "db/dbconnection.h"
#include "guarded/actioncontrol.h"
#include "guarded/auditlog.h"
#include "guarded/guardedworkflow.h"
#include "guarded/passwordhistoryprune.h"
#include "isolatedenvironment.h"
#include "keystone/keystoneclient.h"
#include "testsupport.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <memory>

using namespace turnstile;
using testsupport::execOrWarn;
using testsupport::lab;
using testsupport::labPgSuperuser;

class TestLabPasswordPrune : public QObject
{
    Q_OBJECT

    testsupport::IsolatedEnvironment m_tmp;
    std::unique_ptr<KeystoneClient> m_admin;
    std::unique_ptr<DbConnection> m_db;
    QString m_userId;
    QString m_userName;

    static QByteArray body(const QJsonObject &o)
    {
        return QJsonDocument(o).toJson(QJsonDocument::Compact);
    }
    Profile profile() const
    {
        Profile p = testsupport::labAdminProfile(true);
        p.name = QStringLiteral("pwprune");
        p.keystoneConfPath = lab(QStringLiteral("TURNSTILE_LAB_KEYSTONE_CONF"));
        return p;
    }
    // Keystone's self-service change (POST /v3/users/{id}/password): the one
    // path that applies the history check. 204, or 400 for a reused password.
    int change(const QString &from, const QString &to) const
    {
        return m_admin
            ->post(QStringLiteral("/users/%1/password").arg(m_userId),
                   body({{QStringLiteral("user"),
                          QJsonObject{{QStringLiteral("password"), to},
                                      {QStringLiteral("original_password"), from}}}}))
            .status;
    }
    int login(const QString &password) const
    {
        Profile p;
        p.name = QStringLiteral("login");
        p.authUrl = QUrl(lab(QStringLiteral("TURNSTILE_LAB_KS_URL")));
        p.username = m_userName;
        p.userDomainName = QStringLiteral("Default");
        p.timeoutMs = 20000;
        Secrets s;
        s.password = password;
        KeystoneClient c(p, s);
        return c.issueToken().http.status;
    }
    QStringList passwordIds() const
    {
        QSqlQuery q(m_db->database());
        q.prepare(QStringLiteral("SELECT p.id FROM password p JOIN local_user lu ON lu.id = "
                                 "p.local_user_id WHERE lu.user_id = ? ORDER BY p.id"));
        q.addBindValue(m_userId);
        QStringList ids;
        if (!q.exec())
            return {q.lastError().text()};
        while (q.next())
            ids.append(q.value(0).toString());
        return ids;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_KS_URL")).isEmpty(), "lab env file missing");
        QVERIFY(m_tmp.isValid());
        m_admin = std::make_unique<KeystoneClient>(testsupport::labAdminProfile(),
                                                   testsupport::labAdminSecrets());
        const TokenInfo t = m_admin->issueToken();
        QVERIFY2(t.ok(), qPrintable(t.error));
        m_db = std::make_unique<DbConnection>(DatabaseUrl::parse(profile().databaseUrl),
                                              testsupport::labAdminSecrets().databasePassword);
        QVERIFY2(m_db->open(), qPrintable(m_db->error()));
    }

    void cleanupTestCase()
    {
        if (m_admin && !m_userId.isEmpty())
            m_admin->remove(QStringLiteral("/users/") + m_userId);
    }

    void refusedWithoutKeystoneConf()
    {
        Profile p = profile();
        p.keystoneConfPath.clear();
        PasswordHistoryPrune prune(p, testsupport::labAdminSecrets());
        const ActionPreview preview = prune.preview();
        QVERIFY2(preview.refusal.contains(QStringLiteral("unique_last_password_count")),
                 qPrintable(preview.refusal));
        p.keystoneConfPath = m_tmp.filePath(QStringLiteral("missing.conf"));
        PasswordHistoryPrune broken(p, testsupport::labAdminSecrets());
        QVERIFY(broken.preview().refused());
    }

    void keystoneStillRefusesEveryPasswordItsCheckReads()
    {
        const QString tag = QString::number(QRandomGenerator::system()->generate64(), 36);
        m_userName = QStringLiteral("pwprune-") + tag;
        QStringList pw;
        for (int i = 0; i < 6; ++i)
            pw.append(QStringLiteral("Pw%1-").arg(i) + tag);
        HttpResult h = m_admin->post(
            QStringLiteral("/users"),
            body({{QStringLiteral("user"),
                   QJsonObject{{QStringLiteral("name"), m_userName},
                               {QStringLiteral("domain_id"), QStringLiteral("default")},
                               {QStringLiteral("password"), pw.at(0)}}}}));
        QCOMPARE(h.status, 201);
        m_userId = QJsonDocument::fromJson(h.body)
                       .object()
                       .value(u"user")
                       .toObject()
                       .value(u"id")
                       .toString();
        for (int i = 1; i < pw.size(); ++i)
            QCOMPARE(change(pw.at(i - 1), pw.at(i)), 204);
        // Keystone trims to the last 3 before adding the new one: pw2..pw5.
        const QStringList keystoneRows = passwordIds();
        QCOMPARE(keystoneRows.size(), 4);
        const QString current = pw.last();
        // The lab enforces the history: the check reads pw3, pw4, pw5.
        QCOMPARE(change(current, pw.at(3)), 400);

        // Seven rows of an older history underneath, oldest first.
        QSqlQuery q(m_db->database());
        q.prepare(QStringLiteral(
            "INSERT INTO password (local_user_id, password_hash, created_at, self_service, "
            "created_at_int) SELECT id, ?, '2001-01-01 00:00:00', 0, ? FROM local_user WHERE "
            "user_id = ?"));
        for (int i = 0; i < 7; ++i) {
            q.bindValue(0, QStringLiteral("$2b$12$old-history-row-%1").arg(i));
            q.bindValue(1, qint64(978307200000000LL + i));
            q.bindValue(2, m_userId);
            QVERIFY2(q.exec(), qPrintable(q.lastError().text()));
        }
        QCOMPARE(passwordIds().size(), 11);

        PasswordHistoryPrune prune(profile(), testsupport::labAdminSecrets());
        QCOMPARE(prune.keepOlder(), 3);
        ThrottleSettings small;
        small.maxBatch = 3;
        small.minBatch = 1;
        prune.setThrottle(small);
        const ActionPreview preview = prune.preview();
        QVERIFY2(!preview.refused(), qPrintable(preview.refusal));
        QVERIFY(preview.rowsToGo >= 7);
        const QString perUser = preview.consequences.join(u'\n');
        QVERIFY2(perUser.contains(m_userName + QStringLiteral(" (domain default): 7 row")),
                 qPrintable(perUser));
        AuditLog audit;
        GuardedWorkflow wf(profile(), audit);
        ActionControl control;
        const ActionResult r =
            wf.run(prune, preview, Confirmation{preview.target.text, -1}, control);
        QCOMPARE(r.outcome, ActionResult::Outcome::Completed);
        QCOMPARE(r.affected, preview.rowsToGo);

        // Exactly Keystone's own rows stay: the current one and 3 older.
        QCOMPARE(passwordIds(), keystoneRows);
        // Keystone still refuses each password its check reads...
        for (int i = 3; i < pw.size(); ++i)
            QCOMPARE(change(current, pw.at(i)), 400);
        // ...and the current password logs in.
        QCOMPARE(login(current), 201);
        // A second run has nothing to do for this user.
        PasswordHistoryPrune again(profile(), testsupport::labAdminSecrets());
        QVERIFY(!again.preview().consequences.join(u'\n').contains(m_userName));
    }

    // The same rule on PostgreSQL (Keystone's DDL for the two tables): per
    // user the newest 1 + N rows by created_at_int stay, whatever their ids.
    void postgresKeepsTheNewestByCreatedAt()
    {
        const QString db =
            QStringLiteral("tst_pwprune_pg_") + QString::number(QCoreApplication::applicationPid());
        const QString owner = lab(QStringLiteral("TURNSTILE_LAB_PG_USER"));
        QVERIFY(labPgSuperuser(
            QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE);\nCREATE DATABASE %1 OWNER "
                           "%2;\n")
                .arg(db, owner)));
        Profile p;
        p.name = QStringLiteral("pwprune-pg");
        p.databaseUrl = QStringLiteral("postgresql://%1@%2:%3/%4")
                            .arg(owner, lab(QStringLiteral("TURNSTILE_LAB_PG_HOST")),
                                 lab(QStringLiteral("TURNSTILE_LAB_PG_PORT")), db);
        p.keystoneConfPath = m_tmp.filePath(QStringLiteral("keystone-pg.conf"));
        QFile conf(p.keystoneConfPath);
        QVERIFY(conf.open(QIODevice::WriteOnly));
        conf.write("[security_compliance]\nunique_last_password_count = 2\n");
        conf.close();
        Secrets s;
        s.databasePassword = lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD"));
        {
            DbConnection c(DatabaseUrl::parse(p.databaseUrl), s.databasePassword);
            QVERIFY2(c.open(), qPrintable(c.error()));
            for (const QString &sql :
                 {QStringLiteral("CREATE TABLE local_user (id serial PRIMARY KEY, user_id "
                                 "varchar(64) NOT NULL UNIQUE, domain_id varchar(64) NOT NULL, "
                                 "name varchar(255) NOT NULL, failed_auth_count integer, "
                                 "failed_auth_at timestamp)"),
                  QStringLiteral("CREATE TABLE password (id serial PRIMARY KEY, local_user_id "
                                 "integer NOT NULL REFERENCES local_user(id) ON DELETE CASCADE, "
                                 "password_hash varchar(255), created_at timestamp NOT NULL, "
                                 "expires_at timestamp, self_service boolean NOT NULL DEFAULT "
                                 "false, created_at_int bigint NOT NULL DEFAULT 0, "
                                 "expires_at_int bigint)"),
                  QStringLiteral("INSERT INTO local_user (user_id, domain_id, name) VALUES "
                                 "('ua', 'default', 'alice'), ('ub', 'default', 'bob')"),
                  // alice: 6 rows, ids in the reverse order of their age;
                  // bob: 3 rows, within the limit.
                  QStringLiteral("INSERT INTO password (local_user_id, password_hash, "
                                 "created_at, created_at_int) SELECT 1, 'a' || g, now(), "
                                 "1000 - g FROM generate_series(1, 6) g"),
                  QStringLiteral("INSERT INTO password (local_user_id, password_hash, "
                                 "created_at, created_at_int) SELECT 2, 'b' || g, now(), g "
                                 "FROM generate_series(1, 3) g")})
                QVERIFY(execOrWarn(c.database(), sql));
        }
        PasswordHistoryPrune prune(p, s);
        QCOMPARE(prune.keepOlder(), 2);
        const ActionPreview preview = prune.preview();
        QVERIFY2(!preview.refused(), qPrintable(preview.refusal));
        QCOMPARE(preview.rowsToGo, 3);
        QCOMPARE(preview.rowsToStay, 6);
        QVERIFY2(preview.consequences.join(u'\n').contains(
                     QStringLiteral("alice (domain default): 3 row")),
                 qPrintable(preview.consequences.join(u'\n')));
        AuditLog audit;
        GuardedWorkflow wf(p, audit);
        ActionControl control;
        QCOMPARE(wf.run(prune, preview, Confirmation{preview.target.text, -1}, control).outcome,
                 ActionResult::Outcome::Completed);
        {
            DbConnection c(DatabaseUrl::parse(p.databaseUrl), s.databasePassword);
            QVERIFY(c.open());
            QSqlQuery q(c.database());
            QVERIFY(q.exec(QStringLiteral(
                "SELECT string_agg(password_hash, ',' ORDER BY password_hash) FROM password")));
            QVERIFY(q.next());
            // alice's newest by created_at_int are a1, a2, a3 (the lowest ids).
            QCOMPARE(q.value(0).toString(), QStringLiteral("a1,a2,a3,b1,b2,b3"));
        }
        labPgSuperuser(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE);\n").arg(db));
    }
};

QTEST_GUILESS_MAIN(TestLabPasswordPrune)
#include "tst_lab_passwordprune.moc"
