// Copy-and-swap purge of the token table against the lab's real MariaDB: a
// scratch copy of Keystone's token table (CREATE TABLE … LIKE keystone.token)
// with seeded rows, and a concurrent writer (INSERTs, and UPDATEs to
// valid = 0) whose every row must be there afterwards. The crash tests kill
// turnstilectl with SIGKILL at each step ($TURNSTILE_TEST_SWAP_STOP, read only
// by TableSwap::testStopPoint) and check that `token` is complete at once and
// that the next run repairs or finishes.
#include "db/dbconnection.h"
#include "guarded/actioncontrol.h"
#include "guarded/auditlog.h"
#include "guarded/guardedworkflow.h"
#include "guarded/pendingjournal.h"
#include "guarded/tokenpurge.h"
#include "isolatedenvironment.h"
#include "profiles/profilestore.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <thread>

using namespace turnstile;
using testsupport::execOrWarn;
using testsupport::lab;
using testsupport::labMysqlRootUrl;

namespace {
// Keystone's writers: new tokens, and revocations (valid = 0) of live ones,
// on a connection of their own, until stopped. Counts what it did.
class Writer : public QThread
{
public:
    Writer(QString db, QString prefix) : m_db(std::move(db)), m_prefix(std::move(prefix)) {}
    std::atomic<bool> stop{false};
    std::atomic<int> inserted{0};
    std::atomic<int> revoked{0};
    std::atomic<int> failures{0};
    std::atomic<qint64> slowestInsertMs{0};

protected:
    void run() override
    {
        DbConnection c(labMysqlRootUrl(m_db), QString());
        if (!c.open()) {
            ++failures;
            return;
        }
        QSqlQuery q(c.database());
        QElapsedTimer t;
        while (!stop.load()) {
            const int n = inserted.load();
            t.start();
            const bool ok =
                q.exec(QStringLiteral("INSERT INTO token (id, expires, extra, valid, user_id) "
                                      "VALUES ('%1-%2', UTC_TIMESTAMP() + INTERVAL 1 HOUR, "
                                      "'{}', 1, 'writer')")
                           .arg(m_prefix)
                           .arg(n));
            slowestInsertMs = std::max(slowestInsertMs.load(), t.elapsed());
            if (!ok) {
                ++failures; // retried with the same id
                QThread::msleep(5);
                continue;
            }
            ++inserted;
            if (n % 5 == 4) {
                // Revoke the row inserted four steps ago.
                if (q.exec(QStringLiteral("UPDATE token SET valid = 0 WHERE id = '%1-%2'")
                               .arg(m_prefix)
                               .arg(n - 4)) &&
                    q.numRowsAffected() == 1)
                    ++revoked;
                else
                    ++failures;
            }
            QThread::msleep(3);
        }
    }

private:
    QString m_db;
    QString m_prefix;
};
} // namespace

class TestPurgeSwap : public QObject
{
    Q_OBJECT

    QString m_db;
    QString m_user;   // ALL on the scratch schema
    QString m_narrow; // SELECT, INSERT, UPDATE, DELETE only: no swap
    QString m_password;
    std::unique_ptr<DbConnection> m_root;
    testsupport::IsolatedEnvironment m_tmp;

    bool rootExec(const QString &sql) { return execOrWarn(m_root->database(), sql); }
    QVariant rootValue(const QString &sql)
    {
        QSqlQuery q(m_root->database());
        if (q.exec(sql) && q.next())
            return q.value(0);
        qWarning("%s\n  -> %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return {};
    }
    Profile profile(const QString &user) const
    {
        Profile p;
        p.name = QStringLiteral("swap-") + user;
        p.databaseUrl = QStringLiteral("mysql+pymysql://%1@%2:%3/%4")
                            .arg(user, lab(QStringLiteral("TURNSTILE_LAB_MYSQL_HOST")),
                                 lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")), m_db);
        return p;
    }
    Secrets secrets() const
    {
        Secrets s;
        s.databasePassword = m_password;
        return s;
    }
    QString target() const
    {
        return QStringLiteral("%1.token@127.0.0.1:%2")
            .arg(m_db, lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")));
    }
    // `expired` rows before the cut (now minus two days), `live` after it, and
    // 3 without expires.
    void seed(int expired, int live)
    {
        QVERIFY(rootExec(QStringLiteral("DROP TABLE IF EXISTS `%1`.token").arg(m_db)));
        QVERIFY(rootExec(QStringLiteral("CREATE TABLE `%1`.token LIKE keystone.token").arg(m_db)));
        QVERIFY(rootExec(
            QStringLiteral("INSERT INTO `%1`.token (id, expires, extra, valid, user_id) SELECT "
                           "MD5(CONCAT('x', seq, RAND())), UTC_TIMESTAMP() - INTERVAL 2 DAY - "
                           "INTERVAL 1 SECOND - INTERVAL (seq * 37) % 2592000 SECOND, "
                           "REPEAT('e', 200), 1, CONCAT('u', seq % 7) FROM seq_1_to_%2")
                .arg(m_db)
                .arg(expired)));
        QVERIFY(rootExec(
            QStringLiteral("INSERT INTO `%1`.token (id, expires, extra, valid, user_id) SELECT "
                           "MD5(CONCAT('l', seq, RAND())), UTC_TIMESTAMP() - INTERVAL 2 DAY + "
                           "INTERVAL 10 MINUTE + INTERVAL seq MINUTE, '{}', seq % 2, 'live' "
                           "FROM seq_1_to_%2")
                .arg(m_db)
                .arg(live)));
        QVERIFY(rootExec(QStringLiteral("INSERT INTO `%1`.token (id, expires, valid) VALUES "
                                        "('null-1', NULL, 1), ('null-2', NULL, 0)")
                             .arg(m_db)));
    }
    // The seeded rows that stay (not the writer's): count and checksum of
    // every column that matters.
    QString seededLive()
    {
        return rootValue(
                   QStringLiteral("SELECT CONCAT(COUNT(*), ':', COALESCE(BIT_XOR(CRC32(CONCAT_WS("
                                  "'|', id, expires, valid, user_id))), 0)) FROM `%1`.token WHERE "
                                  "user_id IS NULL OR user_id = 'live'")
                       .arg(m_db))
            .toString();
    }
    qint64 count(const QString &where)
    {
        return rootValue(
                   QStringLiteral("SELECT COUNT(*) FROM `%1`.token WHERE %2").arg(m_db, where))
            .toLongLong();
    }
    qint64 leftovers()
    {
        return rootValue(
                   QStringLiteral("SELECT (SELECT COUNT(*) FROM information_schema.TABLES "
                                  "WHERE TABLE_SCHEMA = '%1' AND TABLE_NAME LIKE '\\_token\\_%%') "
                                  "+ (SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE "
                                  "TRIGGER_SCHEMA = '%1')")
                       .arg(m_db))
            .toLongLong();
    }
    // Every row the writer reports is there, revocations included.
    void verifyWriter(const Writer &w, const QString &prefix)
    {
        QCOMPARE(count(QStringLiteral("id LIKE '%1-%%'").arg(prefix)), qint64(w.inserted.load()));
        QCOMPARE(count(QStringLiteral("id LIKE '%1-%%' AND valid = 0").arg(prefix)),
                 qint64(w.revoked.load()));
    }
    QProcessEnvironment ctlEnv() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TURNSTILE_DB_PASSWORD"), m_password);
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("disabled:"));
        return env;
    }
    QStringList ctlArgs() const
    {
        return {QStringLiteral("purge-tokens"), QStringLiteral("--profile"),
                profile(m_user).name,           QStringLiteral("--method"),
                QStringLiteral("swap"),         QStringLiteral("--batch"),
                QStringLiteral("50"),           QStringLiteral("--execute"),
                QStringLiteral("--confirm"),    target()};
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_MYSQL_SOCKET")).isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
        const QString suffix = QString::number(QCoreApplication::applicationPid());
        m_db = QStringLiteral("tst_swap_") + suffix;
        m_user = QStringLiteral("tst_swap_") + suffix;
        m_narrow = QStringLiteral("tst_swapn_") + suffix;
        m_password =
            QString::number(QRandomGenerator::system()->generate64(), 36) + QStringLiteral("Aa1");
        m_root = std::make_unique<DbConnection>(labMysqlRootUrl(), QString());
        QVERIFY2(m_root->open(), qPrintable(m_root->error()));
        QVERIFY(rootExec(QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(m_db)));
        QVERIFY(rootExec(QStringLiteral("CREATE DATABASE `%1`").arg(m_db)));
        for (const QString &u : {m_user, m_narrow}) {
            QVERIFY(rootExec(QStringLiteral("DROP USER IF EXISTS '%1'@'127.0.0.1'").arg(u)));
            QVERIFY(rootExec(QStringLiteral("CREATE USER '%1'@'127.0.0.1' IDENTIFIED BY '%2'")
                                 .arg(u, m_password)));
        }
        QVERIFY(
            rootExec(QStringLiteral("GRANT ALL ON `%1`.* TO '%2'@'127.0.0.1'").arg(m_db, m_user)));
        QVERIFY(rootExec(QStringLiteral("GRANT SELECT, INSERT, UPDATE, DELETE ON `%1`.* TO "
                                        "'%2'@'127.0.0.1'")
                             .arg(m_db, m_narrow)));
        ProfileStore store;
        QVERIFY(store.save(profile(m_user)));
    }

    void cleanupTestCase()
    {
        if (!m_root)
            return;
        rootExec(QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(m_db));
        for (const QString &u : {m_user, m_narrow})
            rootExec(QStringLiteral("DROP USER IF EXISTS '%1'@'127.0.0.1'").arg(u));
    }

    void autoSwapsWhenMostRowsGoAndKeepsEveryRow()
    {
        seed(5000, 400);
        const QString live = seededLive();
        const Profile p = profile(m_user);
        TokenPurge purge(p, secrets());
        purge.setMethod(TokenPurge::Method::Auto);
        ThrottleSettings small;
        small.maxBatch = 60; // several copy chunks under the writer
        purge.setThrottle(small);
        const ActionPreview preview = purge.preview();
        QVERIFY2(!preview.refused(), qPrintable(preview.refusal));
        QCOMPARE(preview.parameters.value(u"method").toString(), QStringLiteral("swap"));
        QVERIFY2(preview.consequences.join(u' ').contains(QStringLiteral("copy and swap")),
                 qPrintable(preview.consequences.join(u'\n')));
        // The DROP's one-off stall on commits is said before the operator confirms.
        QVERIFY2(preview.consequences.join(u' ').contains(QStringLiteral("deleted in one step")),
                 qPrintable(preview.consequences.join(u'\n')));
        QVERIFY(preview.parameters.contains(QStringLiteral("old_table_mib")));
        QVERIFY(preview.statements.join(u' ').contains(QStringLiteral("RENAME TABLE")));

        Writer w(m_db, QStringLiteral("wa"));
        w.start();
        QThread::msleep(100);
        AuditLog audit;
        GuardedWorkflow wf(p, audit);
        ActionControl control;
        const ActionResult r =
            wf.run(purge, preview, Confirmation{preview.target.text, -1}, control);
        QThread::msleep(100);
        w.stop = true;
        w.wait();
        QVERIFY2(r.outcome == ActionResult::Outcome::Completed, qPrintable(r.message));
        QCOMPARE(r.details.value(u"method").toString(), QStringLiteral("swap"));
        QVERIFY(preview.estimateBasis.contains(QStringLiteral("copied")));
        QVERIFY(w.inserted.load() > 10);
        QCOMPARE(count(QStringLiteral("user_id LIKE 'u%'")), 0); // every expired row went
        QCOMPARE(seededLive(), live);
        verifyWriter(w, QStringLiteral("wa"));
        QCOMPARE(leftovers(), 0);
        QVERIFY(!PendingJournal::load(preview.action, preview.target.text));
    }

    // The preview of a swap reads grants, keys and triggers, and sends no
    // statement that changes anything.
    void swapPreviewChangesNothing()
    {
        seed(300, 20);
        QVERIFY(rootExec(QStringLiteral("SET GLOBAL log_output = 'TABLE'")));
        QVERIFY(rootExec(QStringLiteral("TRUNCATE TABLE mysql.general_log")));
        QVERIFY(rootExec(QStringLiteral("SET GLOBAL general_log = 1")));
        TokenPurge purge(profile(m_user), secrets());
        purge.setMethod(TokenPurge::Method::Auto);
        const ActionPreview p = purge.preview();
        QVERIFY(rootExec(QStringLiteral("SET GLOBAL general_log = 0")));
        QCOMPARE(p.parameters.value(u"method").toString(), QStringLiteral("swap"));
        const QString mine = QStringLiteral("FROM mysql.general_log WHERE user_host LIKE '%1%%' "
                                            "AND command_type = 'Query'")
                                 .arg(m_user);
        QVERIFY(rootValue(QStringLiteral("SELECT COUNT(*) ") + mine).toLongLong() > 0);
        QCOMPARE(rootValue(QStringLiteral("SELECT COUNT(*) ") + mine +
                           QStringLiteral(" AND UPPER(TRIM(CAST(argument AS CHAR))) REGEXP "
                                          "'^(CREATE|DROP|RENAME|INSERT|REPLACE|DELETE|UPDATE|"
                                          "ALTER|TRUNCATE)'"))
                     .toLongLong(),
                 0);
        QCOMPARE(leftovers(), 0);
        QCOMPARE(count(QStringLiteral("1")), 322);
    }

    // What an interrupted swap left is dropped only on the server the
    // operator confirmed: with another server behind the target, the chunked
    // run is refused before its repair, and the leftover stays.
    void leftoversAreDroppedOnlyOnTheConfirmedServer()
    {
        seed(400, 50);
        QVERIFY(rootExec(QStringLiteral("CREATE TABLE `%1`._token_new LIKE `%1`.token").arg(m_db)));
        QCOMPARE(leftovers(), 1);
        TokenPurge purge(profile(m_user), secrets());
        purge.setMethod(TokenPurge::Method::Chunked);
        ActionPreview p = purge.preview();
        QVERIFY2(!p.refused(), qPrintable(p.refusal));
        const QString confirmedServer = p.serverIdentity;
        p.serverIdentity = QStringLiteral("mysql:db2.example:3306");
        AuditLog audit;
        GuardedWorkflow wf(profile(m_user), audit);
        ActionControl control;
        ActionResult r = wf.run(purge, p, Confirmation{p.target.text, -1}, control);
        QCOMPARE(r.outcome, ActionResult::Outcome::Refused);
        QVERIFY2(r.message.contains(QStringLiteral("db2.example")), qPrintable(r.message));
        QCOMPARE(leftovers(), 1);
        QCOMPARE(count(QStringLiteral("user_id LIKE 'u%'")), 400);

        p.serverIdentity = confirmedServer;
        r = wf.run(purge, p, Confirmation{p.target.text, -1}, control);
        QVERIFY2(r.outcome == ActionResult::Outcome::Completed, qPrintable(r.message));
        QCOMPARE(leftovers(), 0);
        QCOMPARE(count(QStringLiteral("user_id LIKE 'u%'")), 0);
    }

    void fallsBackToChunkedAndSaysWhy()
    {
        seed(500, 50);
        // No TRIGGER/CREATE/DROP/ALTER: the swap that was asked for falls back.
        TokenPurge narrow(profile(m_narrow), secrets());
        narrow.setMethod(TokenPurge::Method::Swap);
        ActionPreview p = narrow.preview();
        QVERIFY2(!p.refused(), qPrintable(p.refusal));
        QCOMPARE(p.parameters.value(u"method").toString(), QStringLiteral("chunked"));
        QVERIFY2(
            p.parameters.value(u"method_reason").toString().contains(QStringLiteral("TRIGGER")),
            qPrintable(p.parameters.value(u"method_reason").toString()));
        QVERIFY(p.warnings.join(u' ').contains(QStringLiteral("falls back")));

        // Few rows go: auto keeps the chunked delete.
        seed(10, 500);
        TokenPurge few(profile(m_user), secrets());
        few.setMethod(TokenPurge::Method::Auto);
        p = few.preview();
        QCOMPARE(p.parameters.value(u"method").toString(), QStringLiteral("chunked"));
        QVERIFY2(p.parameters.value(u"method_reason").toString().contains(QStringLiteral("%")),
                 qPrintable(p.parameters.value(u"method_reason").toString()));

        // A trigger of its own on token: a copy would lose it.
        seed(500, 50);
        QVERIFY(rootExec(QStringLiteral("CREATE TRIGGER `%1`.keep_me AFTER INSERT ON `%1`.token "
                                        "FOR EACH ROW SET @x = 1")
                             .arg(m_db)));
        TokenPurge withTrigger(profile(m_user), secrets());
        withTrigger.setMethod(TokenPurge::Method::Auto);
        p = withTrigger.preview();
        QCOMPARE(p.parameters.value(u"method").toString(), QStringLiteral("chunked"));
        QVERIFY2(
            p.parameters.value(u"method_reason").toString().contains(QStringLiteral("keep_me")),
            qPrintable(p.parameters.value(u"method_reason").toString()));
        QVERIFY(rootExec(QStringLiteral("DROP TRIGGER `%1`.keep_me").arg(m_db)));

        // A foreign key to token: the renamed copy would not keep it.
        // (The column copied from token's, so charset and collation match.)
        QVERIFY(rootExec(QStringLiteral("CREATE TABLE `%1`.token_ref ENGINE=InnoDB AS SELECT id AS "
                                        "tid FROM `%1`.token LIMIT 0")
                             .arg(m_db)));
        QVERIFY(rootExec(QStringLiteral("ALTER TABLE `%1`.token_ref ADD FOREIGN KEY (tid) "
                                        "REFERENCES `%1`.token (id)")
                             .arg(m_db)));
        TokenPurge withKey(profile(m_user), secrets());
        withKey.setMethod(TokenPurge::Method::Swap);
        p = withKey.preview();
        QVERIFY(rootExec(QStringLiteral("DROP TABLE `%1`.token_ref").arg(m_db)));
        QCOMPARE(p.parameters.value(u"method").toString(), QStringLiteral("chunked"));
        QVERIFY2(
            p.parameters.value(u"method_reason").toString().contains(QStringLiteral("foreign key")),
            qPrintable(p.parameters.value(u"method_reason").toString()));

        // The class default stays the chunked delete.
        TokenPurge plain(profile(m_user), secrets());
        QCOMPARE(plain.preview().parameters.value(u"method").toString(), QStringLiteral("chunked"));
    }

    // A KILL of the purge's connection mid copy: the statement is retried on
    // a new connection, the lock taken again, and the swap completes.
    void killedConnectionMidCopyStillSwapsEverything()
    {
        seed(3000, 400);
        const QString live = seededLive();
        const Profile p = profile(m_user);
        TokenPurge purge(p, secrets());
        purge.setMethod(TokenPurge::Method::Swap);
        ThrottleSettings small;
        small.maxBatch = 50;
        purge.setThrottle(small);
        const ActionPreview preview = purge.preview();
        QCOMPARE(preview.parameters.value(u"method").toString(), QStringLiteral("swap"));
        Writer w(m_db, QStringLiteral("kc"));
        w.start();
        int killed = 0;
        ActionControl control([&](const ActionProgress &pr) {
            if (pr.batches != 3 || killed)
                return;
            QSqlQuery q(m_root->database());
            QVERIFY(q.exec(QStringLiteral("SELECT ID FROM information_schema.PROCESSLIST WHERE "
                                          "USER = '%1'")
                               .arg(m_user)));
            while (q.next()) {
                QSqlQuery k(m_root->database());
                if (k.exec(QStringLiteral("KILL CONNECTION %1").arg(q.value(0).toLongLong())))
                    ++killed;
            }
        });
        AuditLog audit;
        GuardedWorkflow wf(p, audit);
        const ActionResult r =
            wf.run(purge, preview, Confirmation{preview.target.text, -1}, control);
        w.stop = true;
        w.wait();
        QVERIFY(killed > 0);
        QVERIFY2(r.outcome == ActionResult::Outcome::Completed, qPrintable(r.message));
        QCOMPARE(count(QStringLiteral("user_id LIKE 'u%'")), 0);
        QCOMPARE(seededLive(), live);
        verifyWriter(w, QStringLiteral("kc"));
        QCOMPARE(leftovers(), 0);
    }

    // A transaction Keystone keeps open on token holds its metadata lock: the
    // RENAME waits for it at most a second at a time, so the writers queue
    // behind the swap only that long, and the swap happens once it ends.
    void anOpenTransactionDelaysTheSwapWithoutStallingWriters()
    {
        seed(3000, 300);
        const QString live = seededLive();
        const Profile p = profile(m_user);
        TokenPurge purge(p, secrets());
        purge.setMethod(TokenPurge::Method::Swap);
        ThrottleSettings small;
        small.maxBatch = 50;
        purge.setThrottle(small);
        const ActionPreview preview = purge.preview();
        QCOMPARE(preview.parameters.value(u"method").toString(), QStringLiteral("swap"));
        Writer w(m_db, QStringLiteral("ot"));
        w.start();
        std::atomic<bool> holding{false};
        std::thread holder;
        const QString db = m_db;
        ActionControl control([&](const ActionProgress &pr) {
            if (pr.batches != 2 || holder.joinable())
                return;
            holder = std::thread([&holding, db] {
                DbConnection c(labMysqlRootUrl(db), QString());
                if (!c.open())
                    return;
                QSqlQuery q(c.database());
                q.exec(QStringLiteral("BEGIN"));
                q.exec(QStringLiteral("SELECT COUNT(*) FROM token"));
                holding = true;
                QThread::msleep(3500);
                q.exec(QStringLiteral("COMMIT"));
            });
            while (!holding.load())
                QThread::msleep(5);
        });
        AuditLog audit;
        GuardedWorkflow wf(p, audit);
        QElapsedTimer t;
        t.start();
        const ActionResult r =
            wf.run(purge, preview, Confirmation{preview.target.text, -1}, control);
        const qint64 tookMs = t.elapsed();
        w.stop = true;
        w.wait();
        holder.join();
        QVERIFY2(r.outcome == ActionResult::Outcome::Completed, qPrintable(r.message));
        QVERIFY2(tookMs >= 2500, qPrintable(QString::number(tookMs))); // it did wait
        QVERIFY2(w.slowestInsertMs.load() < 1800,
                 qPrintable(QString::number(w.slowestInsertMs.load())));
        QCOMPARE(count(QStringLiteral("user_id LIKE 'u%'")), 0);
        QCOMPARE(seededLive(), live);
        verifyWriter(w, QStringLiteral("ot"));
        QCOMPARE(leftovers(), 0);
    }

    void killAtEachStepLeavesTokenCompleteAndTheRerunFinishes_data()
    {
        QTest::addColumn<QString>("step");
        QTest::addColumn<bool>("swapped"); // the kill came after the RENAME
        QTest::newRow("mid copy") << QStringLiteral("copy") << false;
        QTest::newRow("between triggers and swap") << QStringLiteral("before-swap") << false;
        QTest::newRow("during the swap") << QStringLiteral("after-swap") << true;
        QTest::newRow("during the drop") << QStringLiteral("drop") << true;
    }

    void killAtEachStepLeavesTokenCompleteAndTheRerunFinishes()
    {
        QFETCH(QString, step);
        QFETCH(bool, swapped);
        seed(4000, 300);
        const QString live = seededLive();
        const QString prefix = step;
        Writer w(m_db, prefix);
        w.start();

        QProcessEnvironment env = ctlEnv();
        env.insert(QStringLiteral("TURNSTILE_TEST_SWAP_STOP"), step);
        QProcess ctl;
        ctl.setProcessEnvironment(env);
        ctl.start(testsupport::builtProgram(QStringLiteral("turnstilectl")), ctlArgs());
        QVERIFY(ctl.waitForFinished(120000));
        QVERIFY2(ctl.exitStatus() == QProcess::CrashExit,
                 qPrintable(
                     QString::fromUtf8(ctl.readAllStandardOutput() + ctl.readAllStandardError())));

        // Right after the kill, with the writer still going: token is there
        // and complete, and Keystone's writes still land in it.
        QThread::msleep(200);
        QCOMPARE(seededLive(), live);
        QCOMPARE(count(QStringLiteral("user_id LIKE 'u%'")), swapped ? 0 : 4000);
        QVERIFY(leftovers() > 0);
        const auto journal = PendingJournal::load(QStringLiteral("purge.tokens"), target());
        QVERIFY(journal);
        QVERIFY2(journal->step.startsWith(QStringLiteral("swap.")), qPrintable(journal->step));

        QProcess again;
        again.setProcessEnvironment(ctlEnv());
        again.start(testsupport::builtProgram(QStringLiteral("turnstilectl")), ctlArgs());
        QVERIFY(again.waitForFinished(120000));
        const QString out = QString::fromUtf8(again.readAllStandardOutput());
        QVERIFY2(again.exitStatus() == QProcess::NormalExit && again.exitCode() == 0,
                 qPrintable(out + QString::fromUtf8(again.readAllStandardError())));
        QVERIFY2(out.contains(QStringLiteral("interrupted copy-and-swap")), qPrintable(out));
        // Before the swap the rows still go, and it swaps again; after it nothing goes,
        // and the chunked path only drops what was left.
        QVERIFY2(out.contains(swapped ? QStringLiteral("Method: chunked delete")
                                      : QStringLiteral("Method: copy and swap")),
                 qPrintable(out));
        QThread::msleep(100);
        w.stop = true;
        w.wait();

        QCOMPARE(leftovers(), 0);
        QCOMPARE(count(QStringLiteral("user_id LIKE 'u%'")), 0);
        QCOMPARE(seededLive(), live);
        QVERIFY(w.inserted.load() > 0);
        verifyWriter(w, prefix);
        QVERIFY(!PendingJournal::load(QStringLiteral("purge.tokens"), target()));
    }
};

QTEST_GUILESS_MAIN(TestPurgeSwap)
#include "tst_purge_swap.moc"
