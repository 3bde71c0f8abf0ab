// The database inspectors against the lab's real MariaDB. Each run clones the
// Keystone schema that db_sync made (CREATE TABLE … LIKE keystone.…) into
// scratch databases, seeds known rows relative to one pinned "now", and
// checks every figure, the index use of the token queries, and the ways a
// figure degrades: missing grant, missing table, unknown migration, wrong
// password, no server, and a connection killed between two statements.
// The process runs in Asia/Kolkata (UTC+05:30) so that any local-time slip
// in binding or reading Keystone's naive-UTC timestamps shows up.
#include "db/dbconnection.h"
#include "db/keystoneinspector.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTest>

#include <memory>
#include <time.h>
#include <unistd.h>

using namespace turnstile;
using testsupport::execOrWarn;
using testsupport::lab;
using testsupport::labMysqlRootUrl;

class TestInspectorMySql : public QObject
{
    Q_OBJECT

    QString m_db;      // full Keystone schema clone with seeded rows
    QString m_partial; // only some tables, migrate_version instead of alembic_version
    QString m_user;    // SELECT on both scratch databases
    QString m_roUser;  // SELECT on every table of m_db except revocation_event
    QString m_password;
    QDateTime m_now;
    std::unique_ptr<DbConnection> m_root;

    static QString ts(const QDateTime &t)
    {
        return t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    }
    static QString day(const QDate &d) { return d.toString(QStringLiteral("yyyy-MM-dd")); }
    static qint64 us(const QDateTime &t) { return t.toMSecsSinceEpoch() * 1000; }

    bool rootExec(const QString &sql) { return execOrWarn(m_root->database(), sql); }
    QStringList rootColumn(const QString &sql)
    {
        QStringList out;
        QSqlQuery q(m_root->database());
        if (q.exec(sql)) {
            while (q.next())
                out.append(q.value(0).toString());
        }
        return out;
    }

    static DatabaseUrl tcpUrl(const QString &user, const QString &database, int port = 0)
    {
        return DatabaseUrl::parse(QStringLiteral("mysql+pymysql://%1@%2:%3/%4")
                                      .arg(user, lab(QStringLiteral("TURNSTILE_LAB_MYSQL_HOST")),
                                           port > 0
                                               ? QString::number(port)
                                               : lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")),
                                           database));
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

    bool seed()
    {
        const QString d = m_db;
        const QString now = ts(m_now);
        // Tokens: 2000 expired one minute apart, every third minted through
        // one trust; 300 live; and one on each side of the cut.
        bool ok = rootExec(
            QStringLiteral(
                "INSERT INTO `%1`.token (id, expires, extra, valid, trust_id, user_id) "
                "SELECT MD5(seq), '%2' - INTERVAL seq MINUTE, '{}', 1, "
                "IF(seq % 3 = 0, 'trust-notifier', NULL), "
                "IF(seq % 3 = 0, 'notifier', CONCAT('u', seq % 5)) FROM `%1`.seq_1_to_2000")
                .arg(d, now));
        ok = ok &&
             rootExec(
                 QStringLiteral(
                     "INSERT INTO `%1`.token (id, expires, extra, valid, trust_id, user_id) "
                     "SELECT MD5(CONCAT('live', seq)), '%2' + INTERVAL seq MINUTE, '{}', 1, NULL, "
                     "'live-user' FROM `%1`.seq_1_to_300")
                     .arg(d, now));
        ok = ok && rootExec(QStringLiteral(
                                "INSERT INTO `%1`.token (id, expires, valid, user_id) VALUES "
                                "('edge-now', '%2', 1, 'edge'), ('edge-before', '%3', 1, 'edge')")
                                .arg(d, now, ts(m_now.addSecs(-1))));

        // Revocation events: (minutes ago, audit_id, user_id, project_id, domain_id,
        // audit_chain_id).
        struct Ev
        {
            int minutesAgo;
            const char *audit, *user, *project, *domain, *chain;
        };
        const QList<Ev> events = {
            {10, "a1", nullptr, nullptr, nullptr, nullptr},
            {10, "a2", nullptr, nullptr, nullptr, nullptr},
            {10, "a3", nullptr, nullptr, nullptr, nullptr},
            {10, "a4", nullptr, nullptr, nullptr, nullptr},
            {10, "a5", nullptr, nullptr, nullptr, nullptr},
            {30, nullptr, nullptr, nullptr, "dom1", nullptr},
            {120, "b1", nullptr, nullptr, nullptr, nullptr},
            {120, "b2", nullptr, nullptr, nullptr, nullptr},
            {120, "b3", nullptr, nullptr, nullptr, nullptr},
            {120, "b4", nullptr, nullptr, nullptr, nullptr},
            {180, nullptr, "usr9", "prj9", nullptr, nullptr},
            {300, nullptr, nullptr, nullptr, nullptr, "chain1"},
            {2 * 1440, nullptr, "usr1", nullptr, nullptr, nullptr},
            {2 * 1440, nullptr, "usr2", nullptr, nullptr, nullptr},
            {2 * 1440, nullptr, "usr3", nullptr, nullptr, nullptr},
            {10 * 1440, nullptr, nullptr, "prj1", nullptr, nullptr},
            {10 * 1440, nullptr, nullptr, "prj2", nullptr, nullptr},
        };
        auto lit = [](const char *s) {
            return s ? QStringLiteral("'%1'").arg(QLatin1String(s)) : QStringLiteral("NULL");
        };
        for (const Ev &e : events) {
            const QString at = ts(m_now.addSecs(-60LL * e.minutesAgo));
            ok = ok && rootExec(QStringLiteral("INSERT INTO `%1`.revocation_event (audit_id, "
                                               "user_id, project_id, domain_id, "
                                               "audit_chain_id, issued_before, revoked_at) VALUES "
                                               "(%2, %3, %4, %5, %6, '%7', '%7')")
                                    .arg(d, lit(e.audit), lit(e.user), lit(e.project),
                                         lit(e.domain), lit(e.chain), at));
        }

        // Users u1..u6 (u6 disabled). Inactivity (90 days): u3 exactly 90 days,
        // u4 100 days; u5 never logged in, created 200 days ago, but exempt.
        const QDate today = m_now.date();
        ok = ok &&
             rootExec(QStringLiteral(
                          "INSERT INTO `%1`.user (id, enabled, domain_id, created_at, "
                          "last_active_at) VALUES "
                          "('u1', 1, 'default', '%2', '%3'), ('u2', 1, 'default', '%2', '%4'), "
                          "('u3', 1, 'default', '%2', '%5'), ('u4', 1, 'default', '%2', '%6'), "
                          "('u5', 1, 'default', '%2', NULL), ('u6', 0, 'default', '%2', NULL)")
                          .arg(d, ts(m_now.addDays(-200)), day(today), day(today.addDays(-89)),
                               day(today.addDays(-90)), day(today.addDays(-100))));
        // Lockout (3 attempts, 1800 s): lu1 and lu2 locked; lu3's lockout is
        // over; lu4 has too few failures; lu5 is exempt.
        ok =
            ok &&
            rootExec(
                QStringLiteral(
                    "INSERT INTO `%1`.local_user (id, user_id, domain_id, name, failed_auth_count, "
                    "failed_auth_at) VALUES (1, 'u1', 'default', 'n1', 3, '%2'), "
                    "(2, 'u2', 'default', 'n2', 5, '%3'), (3, 'u3', 'default', 'n3', 3, '%4'), "
                    "(4, 'u4', 'default', 'n4', 2, '%5'), (5, 'u5', 'default', 'n5', 4, '%5'), "
                    "(6, 'u6', 'default', 'n6', NULL, NULL)")
                    .arg(d, ts(m_now.addSecs(-60)), ts(m_now.addSecs(-1799)),
                         ts(m_now.addSecs(-1801)), ts(m_now.addSecs(-10))));
        ok = ok &&
             rootExec(QStringLiteral(
                          "INSERT INTO `%1`.user_option (user_id, option_id, option_value) VALUES "
                          "('u5', '1004', 'true'), ('u5', '1002', 'true'), ('u6', '1001', 'true'), "
                          "('u4', '1002', 'false')")
                          .arg(d));
        // Passwords (14-day window): lu1's current one is far off (its older
        // one would be soon), lu2 soon by expires_at_int, lu3 soon by the
        // DATETIME column, lu4 expired, lu5 never expires, lu6 exempt.
        const QString cols =
            QStringLiteral("INSERT INTO `%1`.password (local_user_id, password_hash, created_at, "
                           "created_at_int, expires_at, expires_at_int) VALUES ")
                .arg(d);
        auto pw = [&](int lu, int createdDaysAgo, const QString &expiresAt,
                      const QString &expiresInt) {
            const QDateTime c = m_now.addDays(-createdDaysAgo);
            return QStringLiteral("(%1, 'x', '%2', %3, %4, %5)")
                .arg(lu)
                .arg(ts(c))
                .arg(us(c))
                .arg(expiresAt, expiresInt);
        };
        const QDateTime in5 = m_now.addDays(5), in30 = m_now.addDays(30), in3 = m_now.addDays(3),
                        in10 = m_now.addDays(10), ago1 = m_now.addDays(-1), in2 = m_now.addDays(2);
        auto q = [](const QDateTime &t) { return QStringLiteral("'%1'").arg(ts(t)); };
        ok = ok &&
             rootExec(cols + QStringList{pw(1, 2, q(in5), QString::number(us(in5))),
                                         pw(1, 1, q(in30), QString::number(us(in30))),
                                         pw(2, 1, q(in3), QString::number(us(in3))),
                                         pw(3, 1, q(in10), QStringLiteral("NULL")),
                                         pw(4, 1, q(ago1), QString::number(us(ago1))),
                                         pw(5, 1, QStringLiteral("NULL"), QStringLiteral("NULL")),
                                         pw(6, 1, q(in2), QString::number(us(in2)))}
                                 .join(QStringLiteral(", ")));
        ok = ok &&
             rootExec(QStringLiteral("ANALYZE TABLE `%1`.token, `%1`.revocation_event, `%1`.user")
                          .arg(d));
        return ok;
    }

    static qint64 freePort()
    {
        QTcpServer s;
        s.listen(QHostAddress::LocalHost, 0);
        return s.serverPort(); // closed again when s goes away
    }

private slots:
    void initTestCase()
    {
        // Before any QDateTime conversion: a zone with a half-hour offset.
        qputenv("TZ", "Asia/Kolkata");
        tzset();
        QCOMPARE(QDateTime::currentDateTime().offsetFromUtc(), 19800);
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_MYSQL_SOCKET")).isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
        m_now = QDateTime::fromSecsSinceEpoch(QDateTime::currentSecsSinceEpoch(), Qt::UTC);
        const QString suffix = QString::number(QCoreApplication::applicationPid());
        m_db = QStringLiteral("tst_inspector_ks_") + suffix;
        m_partial = QStringLiteral("tst_inspector_partial_") + suffix;
        m_user = QStringLiteral("tst_insp_") + suffix;
        m_roUser = QStringLiteral("tst_insp_ro_") + suffix;
        m_password =
            QString::number(QRandomGenerator::system()->generate64(), 36) + QStringLiteral("Aa1");
        m_root = std::make_unique<DbConnection>(labMysqlRootUrl(), QString());
        QVERIFY2(m_root->open(), qPrintable(m_root->error()));

        QVERIFY(rootExec(QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(m_db)));
        QVERIFY(rootExec(QStringLiteral("CREATE DATABASE `%1`").arg(m_db)));
        const QStringList tables =
            rootColumn(QStringLiteral("SELECT TABLE_NAME FROM information_schema.TABLES WHERE "
                                      "TABLE_SCHEMA = 'keystone' AND TABLE_TYPE = 'BASE TABLE'"));
        QVERIFY2(tables.contains(QStringLiteral("token")) &&
                     tables.contains(QStringLiteral("revocation_event")),
                 "keystone-manage db_sync has not run in the lab");
        for (const QString &t : tables)
            QVERIFY(rootExec(
                QStringLiteral("CREATE TABLE `%1`.`%2` LIKE `keystone`.`%2`").arg(m_db, t)));
        QVERIFY(
            rootExec(QStringLiteral(
                         "INSERT INTO `%1`.alembic_version SELECT * FROM keystone.alembic_version")
                         .arg(m_db)));
        QVERIFY(seed());

        // A database from before Yoga, and without the token and revocation tables.
        QVERIFY(rootExec(QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(m_partial)));
        QVERIFY(rootExec(QStringLiteral("CREATE DATABASE `%1`").arg(m_partial)));
        for (const char *t : {"user", "local_user", "password"})
            QVERIFY(rootExec(QStringLiteral("CREATE TABLE `%1`.`%2` LIKE `keystone`.`%2`")
                                 .arg(m_partial, QLatin1String(t))));
        QVERIFY(rootExec(
            QStringLiteral(
                "CREATE TABLE `%1`.migrate_version (repository_id varchar(250) PRIMARY KEY, "
                "repository_path text, version int)")
                .arg(m_partial)));
        QVERIFY(rootExec(
            QStringLiteral("INSERT INTO `%1`.migrate_version VALUES ('keystone', '/x', 67), "
                           "('keystone_expand', '/y', 79)")
                .arg(m_partial)));
        QVERIFY(rootExec(
            QStringLiteral(
                "INSERT INTO `%1`.user (id, enabled, domain_id) VALUES ('p1', 1, 'default')")
                .arg(m_partial)));

        for (const QString &u : {m_user, m_roUser}) {
            rootExec(QStringLiteral("DROP USER IF EXISTS '%1'@'127.0.0.1'").arg(u));
            QVERIFY(rootExec(QStringLiteral("CREATE USER '%1'@'127.0.0.1' IDENTIFIED BY '%2'")
                                 .arg(u, m_password)));
        }
        QVERIFY(rootExec(
            QStringLiteral("GRANT SELECT ON `%1`.* TO '%2'@'127.0.0.1'").arg(m_db, m_user)));
        QVERIFY(rootExec(
            QStringLiteral("GRANT SELECT ON `%1`.* TO '%2'@'127.0.0.1'").arg(m_partial, m_user)));
        for (const QString &t : tables) {
            if (t != u"revocation_event")
                QVERIFY(rootExec(QStringLiteral("GRANT SELECT ON `%1`.`%2` TO '%3'@'127.0.0.1'")
                                     .arg(m_db, t, m_roUser)));
        }
    }

    void cleanupTestCase()
    {
        if (!m_root)
            return;
        for (const QString &d : {m_db, m_partial})
            rootExec(QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(d));
        for (const QString &u : {m_user, m_roUser})
            rootExec(QStringLiteral("DROP USER IF EXISTS '%1'@'127.0.0.1'").arg(u));
    }

    void realKeystoneSchemaIsKnown()
    {
        DbConnection db(tcpUrl(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_RO_USER")),
                               lab(QStringLiteral("TURNSTILE_LAB_MYSQL_DB"))),
                        lab(QStringLiteral("TURNSTILE_LAB_MYSQL_RO_PASSWORD")));
        KeystoneInspector in(db);
        const SchemaInfo s = in.detectSchema();
        QVERIFY2(s.tables.available(), qPrintable(s.tables.error));
        for (const KeystoneTable t : KeystoneInspector::inspectedTables())
            QVERIFY2(s.hasTable(t), qPrintable(tableName(t)));
        QVERIFY(!s.hasTable(KeystoneTable::MigrateVersion));
        QVERIFY2(s.migration.available(), qPrintable(s.migration.error));
        QCOMPARE(s.migration.value->scheme, MigrationVersion::Scheme::Alembic);
        QVERIFY2(s.migration.value->known, qPrintable(s.migration.value->note));
        QCOMPARE(s.migration.value->revisions,
                 (QStringList{QStringLiteral("29e87d24a316"), QStringLiteral("e25ffa003242")}));
        QCOMPARE(s.migration.value->releases, QStringLiteral("Yoga – 2023.1"));
        QVERIFY(s.tokenHasRows.available());
        QCOMPARE(*s.tokenHasRows.value, false); // Fernet never writes it
        QVERIFY(s.serverVersion.contains(QStringLiteral("MariaDB")));
        QVERIFY(s.tokenHasRows.queryMs > 0);
    }

    void frequentSampleIsEstimatesAndRanges()
    {
        DbConnection db(tcpUrl(m_user, m_db), m_password);
        KeystoneInspector in(db, settings());
        const FrequentSample f = in.sampleFrequent();
        QVERIFY(f.schema.migration.available());
        QCOMPARE(*f.schema.tokenHasRows.value, true);
        QCOMPARE(f.tables.size(), KeystoneInspector::inspectedTables().size());
        for (const KeystoneTableStats &t : f.tables) {
            QVERIFY2(t.size.available(), qPrintable(tableName(t.table) + u' ' + t.size.error));
            QVERIFY(t.size.value->dataBytes.value_or(0) > 0);
            QVERIFY(t.size.value->indexBytes.has_value());
            QVERIFY(t.size.value->freeBytes.has_value());
            QCOMPARE(t.size.value->schema, m_db);
        }
        // TABLE_ROWS after ANALYZE: an estimate, but the right magnitude.
        const TableSize tok = *f.tables.at(0).size.value;
        QCOMPARE(f.tables.at(0).table, KeystoneTable::Token);
        QVERIFY2(tok.rowsEstimate.value_or(0) > 1500 && *tok.rowsEstimate < 3500,
                 qPrintable(QString::number(*tok.rowsEstimate)));

        QVERIFY(!f.tokens.expiredExact);
        QVERIFY(f.tokens.liveExact); // the short side is counted
        QVERIFY2(f.tokens.expired.available(), qPrintable(f.tokens.expired.error));
        QVERIFY2(f.tokens.live.available(), qPrintable(f.tokens.live.error));
        // Index dives: within a factor of two of the truth (2001 / 301).
        QVERIFY2(*f.tokens.expired.value > 1000 && *f.tokens.expired.value < 4000,
                 qPrintable(QString::number(*f.tokens.expired.value)));
        QCOMPARE(*f.tokens.live.value, 301);
        QCOMPARE(*f.tokens.oldestExpires.value, m_now.addSecs(-2000 * 60));
        QCOMPARE(*f.tokens.newestExpires.value, m_now.addSecs(300 * 60));
        QCOMPARE(f.tokens.at, m_now);

        QVERIFY(f.revocations.total.available());
        QCOMPARE(*f.revocations.total.value, 17);
        QCOMPARE(f.reconnects, 0);

        // Estimates only: no COUNT at all.
        InspectorSettings est = settings();
        est.frequentCountLimit = 0;
        in.setSettings(est);
        const TokenStats e = in.tokenEstimates();
        QVERIFY(!e.expiredExact && !e.liveExact);
        QVERIFY2(*e.live.value > 150 && *e.live.value < 600,
                 qPrintable(QString::number(*e.live.value)));
        QVERIFY(*e.expired.value > 1000 && *e.expired.value < 4000);
        QVERIFY(f.databaseMs > 0);
        QVERIFY(f.databaseMs >= f.tokens.queryMs + f.revocations.queryMs);
    }

    void largeTableEstimatesAreNotHalfAndHalf()
    {
        // 240,000 live and 60,000 expired rows: too many pages for an exact
        // index dive, so InnoDB caps each side's range estimate at half the
        // table. Before the sliced estimate both sides read ~150,000 and the
        // Growth page drew the two lines on top of each other.
        const QString big = m_db + QStringLiteral("_big");
        QVERIFY(rootExec(QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(big)));
        QVERIFY(rootExec(QStringLiteral("CREATE DATABASE `%1`").arg(big)));
        const auto dropBig =
            qScopeGuard([&] { rootExec(QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(big)); });
        QVERIFY(rootExec(QStringLiteral("CREATE TABLE `%1`.token LIKE `keystone`.token").arg(big)));
        // Expired: one every 10 s over the last week; live: spread over the next hour.
        QVERIFY(rootExec(QStringLiteral("INSERT INTO `%1`.token (id, expires, valid, user_id) "
                                        "SELECT MD5(seq), '%2' - INTERVAL seq * 10 SECOND, 1, "
                                        "'u' FROM `%3`.seq_1_to_60000")
                             .arg(big, ts(m_now), m_db)));
        QVERIFY(rootExec(QStringLiteral("INSERT INTO `%1`.token (id, expires, valid, user_id) "
                                        "SELECT MD5(CONCAT('l', seq)), '%2' + INTERVAL "
                                        "seq * 15000 MICROSECOND, 1, 'u' FROM "
                                        "`%3`.seq_1_to_240000")
                             .arg(big, ts(m_now), m_db)));
        QVERIFY(rootExec(QStringLiteral("ANALYZE TABLE `%1`.token").arg(big)));
        QVERIFY(rootExec(
            QStringLiteral("GRANT SELECT ON `%1`.* TO '%2'@'127.0.0.1'").arg(big, m_user)));

        DbConnection db(tcpUrl(m_user, big), m_password);
        KeystoneInspector in(db, settings());
        InspectorSettings est = settings();
        est.frequentCountLimit = 0; // estimates only, as on a table of millions
        in.setSettings(est);
        const TokenStats e = in.tokenEstimates();
        QVERIFY2(e.live.available() && e.expired.available(),
                 qPrintable(e.live.error + e.expired.error));
        QVERIFY(!e.expiredExact && !e.liveExact);
        QVERIFY2(*e.live.value > 200000 && *e.live.value < 280000,
                 qPrintable(QString::number(*e.live.value)));
        QVERIFY2(*e.expired.value > 40000 && *e.expired.value < 80000,
                 qPrintable(QString::number(*e.expired.value)));
    }

    void exactTokenSplitAndProducers()
    {
        DbConnection db(tcpUrl(m_user, m_db), m_password);
        KeystoneInspector in(db, settings());
        const ExactSample e = in.sampleExact();
        QVERIFY(e.tokens.exact());
        QCOMPARE(*e.tokens.expired.value, 2001); // includes 'edge-before' (now - 1 s)
        QCOMPARE(*e.tokens.live.value, 301);     // includes 'edge-now' (expires == now is live)
        QVERIFY(e.tokens.expired.queryMs > 0);

        QVERIFY2(e.producers.byTrust.available(), qPrintable(e.producers.byTrust.error));
        QCOMPARE(e.producers.byTrust.value->size(), 1);
        QCOMPARE(e.producers.byTrust.value->at(0).id, QStringLiteral("trust-notifier"));
        QCOMPARE(e.producers.byTrust.value->at(0).tokens, 666);
        QVERIFY(qAbs(*e.producers.byTrust.value->at(0).share - 666.0 / 2302.0) < 1e-9);

        // The notifier stands out: first, with a third of the table.
        QVERIFY(e.producers.byUser.available());
        const QList<TokenProducer> users = *e.producers.byUser.value;
        QCOMPARE(users.size(), 3); // topProducers
        QCOMPARE(users.at(0).id, QStringLiteral("notifier"));
        QCOMPARE(users.at(0).tokens, 666);
        QCOMPARE(users.at(1).id, QStringLiteral("live-user"));
        QCOMPARE(users.at(1).tokens, 300);
        QVERIFY(users.at(2).tokens < 300);
        QVERIFY(e.databaseMs > 0);
    }

    void revocationFiguresFollowKeystone()
    {
        DbConnection db(tcpUrl(m_user, m_db), m_password);
        KeystoneInspector in(db, settings());
        const RevocationStats r = in.revocationStats();
        QCOMPARE(*r.total.value, 17);
        const RevocationAgeHistogram h = *r.ages.value;
        QCOMPARE(h.underHour, 6);
        QCOMPARE(h.hourToDay, 6);
        QCOMPARE(h.dayToWeek, 3);
        QCOMPARE(h.overWeek, 2);
        // expiration 3600 + buffer 1800: everything older than 90 minutes.
        QCOMPARE(r.windows.obsoleteBefore, m_now.addSecs(-5400));
        QCOMPARE(*r.obsolete.value, 11);
        const RevocationKinds k = *r.kinds.value;
        QCOMPARE(k.wide, 8);
        QCOMPARE(k.auditId.value_or(-1), 9);
        QCOMPARE(k.userWide, 4);
        QCOMPARE(k.projectWide, 3);
        QCOMPARE(k.domainWide, 1);
        QCOMPARE(k.otherWide, 1);

        // A larger buffer makes fewer rows obsolete.
        InspectorSettings s = settings();
        s.revokeExpirationBufferSec = 3 * 86400;
        in.setSettings(s);
        QCOMPARE(*in.revocationStats().obsolete.value, 2);
    }

    void userFiguresFollowKeystone()
    {
        DbConnection db(tcpUrl(m_user, m_db), m_password);
        KeystoneInspector in(db, settings());
        const UserStats u = in.userStats();
        QCOMPARE(*u.total.value, 6);
        QCOMPARE(*u.enabled.value, 5);
        QVERIFY2(u.inactive.available(), qPrintable(u.inactive.error));
        QCOMPARE(*u.inactive.value, 2);
        QVERIFY2(u.locked.available(), qPrintable(u.locked.error));
        QCOMPARE(*u.locked.value, 2);
        QVERIFY2(u.passwordsExpiringSoon.available(), qPrintable(u.passwordsExpiringSoon.error));
        QCOMPARE(*u.passwordsExpiringSoon.value, 2);
        QCOMPARE(*u.passwordsExpired.value, 1);

        // Keystone's defaults leave lockout and inactivity off: said, not guessed.
        KeystoneInspector plain(db, InspectorSettings{});
        const UserStats p = plain.userStats();
        QVERIFY(!p.locked.available());
        QVERIFY(p.locked.error.startsWith(QStringLiteral("unavailable: ")));
        QVERIFY(!p.inactive.available());
        QCOMPARE(*p.enabled.value, 5);

        // A lockout without duration lasts until reset: lu3 counts again.
        InspectorSettings endless = settings();
        endless.lockoutDurationSec = 0;
        in.setSettings(endless);
        QCOMPARE(*in.userStats().locked.value, 3);
    }

    void tokenQueriesUseTheIndexes()
    {
        DbConnection db(tcpUrl(m_user, m_db), m_password);
        SqlSession s(db);
        QVERIFY(s.begin());
        const QString token = s.table(KeystoneTable::Token);
        const QStringList expiresIndexes{QStringLiteral("ix_token_expires"),
                                         QStringLiteral("ix_token_expires_valid")};
        for (const char *cond : {"expires < ?", "expires >= ?"}) {
            const SqlResult r = s.run(QStringLiteral("EXPLAIN SELECT COUNT(*) FROM %1 WHERE %2")
                                          .arg(token, QLatin1String(cond)),
                                      {m_now});
            QVERIFY2(r.ok(), qPrintable(r.error));
            QCOMPARE(r.rows.size(), 1);
            QCOMPARE(r.value(0, QStringLiteral("type")).toString(), QStringLiteral("range"));
            QVERIFY2(expiresIndexes.contains(r.value(0, QStringLiteral("key")).toString()),
                     qPrintable(r.value(0, QStringLiteral("key")).toString()));
            QVERIFY(r.value(0, QStringLiteral("Extra"))
                        .toString()
                        .contains(QStringLiteral("Using index")));
        }
        const SqlResult mm =
            s.run(QStringLiteral("EXPLAIN SELECT MIN(expires), MAX(expires) FROM %1").arg(token));
        QVERIFY(mm.value(0, QStringLiteral("Extra"))
                    .toString()
                    .contains(QStringLiteral("Select tables optimized away")));
        for (const char *col : {"user_id", "trust_id"}) {
            const SqlResult g =
                s.run(QStringLiteral(
                          "EXPLAIN SELECT %1, COUNT(*) FROM %2 WHERE %1 IS NOT NULL GROUP BY %1 "
                          "ORDER BY 2 DESC LIMIT ?")
                          .arg(QLatin1String(col), token),
                      {3});
            QVERIFY2(g.ok(), qPrintable(g.error));
            QCOMPARE(g.value(0, QStringLiteral("key")).toString(),
                     QStringLiteral("ix_token_") + QLatin1String(col));
            QVERIFY(g.value(0, QStringLiteral("Extra"))
                        .toString()
                        .contains(QStringLiteral("Using index")));
        }
    }

    void missingGrantCostsOnlyItsFigure()
    {
        DbConnection db(tcpUrl(m_roUser, m_db), m_password);
        KeystoneInspector in(db, settings());
        const FrequentSample f = in.sampleFrequent();
        // MySQL hides a table without any privilege from information_schema.
        QVERIFY(f.schema.tables.available());
        QVERIFY(!f.schema.hasTable(KeystoneTable::RevocationEvent));
        QVERIFY(f.schema.hasTable(KeystoneTable::Token));
        for (const QString &e : {f.revocations.total.error, f.revocations.ages.error,
                                 f.revocations.obsolete.error, f.revocations.kinds.error}) {
            QVERIFY2(e.startsWith(QStringLiteral("unavailable: ")) &&
                         e.contains(QStringLiteral("revocation_event")),
                     qPrintable(e));
        }
        for (const KeystoneTableStats &t : f.tables) {
            QCOMPARE(t.size.available(), t.table != KeystoneTable::RevocationEvent);
        }
        QVERIFY(f.schema.migration.available());
        QVERIFY(f.tokens.expired.available() && f.tokens.live.available() &&
                f.tokens.oldestExpires.available());
        const UserStats u = in.userStats();
        QCOMPARE(*u.locked.value, 2);
        QCOMPARE(*u.passwordsExpiringSoon.value, 2);

        // Without a detected schema the server's own refusal is the reason.
        DbConnection db2(tcpUrl(m_roUser, m_db), m_password);
        KeystoneInspector fresh(db2, settings());
        const RevocationStats r = fresh.revocationStats();
        QVERIFY(!r.total.available());
        QVERIFY2(r.total.error.contains(QStringLiteral("denied")), qPrintable(r.total.error));
        QVERIFY(fresh.tokenCounts().expired.available());
    }

    void missingTablesAndOldSchema()
    {
        DbConnection db(tcpUrl(m_user, m_partial), m_password);
        KeystoneInspector in(db, settings());
        const FrequentSample f = in.sampleFrequent();
        QVERIFY(f.schema.tables.available());
        QVERIFY(!f.schema.hasTable(KeystoneTable::Token));
        QVERIFY(f.schema.hasTable(KeystoneTable::MigrateVersion));
        QVERIFY2(f.schema.migration.available(), qPrintable(f.schema.migration.error));
        QCOMPARE(f.schema.migration.value->scheme, MigrationVersion::Scheme::SqlalchemyMigrate);
        QVERIFY(!f.schema.migration.value->known);
        QCOMPARE(
            f.schema.migration.value->revisions,
            (QStringList{QStringLiteral("keystone=67"), QStringLiteral("keystone_expand=79")}));
        QVERIFY(!f.schema.migration.value->note.isEmpty());
        QVERIFY(f.schema.tokenHasRows.error.contains(QStringLiteral("token")));
        QVERIFY(!f.tokens.expired.available() && !f.tokens.newestExpires.available());
        QVERIFY(!f.revocations.total.available());
        QVERIFY(f.revocations.total.error.contains(QStringLiteral("revocation_event")));
        const UserStats u = in.userStats();
        QCOMPARE(*u.total.value, 1);
        QCOMPARE(*u.locked.value, 0);
        QCOMPARE(*u.passwordsExpired.value, 0);
        QVERIFY(!in.exactRowCount(KeystoneTable::Token).available());
        QCOMPARE(*in.exactRowCount(KeystoneTable::User).value, 1);
    }

    void unknownAlembicRevisionIsFlaggedNotFatal()
    {
        QVERIFY(rootExec(
            QStringLiteral("INSERT INTO `%1`.alembic_version VALUES ('ffff00001111')").arg(m_db)));
        DbConnection db(tcpUrl(m_user, m_db), m_password);
        KeystoneInspector in(db, settings());
        const FrequentSample f = in.sampleFrequent();
        QVERIFY(rootExec(
            QStringLiteral("DELETE FROM `%1`.alembic_version WHERE version_num = 'ffff00001111'")
                .arg(m_db)));
        QVERIFY(f.schema.migration.available());
        QVERIFY(!f.schema.migration.value->known);
        QVERIFY(f.schema.migration.value->note.contains(QStringLiteral("ffff00001111")));
        QCOMPARE(*f.revocations.total.value, 17);
        QVERIFY(f.tokens.live.available());
    }

    void wrongPasswordAndNoServerAreQuick()
    {
        {
            DbConnection db(tcpUrl(m_user, m_db), QStringLiteral("not-the-password"));
            KeystoneInspector in(db, settings());
            QElapsedTimer t;
            t.start();
            const FrequentSample f = in.sampleFrequent();
            const ExactSample e = in.sampleExact();
            QVERIFY(t.elapsed() < 5000);
            for (const QString &err :
                 {f.schema.tables.error, f.tokens.live.error, f.revocations.total.error,
                  e.users.total.error, e.server.schemas.error}) {
                QVERIFY2(err.startsWith(QStringLiteral("unavailable: ")) &&
                             err.contains(QStringLiteral("Access denied")),
                         qPrintable(err));
                QVERIFY(!err.contains(QStringLiteral("not-the-password")));
            }
        }
        {
            const int port = int(freePort());
            DbConnection db(tcpUrl(m_user, m_db, port), m_password);
            KeystoneInspector in(db, settings());
            QElapsedTimer t;
            t.start();
            const FrequentSample f = in.sampleFrequent();
            QVERIFY2(t.elapsed() < 5000, qPrintable(QString::number(t.elapsed())));
            QVERIFY(!f.schema.tables.available());
            QVERIFY2(f.tokens.expired.error.contains(QString::number(port)),
                     qPrintable(f.tokens.expired.error));
            QVERIFY(!f.tables.at(0).size.available());
        }
    }

    void killedConnectionReconnectsWithoutHanging()
    {
        DbConnection db(tcpUrl(m_user, m_db), m_password);
        KeystoneInspector in(db, settings());
        const FrequentSample first = in.sampleFrequent();
        QVERIFY(first.revocations.total.available());
        const qint64 id = in.session().connectionId();
        QVERIFY(id > 0);
        // Between two statements, as a restart or a DBA would.
        QVERIFY(rootExec(QStringLiteral("KILL CONNECTION %1").arg(id)));
        QElapsedTimer t;
        t.start();
        const TokenStats tok = in.tokenCounts();
        QVERIFY2(t.elapsed() < 10000, qPrintable(QString::number(t.elapsed())));
        // Either figure is acceptable; what matters is no crash and no hang,
        // and that the session is usable again right after.
        if (tok.oldestExpires.available())
            QCOMPARE(in.session().reconnects(), 1);
        else
            QVERIFY(tok.oldestExpires.error.startsWith(QStringLiteral("unavailable: ")));
        QVERIFY(in.session().connectionId() != id);
        const FrequentSample again = in.sampleFrequent();
        QCOMPARE(*again.revocations.total.value, 17);
        QCOMPARE(*in.tokenCounts().expired.value, 2001);

        // Killed twice in a row, inside one cycle: still answers.
        QVERIFY(rootExec(QStringLiteral("KILL CONNECTION %1").arg(in.session().connectionId())));
        const ExactSample e = in.sampleExact();
        QCOMPARE(*e.tokens.live.value, 301);
        QVERIFY(e.reconnects <= 1);
    }

    void serverSizesListEverySchemaTheUserSees()
    {
        DbConnection db(tcpUrl(m_user, m_db), m_password);
        KeystoneInspector in(db, settings());
        const ServerSizes z = in.serverSizes();
        QVERIFY2(z.schemas.available(), qPrintable(z.schemas.error));
        QVERIFY(z.otherDatabases.available() && z.otherDatabases.value->isEmpty());
        QStringList names;
        for (const SchemaSize &s : *z.schemas.value) {
            names.append(s.name);
            QCOMPARE(s.current, s.name == m_db);
            QVERIFY(s.freeBytes.has_value());
            qint64 data = 0;
            for (const TableSize &t : s.tables)
                data += t.dataBytes.value_or(0);
            QCOMPARE(s.dataBytes, data);
        }
        QVERIFY(names.contains(m_db));
        QVERIFY(names.contains(m_partial));
        QVERIFY(!names.contains(QStringLiteral("mysql")));
        QVERIFY(z.queryMs > 0);
    }
};

QTEST_GUILESS_MAIN(TestInspectorMySql)
#include "tst_inspector_mysql.moc"
