// Issue 17: the guarded Rebuild table on the lab's servers. MariaDB: a copy
// of the token table with most rows deleted shows free space; the online
// rebuild gives it back, keeps every remaining row (count and checksum), and
// a writer working on the table meanwhile never waits out a lock. PostgreSQL:
// plain VACUUM runs without an acknowledgement; VACUUM FULL is refused until
// the rows it locks are acknowledged.
#include "db/dbconnection.h"
#include "guarded/actioncontrol.h"
#include "guarded/auditlog.h"
#include "guarded/guardedworkflow.h"
#include "guarded/tablerebuild.h"
#include "isolatedenvironment.h"
#include "testsupport.h"

#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

#include <atomic>
#include <memory>
#include <thread>

using namespace turnstile;
using testsupport::execOrWarn;
using testsupport::lab;
using testsupport::labMysqlRootUrl;
using testsupport::labPgSuperuser;

class TestLabRebuild : public QObject
{
    Q_OBJECT

    testsupport::IsolatedEnvironment m_tmp;
    QString m_suffix;
    QString m_myUser, m_myPassword;
    std::unique_ptr<DbConnection> m_root;
    QString m_myDb, m_pgDb;

    QString myUrl() const
    {
        return QStringLiteral("mysql://%1@127.0.0.1:%2/%3")
            .arg(m_myUser, lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")), m_myDb);
    }
    QString pgUrl() const
    {
        return QStringLiteral("postgresql://%1@%2:%3/%4")
            .arg(lab(QStringLiteral("TURNSTILE_LAB_PG_USER")),
                 lab(QStringLiteral("TURNSTILE_LAB_PG_HOST")),
                 lab(QStringLiteral("TURNSTILE_LAB_PG_PORT")), m_pgDb);
    }

    QString one(const QString &sql)
    {
        QSqlQuery q(m_root->database());
        if (!q.exec(sql) || !q.next()) {
            qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return {};
        }
        return q.value(0).toString();
    }

    // Count and checksum of the rows the rebuild must keep (the writer's own
    // rows, id w-…, come and go meanwhile).
    QString fingerprint()
    {
        return one(QStringLiteral(
                       "SELECT CONCAT(COUNT(*), '/', SUM(CRC32(CONCAT_WS('|', id, expires, extra, "
                       "valid, trust_id, user_id)))) FROM `%1`.token WHERE id NOT LIKE 'w-%'")
                       .arg(m_myDb));
    }
    qint64 dataFree()
    {
        execOrWarn(m_root->database(), QStringLiteral("ANALYZE TABLE `%1`.token").arg(m_myDb));
        return one(QStringLiteral("SELECT DATA_FREE FROM information_schema.TABLES WHERE "
                                  "TABLE_SCHEMA = '%1' AND TABLE_NAME = 'token'")
                       .arg(m_myDb))
            .toLongLong();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_MYSQL_SOCKET")).isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
        m_suffix = QString::number(QCoreApplication::applicationPid());
        m_myUser = QStringLiteral("tst_rebuild_") + m_suffix;
        m_myDb = QStringLiteral("tst_rebuild_") + m_suffix;
        m_pgDb = QStringLiteral("tst_rebuild_") + m_suffix;
        m_myPassword =
            QString::number(QRandomGenerator::system()->generate64(), 36) + QStringLiteral("Aa1");
        m_root = std::make_unique<DbConnection>(labMysqlRootUrl(), QString());
        QVERIFY2(m_root->open(), qPrintable(m_root->error()));
        const QSqlDatabase db = m_root->database();
        QVERIFY(
            execOrWarn(db, QStringLiteral("DROP USER IF EXISTS '%1'@'127.0.0.1'").arg(m_myUser)));
        QVERIFY(execOrWarn(db, QStringLiteral("CREATE USER '%1'@'127.0.0.1' IDENTIFIED BY '%2'")
                                   .arg(m_myUser, m_myPassword)));
        QVERIFY(execOrWarn(db, QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(m_myDb)));
        QVERIFY(execOrWarn(db, QStringLiteral("CREATE DATABASE `%1`").arg(m_myDb)));
        QVERIFY(execOrWarn(
            db, QStringLiteral("CREATE TABLE `%1`.token LIKE keystone.token").arg(m_myDb)));
        QVERIFY(execOrWarn(
            db, QStringLiteral("GRANT ALL ON `%1`.* TO '%2'@'127.0.0.1'").arg(m_myDb, m_myUser)));
    }

    void cleanupTestCase()
    {
        if (m_root) {
            execOrWarn(m_root->database(),
                       QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(m_myDb));
            execOrWarn(m_root->database(),
                       QStringLiteral("DROP USER IF EXISTS '%1'@'127.0.0.1'").arg(m_myUser));
        }
        if (!m_pgDb.isEmpty())
            labPgSuperuser(
                QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE);\n").arg(m_pgDb));
    }

    void mariadbRebuildGivesTheSpaceBack()
    {
        const QSqlDatabase db = m_root->database();
        // 60,000 tokens of ~1 KB, 90 % deleted: tens of MB left free inside the file.
        QVERIFY(execOrWarn(
            db, QStringLiteral("INSERT INTO `%1`.token (id, expires, extra, valid, trust_id, "
                               "user_id) SELECT MD5(seq), NOW() - INTERVAL seq MINUTE, "
                               "REPEAT(MD5(seq), 30), seq % 2, NULL, CONCAT('u', seq % 97) FROM "
                               "seq_1_to_60000")
                    .arg(m_myDb)));
        QVERIFY(execOrWarn(db, QStringLiteral("DELETE FROM `%1`.token WHERE CONV(LEFT(id, 4), 16, "
                                              "10) % 10 <> 0")
                                   .arg(m_myDb)));
        const QString before = fingerprint();
        QVERIFY(!before.isEmpty());
        const qint64 freeBefore = dataFree();
        QVERIFY2(freeBefore > 0, qPrintable(QString::number(freeBefore)));

        Profile profile;
        profile.name = QStringLiteral("rebuild");
        profile.databaseUrl = myUrl();
        Secrets secrets;
        secrets.databasePassword = m_myPassword;
        TableRebuild rebuild(profile, secrets, KeystoneTable::Token);
        const ActionPreview preview = rebuild.preview();
        QVERIFY2(!preview.refused(), qPrintable(preview.refusal));
        QCOMPARE(preview.mustAcknowledge, -1);
        QVERIFY2(preview.statements.value(0).contains(
                     QStringLiteral("FORCE, ALGORITHM=INPLACE, LOCK=NONE")),
                 qPrintable(preview.statements.join(u'\n')));
        QVERIFY2(preview.consequences.join(u' ').contains(QStringLiteral("reclaimable")),
                 qPrintable(preview.consequences.join(u' ')));

        // A Keystone-like writer: inserts and deletes its own tokens all the
        // time, with a short lock wait so a blocked write shows as an error.
        std::atomic_bool stop{false};
        std::atomic<int> writes{0};
        std::atomic<int> writeErrors{0};
        QString writerError;
        std::thread writer([&] {
            DbConnection w(DatabaseUrl::parse(myUrl()), m_myPassword);
            if (!w.open()) {
                writerError = w.error();
                return;
            }
            QSqlQuery q(w.database());
            q.exec(QStringLiteral("SET SESSION innodb_lock_wait_timeout = 5"));
            q.exec(QStringLiteral("SET SESSION lock_wait_timeout = 5"));
            for (int n = 0; !stop; ++n) {
                const QString id = QStringLiteral("w-%1").arg(n);
                if (!q.exec(QStringLiteral("INSERT INTO token (id, expires, valid) VALUES ('%1', "
                                           "NOW(), 1)")
                                .arg(id)) ||
                    !q.exec(QStringLiteral("DELETE FROM token WHERE id = '%1'").arg(id))) {
                    ++writeErrors;
                    writerError = q.lastError().text();
                }
                ++writes;
                QThread::msleep(5);
            }
        });

        AuditLog audit;
        GuardedWorkflow wf(profile, audit);
        QList<ActionProgress> progress;
        ActionControl control([&progress](const ActionProgress &p) { progress.append(p); });
        const ActionResult r =
            wf.run(rebuild, preview, Confirmation{preview.target.text, -1}, control);
        stop = true;
        writer.join();
        QVERIFY2(r.ok(), qPrintable(r.message));
        QVERIFY2(writeErrors == 0, qPrintable(writerError));
        QVERIFY(writes > 0);
        QVERIFY2(r.details.contains(QStringLiteral("writer_worst_stall_ms")),
                 qPrintable(r.message));
        QVERIFY(r.details.value(QStringLiteral("writer_probes")).toInt() > 0);
        qInfo("%s (%d writes meanwhile, %lld progress reports)", qPrintable(r.message), int(writes),
              qint64(progress.size()));

        QCOMPARE(fingerprint(), before);
        const qint64 freeAfter = dataFree();
        QVERIFY2(freeAfter < freeBefore,
                 qPrintable(QStringLiteral("%1 -> %2").arg(freeBefore).arg(freeAfter)));
        // The audit log has the run: started before, finished after.
        const auto records = audit.read(profile.name);
        QVERIFY(records && records->size() >= 2);
    }

    // Cancel sends KILL QUERY to the rebuilding connection: the server rolls
    // the ALTER back and every row is still there.
    void cancelRollsTheRebuildBack()
    {
        // Enough rows that the rebuild outlasts the first progress poll.
        QVERIFY(execOrWarn(
            m_root->database(),
            QStringLiteral("INSERT INTO `%1`.token (id, expires, extra, valid, trust_id, user_id) "
                           "SELECT CONCAT('c-', seq), NOW(), REPEAT(MD5(seq), 8), 1, NULL, 'u' "
                           "FROM seq_1_to_200000")
                .arg(m_myDb)));
        const QString before = fingerprint();
        Profile profile;
        profile.name = QStringLiteral("rebuild");
        profile.databaseUrl = myUrl();
        Secrets secrets;
        secrets.databasePassword = m_myPassword;
        TableRebuild rebuild(profile, secrets, KeystoneTable::Token);
        const ActionPreview preview = rebuild.preview();
        QVERIFY2(!preview.refused(), qPrintable(preview.refusal));
        // A transaction reading the table keeps the rebuild waiting for its
        // lock at the start, so the cancel always finds it running.
        QSqlQuery reader(m_root->database());
        QVERIFY(reader.exec(QStringLiteral("START TRANSACTION")));
        QVERIFY(reader.exec(QStringLiteral("SELECT id FROM `%1`.token LIMIT 1").arg(m_myDb)));
        AuditLog audit;
        GuardedWorkflow wf(profile, audit);
        ActionControl *self = nullptr;
        QStringList shown;
        ActionControl control([&self, &shown](const ActionProgress &p) {
            shown.append(p.describe(false));
            if (self)
                self->cancel();
        });
        self = &control;
        const ActionResult r =
            wf.run(rebuild, preview, Confirmation{preview.target.text, -1}, control);
        QVERIFY(reader.exec(QStringLiteral("COMMIT")));
        QCOMPARE(r.outcome, ActionResult::Outcome::Cancelled);
        QVERIFY2(r.message.contains(QStringLiteral("rolled it back")), qPrintable(r.message));
        // The progress names what the server is doing (PROCESSLIST's state).
        QVERIFY2(!shown.isEmpty() &&
                     shown.first().startsWith(QStringLiteral("Waiting for table metadata lock · ")),
                 qPrintable(shown.join(u'\n')));
        QCOMPARE(fingerprint(), before);
        // No rebuild left running on the server.
        QCOMPARE(one(QStringLiteral("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE "
                                    "INFO LIKE 'ALTER TABLE%%FORCE%%' AND DB = '%1'")
                         .arg(m_myDb)),
                 QStringLiteral("0"));
    }

    // Behind a long transaction the rebuild waits for its table lock, and
    // while it waits every writer would queue behind it: it gives way after
    // a few seconds instead, changes nothing, and says why. The writer probe
    // saw the stall.
    void rebuildGivesWayToALongTransaction()
    {
        const QString before = fingerprint();
        Profile profile;
        profile.name = QStringLiteral("rebuild");
        profile.databaseUrl = myUrl();
        Secrets secrets;
        secrets.databasePassword = m_myPassword;
        TableRebuild rebuild(profile, secrets, KeystoneTable::Token);
        const ActionPreview preview = rebuild.preview();
        QVERIFY2(!preview.refused(), qPrintable(preview.refusal));
        QSqlQuery reader(m_root->database());
        QVERIFY(reader.exec(QStringLiteral("START TRANSACTION")));
        QVERIFY(reader.exec(QStringLiteral("SELECT id FROM `%1`.token LIMIT 1").arg(m_myDb)));
        AuditLog audit;
        GuardedWorkflow wf(profile, audit);
        ActionControl control;
        const ActionResult r =
            wf.run(rebuild, preview, Confirmation{preview.target.text, -1}, control);
        QVERIFY(reader.exec(QStringLiteral("COMMIT")));
        QCOMPARE(r.outcome, ActionResult::Outcome::Failed);
        QVERIFY2(r.message.contains(QStringLiteral("gave way")), qPrintable(r.message));
        QVERIFY2(r.details.value(QStringLiteral("writer_worst_stall_ms")).toDouble() > 1000,
                 qPrintable(QString::fromUtf8(QJsonDocument(r.details).toJson())));
        QCOMPARE(fingerprint(), before);
    }

    void tableNamesComeOnlyFromTheEnum()
    {
        QCOMPARE(TableRebuild::tableFromName(QStringLiteral("token")),
                 std::optional<KeystoneTable>(KeystoneTable::Token));
        QVERIFY(!TableRebuild::tableFromName(QStringLiteral("token; DROP TABLE user")));
        QVERIFY(!TableRebuild::tableFromName(QStringLiteral("mysql.user")));
    }

    void postgresVacuumPlainRunsFullNeedsAcknowledgement()
    {
        QVERIFY(labPgSuperuser(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE);\nCREATE "
                                              "DATABASE %1 OWNER %2;\n")
                                   .arg(m_pgDb, lab(QStringLiteral("TURNSTILE_LAB_PG_USER")))));
        {
            DbConnection c(DatabaseUrl::parse(pgUrl()),
                           lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD")));
            QVERIFY2(c.open(), qPrintable(c.error()));
            QVERIFY(execOrWarn(c.database(),
                               QStringLiteral("CREATE TABLE token (id varchar(64) PRIMARY KEY, "
                                              "expires timestamp, extra text, valid boolean NOT "
                                              "NULL, trust_id varchar(64), user_id varchar(64))")));
            QVERIFY(execOrWarn(c.database(),
                               QStringLiteral("INSERT INTO token SELECT md5(g::text), now(), "
                                              "repeat('x', 200), true, NULL, 'u' FROM "
                                              "generate_series(1, 20000) g")));
            QVERIFY(execOrWarn(c.database(),
                               QStringLiteral("DELETE FROM token WHERE ascii(id) % 4 <> 0")));
        }
        Profile profile;
        profile.name = QStringLiteral("rebuild-pg");
        profile.databaseUrl = pgUrl();
        Secrets secrets;
        secrets.databasePassword = lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD"));
        AuditLog audit;
        GuardedWorkflow wf(profile, audit);

        TableRebuild plain(profile, secrets, KeystoneTable::Token);
        const ActionPreview pp = plain.preview();
        QVERIFY2(!pp.refused(), qPrintable(pp.refusal));
        QCOMPARE(pp.statements.value(0), QStringLiteral("VACUUM \"token\""));
        QCOMPARE(pp.mustAcknowledge, -1);
        QVERIFY2(pp.consequences.join(u' ').contains(QStringLiteral("exclusive lock")),
                 qPrintable(pp.consequences.join(u' ')));
        ActionControl control;
        const ActionResult pr = wf.run(plain, pp, Confirmation{pp.target.text, -1}, control);
        QVERIFY2(pr.ok(), qPrintable(pr.message));

        TableRebuild full(profile, secrets, KeystoneTable::Token, true);
        const ActionPreview fp = full.preview();
        QVERIFY2(!fp.refused(), qPrintable(fp.refusal));
        QCOMPARE(fp.statements.value(0), QStringLiteral("VACUUM FULL \"token\""));
        QVERIFY(fp.mustAcknowledge >= 1);
        QVERIFY2(fp.warnings.join(u' ').contains(QStringLiteral("ACCESS EXCLUSIVE")),
                 qPrintable(fp.warnings.join(u' ')));
        // Without the acknowledgement the workflow refuses and nothing runs.
        ActionControl c2;
        const ActionResult refused = wf.run(full, fp, Confirmation{fp.target.text, -1}, c2);
        QCOMPARE(refused.outcome, ActionResult::Outcome::Refused);
        const ActionResult ran =
            wf.run(full, fp, Confirmation{fp.target.text, fp.mustAcknowledge}, c2);
        QVERIFY2(ran.ok(), qPrintable(ran.message));
    }
};

QTEST_GUILESS_MAIN(TestLabRebuild)
#include "tst_lab_rebuild.moc"
