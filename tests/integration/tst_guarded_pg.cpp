// The guarded purge and revocation prune on the lab's PostgreSQL: the same
// engine with the PostgreSQL dialect (has_table_privilege, lock_timeout,
// SQLSTATE codes). The schema is Keystone's PostgreSQL DDL for the two tables.
#include "db/dbconnection.h"
#include "guarded/actioncontrol.h"
#include "guarded/auditlog.h"
#include "guarded/guardedworkflow.h"
#include "guarded/revocationcleanup.h"
#include "guarded/tokenpurge.h"
#include "isolatedenvironment.h"
#include "testsupport.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QtConcurrent/QtConcurrentRun>
#include <QTest>

#include <memory>
#include <unistd.h>

using namespace turnstile;
using testsupport::execOrWarn;
using testsupport::lab;
using testsupport::labPgSuperuser;

class TestGuardedPg : public QObject
{
    Q_OBJECT

    QString m_db;
    QString m_roUser;
    QString m_roPassword;
    std::unique_ptr<DbConnection> m_owner;
    // Audit log and pending journals of its own.
    testsupport::IsolatedEnvironment m_tmp;

    bool ownerExec(const QString &sql) { return execOrWarn(m_owner->database(), sql); }
    QString ownerValue(const QString &sql)
    {
        QSqlQuery q(m_owner->database());
        return q.exec(sql) && q.next() ? q.value(0).toString() : QString();
    }
    Profile profile(const QString &user) const
    {
        Profile p;
        p.name = QStringLiteral("guarded-pg");
        p.databaseUrl = QStringLiteral("postgresql://%1@%2:%3/%4")
                            .arg(user, lab(QStringLiteral("TURNSTILE_LAB_PG_HOST")),
                                 lab(QStringLiteral("TURNSTILE_LAB_PG_PORT")), m_db);
        return p;
    }
    Secrets secrets(const QString &password) const
    {
        Secrets s;
        s.databasePassword = password;
        return s;
    }
    Profile owner() const { return profile(lab(QStringLiteral("TURNSTILE_LAB_PG_USER"))); }
    Secrets ownerSecrets() const
    {
        return secrets(lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD")));
    }
    QString liveChecksum()
    {
        return ownerValue(QStringLiteral(
            "SELECT COUNT(*) || ':' || COALESCE(SUM(hashtext(id)::bigint), 0) FROM token WHERE "
            "expires >= (now() AT TIME ZONE 'UTC') - INTERVAL '2 days' OR expires IS NULL"));
    }
    static ActionResult runConfirmed(TableCleanup &a, const Profile &p,
                                     ActionPreview *out = nullptr)
    {
        const ActionPreview preview = a.preview();
        if (out)
            *out = preview;
        AuditLog audit;
        GuardedWorkflow wf(p, audit);
        ActionControl control;
        return wf.run(a, preview, Confirmation{preview.target.text, -1}, control);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_PG_SOCKET_DIR")).isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
        const QString suffix = QString::number(QCoreApplication::applicationPid());
        m_db = QStringLiteral("tst_guarded_pg_") + suffix;
        m_roUser = QStringLiteral("tst_guard_pg_ro_") + suffix;
        m_roPassword = QString::number(QRandomGenerator::system()->generate64(), 36);
        QVERIFY(labPgSuperuser(
            QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE);\nCREATE DATABASE "
                           "%1 OWNER %2;\nDROP ROLE IF EXISTS %3;\nCREATE ROLE %3 "
                           "LOGIN PASSWORD '%4';\n")
                .arg(m_db, lab(QStringLiteral("TURNSTILE_LAB_PG_USER")), m_roUser, m_roPassword)));
        m_owner = std::make_unique<DbConnection>(DatabaseUrl::parse(owner().databaseUrl),
                                                 lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD")));
        QVERIFY2(m_owner->open(), qPrintable(m_owner->error()));
        for (const QString &ddl :
             {QStringLiteral("CREATE TABLE token (id varchar(64) PRIMARY KEY, expires timestamp, "
                             "extra text, valid boolean NOT NULL, trust_id varchar(64), user_id "
                             "varchar(64))"),
              QStringLiteral("CREATE INDEX ix_token_expires ON token (expires)"),
              QStringLiteral("CREATE TABLE revocation_event (id serial PRIMARY KEY, domain_id "
                             "varchar(64), project_id varchar(64), user_id varchar(64), role_id "
                             "varchar(64), trust_id varchar(64), consumer_id varchar(64), "
                             "access_token_id varchar(64), issued_before timestamp NOT NULL, "
                             "expires_at timestamp, revoked_at timestamp NOT NULL, audit_id "
                             "varchar(32), audit_chain_id varchar(32))"),
              QStringLiteral("GRANT SELECT ON token, revocation_event TO %1").arg(m_roUser),
              QStringLiteral(
                  "INSERT INTO token (id, expires, extra, valid, user_id) SELECT md5('x' || g || "
                  "random()), (now() AT TIME ZONE 'UTC') - INTERVAL '2 days 1 second' - g * "
                  "INTERVAL '37 seconds', repeat('e', 200), true, 'u' FROM generate_series(1, "
                  "9000) g"),
              QStringLiteral(
                  "INSERT INTO token (id, expires, extra, valid, user_id) SELECT md5('l' "
                  "|| g), (now() AT TIME ZONE 'UTC') + g * INTERVAL '1 minute', '{}', "
                  "true, 'live' FROM generate_series(1, 400) g"),
              QStringLiteral("INSERT INTO token (id, expires, valid) VALUES ('null-1', NULL, "
                             "true)")})
            QVERIFY(ownerExec(ddl));
    }

    void cleanupTestCase()
    {
        m_owner.reset();
        labPgSuperuser(
            QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE);\nDROP ROLE IF EXISTS %2;\n")
                .arg(m_db, m_roUser));
    }

    void roleWithoutDeleteIsRefusedBeforeAnythingRuns()
    {
        TokenPurge purge(profile(m_roUser), secrets(m_roPassword));
        const ActionPreview p = purge.preview();
        QVERIFY2(p.refusal.contains(QStringLiteral("no DELETE privilege")), qPrintable(p.refusal));
        QVERIFY2(p.refusal.contains(m_roUser), qPrintable(p.refusal));
        QCOMPARE(ownerValue(QStringLiteral("SELECT COUNT(*) FROM token")), QStringLiteral("9401"));
    }

    void purgeWithALockHeldElsewhereLeavesExactlyTheLiveRows()
    {
        const QString live = liveChecksum();
        // Another session locks some expired rows for longer than the purge's
        // 2 s lock_timeout: SQLSTATE 55P03, a backoff, a retry, success.
        DbConnection locker(DatabaseUrl::parse(owner().databaseUrl),
                            lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD")));
        QVERIFY(locker.open());
        QSqlQuery q(locker.database());
        QVERIFY(q.exec(QStringLiteral("BEGIN")));
        QVERIFY(
            q.exec(QStringLiteral("SELECT id FROM token WHERE expires < (now() AT TIME ZONE "
                                  "'UTC') - INTERVAL '2 days' ORDER BY id LIMIT 3 FOR UPDATE")));
        TokenPurge purge(owner(), ownerSecrets());
        ThrottleSettings t;
        t.maxBatch = 300;
        t.backoffBaseMs = 100;
        purge.setThrottle(t);
        const Profile p = owner();
        QFuture<ActionResult> f = QtConcurrent::run([&purge, p] { return runConfirmed(purge, p); });
        QThread::sleep(6); // well past the 2 s lock wait, however slow the start
        QVERIFY(q.exec(QStringLiteral("ROLLBACK")));
        f.waitForFinished();
        const ActionResult r = f.result();
        QCOMPARE(r.outcome, ActionResult::Outcome::Completed);
        QVERIFY(r.retries >= 1);
        QCOMPARE(r.affected, 9000);
        QCOMPARE(r.after, 401);
        QCOMPARE(liveChecksum(), live);
    }

    // Copy-and-swap is MariaDB/MySQL only: auto and swap fall back, saying why.
    void swapFallsBackToChunkedOnPostgres()
    {
        for (const auto m : {TokenPurge::Method::Auto, TokenPurge::Method::Swap}) {
            TokenPurge purge(owner(), ownerSecrets());
            purge.setMethod(m);
            const ActionPreview p = purge.preview();
            QVERIFY2(!p.refused(), qPrintable(p.refusal));
            QCOMPARE(p.parameters.value(u"method").toString(), QStringLiteral("chunked"));
            QVERIFY2(p.parameters.value(u"method_reason")
                         .toString()
                         .contains(QStringLiteral("PostgreSQL")),
                     qPrintable(p.parameters.value(u"method_reason").toString()));
            QVERIFY(!p.statements.join(u' ').contains(QStringLiteral("RENAME")));
        }
    }

    void pruneKeepsRecentEvents()
    {
        QVERIFY(ownerExec(QStringLiteral(
            "INSERT INTO revocation_event (audit_id, issued_before, revoked_at) SELECT 'old' || g, "
            "(now() AT TIME ZONE 'UTC') - INTERVAL '3 hours', (now() AT TIME ZONE 'UTC') - "
            "INTERVAL '3 hours' FROM generate_series(1, 250) g")));
        QVERIFY(ownerExec(QStringLiteral(
            "INSERT INTO revocation_event (user_id, issued_before, revoked_at) SELECT 'u' || g, "
            "(now() AT TIME ZONE 'UTC') - INTERVAL '5 minutes', (now() AT TIME ZONE 'UTC') - "
            "INTERVAL '5 minutes' FROM generate_series(1, 12) g")));
        RevocationCleanup prune(owner(), ownerSecrets(), RevocationCleanup::Mode::PruneObsolete,
                                3600);
        ActionPreview preview;
        const ActionResult r = runConfirmed(prune, owner(), &preview);
        QVERIFY2(!preview.refused(), qPrintable(preview.refusal));
        QCOMPARE(preview.rowsToGo, 250);
        QCOMPARE(r.outcome, ActionResult::Outcome::Completed);
        QCOMPARE(ownerValue(QStringLiteral("SELECT COUNT(*) FROM revocation_event")),
                 QStringLiteral("12"));
    }

    // pg_try_advisory_lock on the action's own connection: a second run of
    // the same table is refused and names the holder from pg_stat_activity.
    // The preview names the cluster by its system identifier.
    void secondRunIsToldWhoHoldsTheLock()
    {
        QVERIFY(ownerExec(QStringLiteral(
            "INSERT INTO revocation_event (audit_id, issued_before, revoked_at) SELECT 'lk' || g, "
            "(now() AT TIME ZONE 'UTC') - INTERVAL '5 hours', (now() AT TIME ZONE 'UTC') - "
            "INTERVAL '5 hours' FROM generate_series(1, 2000) g")));
        RevocationCleanup first(owner(), ownerSecrets(), RevocationCleanup::Mode::PruneObsolete,
                                3600);
        ThrottleSettings t;
        t.maxBatch = 100;
        first.setThrottle(t);
        const ActionPreview preview = first.preview();
        QVERIFY2(!preview.refused(), qPrintable(preview.refusal));
        QVERIFY2(preview.serverIdentity.startsWith(QStringLiteral("postgresql:")) &&
                     !preview.serverIdentity.startsWith(QStringLiteral("postgresql:?")),
                 qPrintable(preview.serverIdentity));
        ActionResult second;
        ActionPreview secondPreview;
        bool ran = false;
        AuditLog audit;
        GuardedWorkflow wf(owner(), audit);
        ActionControl control([&](const ActionProgress &p) {
            if (p.batches != 1 || ran)
                return;
            ran = true;
            RevocationCleanup other(owner(), ownerSecrets(), RevocationCleanup::Mode::PruneObsolete,
                                    3600);
            second = runConfirmed(other, owner(), &secondPreview);
        });
        const ActionResult r =
            wf.run(first, preview, Confirmation{preview.target.text, -1}, control);
        QVERIFY(ran);
        QCOMPARE(second.outcome, ActionResult::Outcome::Refused);
        QVERIFY2(second.message.contains(QStringLiteral("holds")), qPrintable(second.message));
        QVERIFY2(second.message.contains(lab(QStringLiteral("TURNSTILE_LAB_PG_USER"))),
                 qPrintable(second.message));
        QVERIFY2(
            secondPreview.warnings.join(u' ').contains(QStringLiteral("holds its database lock")),
            qPrintable(secondPreview.warnings.join(u'|')));
        QCOMPARE(r.outcome, ActionResult::Outcome::Completed);
        QCOMPARE(r.affected, 2000);
    }
};

QTEST_GUILESS_MAIN(TestGuardedPg)
#include "tst_guarded_pg.moc"
