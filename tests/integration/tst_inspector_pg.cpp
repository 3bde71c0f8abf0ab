// The database inspectors against the lab's PostgreSQL 15. The lab has no
// Keystone on PostgreSQL, so each run creates a scratch database (as the
// cluster's superuser, over the socket) owned by the lab role `turnstile`,
// with Keystone's tables as SQLAlchemy creates them on PostgreSQL (naive
// `timestamp`, `boolean`), seeds known rows relative to a pinned "now" and
// checks the figures, a missing grant and a terminated backend.
// Runs in Asia/Kolkata (UTC+05:30) so a local-time slip would show.
#include "db/dbconnection.h"
#include "db/keystoneinspector.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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

class TestInspectorPg : public QObject
{
    Q_OBJECT

    QString m_db;
    QString m_roUser;
    QString m_roPassword;
    QDateTime m_now;
    std::unique_ptr<DbConnection> m_owner;

    static QString ts(const QDateTime &t)
    {
        return t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    }

    bool ownerExec(const QString &sql) { return execOrWarn(m_owner->database(), sql); }

    DbConnection *ownerConnection() const
    {
        return new DbConnection(labPgUrl(lab(QStringLiteral("TURNSTILE_LAB_PG_USER")), m_db),
                                lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD")));
    }
    InspectorSettings settings() const
    {
        InspectorSettings s;
        s.now = m_now;
        s.lockoutFailureAttempts = 3;
        s.lockoutDurationSec = 1800;
        s.disableInactiveDays = 90;
        s.passwordExpiryWarningDays = 14;
        s.topProducers = 3;
        return s;
    }

    bool createSchema()
    {
        const QStringList ddl = {
            QStringLiteral("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"),
            QStringLiteral("INSERT INTO alembic_version VALUES ('29e87d24a316'), ('e25ffa003242')"),
            QStringLiteral(
                "CREATE TABLE token (id varchar(64) PRIMARY KEY, expires timestamp, extra text, "
                "valid boolean NOT NULL, trust_id varchar(64), user_id varchar(64))"),
            QStringLiteral("CREATE INDEX ix_token_expires ON token (expires)"),
            QStringLiteral("CREATE INDEX ix_token_expires_valid ON token (expires, valid)"),
            QStringLiteral("CREATE INDEX ix_token_trust_id ON token (trust_id)"),
            QStringLiteral("CREATE INDEX ix_token_user_id ON token (user_id)"),
            QStringLiteral(
                "CREATE TABLE revocation_event (id serial PRIMARY KEY, domain_id varchar(64), "
                "project_id varchar(64), user_id varchar(64), role_id varchar(64), trust_id "
                "varchar(64), "
                "consumer_id varchar(64), access_token_id varchar(64), issued_before timestamp NOT "
                "NULL, "
                "expires_at timestamp, revoked_at timestamp NOT NULL, audit_id varchar(32), "
                "audit_chain_id varchar(32))"),
            QStringLiteral("CREATE INDEX ix_revocation_event_audit_id_issued_before ON "
                           "revocation_event (audit_id, issued_before)"),
            QStringLiteral(
                "CREATE INDEX ix_revocation_event_new_revoked_at ON revocation_event (revoked_at)"),
            QStringLiteral("CREATE TABLE trust (id varchar(64) PRIMARY KEY, trustor_user_id "
                           "varchar(64) NOT NULL, "
                           "trustee_user_id varchar(64) NOT NULL, impersonation boolean NOT NULL)"),
            QStringLiteral(
                "CREATE TABLE \"user\" (id varchar(64) PRIMARY KEY, extra text, enabled boolean, "
                "default_project_id varchar(64), created_at timestamp, last_active_at date, "
                "domain_id varchar(64) NOT NULL)"),
            QStringLiteral("CREATE TABLE local_user (id integer PRIMARY KEY, user_id varchar(64) "
                           "NOT NULL UNIQUE, "
                           "domain_id varchar(64) NOT NULL, name varchar(255) NOT NULL, "
                           "failed_auth_count integer, "
                           "failed_auth_at timestamp)"),
            QStringLiteral(
                "CREATE TABLE password (id serial PRIMARY KEY, local_user_id integer NOT NULL, "
                "expires_at timestamp, self_service boolean NOT NULL DEFAULT false, password_hash "
                "varchar(255), "
                "created_at_int bigint NOT NULL DEFAULT 0, expires_at_int bigint, created_at "
                "timestamp NOT NULL)"),
            QStringLiteral("CREATE INDEX ix_password_local_user_id ON password (local_user_id)"),
            QStringLiteral("CREATE TABLE user_option (user_id varchar(64) NOT NULL, option_id "
                           "varchar(4) NOT NULL, "
                           "option_value text, PRIMARY KEY (user_id, option_id))"),
        };
        for (const QString &s : ddl) {
            if (!ownerExec(s))
                return false;
        }
        return true;
    }

    bool seed()
    {
        const QString now = QStringLiteral("TIMESTAMP '%1'").arg(ts(m_now));
        auto us = [](const QDateTime &t) { return QString::number(t.toMSecsSinceEpoch() * 1000); };
        const QStringList rows = {
            // The same data set as tst_inspector_mysql.
            QStringLiteral(
                "INSERT INTO token SELECT md5(s::text), %1 - s * INTERVAL '1 minute', '{}', true, "
                "CASE WHEN s % 3 = 0 THEN 'trust-notifier' END, "
                "CASE WHEN s % 3 = 0 THEN 'notifier' ELSE 'u' || (s % 5) END FROM "
                "generate_series(1, 2000) s")
                .arg(now),
            QStringLiteral("INSERT INTO token SELECT md5('live' || s), %1 + s * INTERVAL '1 "
                           "minute', '{}', true, NULL, "
                           "'live-user' FROM generate_series(1, 300) s")
                .arg(now),
            QStringLiteral("INSERT INTO token (id, expires, valid, user_id) VALUES ('edge-now', "
                           "%1, true, 'edge'), "
                           "('edge-before', %1 - INTERVAL '1 second', true, 'edge')")
                .arg(now),
            QStringLiteral(
                "INSERT INTO revocation_event (audit_id, user_id, project_id, domain_id, "
                "audit_chain_id, "
                "issued_before, revoked_at) SELECT a, u, p, d, c, %1 - m * INTERVAL '1 minute', "
                "%1 - m * INTERVAL '1 minute' FROM (VALUES "
                "(10, 'a1', NULL, NULL, NULL, NULL), (10, 'a2', NULL, NULL, NULL, NULL), "
                "(10, 'a3', NULL, NULL, NULL, NULL), (10, 'a4', NULL, NULL, NULL, NULL), "
                "(10, 'a5', NULL, NULL, NULL, NULL), (30, NULL, NULL, NULL, 'dom1', NULL), "
                "(120, 'b1', NULL, NULL, NULL, NULL), (120, 'b2', NULL, NULL, NULL, NULL), "
                "(120, 'b3', NULL, NULL, NULL, NULL), (120, 'b4', NULL, NULL, NULL, NULL), "
                "(180, NULL, 'usr9', 'prj9', NULL, NULL), (300, NULL, NULL, NULL, NULL, 'chain1'), "
                "(2880, NULL, 'usr1', NULL, NULL, NULL), (2880, NULL, 'usr2', NULL, NULL, NULL), "
                "(2880, NULL, 'usr3', NULL, NULL, NULL), (14400, NULL, NULL, 'prj1', NULL, NULL), "
                "(14400, NULL, NULL, 'prj2', NULL, NULL)) AS v(m, a, u, p, d, c)")
                .arg(now),
            QStringLiteral(
                "INSERT INTO \"user\" (id, enabled, domain_id, created_at, last_active_at) VALUES "
                "('u1', true, 'default', %1 - INTERVAL '200 days', CAST(%1 AS date)), "
                "('u2', true, 'default', %1 - INTERVAL '200 days', CAST(%1 AS date) - 89), "
                "('u3', true, 'default', %1 - INTERVAL '200 days', CAST(%1 AS date) - 90), "
                "('u4', true, 'default', %1 - INTERVAL '200 days', CAST(%1 AS date) - 100), "
                "('u5', true, 'default', %1 - INTERVAL '200 days', NULL), "
                "('u6', false, 'default', %1 - INTERVAL '200 days', NULL)")
                .arg(now),
            QStringLiteral("INSERT INTO local_user VALUES (1, 'u1', 'default', 'n1', 3, %1 - "
                           "INTERVAL '60 seconds'), "
                           "(2, 'u2', 'default', 'n2', 5, %1 - INTERVAL '1799 seconds'), "
                           "(3, 'u3', 'default', 'n3', 3, %1 - INTERVAL '1801 seconds'), "
                           "(4, 'u4', 'default', 'n4', 2, %1 - INTERVAL '10 seconds'), "
                           "(5, 'u5', 'default', 'n5', 4, %1 - INTERVAL '10 seconds'), (6, 'u6', "
                           "'default', 'n6', NULL, NULL)")
                .arg(now),
            QStringLiteral(
                "INSERT INTO user_option VALUES ('u5', '1004', 'true'), ('u5', '1002', 'true'), "
                "('u6', '1001', 'true'), ('u4', '1002', 'false')"),
            QStringLiteral("INSERT INTO password (local_user_id, password_hash, created_at, "
                           "created_at_int, expires_at, "
                           "expires_at_int) VALUES "
                           "(1, 'x', %1 - INTERVAL '2 days', %2, %1 + INTERVAL '5 days', %3), "
                           "(1, 'x', %1 - INTERVAL '1 day', %4, %1 + INTERVAL '30 days', %5), "
                           "(2, 'x', %1 - INTERVAL '1 day', %4, %1 + INTERVAL '3 days', %6), "
                           "(3, 'x', %1 - INTERVAL '1 day', %4, %1 + INTERVAL '10 days', NULL), "
                           "(4, 'x', %1 - INTERVAL '1 day', %4, %1 - INTERVAL '1 day', %7), "
                           "(5, 'x', %1 - INTERVAL '1 day', %4, NULL, NULL), "
                           "(6, 'x', %1 - INTERVAL '1 day', %4, %1 + INTERVAL '2 days', %8)")
                .arg(now, us(m_now.addDays(-2)), us(m_now.addDays(5)), us(m_now.addDays(-1)),
                     us(m_now.addDays(30)), us(m_now.addDays(3)), us(m_now.addDays(-1)),
                     us(m_now.addDays(2))),
            QStringLiteral("VACUUM ANALYZE token, revocation_event, trust, \"user\", local_user, "
                           "password, user_option"),
        };
        for (const QString &s : rows) {
            if (!ownerExec(s))
                return false;
        }
        return true;
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
        m_db = QStringLiteral("tst_inspector_pg_") + suffix;
        m_roUser = QStringLiteral("tst_insp_ro_") + suffix;
        m_roPassword = QString::number(QRandomGenerator::system()->generate64(), 36);
        QVERIFY(labPgSuperuser(
            QStringLiteral(
                "DROP DATABASE IF EXISTS %1 WITH (FORCE);\nCREATE DATABASE %1 OWNER %2;\n"
                "DROP ROLE IF EXISTS %3;\nCREATE ROLE %3 LOGIN PASSWORD '%4';\n")
                .arg(m_db, lab(QStringLiteral("TURNSTILE_LAB_PG_USER")), m_roUser, m_roPassword)));
        m_owner.reset(ownerConnection());
        QVERIFY2(m_owner->open(), qPrintable(m_owner->error()));
        QVERIFY(createSchema());
        QVERIFY(seed());
        for (const char *t : {"alembic_version", "token", "trust", "\"user\"", "local_user",
                              "password", "user_option"})
            QVERIFY(ownerExec(
                QStringLiteral("GRANT SELECT ON %1 TO %2").arg(QLatin1String(t), m_roUser)));
    }

    void cleanupTestCase()
    {
        m_owner.reset();
        labPgSuperuser(
            QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE);\nDROP ROLE IF EXISTS %2;\n")
                .arg(m_db, m_roUser));
    }

    void frequentSample()
    {
        std::unique_ptr<DbConnection> db(ownerConnection());
        KeystoneInspector in(*db, settings());
        const FrequentSample f = in.sampleFrequent();
        QVERIFY2(f.schema.tables.available(), qPrintable(f.schema.tables.error));
        for (const KeystoneTable t : KeystoneInspector::inspectedTables())
            QVERIFY2(f.schema.hasTable(t), qPrintable(tableName(t)));
        QVERIFY(f.schema.migration.value->known);
        QCOMPARE(f.schema.migration.value->releases, QStringLiteral("Yoga – 2023.1"));
        QVERIFY(*f.schema.tokenHasRows.value);
        QVERIFY(f.schema.serverVersion.startsWith(QStringLiteral("PostgreSQL")));

        for (const KeystoneTableStats &t : f.tables) {
            QVERIFY2(t.size.available(), qPrintable(t.size.error));
            QCOMPARE(t.size.value->schema, QStringLiteral("public"));
            QVERIFY(t.size.value->dataBytes.has_value()); // 0 for an empty heap (trust)
            QVERIFY(t.size.value->indexBytes.value_or(0) > 0);
            QVERIFY(!t.size.value->freeBytes.has_value());
        }
        const TableSize tok = *f.tables.at(0).size.value;
        QCOMPARE(tok.rowsEstimate.value_or(-1), 2302); // exact right after VACUUM ANALYZE
        QVERIFY(tok.dataBytes.value_or(0) > 100000);
        QVERIFY(tok.liveRowsEstimate.has_value());
        QVERIFY(tok.deadRowsEstimate.has_value());

        // Column statistics: close, not exact.
        QVERIFY2(f.tokens.expired.available(), qPrintable(f.tokens.expired.error));
        QVERIFY2(*f.tokens.expired.value > 1500 && *f.tokens.expired.value < 2600,
                 qPrintable(QString::number(*f.tokens.expired.value)));
        QCOMPARE(*f.tokens.live.value, 301); // the short side is counted
        QVERIFY(f.tokens.liveExact && !f.tokens.expiredExact);
        QCOMPARE(*f.tokens.oldestExpires.value, m_now.addSecs(-2000 * 60));
        QCOMPARE(*f.tokens.newestExpires.value, m_now.addSecs(300 * 60));

        const RevocationStats &r = f.revocations;
        QCOMPARE(*r.total.value, 17);
        QCOMPARE(r.ages.value->underHour, 6);
        QCOMPARE(r.ages.value->hourToDay, 6);
        QCOMPARE(r.ages.value->dayToWeek, 3);
        QCOMPARE(r.ages.value->overWeek, 2);
        QCOMPARE(*r.obsolete.value, 11);
        QCOMPARE(r.kinds.value->wide, 8);
        QCOMPARE(*r.kinds.value->auditId, 9);
        QCOMPARE(r.kinds.value->userWide, 4);
        QCOMPARE(r.kinds.value->projectWide, 3);
        QCOMPARE(r.kinds.value->domainWide, 1);
        QCOMPARE(r.kinds.value->otherWide, 1);
        QVERIFY(f.databaseMs > 0);
    }

    void exactSample()
    {
        std::unique_ptr<DbConnection> db(ownerConnection());
        KeystoneInspector in(*db, settings());
        const ExactSample e = in.sampleExact();
        QCOMPARE(*e.tokens.expired.value, 2001);
        QCOMPARE(*e.tokens.live.value, 301);
        QCOMPARE(e.producers.byTrust.value->at(0).id, QStringLiteral("trust-notifier"));
        QCOMPARE(e.producers.byTrust.value->at(0).tokens, 666);
        QCOMPARE(e.producers.byUser.value->at(0).id, QStringLiteral("notifier"));
        QCOMPARE(e.producers.byUser.value->size(), 3);
        QCOMPARE(*e.users.total.value, 6);
        QCOMPARE(*e.users.enabled.value, 5);
        QCOMPARE(*e.users.inactive.value, 2);
        QCOMPARE(*e.users.locked.value, 2);
        QCOMPARE(*e.users.passwordsExpiringSoon.value, 2);
        QCOMPARE(*e.users.passwordsExpired.value, 1);

        // Schemas of this database with tables, other databases as totals.
        QVERIFY2(e.server.schemas.available(), qPrintable(e.server.schemas.error));
        bool sawPublic = false;
        for (const SchemaSize &s : *e.server.schemas.value) {
            QVERIFY(!s.name.startsWith(QStringLiteral("pg_")));
            if (s.name == u"public") {
                sawPublic = true;
                QVERIFY(s.current);
                QVERIFY(s.tables.size() >= 8);
                QVERIFY(s.dataBytes > 0 && s.indexBytes > 0);
            }
        }
        QVERIFY(sawPublic);
        QVERIFY2(e.server.otherDatabases.available(), qPrintable(e.server.otherDatabases.error));
        QStringList others;
        for (const DatabaseSize &d : *e.server.otherDatabases.value) {
            others.append(d.name);
            QVERIFY(d.bytes > 0);
        }
        QVERIFY(others.contains(lab(QStringLiteral("TURNSTILE_LAB_PG_DB"))));
        QVERIFY(!others.contains(m_db));
    }

    void liveRangeUsesTheExpiresIndex()
    {
        std::unique_ptr<DbConnection> db(ownerConnection());
        SqlSession s(*db);
        QVERIFY(s.begin());
        const SqlResult r = s.run(
            QStringLiteral("EXPLAIN (FORMAT JSON) SELECT COUNT(*) FROM %1 WHERE expires >= %2")
                .arg(s.table(KeystoneTable::Token), s.literal(m_now)));
        QVERIFY2(r.ok(), qPrintable(r.error));
        const QByteArray plan = r.value(0, 0).toString().toUtf8();
        QVERIFY2(plan.contains("ix_token_expires"), plan.constData());
        QVERIFY2(!plan.contains("Seq Scan"), plan.constData());
    }

    void missingGrantCostsOnlyItsFigure()
    {
        DbConnection db(labPgUrl(m_roUser, m_db), m_roPassword);
        KeystoneInspector in(db, settings());
        const FrequentSample f = in.sampleFrequent();
        // PostgreSQL lists every table in pg_class; the refusal comes with the query.
        QVERIFY(f.schema.hasTable(KeystoneTable::RevocationEvent));
        QVERIFY(!f.revocations.total.available());
        QVERIFY2(f.revocations.total.error.contains(QStringLiteral("permission denied")),
                 qPrintable(f.revocations.total.error));
        QVERIFY(!f.revocations.kinds.available());
        QVERIFY(f.tokens.live.available());
        QVERIFY(f.schema.migration.available());
        QCOMPARE(*f.schema.tokenHasRows.value, true);
        const UserStats u = in.userStats();
        QCOMPARE(*u.locked.value, 2);
        QCOMPARE(*u.passwordsExpiringSoon.value, 2);
        QCOMPARE(f.reconnects, 0); // a refused statement is not a lost connection
    }

    void terminatedBackendReconnects()
    {
        std::unique_ptr<DbConnection> db(ownerConnection());
        KeystoneInspector in(*db, settings());
        QCOMPARE(*in.revocationStats().total.value, 17);
        const qint64 pid = in.session().connectionId();
        QVERIFY(pid > 0);
        QString out;
        QVERIFY(
            labPgSuperuser(QStringLiteral("SELECT pg_terminate_backend(%1);\n").arg(pid), &out));
        QCOMPARE(out, QStringLiteral("t"));
        QElapsedTimer t;
        t.start();
        const TokenStats tok = in.tokenCounts();
        QVERIFY(t.elapsed() < 10000);
        if (tok.oldestExpires.available())
            QCOMPARE(in.session().reconnects(), 1);
        else
            QVERIFY(tok.oldestExpires.error.startsWith(QStringLiteral("unavailable: ")));
        QVERIFY(in.session().connectionId() != pid);
        QCOMPARE(*in.tokenCounts().live.value, 301);
    }
};

QTEST_GUILESS_MAIN(TestInspectorPg)
#include "tst_inspector_pg.moc"
