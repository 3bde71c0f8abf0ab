// Turnstile's trust flush against `keystone-manage trust_flush` itself: the
// same trusts seeded into two copies of the tables, Keystone's own command
// (the lab's Keystone 22) on one copy and TrustFlush on the other, with the
// same filters, then the rows that remain compared — on MariaDB and on
// PostgreSQL. Keystone's DELETE leaves the flushed trusts' trust_role rows
// behind (no foreign key); Turnstile removes exactly those and nothing else.
#include "db/dbconnection.h"
#include "db/keystoneinspector.h"
#include "guarded/actioncontrol.h"
#include "guarded/auditlog.h"
#include "guarded/guardedworkflow.h"
#include "guarded/trustflush.h"
#include "isolatedenvironment.h"
#include "testsupport.h"

#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <memory>

using namespace turnstile;
using testsupport::execOrWarn;
using testsupport::lab;
using testsupport::labMysqlRootUrl;
using testsupport::labPgSuperuser;

namespace {

struct Seed
{
    const char *id;
    const char *trustor;
    const char *trustee;
    const char *project; // nullptr: NULL
    qint64 expiresDays;  // days from now; kNever: NULL
    qint64 deletedDays;  // days from now; kNever: not deleted
    bool legacyOnly;     // expires_at set, expires_at_int NULL (rows before Queens)
    QList<const char *> roles;
};
constexpr qint64 kNever = 1LL << 40;

// Every kind: live, never expiring, expired recently and long ago, soft-deleted
// live/never-expiring/expired, a legacy row, a trust without a project, with
// and without roles, over two projects, three trustors and three trustees.
const QList<Seed> kSeeds = {
    {"t-live", "u1", "u2", "p1", 1, kNever, false, {"r1", "r2"}},
    {"t-live-never", "u1", "u2", "p1", kNever, kNever, false, {"r1"}},
    {"t-exp-1d", "u1", "u2", "p1", -1, kNever, false, {"r1"}},
    {"t-exp-5d", "u3", "u4", "p1", -5, kNever, false, {}},
    {"t-exp-20d", "u3", "u2", "p2", -20, kNever, false, {"r1", "r2"}},
    {"t-del-live", "u1", "u4", "p2", 1, 0, false, {"r3"}},
    {"t-del-never", "u1", "u2", "p1", kNever, -30, false, {}},
    {"t-del-exp", "u3", "u4", "p2", -3, -2, false, {"r1", "r3"}},
    {"t-del-old", "u1", "u2", "p1", -40, -35, false, {"r2"}},
    {"t-legacy", "u1", "u4", "p1", -10, kNever, true, {"r1"}},
    {"t-noproject", "u1", "u2", nullptr, -2, kNever, false, {"r2"}},
    {"t-noproject-del", "u3", "u2", nullptr, kNever, -1, false, {}},
};

struct Scenario
{
    const char *name;
    QString project, trustor, trustee;
    int dateDaysAgo = -1; // -1: no --date
};

} // namespace

class TestLabTrustFlush : public QObject
{
    Q_OBJECT

    testsupport::IsolatedEnvironment m_tmp;
    QString m_suffix;
    QString m_myUser, m_myPassword;
    std::unique_ptr<DbConnection> m_root;
    QStringList m_myDbs, m_pgDbs;

    enum class Backend
    {
        MariaDb,
        Postgres
    };

    QString urlFor(Backend b, const QString &db, bool keystoneStyle) const
    {
        if (b == Backend::MariaDb)
            return QStringLiteral("%1://%2%3@127.0.0.1:%4/%5")
                .arg(keystoneStyle ? QStringLiteral("mysql+pymysql") : QStringLiteral("mysql"),
                     m_myUser, keystoneStyle ? u':' + m_myPassword : QString(),
                     lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")), db);
        return QStringLiteral("%1://%2%3@%4:%5/%6")
            .arg(keystoneStyle ? QStringLiteral("postgresql+psycopg2")
                               : QStringLiteral("postgresql"),
                 lab(QStringLiteral("TURNSTILE_LAB_PG_USER")),
                 keystoneStyle ? u':' + lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD"))
                               : QString(),
                 lab(QStringLiteral("TURNSTILE_LAB_PG_HOST")),
                 lab(QStringLiteral("TURNSTILE_LAB_PG_PORT")), db);
    }
    QString password(Backend b) const
    {
        return b == Backend::MariaDb ? m_myPassword
                                     : lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD"));
    }

    // Two empty copies of trust and trust_role, A for Keystone, B for Turnstile.
    bool createCopies(Backend b, const QString &a, const QString &bdb)
    {
        if (b == Backend::MariaDb) {
            for (const QString &d : {a, bdb}) {
                if (!execOrWarn(m_root->database(),
                                QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(d)) ||
                    !execOrWarn(m_root->database(), QStringLiteral("CREATE DATABASE `%1`").arg(d)))
                    return false;
                for (const char *t : {"trust", "trust_role"})
                    if (!execOrWarn(m_root->database(),
                                    QStringLiteral("CREATE TABLE `%1`.`%2` LIKE `keystone`.`%2`")
                                        .arg(d, QLatin1String(t))))
                        return false;
                if (!execOrWarn(
                        m_root->database(),
                        QStringLiteral("GRANT ALL ON `%1`.* TO '%2'@'127.0.0.1'").arg(d, m_myUser)))
                    return false;
            }
            return true;
        }
        for (const QString &d : {a, bdb}) {
            if (!labPgSuperuser(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE);\nCREATE "
                                               "DATABASE %1 OWNER %2;\n")
                                    .arg(d, lab(QStringLiteral("TURNSTILE_LAB_PG_USER")))))
                return false;
            DbConnection c(DatabaseUrl::parse(urlFor(b, d, false)), password(b));
            if (!c.open())
                return false;
            // Keystone's PostgreSQL DDL for the two tables (initial migration).
            for (const QString &ddl :
                 {QStringLiteral(
                      "CREATE TABLE trust (id varchar(64) PRIMARY KEY, trustor_user_id "
                      "varchar(64) NOT NULL, trustee_user_id varchar(64) NOT NULL, project_id "
                      "varchar(64), impersonation boolean NOT NULL, deleted_at timestamp, "
                      "expires_at timestamp, remaining_uses integer, extra text, expires_at_int "
                      "bigint, redelegated_trust_id varchar(64), redelegation_count integer, "
                      "CONSTRAINT duplicate_trust_constraint_expanded UNIQUE (trustor_user_id, "
                      "trustee_user_id, project_id, impersonation, expires_at, expires_at_int))"),
                  QStringLiteral("CREATE TABLE trust_role (trust_id varchar(64) NOT NULL, role_id "
                                 "varchar(64) NOT NULL, PRIMARY KEY (trust_id, role_id))")})
                if (!execOrWarn(c.database(), ddl))
                    return false;
        }
        return true;
    }

    bool seed(Backend b, const QString &db, const QDateTime &now)
    {
        DbConnection c(DatabaseUrl::parse(urlFor(b, db, false)), password(b));
        if (!c.open())
            return false;
        for (const Seed &s : kSeeds) {
            QSqlQuery q(c.database());
            q.prepare(QStringLiteral(
                "INSERT INTO trust (id, trustor_user_id, trustee_user_id, project_id, "
                "impersonation, deleted_at, expires_at, expires_at_int, extra) VALUES (?, ?, ?, ?, "
                "?, ?, ?, ?, '{}')"));
            const QDateTime expires = now.addDays(s.expiresDays);
            q.addBindValue(QString::fromLatin1(s.id));
            q.addBindValue(QString::fromLatin1(s.trustor));
            q.addBindValue(QString::fromLatin1(s.trustee));
            q.addBindValue(s.project ? QVariant(QString::fromLatin1(s.project))
                                     : QVariant(QMetaType::fromType<QString>()));
            q.addBindValue(false);
            q.addBindValue(s.deletedDays == kNever ? QVariant(QMetaType::fromType<QDateTime>())
                                                   : QVariant(now.addDays(s.deletedDays)));
            q.addBindValue(s.expiresDays == kNever ? QVariant(QMetaType::fromType<QDateTime>())
                                                   : QVariant(expires));
            q.addBindValue(s.expiresDays == kNever || s.legacyOnly
                               ? QVariant(QMetaType::fromType<qlonglong>())
                               : QVariant(expires.toMSecsSinceEpoch() * 1000));
            if (!q.exec()) {
                qWarning() << q.lastError().text();
                return false;
            }
            for (const char *r : s.roles)
                if (!execOrWarn(c.database(),
                                QStringLiteral("INSERT INTO trust_role VALUES ('%1', '%2')")
                                    .arg(QLatin1String(s.id), QLatin1String(r))))
                    return false;
        }
        // A trust_role row an earlier keystone-manage trust_flush left behind.
        return execOrWarn(c.database(),
                          QStringLiteral("INSERT INTO trust_role VALUES ('t-gone', 'r1')"));
    }

    QStringList rows(Backend b, const QString &db, const QString &sql)
    {
        DbConnection c(DatabaseUrl::parse(urlFor(b, db, false)), password(b));
        QStringList out;
        if (!c.open())
            return {QStringLiteral("cannot open %1").arg(db)};
        QSqlQuery q(c.database());
        if (!q.exec(sql))
            return {q.lastError().text()};
        while (q.next())
            out.append(q.value(0).toString());
        return out;
    }

    bool keystoneManage(Backend b, const QString &db, const Scenario &sc, QString *log)
    {
        // The lab's own keystone.conf (key repositories, logging) with the
        // copy's database; mode 0600 in the test's own directory.
        QFile labConf(lab(QStringLiteral("TURNSTILE_LAB_KEYSTONE_CONF")));
        if (!labConf.open(QIODevice::ReadOnly))
            return false;
        QStringList lines = QString::fromUtf8(labConf.readAll()).split(u'\n');
        for (QString &l : lines)
            if (l.startsWith(QStringLiteral("connection =")))
                l = QStringLiteral("connection = ") + urlFor(b, db, true);
        const QString path = m_tmp.filePath(QStringLiteral("keystone-%1.conf").arg(db));
        QFile conf(path);
        if (!conf.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
        conf.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        conf.write(lines.join(u'\n').toUtf8());
        conf.close();
        QStringList args{QStringLiteral("--config-file"), path, QStringLiteral("trust_flush")};
        if (!sc.project.isEmpty())
            args << QStringLiteral("--project-id") << sc.project;
        if (!sc.trustor.isEmpty())
            args << QStringLiteral("--trustor-user-id") << sc.trustor;
        if (!sc.trustee.isEmpty())
            args << QStringLiteral("--trustee-user-id") << sc.trustee;
        if (sc.dateDaysAgo >= 0)
            args << QStringLiteral("--date")
                 << QDate::currentDate()
                        .addDays(-sc.dateDaysAgo)
                        .toString(QStringLiteral("dd-MM-yyyy"));
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(QStringLiteral("keystone-manage"), args);
        const bool ok = p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit &&
                        p.exitCode() == 0;
        *log = QString::fromUtf8(p.readAll());
        return ok;
    }

    void compare(Backend b, const Scenario &sc)
    {
        const QString tag =
            QStringLiteral("tst_trustflush_%1_%2_%3")
                .arg(b == Backend::MariaDb ? QStringLiteral("my") : QStringLiteral("pg"),
                     QLatin1String(sc.name), m_suffix);
        const QString a = tag + QStringLiteral("_ks");
        const QString t = tag + QStringLiteral("_ts");
        (b == Backend::MariaDb ? m_myDbs : m_pgDbs) << a << t;
        QVERIFY(createCopies(b, a, t));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QVERIFY(seed(b, a, now));
        QVERIFY(seed(b, t, now));

        QString log;
        QVERIFY2(keystoneManage(b, a, sc, &log), qPrintable(log));

        Profile profile;
        profile.name = QStringLiteral("trustflush");
        profile.databaseUrl = urlFor(b, t, false);
        Secrets secrets;
        secrets.databasePassword = password(b);
        TrustFlush::Filters f;
        f.projectId = sc.project;
        f.trustorUserId = sc.trustor;
        f.trusteeUserId = sc.trustee;
        if (sc.dateDaysAgo >= 0)
            f.date = QDate::currentDate().addDays(-sc.dateDaysAgo);
        TrustFlush flush(profile, secrets, f);
        ThrottleSettings small;
        small.maxBatch = 2; // several chunks over a dozen rows
        small.minBatch = 1;
        flush.setThrottle(small);
        const ActionPreview preview = flush.preview();
        QVERIFY2(!preview.refused(), qPrintable(preview.refusal));
        AuditLog audit;
        GuardedWorkflow wf(profile, audit);
        ActionControl control;
        const ActionResult r =
            wf.run(flush, preview, Confirmation{preview.target.text, -1}, control);
        QCOMPARE(r.outcome, ActionResult::Outcome::Completed);

        const QString trusts = QStringLiteral("SELECT id FROM trust ORDER BY id");
        const QStringList keystoneTrusts = rows(b, a, trusts);
        QCOMPARE(rows(b, t, trusts), keystoneTrusts);
        QCOMPARE(r.affected, qint64(kSeeds.size() - keystoneTrusts.size()));
        QCOMPARE(preview.rowsToGo, r.affected);
        // Keystone really deleted (a command that did nothing would compare equal too).
        QVERIFY(r.affected > 0);
        QVERIFY(!keystoneTrusts.isEmpty());
        if (QLatin1String(sc.name) == u"all")
            QCOMPARE(keystoneTrusts,
                     (QStringList{QStringLiteral("t-legacy"), QStringLiteral("t-live"),
                                  QStringLiteral("t-live-never")}));

        // trust_role: Keystone's remaining rows, less those it orphaned now.
        const QString roles = QStringLiteral(
            "SELECT trust_id || '/' || role_id FROM trust_role ORDER BY trust_id, role_id");
        const QString rolesMy = QStringLiteral(
            "SELECT CONCAT(trust_id, '/', role_id) FROM trust_role ORDER BY trust_id, role_id");
        const QString &rsql = b == Backend::MariaDb ? rolesMy : roles;
        QStringList expected;
        qint64 orphanedByKeystone = 0;
        for (const QString &row : rows(b, a, rsql)) {
            const QString trust = row.section(u'/', 0, 0);
            if (keystoneTrusts.contains(trust) || trust == u"t-gone")
                expected.append(row);
            else
                ++orphanedByKeystone;
        }
        QCOMPARE(rows(b, t, rsql), expected);
        QVERIFY(orphanedByKeystone > 0 || QLatin1String(sc.name) == u"trustor_trustee");
        QCOMPARE(r.details.value(u"trust_role_deleted").toInteger(), orphanedByKeystone);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_MYSQL_SOCKET")).isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
        m_suffix = QString::number(QCoreApplication::applicationPid());
        m_myUser = QStringLiteral("tst_trustflush_") + m_suffix;
        m_myPassword =
            QString::number(QRandomGenerator::system()->generate64(), 36) + QStringLiteral("Aa1");
        m_root = std::make_unique<DbConnection>(labMysqlRootUrl(), QString());
        QVERIFY2(m_root->open(), qPrintable(m_root->error()));
        QVERIFY(execOrWarn(m_root->database(),
                           QStringLiteral("DROP USER IF EXISTS '%1'@'127.0.0.1'").arg(m_myUser)));
        QVERIFY(execOrWarn(m_root->database(),
                           QStringLiteral("CREATE USER '%1'@'127.0.0.1' IDENTIFIED BY '%2'")
                               .arg(m_myUser, m_myPassword)));
    }

    // The growth series count trusts as the flush judges them, and read
    // zero purgeable trusts after it; the lab's Keystone database gives the
    // password and application credential figures.
    void inspectorCountsWhatTheFlushRemoves()
    {
        const Backend b = Backend::MariaDb;
        const QString db = QStringLiteral("tst_trustflush_inspect_") + m_suffix;
        m_myDbs << db << db + QStringLiteral("_unused");
        QVERIFY(createCopies(b, db, db + QStringLiteral("_unused")));
        QVERIFY(seed(b, db, QDateTime::currentDateTimeUtc()));
        {
            DbConnection c(DatabaseUrl::parse(urlFor(b, db, false)), password(b));
            KeystoneInspector in(c);
            in.detectSchema();
            const PurgeableStats p = in.purgeableStats();
            QVERIFY2(p.trustsLive.available(), qPrintable(p.trustsLive.error));
            QCOMPARE(*p.trustsLive.value, 3);    // t-live, t-live-never, t-legacy
            QCOMPARE(*p.trustsExpired.value, 4); // 1d, 5d, 20d, no project
            QCOMPARE(*p.trustsDeleted.value, 5);
            QVERIFY(!p.passwordRows.available()); // no password table in the copy
        }
        Profile profile;
        profile.name = QStringLiteral("trustflush");
        profile.databaseUrl = urlFor(b, db, false);
        Secrets secrets;
        secrets.databasePassword = password(b);
        TrustFlush flush(profile, secrets);
        const ActionPreview preview = flush.preview();
        QVERIFY2(!preview.refused(), qPrintable(preview.refusal));
        QCOMPARE(preview.rowsToGo, 9);
        AuditLog audit;
        GuardedWorkflow wf(profile, audit);
        ActionControl control;
        QCOMPARE(wf.run(flush, preview, Confirmation{preview.target.text, -1}, control).outcome,
                 ActionResult::Outcome::Completed);
        {
            DbConnection c(DatabaseUrl::parse(urlFor(b, db, false)), password(b));
            KeystoneInspector in(c);
            in.detectSchema();
            const PurgeableStats p = in.purgeableStats();
            QCOMPARE(*p.trustsLive.value, 3);
            QCOMPARE(*p.trustsExpired.value, 0);
            QCOMPARE(*p.trustsDeleted.value, 0);
        }
        DbConnection ks(
            DatabaseUrl::parse(QStringLiteral("mysql://%1@127.0.0.1:%2/%3")
                                   .arg(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_RO_USER")),
                                        lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")),
                                        lab(QStringLiteral("TURNSTILE_LAB_MYSQL_DB")))),
            lab(QStringLiteral("TURNSTILE_LAB_MYSQL_RO_PASSWORD")));
        KeystoneInspector in(ks);
        in.detectSchema();
        const PurgeableStats p = in.purgeableStats();
        QVERIFY2(p.passwordRows.available(), qPrintable(p.passwordRows.error));
        QVERIFY(*p.passwordRows.value >= 1); // the admin's password
        QVERIFY(*p.passwordMaxPerUser.value >= 1);
        QVERIFY2(p.applicationCredentialsExpired.available(),
                 qPrintable(p.applicationCredentialsExpired.error));
        QVERIFY2(p.trustsLive.available(), qPrintable(p.trustsLive.error));
    }

    // Keystone lets --date lie in the future and then deletes trusts that
    // are still valid; Turnstile counts them and needs that count typed.
    void futureDateNeedsTheLiveTrustsAcknowledged()
    {
        const Backend b = Backend::MariaDb;
        const QString db = QStringLiteral("tst_trustflush_future_") + m_suffix;
        m_myDbs << db << db + QStringLiteral("_unused");
        QVERIFY(createCopies(b, db, db + QStringLiteral("_unused")));
        QVERIFY(seed(b, db, QDateTime::currentDateTimeUtc()));
        Profile profile;
        profile.name = QStringLiteral("trustflush");
        profile.databaseUrl = urlFor(b, db, false);
        Secrets secrets;
        secrets.databasePassword = password(b);
        TrustFlush::Filters f;
        f.date = QDate::currentDate().addDays(3);
        TrustFlush flush(profile, secrets, f);
        const ActionPreview preview = flush.preview();
        QVERIFY2(!preview.refused(), qPrintable(preview.refusal));
        QCOMPARE(preview.mustAcknowledge, 1); // t-live, valid for another day
        QCOMPARE(preview.rowsToGo, 10);
        AuditLog audit;
        GuardedWorkflow wf(profile, audit);
        QVERIFY(!wf.refusal(preview, Confirmation{preview.target.text, -1}).isEmpty());
        QVERIFY(wf.refusal(preview, Confirmation{preview.target.text, 1}).isEmpty());
        QCOMPARE(rows(b, db, QStringLiteral("SELECT COUNT(*) FROM trust")),
                 QStringList{QStringLiteral("12")});
    }

    // A cancelled flush resumes with its journaled cutoff (a date kept as a
    // time and bound as Keystone's microseconds) and ends where an
    // uninterrupted one would.
    void cancelledFlushResumesWithItsDate()
    {
        const Backend b = Backend::MariaDb;
        const QString db = QStringLiteral("tst_trustflush_resume_") + m_suffix;
        m_myDbs << db << db + QStringLiteral("_unused");
        QVERIFY(createCopies(b, db, db + QStringLiteral("_unused")));
        QVERIFY(seed(b, db, QDateTime::currentDateTimeUtc()));
        Profile profile;
        profile.name = QStringLiteral("trustflush-resume");
        profile.databaseUrl = urlFor(b, db, false);
        Secrets secrets;
        secrets.databasePassword = password(b);
        TrustFlush::Filters f;
        f.date = QDate::currentDate().addDays(-10); // only t-exp-20d of the expired
        ThrottleSettings one;
        one.maxBatch = 1;
        one.minBatch = 1;
        AuditLog audit;
        GuardedWorkflow wf(profile, audit);
        TrustFlush first(profile, secrets, f);
        first.setThrottle(one);
        const ActionPreview p1 = first.preview();
        QVERIFY2(!p1.refused(), qPrintable(p1.refusal));
        QCOMPARE(p1.rowsToGo, 6); // five soft-deleted and t-exp-20d
        ActionControl *self = nullptr;
        ActionControl stopAfterTwo([&self](const ActionProgress &pr) {
            if (pr.batches >= 2 && self)
                self->cancel();
        });
        self = &stopAfterTwo;
        const ActionResult r1 = wf.run(first, p1, Confirmation{p1.target.text, -1}, stopAfterTwo);
        QCOMPARE(r1.outcome, ActionResult::Outcome::Cancelled);

        TrustFlush second(profile, secrets, f);
        second.setThrottle(one);
        const ActionPreview p2 = second.preview();
        QVERIFY2(!p2.refused(), qPrintable(p2.refusal));
        QVERIFY(p2.resumesRunStartedAt.isValid());
        QCOMPARE(p2.cutoff, p1.cutoff);
        ActionControl control;
        const ActionResult r2 = wf.run(second, p2, Confirmation{p2.target.text, -1}, control);
        QCOMPARE(r2.outcome, ActionResult::Outcome::Completed);
        QCOMPARE(r1.affected + r2.affected, 6);
        QCOMPARE(rows(b, db, QStringLiteral("SELECT id FROM trust ORDER BY id")),
                 (QStringList{QStringLiteral("t-exp-1d"), QStringLiteral("t-exp-5d"),
                              QStringLiteral("t-legacy"), QStringLiteral("t-live"),
                              QStringLiteral("t-live-never"), QStringLiteral("t-noproject")}));
    }

    void cleanupTestCase()
    {
        if (m_root) {
            for (const QString &d : std::as_const(m_myDbs))
                execOrWarn(m_root->database(),
                           QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(d));
            execOrWarn(m_root->database(),
                       QStringLiteral("DROP USER IF EXISTS '%1'@'127.0.0.1'").arg(m_myUser));
        }
        for (const QString &d : std::as_const(m_pgDbs))
            labPgSuperuser(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE);\n").arg(d));
        m_root.reset();
    }

    void sameRowsAsKeystone_data()
    {
        QTest::addColumn<int>("backend");
        QTest::addColumn<int>("scenario");
        const char *names[] = {"all", "project", "trustor_trustee", "date", "all_filters"};
        for (int b = 0; b < 2; ++b)
            for (int s = 0; s < 5; ++s)
                QTest::addRow("%s_%s", b == 0 ? "mariadb" : "postgresql", names[s]) << b << s;
    }

    void sameRowsAsKeystone()
    {
        QFETCH(int, backend);
        QFETCH(int, scenario);
        const QList<Scenario> scenarios = {
            {"all", {}, {}, {}, -1},
            {"project", QStringLiteral("p1"), {}, {}, -1},
            {"trustor_trustee", {}, QStringLiteral("u3"), QStringLiteral("u4"), -1},
            {"date", {}, {}, {}, 10},
            {"all_filters", QStringLiteral("p2"), QStringLiteral("u3"), QStringLiteral("u2"), 3},
        };
        compare(backend == 0 ? Backend::MariaDb : Backend::Postgres, scenarios.at(scenario));
    }
};

QTEST_GUILESS_MAIN(TestLabTrustFlush)
#include "tst_lab_trustflush.moc"
