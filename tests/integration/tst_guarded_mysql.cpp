// The guarded row-deleting actions against the lab's real MariaDB: a scratch
// schema cloned from Keystone's (CREATE TABLE … LIKE keystone.token), seeded
// relative to the database clock. Every test that deletes compares a checksum
// of the rows that must stay (expires >= cutoff or NULL) before and after, so
// "nothing that should stay is lost" is checked, not assumed.
#include "db/dbconnection.h"
#include "db/rowcount.h"
#include "guarded/actioncontrol.h"
#include "guarded/auditlog.h"
#include "guarded/guardedworkflow.h"
#include "guarded/pendingjournal.h"
#include "guarded/revocationcleanup.h"
#include "guarded/tokenpurge.h"
#include "isolatedenvironment.h"
#include "profiles/profilestore.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QtConcurrent/QtConcurrentRun>
#include <QTest>

#include <atomic>
#include <csignal>
#include <memory>
#include <unistd.h>

using namespace turnstile;
using testsupport::execOrWarn;
using testsupport::lab;
using testsupport::labMysqlRootUrl;

class TestGuardedMySql : public QObject
{
    Q_OBJECT

    QString m_db;      // Keystone's token and revocation_event tables
    QString m_missing; // no token table
    QString m_odd;     // a token table with an unexpected structure
    QString m_user;    // ALL on the scratch schemas
    QString m_roUser;  // SELECT only
    QString m_password;
    std::unique_ptr<DbConnection> m_root;
    // Audit log, pending journals and profiles of its own, here and in the
    // turnstilectl it runs.
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

    Profile profile(const QString &user, const QString &database) const
    {
        Profile p;
        p.name = QStringLiteral("guarded-") + database;
        p.databaseUrl = QStringLiteral("mysql+pymysql://%1@%2:%3/%4")
                            .arg(user, lab(QStringLiteral("TURNSTILE_LAB_MYSQL_HOST")),
                                 lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")), database);
        return p;
    }
    Profile writer() const { return profile(m_user, m_db); }
    // The confirmation target: schema.table@host:port.
    QString target(const QString &table) const
    {
        return QStringLiteral("%1.%2@127.0.0.1:%3")
            .arg(m_db, table, lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")));
    }
    Secrets secrets() const
    {
        Secrets s;
        s.databasePassword = m_password;
        return s;
    }

    // `expired` rows spread over the 30 days before the cut (one a second
    // before it), `live` rows after it (one a minute after it), and 3 rows
    // without expires. The cut is the database clock minus two days.
    void seedTokens(int expired, int live)
    {
        QVERIFY(rootExec(QStringLiteral("DELETE FROM `%1`.token").arg(m_db)));
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
                           "INTERVAL 1 MINUTE + INTERVAL seq MINUTE, '{}', 1, 'live' FROM "
                           "seq_1_to_%2")
                .arg(m_db)
                .arg(live)));
        QVERIFY(rootExec(QStringLiteral("INSERT INTO `%1`.token (id, expires, valid) VALUES "
                                        "('null-1', NULL, 1), ('null-2', NULL, 0), "
                                        "('null-3', NULL, 1)")
                             .arg(m_db)));
    }
    // Rows that must survive: count and an order-independent checksum.
    QString liveChecksum()
    {
        return rootValue(QStringLiteral("SELECT CONCAT(COUNT(*), ':', COALESCE(BIT_XOR(CRC32(id)), "
                                        "0)) FROM `%1`.token WHERE expires >= UTC_TIMESTAMP() - "
                                        "INTERVAL 2 DAY OR expires IS NULL")
                             .arg(m_db))
            .toString();
    }
    qint64 count(const QString &where = QStringLiteral("1"))
    {
        return rootValue(
                   QStringLiteral("SELECT COUNT(*) FROM `%1`.token WHERE %2").arg(m_db, where))
            .toLongLong();
    }
    static ActionResult runConfirmed(TableCleanup &action, const Profile &p, ActionControl &control,
                                     ActionPreview *previewOut = nullptr, qint64 acknowledge = -1)
    {
        const ActionPreview preview = action.preview();
        if (previewOut)
            *previewOut = preview;
        AuditLog audit;
        GuardedWorkflow wf(p, audit);
        return wf.run(action, preview, Confirmation{preview.target.text, acknowledge}, control);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_MYSQL_SOCKET")).isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
        const QString suffix = QString::number(QCoreApplication::applicationPid());
        m_db = QStringLiteral("tst_guarded_") + suffix;
        m_missing = QStringLiteral("tst_guarded_missing_") + suffix;
        m_odd = QStringLiteral("tst_guarded_odd_") + suffix;
        m_user = QStringLiteral("tst_guard_") + suffix;
        m_roUser = QStringLiteral("tst_guard_ro_") + suffix;
        m_password =
            QString::number(QRandomGenerator::system()->generate64(), 36) + QStringLiteral("Aa1");
        m_root = std::make_unique<DbConnection>(labMysqlRootUrl(), QString());
        QVERIFY2(m_root->open(), qPrintable(m_root->error()));
        for (const QString &d : {m_db, m_missing, m_odd}) {
            QVERIFY(rootExec(QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(d)));
            QVERIFY(rootExec(QStringLiteral("CREATE DATABASE `%1`").arg(d)));
        }
        for (const char *t : {"token", "revocation_event"})
            QVERIFY(rootExec(QStringLiteral("CREATE TABLE `%1`.`%2` LIKE `keystone`.`%2`")
                                 .arg(m_db, QLatin1String(t))));
        QVERIFY(rootExec(QStringLiteral("CREATE TABLE `%1`.token (id varchar(64) PRIMARY KEY, "
                                        "expires varchar(32), valid tinyint(1))")
                             .arg(m_odd)));
        for (const QString &u : {m_user, m_roUser}) {
            QVERIFY(rootExec(QStringLiteral("DROP USER IF EXISTS '%1'@'127.0.0.1'").arg(u)));
            QVERIFY(rootExec(QStringLiteral("CREATE USER '%1'@'127.0.0.1' IDENTIFIED BY '%2'")
                                 .arg(u, m_password)));
        }
        for (const QString &d : {m_db, m_missing, m_odd})
            QVERIFY(
                rootExec(QStringLiteral("GRANT ALL ON `%1`.* TO '%2'@'127.0.0.1'").arg(d, m_user)));
        QVERIFY(rootExec(
            QStringLiteral("GRANT SELECT ON `%1`.* TO '%2'@'127.0.0.1'").arg(m_db, m_roUser)));
    }

    void cleanupTestCase()
    {
        if (!m_root)
            return;
        for (const QString &d : {m_db, m_missing, m_odd})
            rootExec(QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(d));
        for (const QString &u : {m_user, m_roUser})
            rootExec(QStringLiteral("DROP USER IF EXISTS '%1'@'127.0.0.1'").arg(u));
    }

    void previewShowsTheExactTargetAndFigures()
    {
        seedTokens(3000, 200);
        TokenPurge purge(writer(), secrets());
        const ActionPreview p = purge.preview();
        QVERIFY2(!p.refused(), qPrintable(p.refusal));
        QCOMPARE(p.target.text, target(QStringLiteral("token")));
        QCOMPARE(p.rowsToGo, 3000);
        QCOMPARE(p.rowsToStay, 203);
        QCOMPARE(purge.retentionSec(), TokenPurge::kDefaultRetentionSec);
        QVERIFY(p.cutoff.isValid());
        QVERIFY(p.newestAffected < p.cutoff);
        QVERIFY(p.oldestAffected < p.newestAffected);
        QVERIFY(p.estimatedSeconds >= 0);
        QCOMPARE(p.statements.size(), 2);
        QVERIFY(p.statements.at(1).contains(QStringLiteral("`expires` < :cutoff")));
        QVERIFY(!p.statements.join(u' ').contains(QStringLiteral("OFFSET")));
        QCOMPARE(count(), 3203); // a preview changes nothing
    }

    void wrongConfirmationAndReadOnlyProfileRunNothing()
    {
        seedTokens(500, 20);
        TokenPurge purge(writer(), secrets());
        const ActionPreview p = purge.preview();
        QVERIFY2(!p.refused(), qPrintable(p.refusal));
        AuditLog audit;
        const int linesBefore = audit.verify().lines;
        GuardedWorkflow wf(writer(), audit);
        ActionControl control;
        for (const QString &typed :
             {QString(), QStringLiteral("%1.token@db1.example").arg(m_db),
              QStringLiteral("keystone.token@127.0.0.1"), p.target.text + QStringLiteral("x")}) {
            const ActionResult r = wf.run(purge, p, Confirmation{typed, -1}, control);
            QCOMPARE(r.outcome, ActionResult::Outcome::Refused);
            QVERIFY2(r.message.contains(p.target.text), qPrintable(r.message));
        }
        Profile ro = writer();
        ro.readOnly = true;
        GuardedWorkflow roWf(ro, audit);
        const ActionResult r = roWf.run(purge, p, Confirmation{p.target.text, -1}, control);
        QCOMPARE(r.outcome, ActionResult::Outcome::Refused);
        QVERIFY(r.message.contains(QStringLiteral("read-only")));
        TokenPurge roPurge(ro, secrets());
        QVERIFY(roPurge.preview().refusal.contains(QStringLiteral("read-only")));
        QCOMPARE(count(), 523);
        QCOMPARE(audit.verify().lines, linesBefore); // refusals are not actions
    }

    void purgeLeavesExactlyTheLiveRowsAndAnAuditLine()
    {
        seedTokens(12000, 300);
        const QString live = liveChecksum();
        TokenPurge purge(writer(), secrets());
        ThrottleSettings t;
        t.maxBatch = 500;
        purge.setThrottle(t);
        QList<ActionProgress> seen;
        ActionControl control([&](const ActionProgress &p) { seen.append(p); });
        ActionPreview preview;
        const ActionResult r = runConfirmed(purge, writer(), control, &preview);
        QCOMPARE(r.outcome, ActionResult::Outcome::Completed);
        QCOMPARE(r.affected, 12000);
        QCOMPARE(r.before, 12303);
        QCOMPARE(r.after, 303);
        QVERIFY(r.batches >= 12000 / 500);
        QVERIFY(r.slowestBatchMs > 0);
        QCOMPARE(liveChecksum(), live);
        QCOMPARE(count(QStringLiteral("expires < UTC_TIMESTAMP() - INTERVAL 2 DAY")), 0);
        QVERIFY(!seen.isEmpty());
        QCOMPARE(seen.last().done, 12000);
        QVERIFY(seen.last().rowsPerSecond > 0);
        // No journal is left for a completed run.
        QVERIFY(!PendingJournal::load(preview.action, preview.target.text));

        AuditLog audit;
        QVERIFY(audit.verify().ok);
        const auto records = audit.read(writer().name);
        QVERIFY(records && !records->isEmpty());
        const QJsonObject last = records->last();
        QCOMPARE(last.value(u"action").toString(), QStringLiteral("purge.tokens"));
        QCOMPARE(last.value(u"target").toString(), preview.target.text);
        QCOMPARE(last.value(u"result").toObject().value(u"affected").toInteger(), 12000);
        QCOMPARE(last.value(u"preview").toObject().value(u"rows_to_go").toInteger(), 12000);
        QCOMPARE(last.value(u"os_user").toString(), GuardedWorkflow::osUser());
        QVERIFY(!last.value(u"host").toString().isEmpty());
        QFile f(audit.path());
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().contains(m_password.toUtf8()));
    }

    void impossibleRetentionIsRefused()
    {
        TokenPurge negative(writer(), secrets(), -60);
        QVERIFY(negative.preview().refusal.contains(QStringLiteral("impossible")));
        TokenPurge huge(writer(), secrets(), 4000LL * 86400);
        QVERIFY(huge.preview().refusal.contains(QStringLiteral("impossible")));
    }

    void missingOrUnexpectedTableIsRefused()
    {
        TokenPurge missing(profile(m_user, m_missing), secrets());
        const ActionPreview a = missing.preview();
        QVERIFY2(a.refusal.contains(QStringLiteral("does not exist")), qPrintable(a.refusal));
        TokenPurge odd(profile(m_user, m_odd), secrets());
        const ActionPreview b = odd.preview();
        QVERIFY2(b.refusal.contains(QStringLiteral("unexpected structure")), qPrintable(b.refusal));
        QVERIFY2(b.refusal.contains(QStringLiteral("expires")), qPrintable(b.refusal));
    }

    void userWithoutDeleteIsToldBeforeAnythingRuns()
    {
        seedTokens(100, 10);
        TokenPurge purge(profile(m_roUser, m_db), secrets());
        const ActionPreview p = purge.preview();
        QVERIFY2(p.refusal.contains(QStringLiteral("cannot delete")), qPrintable(p.refusal));
        QVERIFY2(p.refusal.contains(QStringLiteral("DELETE command denied")),
                 qPrintable(p.refusal));
        QCOMPARE(count(), 113);
    }

    void cancelStopsAfterABatchAndARerunResumesWithTheSameCutoff()
    {
        seedTokens(6000, 100);
        const QString live = liveChecksum();
        TokenPurge first(writer(), secrets());
        ThrottleSettings t;
        t.maxBatch = 200;
        first.setThrottle(t);
        ActionControl *self = nullptr;
        ActionControl control([&](const ActionProgress &p) {
            if (p.batches == 3)
                self->cancel();
        });
        self = &control;
        ActionPreview p1;
        const ActionResult r1 = runConfirmed(first, writer(), control, &p1);
        QVERIFY2(r1.outcome == ActionResult::Outcome::Cancelled, qPrintable(r1.message));
        QCOMPARE(r1.batches, 3);
        QVERIFY(r1.affected > 0 && r1.affected < 6000);
        QCOMPARE(count(), 6103 - r1.affected);
        const auto pending = PendingJournal::load(p1.action, p1.target.text);
        QVERIFY(pending);
        QCOMPARE(pending->cutoff, p1.cutoff);

        QTest::qWait(1100); // the clock moves on; the resumed cutoff must not
        TokenPurge second(writer(), secrets());
        ActionControl c2;
        ActionPreview p2;
        const ActionResult r2 = runConfirmed(second, writer(), c2, &p2);
        QVERIFY(p2.resumesRunStartedAt.isValid());
        QCOMPARE(p2.cutoff, p1.cutoff);
        QCOMPARE(r2.outcome, ActionResult::Outcome::Completed);
        QCOMPARE(r1.affected + r2.affected, 6000);
        QCOMPARE(liveChecksum(), live);
        QVERIFY(!PendingJournal::load(p1.action, p1.target.text));
    }

    void killedConnectionIsRetriedAndCountsStayRight()
    {
        seedTokens(8000, 100);
        const QString live = liveChecksum();
        TokenPurge purge(writer(), secrets());
        ThrottleSettings t;
        t.maxBatch = 100;
        purge.setThrottle(t);
        int kills = 0;
        ActionControl control([&](const ActionProgress &p) {
            // From another connection, as an operator (or a watchdog) would.
            if (p.batches == 10 || p.batches == 40) {
                DbConnection killer(
                    DatabaseUrl::parse(QStringLiteral("mysql://root@localhost/mysql?unix_socket=%1")
                                           .arg(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_SOCKET")))),
                    QString());
                if (killer.open()) {
                    QSqlQuery q(killer.database());
                    q.exec(
                        QStringLiteral("SELECT ID FROM information_schema.PROCESSLIST WHERE USER "
                                       "= '%1'")
                            .arg(m_user));
                    while (q.next()) {
                        QSqlQuery k(killer.database());
                        if (k.exec(QStringLiteral("KILL %1").arg(q.value(0).toLongLong())))
                            ++kills;
                    }
                }
            }
        });
        const ActionResult r = runConfirmed(purge, writer(), control);
        QVERIFY(kills >= 2);
        QCOMPARE(r.outcome, ActionResult::Outcome::Completed);
        QCOMPARE(r.after, 103);
        QCOMPARE(count(QStringLiteral("expires < UTC_TIMESTAMP() - INTERVAL 2 DAY")), 0);
        QCOMPARE(liveChecksum(), live);
    }

    void lockWaitTimeoutIsRetriedWithBackoff()
    {
        seedTokens(2000, 10);
        const QString live = liveChecksum();
        // Another session holds a row lock on an expired row for longer than
        // the purge's 2 s lock wait: ERROR 1205 for that chunk, a retry after
        // a backoff, then success once the lock is gone.
        QVERIFY(rootExec(QStringLiteral("START TRANSACTION")));
        QVERIFY(rootExec(QStringLiteral("SELECT id FROM `%1`.token WHERE expires < "
                                        "UTC_TIMESTAMP() - INTERVAL 2 DAY ORDER BY id LIMIT 5 FOR "
                                        "UPDATE")
                             .arg(m_db)));
        TokenPurge purge(writer(), secrets());
        ThrottleSettings t;
        t.maxBatch = 100;
        t.backoffBaseMs = 100;
        purge.setThrottle(t);
        const Profile p = writer();
        QFuture<ActionResult> f = QtConcurrent::run([&purge, p] {
            ActionControl control;
            return runConfirmed(purge, p, control);
        });
        QThread::sleep(6); // well past the 2 s lock wait, however slow the start
        QVERIFY(rootExec(QStringLiteral("ROLLBACK")));
        f.waitForFinished();
        const ActionResult r = f.result();
        QCOMPARE(r.outcome, ActionResult::Outcome::Completed);
        QVERIFY2(r.retries >= 1, qPrintable(QString::number(r.retries)));
        QCOMPARE(r.affected, 2000);
        QCOMPARE(liveChecksum(), live);
    }

    void ctlKilledMidPurgeFinishesOnTheNextRun()
    {
        seedTokens(60000, 100);
        const QString live = liveChecksum();
        ProfileStore store;
        QVERIFY(store.save(writer()));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TURNSTILE_DB_PASSWORD"), m_password);
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("disabled:"));
        const QStringList args{QStringLiteral("purge-tokens"),
                               QStringLiteral("--profile"),
                               writer().name,
                               QStringLiteral("--batch"),
                               QStringLiteral("50"),
                               QStringLiteral("--execute"),
                               QStringLiteral("--confirm"),
                               target(QStringLiteral("token"))};
        QProcess ctl;
        ctl.setProcessEnvironment(env);
        ctl.start(testsupport::builtProgram(QStringLiteral("turnstilectl")), args);
        QVERIFY(ctl.waitForStarted());
        // Kill -9 once it has deleted something but is far from done.
        QElapsedTimer t;
        t.start();
        while (count() > 50000 && t.elapsed() < 20000)
            QThread::msleep(20);
        ::kill(pid_t(ctl.processId()), SIGKILL);
        QVERIFY(ctl.waitForFinished());
        const qint64 left = count(QStringLiteral("expires < UTC_TIMESTAMP() - INTERVAL 2 DAY"));
        QVERIFY2(left > 0 && left < 60000, qPrintable(QString::number(left)));
        QCOMPARE(liveChecksum(), live);

        QProcess again;
        again.setProcessEnvironment(env);
        again.start(testsupport::builtProgram(QStringLiteral("turnstilectl")), args);
        QVERIFY(again.waitForFinished(120000));
        const QString out = QString::fromUtf8(again.readAllStandardOutput());
        QVERIFY2(again.exitCode() == 0,
                 qPrintable(out + QString::fromUtf8(again.readAllStandardError())));
        QVERIFY2(out.contains(QStringLiteral("Resuming")), qPrintable(out));
        QCOMPARE(count(QStringLiteral("expires < UTC_TIMESTAMP() - INTERVAL 2 DAY")), 0);
        QCOMPARE(liveChecksum(), live);
    }

    void ctlDryRunIsTheDefaultAndFlagsAreChecked()
    {
        seedTokens(50, 5);
        ProfileStore store;
        QVERIFY(store.save(writer()));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TURNSTILE_DB_PASSWORD"), m_password);
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("disabled:"));
        auto ctl = [&](const QStringList &args, QString *out = nullptr) {
            QProcess p;
            p.setProcessEnvironment(env);
            p.start(testsupport::builtProgram(QStringLiteral("turnstilectl")), args);
            p.waitForFinished(60000);
            if (out)
                *out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
            return p.exitCode();
        };
        const QString name = writer().name;
        QString out;
        QCOMPARE(ctl({QStringLiteral("purge-tokens"), QStringLiteral("--profile"), name}, &out), 0);
        QVERIFY2(
            out.contains(QStringLiteral("--execute --confirm ") + target(QStringLiteral("token"))),
            qPrintable(out));
        QCOMPARE(count(), 58);
        QCOMPARE(ctl({QStringLiteral("purge-tokens"), QStringLiteral("--profile"), name,
                      QStringLiteral("--execute")}),
                 2);
        QCOMPARE(ctl({QStringLiteral("purge-tokens"), QStringLiteral("--profile"), name,
                      QStringLiteral("--older-than"), QStringLiteral("-3d")}),
                 2);
        QCOMPARE(ctl({QStringLiteral("purge-tokens"), QStringLiteral("--profile"), name,
                      QStringLiteral("--older-than"), QStringLiteral("soon")}),
                 2);
        // The shell splits "--older-than 7 d": a 7 and a stray d. It was a
        // 7-second retention with the d dropped; now both are refused.
        QCOMPARE(ctl({QStringLiteral("purge-tokens"), QStringLiteral("--profile"), name,
                      QStringLiteral("--older-than"), QStringLiteral("7"), QStringLiteral("d")},
                     &out),
                 2);
        QVERIFY2(out.contains(QStringLiteral("unit")) || out.contains(QStringLiteral("\"d\"")),
                 qPrintable(out));
        // A retention inside allow_expired_window (2 days by default) needs
        // to be accepted explicitly.
        QCOMPARE(ctl({QStringLiteral("purge-tokens"), QStringLiteral("--profile"), name,
                      QStringLiteral("--older-than"), QStringLiteral("1h")},
                     &out),
                 5);
        QVERIFY2(out.contains(QStringLiteral("--inside-allow-expired-window")), qPrintable(out));
        QCOMPARE(ctl({QStringLiteral("purge-tokens"), QStringLiteral("--profile"), name,
                      QStringLiteral("--older-than"), QStringLiteral("1h"),
                      QStringLiteral("--inside-allow-expired-window")}),
                 0);
        QCOMPARE(ctl({QStringLiteral("purge-tokens"), QStringLiteral("--profile"), name,
                      QStringLiteral("--execute"), QStringLiteral("--confirm"),
                      QStringLiteral("keystone.token@elsewhere")},
                     &out),
                 5);
        QCOMPARE(count(), 58);
        QCOMPARE(ctl({QStringLiteral("purge-tokens"), QStringLiteral("--profile"), name,
                      QStringLiteral("--json")},
                     &out),
                 0);
        const QJsonObject doc = QJsonDocument::fromJson(out.toUtf8()).object();
        QCOMPARE(doc.value(u"preview").toObject().value(u"rows_to_go").toInteger(), 50);
        QCOMPARE(ctl({QStringLiteral("audit"), QStringLiteral("--verify")}), 0);
    }

    void probeCountsAreExactWhenSmallAndEstimatedWhenBig()
    {
        seedTokens(5000, 50);
        QVERIFY(rootExec(QStringLiteral("ANALYZE TABLE `%1`.token").arg(m_db)));
        DbConnection db(DatabaseUrl::parse(writer().databaseUrl), m_password);
        QVERIFY(db.open());
        const RowCount exact = countRows(db, KeystoneTable::Token);
        QCOMPARE(exact.rows.value_or(-1), 5053);
        QVERIFY(!exact.estimated);
        // Above the threshold the probe never scans: the server's estimate.
        const RowCount big = countRows(db, KeystoneTable::Token, 1000);
        QVERIFY(big.estimated);
        QVERIFY2(big.rows.value_or(-1) > 1000 && big.rows.value_or(-1) < 20000,
                 qPrintable(QString::number(big.rows.value_or(-1))));
    }

    void revocationPruneDeletesOnlyObsoleteEvents_data()
    {
        QTest::addColumn<int>("connections");
        QTest::newRow("one connection") << 1;
        // revocation_event has an integer key: cut by value into three regions.
        QTest::newRow("three connections") << 3;
    }

    void revocationPruneDeletesOnlyObsoleteEvents()
    {
        QFETCH(int, connections);
        const QString t = QStringLiteral("`%1`.revocation_event").arg(m_db);
        QVERIFY(rootExec(QStringLiteral("DELETE FROM %1").arg(t)));
        // 400 obsolete (older than 1 h expiration + 30 min buffer), 30 recent,
        // 5 just inside the window.
        QVERIFY(rootExec(QStringLiteral("INSERT INTO %1 (audit_id, issued_before, revoked_at) "
                                        "SELECT CONCAT('old', seq), UTC_TIMESTAMP() - INTERVAL 2 "
                                        "HOUR - INTERVAL seq MINUTE, UTC_TIMESTAMP() - INTERVAL 2 "
                                        "HOUR - INTERVAL seq MINUTE FROM seq_1_to_400")
                             .arg(t)));
        QVERIFY(
            rootExec(QStringLiteral("INSERT INTO %1 (user_id, issued_before, revoked_at) SELECT "
                                    "CONCAT('u', seq), UTC_TIMESTAMP() - INTERVAL seq MINUTE, "
                                    "UTC_TIMESTAMP() - INTERVAL seq MINUTE FROM seq_1_to_30")
                         .arg(t)));
        QVERIFY(rootExec(QStringLiteral("INSERT INTO %1 (audit_id, issued_before, revoked_at) "
                                        "SELECT CONCAT('edge', seq), UTC_TIMESTAMP() - INTERVAL 89 "
                                        "MINUTE, UTC_TIMESTAMP() - INTERVAL 89 MINUTE FROM "
                                        "seq_1_to_5")
                             .arg(t)));
        RevocationCleanup prune(writer(), secrets(), RevocationCleanup::Mode::PruneObsolete, 3600);
        prune.setThrottle(operatorThrottle(50, connections));
        ActionControl control;
        ActionPreview preview;
        const ActionResult r = runConfirmed(prune, writer(), control, &preview);
        QCOMPARE(r.details.value(u"regions").toInt(1), connections);
        QCOMPARE(preview.target.text, target(QStringLiteral("revocation_event")));
        QCOMPARE(preview.rowsToGo, 400);
        QCOMPARE(preview.mustAcknowledge, -1);
        QCOMPARE(r.outcome, ActionResult::Outcome::Completed);
        QCOMPARE(r.affected, 400);
        QCOMPARE(rootValue(QStringLiteral("SELECT COUNT(*) FROM %1").arg(t)).toInt(), 35);
        QCOMPARE(
            rootValue(QStringLiteral("SELECT COUNT(*) FROM %1 WHERE audit_id LIKE 'old%'").arg(t))
                .toInt(),
            0);
    }

    void revocationTruncateNeedsTheProtectingCountAcknowledged()
    {
        const QString t = QStringLiteral("`%1`.revocation_event").arg(m_db);
        QVERIFY(rootExec(QStringLiteral("DELETE FROM %1").arg(t)));
        QVERIFY(rootExec(QStringLiteral("INSERT INTO %1 (audit_id, issued_before, revoked_at) "
                                        "SELECT CONCAT('old', seq), UTC_TIMESTAMP() - INTERVAL 3 "
                                        "HOUR, UTC_TIMESTAMP() - INTERVAL 3 HOUR FROM seq_1_to_100")
                             .arg(t)));
        QVERIFY(rootExec(QStringLiteral("INSERT INTO %1 (project_id, issued_before, revoked_at) "
                                        "SELECT CONCAT('p', seq), UTC_TIMESTAMP() - INTERVAL seq "
                                        "MINUTE, UTC_TIMESTAMP() - INTERVAL seq MINUTE FROM "
                                        "seq_1_to_25")
                             .arg(t)));
        RevocationCleanup truncate(writer(), secrets(), RevocationCleanup::Mode::TruncateAll, 3600);
        const ActionPreview p = truncate.preview();
        QVERIFY2(!p.refused(), qPrintable(p.refusal));
        QCOMPARE(p.rowsToGo, 125);
        QCOMPARE(p.mustAcknowledge, 25);
        QVERIFY(p.consequences.join(u' ').contains(QStringLiteral("valid again")));
        AuditLog audit;
        GuardedWorkflow wf(writer(), audit);
        ActionControl control;
        ActionResult r = wf.run(truncate, p, Confirmation{p.target.text, -1}, control);
        QCOMPARE(r.outcome, ActionResult::Outcome::Refused);
        r = wf.run(truncate, p, Confirmation{p.target.text, 24}, control);
        QCOMPARE(r.outcome, ActionResult::Outcome::Refused);
        // More than the count is not "having read it" either.
        r = wf.run(truncate, p, Confirmation{p.target.text, 999999}, control);
        QCOMPARE(r.outcome, ActionResult::Outcome::Refused);
        QVERIFY2(r.message.contains(QStringLiteral("exactly")), qPrintable(r.message));
        QCOMPARE(rootValue(QStringLiteral("SELECT COUNT(*) FROM %1").arg(t)).toInt(), 125);
        // An event recorded after the preview is not part of the confirmed set.
        QVERIFY(rootExec(QStringLiteral("INSERT INTO %1 (audit_id, issued_before, revoked_at) "
                                        "VALUES ('after-preview', UTC_TIMESTAMP(), "
                                        "UTC_TIMESTAMP())")
                             .arg(t)));
        r = wf.run(truncate, p, Confirmation{p.target.text, 25}, control);
        QCOMPARE(r.outcome, ActionResult::Outcome::Completed);
        QCOMPARE(r.affected, 125);
        QCOMPARE(
            rootValue(QStringLiteral("SELECT GROUP_CONCAT(audit_id) FROM %1").arg(t)).toString(),
            QStringLiteral("after-preview"));
    }

    // Without a keystone.conf the token lifetime is unknown: Keystone's
    // default (1 h) deleted events that still protected tokens in clouds with
    // longer ones. A keystone.conf that does not load is no better.
    void revocationActionsRefuseAnUnknownTokenLifetime()
    {
        for (const auto mode :
             {RevocationCleanup::Mode::PruneObsolete, RevocationCleanup::Mode::TruncateAll}) {
            RevocationCleanup unknown(writer(), secrets(), mode);
            const ActionPreview p = unknown.preview();
            QVERIFY2(p.refusal.contains(QStringLiteral("--token-expiration")),
                     qPrintable(p.refusal));
        }
        const QString broken = m_tmp.filePath(QStringLiteral("broken-keystone.conf"));
        {
            QFile f(broken);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("[token]\nexpiration = soon\n");
        }
        Profile withBroken = writer();
        withBroken.keystoneConfPath = broken;
        RevocationCleanup prune(withBroken, secrets(), RevocationCleanup::Mode::PruneObsolete,
                                3600);
        const ActionPreview p = prune.preview();
        QVERIFY2(p.refusal.contains(broken), qPrintable(p.refusal));
        QVERIFY2(p.refusal.contains(QStringLiteral("expiration")), qPrintable(p.refusal));
        TokenPurge purge(withBroken, secrets());
        QVERIFY2(purge.preview().refusal.contains(broken), qPrintable(purge.preview().refusal));
    }

    // The dry run checks the DELETE privilege without sending a DELETE.
    void dryRunSendsNoDelete()
    {
        seedTokens(20, 5);
        QVERIFY(rootExec(QStringLiteral("SET GLOBAL log_output = 'TABLE'")));
        QVERIFY(rootExec(QStringLiteral("TRUNCATE TABLE mysql.general_log")));
        QVERIFY(rootExec(QStringLiteral("SET GLOBAL general_log = 1")));
        TokenPurge purge(writer(), secrets());
        const ActionPreview p = purge.preview();
        QVERIFY(rootExec(QStringLiteral("SET GLOBAL general_log = 0")));
        QVERIFY2(!p.refused(), qPrintable(p.refusal));
        const qint64 deletes =
            rootValue(QStringLiteral("SELECT COUNT(*) FROM mysql.general_log WHERE user_host LIKE "
                                     "'%1%' AND UPPER(TRIM(CAST(argument AS CHAR))) LIKE "
                                     "'DELETE%'")
                          .arg(m_user))
                .toLongLong();
        const qint64 seen =
            rootValue(QStringLiteral("SELECT COUNT(*) FROM mysql.general_log WHERE user_host LIKE "
                                     "'%1%'")
                          .arg(m_user))
                .toLongLong();
        QVERIFY(seen > 0); // the log did see the preview's session
        QCOMPARE(deletes, 0);
        QCOMPARE(count(), 28);
    }

    // Two purges of one table never run at once; the second says who holds it.
    void secondRunOfTheSameTableIsToldWhoHoldsIt()
    {
        seedTokens(3000, 10);
        TokenPurge first(writer(), secrets());
        ThrottleSettings t;
        t.maxBatch = 100;
        first.setThrottle(t);
        ActionResult second;
        ActionPreview secondPreview;
        bool ran = false;
        ActionControl control([&](const ActionProgress &p) {
            if (p.batches != 2 || ran)
                return;
            ran = true;
            TokenPurge other(writer(), secrets());
            ActionControl c2;
            second = runConfirmed(other, writer(), c2, &secondPreview);
        });
        const ActionResult r = runConfirmed(first, writer(), control);
        QVERIFY(ran);
        QCOMPARE(second.outcome, ActionResult::Outcome::Refused);
        QVERIFY2(second.message.contains(QStringLiteral("holds")), qPrintable(second.message));
        QVERIFY2(second.message.contains(m_user), qPrintable(second.message));
        QCOMPARE(second.affected, 0);
        // Its dry run already said so.
        QVERIFY2(
            secondPreview.warnings.join(u' ').contains(QStringLiteral("holds its database lock")),
            qPrintable(secondPreview.warnings.join(u'|')));
        QCOMPARE(r.outcome, ActionResult::Outcome::Completed);
        QCOMPARE(r.affected, 3000);
    }

    // The preview names the server; a run or a resume that reaches another
    // one behind the same target is refused.
    void anotherServerBehindTheTargetIsRefused()
    {
        seedTokens(400, 10);
        TokenPurge purge(writer(), secrets());
        ActionPreview p = purge.preview();
        QVERIFY2(!p.refused(), qPrintable(p.refusal));
        QVERIFY2(p.serverIdentity.startsWith(QStringLiteral("mysql:")),
                 qPrintable(p.serverIdentity));
        QVERIFY(p.serverIdentity.endsWith(u':' +
                                          rootValue(QStringLiteral("SELECT @@port")).toString()));
        p.serverIdentity = QStringLiteral("mysql:db2.example:3306");
        AuditLog audit;
        GuardedWorkflow wf(writer(), audit);
        ActionControl control;
        const ActionResult r = wf.run(purge, p, Confirmation{p.target.text, -1}, control);
        QCOMPARE(r.outcome, ActionResult::Outcome::Refused);
        QVERIFY2(r.message.contains(QStringLiteral("db2.example")), qPrintable(r.message));
        QCOMPARE(count(), 413);

        PendingRun pending;
        pending.action = p.action;
        pending.target = p.target.text;
        pending.startedAt = QDateTime::currentDateTimeUtc();
        pending.cutoff = p.cutoff;
        pending.cutoffValue = p.cutoff;
        pending.parametersKey =
            QStringLiteral("retention:%1").arg(TokenPurge::kDefaultRetentionSec);
        pending.serverIdentity = QStringLiteral("mysql:db2.example:3306");
        QVERIFY(PendingJournal::save(pending));
        const ActionPreview resumed = TokenPurge(writer(), secrets()).preview();
        PendingJournal::remove(p.action, p.target.text);
        QVERIFY2(resumed.refusal.contains(QStringLiteral("db2.example")),
                 qPrintable(resumed.refusal));
    }

    // Several connections delete disjoint chunks side by side: the same rows
    // go as with one, the server really sees them at once, and a connection
    // killed meanwhile is reconnected and its chunk retried.
    void parallelConnectionsDeleteExactlyTheSameRows()
    {
        seedTokens(30000, 300);
        const QString live = liveChecksum();
        TokenPurge purge(writer(), secrets());
        purge.setThrottle(operatorThrottle(200, 3));
        int kills = 0;
        ActionControl control([&](const ActionProgress &p) {
            if (p.batches >= 20 && kills == 0) {
                QSqlQuery q(m_root->database());
                q.exec(QStringLiteral("SELECT ID FROM information_schema.PROCESSLIST WHERE USER "
                                      "= '%1'")
                           .arg(m_user));
                while (q.next()) {
                    QSqlQuery k(m_root->database());
                    if (k.exec(QStringLiteral("KILL %1").arg(q.value(0).toLongLong())))
                        ++kills;
                }
            }
        });
        ActionPreview preview;
        const ActionResult r = runConfirmed(purge, writer(), control, &preview);
        QVERIFY2(r.outcome == ActionResult::Outcome::Completed, qPrintable(r.message));
        // A chunk whose commit the kill beat to the client is retried and
        // finds its rows gone: counted by the table, not by the statements.
        QVERIFY2(r.affected > 29000 && r.affected <= 30000,
                 qPrintable(QString::number(r.affected)));
        QCOMPARE(r.after, 303);
        QVERIFY(r.batches >= 30000 / 200);
        QVERIFY2(kills >= 2, qPrintable(QString::number(kills)));
        QCOMPARE(count(QStringLiteral("expires < UTC_TIMESTAMP() - INTERVAL 2 DAY")), 0);
        QCOMPARE(liveChecksum(), live);
        QVERIFY(!PendingJournal::load(preview.action, preview.target.text));
    }

    // The connections really work side by side: while one waits on a row
    // lock at the very start of the key space (where a single connection
    // would wait with everything), the others delete their own regions.
    void aBlockedConnectionDoesNotHoldUpTheOthers()
    {
        seedTokens(20000, 100);
        const QString live = liveChecksum();
        QVERIFY(rootExec(QStringLiteral("START TRANSACTION")));
        // An expired row: under READ COMMITTED a DELETE passes a locked row
        // it would not delete without waiting for it.
        QVERIFY(rootExec(QStringLiteral("SELECT id FROM `%1`.token WHERE expires < UTC_TIMESTAMP() "
                                        "- INTERVAL 2 DAY ORDER BY id LIMIT 1 FOR UPDATE")
                             .arg(m_db)));
        TokenPurge purge(writer(), secrets());
        ThrottleSettings t = operatorThrottle(200, 3);
        t.backoffBaseMs = 100;
        purge.setThrottle(t);
        std::atomic<qint64> seen{0};
        const Profile p = writer();
        QFuture<ActionResult> f = QtConcurrent::run([&purge, &seen, p] {
            ActionControl control([&seen](const ActionProgress &pr) { seen.store(pr.done); });
            return runConfirmed(purge, p, control);
        });
        QElapsedTimer waited;
        waited.start();
        // Past the purge's 2 s lock wait, so the blocked chunk is retried.
        while ((seen.load() < 10000 || waited.elapsed() < 3000) && waited.elapsed() < 10000)
            QThread::msleep(50);
        const qint64 doneWhileBlocked = seen.load();
        QVERIFY(rootExec(QStringLiteral("ROLLBACK")));
        f.waitForFinished();
        const ActionResult r = f.result();
        QVERIFY2(r.outcome == ActionResult::Outcome::Completed, qPrintable(r.message));
        QVERIFY2(doneWhileBlocked >= 10000 && doneWhileBlocked < 20000,
                 qPrintable(QString::number(doneWhileBlocked)));
        QVERIFY(r.retries >= 1);
        QCOMPARE(r.affected, 20000);
        QCOMPARE(liveChecksum(), live);
    }

    // A cancel with chunks running on several connections: the journal keeps
    // only the finished prefix of the walk, and the resumed run (on one
    // connection) deletes exactly the rest.
    void parallelRunCancelledResumesExactly()
    {
        seedTokens(40000, 100);
        const QString live = liveChecksum();
        TokenPurge first(writer(), secrets());
        first.setThrottle(operatorThrottle(50, 4));
        ActionControl *self = nullptr;
        ActionControl control([&](const ActionProgress &p) {
            if (p.batches >= 1)
                self->cancel();
        });
        self = &control;
        ActionPreview p1;
        const ActionResult r1 = runConfirmed(first, writer(), control, &p1);
        QVERIFY2(r1.outcome == ActionResult::Outcome::Cancelled, qPrintable(r1.message));
        QVERIFY(r1.affected > 0 && r1.affected < 40000);
        QCOMPARE(count(), 40103 - r1.affected);
        const auto pending = PendingJournal::load(p1.action, p1.target.text);
        QVERIFY(pending);
        QVERIFY(pending->done <= r1.affected);

        TokenPurge second(writer(), secrets());
        ActionControl c2;
        ActionPreview p2;
        const ActionResult r2 = runConfirmed(second, writer(), c2, &p2);
        QVERIFY(p2.resumesRunStartedAt.isValid());
        QCOMPARE(r2.outcome, ActionResult::Outcome::Completed);
        QCOMPARE(r1.affected + r2.affected, 40000);
        QCOMPARE(liveChecksum(), live);
    }

    // A connection the server refuses (here: the account's connection limit)
    // ends the run before anything is deleted, saying so.
    void parallelConnectionsThatCannotOpenChangeNothing()
    {
        seedTokens(3000, 10);
        QVERIFY(rootExec(
            QStringLiteral("ALTER USER '%1'@'127.0.0.1' WITH MAX_USER_CONNECTIONS 2").arg(m_user)));
        TokenPurge purge(writer(), secrets());
        purge.setThrottle(operatorThrottle(100, 4));
        ActionControl control;
        const ActionResult r = runConfirmed(purge, writer(), control);
        QVERIFY(rootExec(
            QStringLiteral("ALTER USER '%1'@'127.0.0.1' WITH MAX_USER_CONNECTIONS 0").arg(m_user)));
        QCOMPARE(r.outcome, ActionResult::Outcome::Failed);
        QVERIFY2(r.message.contains(QStringLiteral("4 connections")), qPrintable(r.message));
        QCOMPARE(count(), 3013);
    }

    // The intent is written (and synced) before the first DELETE; when it
    // cannot be written, nothing runs.
    void auditIsWrittenBeforeTheFirstDelete()
    {
        seedTokens(300, 10);
        TokenPurge purge(writer(), secrets());
        const ActionPreview p = purge.preview();
        QVERIFY2(!p.refused(), qPrintable(p.refusal));
        AuditLog nowhere(QStringLiteral("/proc/turnstile-no/audit.jsonl"));
        GuardedWorkflow blind(writer(), nowhere);
        ActionControl control;
        const ActionResult r = blind.run(purge, p, Confirmation{p.target.text, -1}, control);
        QCOMPARE(r.outcome, ActionResult::Outcome::Refused);
        QVERIFY2(r.message.contains(QStringLiteral("/proc/turnstile-no")), qPrintable(r.message));
        QCOMPARE(count(), 313);

        AuditLog audit;
        GuardedWorkflow wf(writer(), audit);
        qint64 seenAtFirstBatch = -1;
        ActionControl watching([&](const ActionProgress &) {
            if (seenAtFirstBatch < 0) {
                const auto recs = audit.read(writer().name);
                seenAtFirstBatch = recs && !recs->isEmpty() &&
                                           recs->last().value(u"phase").toString() == u"started"
                                       ? recs->last().value(u"seq").toInteger()
                                       : 0;
            }
        });
        const ActionResult ok = wf.run(purge, p, Confirmation{p.target.text, -1}, watching);
        QCOMPARE(ok.outcome, ActionResult::Outcome::Completed);
        QVERIFY(seenAtFirstBatch > 0);
        const auto recs = audit.read(writer().name);
        const QJsonObject started = recs->at(recs->size() - 2);
        const QJsonObject finished = recs->last();
        QCOMPARE(started.value(u"seq").toInteger(), seenAtFirstBatch);
        QCOMPARE(started.value(u"server_identity").toString(), p.serverIdentity);
        QVERIFY(!started.value(u"cutoff").toString().isEmpty());
        QCOMPARE(finished.value(u"started_seq").toInteger(), seenAtFirstBatch);
        QCOMPARE(finished.value(u"result").toObject().value(u"affected").toInteger(), 300);
        QVERIFY(audit.verify().ok);
    }
};

QTEST_GUILESS_MAIN(TestGuardedMySql)
#include "tst_guarded_mysql.moc"
