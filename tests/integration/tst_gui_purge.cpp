// The guarded purge as an operator does it in the window, against the lab's
// MariaDB and the lab's Secret Service: Actions page → preview → the Run
// button stays disabled until the exact target is typed → progress → Cancel
// after a few batches → open it again, which resumes with the same cutoff →
// done. Afterwards exactly the live rows remain, the audit page lists both
// runs with an intact chain, and the growth charts carry the annotations.
#include "actionspage.h"
#include "auditlogmodel.h"
#include "auditpage.h"
#include "chartview.h"
#include "db/dbconnection.h"
#include "growthpage.h"
#include "guarded/auditannotations.h"
#include "guarded/auditlog.h"
#include "guarded/tokenpurge.h"
#include "guardedactiondialog.h"
#include "isolatedenvironment.h"
#include "profiles/secretstore.h"
#include "testsupport.h"

#include <QComboBox>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSpinBox>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QTextBrowser>
#include <QTimer>

#include <memory>
#include <unistd.h>

using namespace turnstile;
using testsupport::execOrWarn;
using testsupport::lab;
using testsupport::labMysqlRootUrl;

class TestGuiPurge : public QObject
{
    Q_OBJECT

    QString m_db;
    QString m_user;
    QString m_password;
    std::unique_ptr<DbConnection> m_root;
    // Audit log, pending journals, history and settings of its own.
    testsupport::IsolatedEnvironment m_tmp;

    bool rootExec(const QString &sql) { return execOrWarn(m_root->database(), sql); }
    QString rootValue(const QString &sql)
    {
        QSqlQuery q(m_root->database());
        return q.exec(sql) && q.next() ? q.value(0).toString() : QString();
    }
    QString liveChecksum()
    {
        return rootValue(QStringLiteral("SELECT CONCAT(COUNT(*), ':', COALESCE(BIT_XOR(CRC32(id)), "
                                        "0)) FROM `%1`.token WHERE expires >= UTC_TIMESTAMP() - "
                                        "INTERVAL 2 DAY OR expires IS NULL")
                             .arg(m_db));
    }
    Profile profile() const
    {
        Profile p;
        p.name = QStringLiteral("gui-purge-%1").arg(QCoreApplication::applicationPid());
        p.databaseUrl = QStringLiteral("mysql+pymysql://%1@%2:%3/%4")
                            .arg(m_user, lab(QStringLiteral("TURNSTILE_LAB_MYSQL_HOST")),
                                 lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")), m_db);
        return p;
    }

    // Opens the purge dialog from the page and waits for its preview.
    GuardedActionDialog *openPurge(ActionsPage &page)
    {
        QSignalSpy opened(&page, &ActionsPage::dialogOpened);
        page.purgeButton()->click();
        if (!opened.wait(10000))
            return nullptr;
        GuardedActionDialog *d = page.currentDialog();
        if (!d)
            return nullptr;
        QSignalSpy shown(d, &GuardedActionDialog::previewShown);
        if (!d->hasPreview() && !shown.wait(30000))
            return nullptr;
        return d;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_tmp.set(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                  lab(QStringLiteral("TURNSTILE_LAB_DBUS_ADDRESS")));
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_MYSQL_SOCKET")).isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
        const QString suffix = QString::number(QCoreApplication::applicationPid());
        m_db = QStringLiteral("tst_gui_purge_") + suffix;
        m_user = QStringLiteral("tst_gui_") + suffix;
        m_password =
            QString::number(QRandomGenerator::system()->generate64(), 36) + QStringLiteral("Aa1");
        m_root = std::make_unique<DbConnection>(labMysqlRootUrl(), QString());
        QVERIFY2(m_root->open(), qPrintable(m_root->error()));
        QVERIFY(rootExec(QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(m_db)));
        QVERIFY(rootExec(QStringLiteral("CREATE DATABASE `%1`").arg(m_db)));
        QVERIFY(rootExec(QStringLiteral("CREATE TABLE `%1`.token LIKE keystone.token").arg(m_db)));
        QVERIFY(rootExec(QStringLiteral("DROP USER IF EXISTS '%1'@'127.0.0.1'").arg(m_user)));
        QVERIFY(rootExec(QStringLiteral("CREATE USER '%1'@'127.0.0.1' IDENTIFIED BY '%2'")
                             .arg(m_user, m_password)));
        QVERIFY(
            rootExec(QStringLiteral("GRANT ALL ON `%1`.* TO '%2'@'127.0.0.1'").arg(m_db, m_user)));
        // 40,000 expired over the last 30 days before the cut, 500 live.
        QVERIFY(rootExec(
            QStringLiteral("INSERT INTO `%1`.token (id, expires, extra, valid, user_id) SELECT "
                           "MD5(CONCAT('x', seq, RAND())), UTC_TIMESTAMP() - INTERVAL 2 DAY - "
                           "INTERVAL 1 SECOND - INTERVAL (seq * 61) % 2592000 SECOND, "
                           "REPEAT('e', 200), 1, 'u' FROM seq_1_to_40000")
                .arg(m_db)));
        QVERIFY(rootExec(
            QStringLiteral("INSERT INTO `%1`.token (id, expires, extra, valid, user_id) SELECT "
                           "MD5(CONCAT('l', seq)), UTC_TIMESTAMP() + INTERVAL seq MINUTE, '{}', "
                           "1, 'live' FROM seq_1_to_500")
                .arg(m_db)));
        SecretStore secrets;
        QVERIFY(secrets.writeBlocking(profile().name, SecretKind::DatabasePassword, m_password).ok);
    }

    void cleanupTestCase()
    {
        SecretStore().removeBlocking(profile().name, SecretKind::DatabasePassword);
        if (!m_root)
            return;
        rootExec(QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(m_db));
        rootExec(QStringLiteral("DROP USER IF EXISTS '%1'@'127.0.0.1'").arg(m_user));
    }

    void purgeFromTheWindowWithCancelAndResume()
    {
        const QString live = liveChecksum();
        SecretStore secrets;
        ActionsPage page(&secrets);
        page.setProfile(profile());
        // The chunked delete, bounded, so there are batches to cancel between
        // (Automatic would swap: 98 % of the rows go).
        page.purgeMethodChooser()->setCurrentIndex(
            page.purgeMethodChooser()->findData(QStringLiteral("chunked")));
        page.batchSpin()->setValue(200);
        page.show();
        QVERIFY(page.purgeButton()->isEnabled());

        GuardedActionDialog *d = openPurge(page);
        QVERIFY(d);
        QVERIFY2(!d->preview().refused(), qPrintable(d->preview().refusal));
        const QString target = QStringLiteral("%1.token@127.0.0.1:%2")
                                   .arg(m_db, lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")));
        QCOMPARE(d->preview().target.text, target);
        QCOMPARE(d->preview().rowsToGo, 40000);
        QVERIFY(d->previewView()->toPlainText().contains(target));
        QVERIFY(d->previewView()->toPlainText().contains(QStringLiteral("40,000")) ||
                d->previewView()->toPlainText().contains(QLocale().toString(40000)));
        // The button follows the typed text, exactly.
        QVERIFY(!d->runButton()->isEnabled());
        QTest::keyClicks(d->confirmationEdit(), QStringLiteral("keystone.token@127.0.0.1"));
        QVERIFY(!d->runButton()->isEnabled());
        d->confirmationEdit()->clear();
        QTest::keyClicks(d->confirmationEdit(), target);
        QVERIFY(d->runButton()->isEnabled());

        // Run, watch progress arrive, cancel after some batches.
        QSignalSpy finished(d, &GuardedActionDialog::actionFinished);
        d->runButton()->click();
        QVERIFY(d->isRunning());
        QVERIFY(!d->runButton()->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(d->progressBar()->value() > 0, 20000);
        QVERIFY(d->statusLabel()->text().contains(QStringLiteral("rows/s")));
        d->cancelButton()->click();
        QVERIFY(finished.wait(20000));
        QVERIFY(d->result().has_value());
        QCOMPARE(d->result()->outcome, ActionResult::Outcome::Cancelled);
        const qint64 firstPart = d->result()->affected;
        QVERIFY(firstPart > 0 && firstPart < 40000);
        QVERIFY(d->isVisible()); // the result stays on screen
        d->close();
        QTRY_VERIFY(!page.currentDialog());

        // Again: the preview says it resumes, and the run completes.
        d = openPurge(page);
        QVERIFY(d);
        QVERIFY(d->preview().resumesRunStartedAt.isValid());
        QCOMPARE(d->preview().rowsToGo, 40000 - firstPart);
        QTest::keyClicks(d->confirmationEdit(), target);
        QSignalSpy finished2(d, &GuardedActionDialog::actionFinished);
        d->runButton()->click();
        QVERIFY(finished2.wait(60000));
        QCOMPARE(d->result()->outcome, ActionResult::Outcome::Completed);
        QCOMPARE(d->result()->affected + firstPart, 40000);
        QCOMPARE(d->result()->after, 500);
        d->close();

        QCOMPARE(liveChecksum(), live);
        QCOMPARE(rootValue(QStringLiteral("SELECT COUNT(*) FROM `%1`.token").arg(m_db)),
                 QStringLiteral("500"));

        // The audit page shows both runs, newest first, chain intact.
        AuditPage audit;
        QSignalSpy loaded(&audit, &AuditPage::loaded);
        audit.setProfile(profile().name);
        QTRY_VERIFY(audit.model()->rowCount() == 2);
        QCOMPARE(audit.model()->index(0, AuditLogModel::OutcomeColumn).data().toString(),
                 QStringLiteral("completed"));
        QCOMPARE(audit.model()->index(1, AuditLogModel::OutcomeColumn).data().toString(),
                 QStringLiteral("cancelled"));
        QVERIFY(audit.chainLabel()->text().contains(QStringLiteral("intact")));

        // And the growth charts draw both as annotations.
        GrowthPage growth;
        growth.setProfiles({profile().name});
        growth.setProfile(profile().name);
        growth.show();
        QVERIFY(!growth.charts().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(growth.charts().first()->annotations().size(), 2, 30000);
        QVERIFY(growth.charts().first()->annotations().last().text.contains(
            QStringLiteral("expired tokens")));
    }

    // Issue 17's "done when", at lab scale: with most rows expired the
    // window's purge, left at its defaults (Automatic, batches sized by time),
    // picks copy-and-swap and says so in the preview, keeps every live row
    // while a writer inserts and revokes tokens, gives the old table back,
    // and leaves an audit line and a chart annotation.
    void defaultPurgePicksCopyAndSwap()
    {
        // After the first test 500 live rows are left; 30,000 expire again.
        QVERIFY(rootExec(
            QStringLiteral("INSERT INTO `%1`.token (id, expires, extra, valid, user_id) SELECT "
                           "MD5(CONCAT('y', seq, RAND())), UTC_TIMESTAMP() - INTERVAL 3 DAY - "
                           "INTERVAL (seq * 37) % 2592000 SECOND, REPEAT('e', 200), 1, 'u' "
                           "FROM seq_1_to_30000")
                .arg(m_db)));
        const QString live = liveChecksum();
        QCOMPARE(live.section(u':', 0, 0), QStringLiteral("500"));

        SecretStore secrets;
        ActionsPage page(&secrets);
        page.setProfile(profile());
        page.show();
        QCOMPARE(page.purgeMethodChooser()->currentData().toString(), QStringLiteral("auto"));
        QCOMPARE(page.batchSpin()->value(), 0); // sized by time: no 1,000-row cap
        GuardedActionDialog *d = openPurge(page);
        QVERIFY(d);
        QVERIFY2(!d->preview().refused(), qPrintable(d->preview().refusal));
        QCOMPARE(d->preview().parameters.value(u"method").toString(), QStringLiteral("swap"));
        QCOMPARE(d->preview().parameters.value(u"method_requested").toString(),
                 QStringLiteral("auto"));
        // The method and why, in the dialog's own words.
        const QString shown = d->previewView()->toPlainText();
        QVERIFY2(shown.contains(QStringLiteral("Method: copy and swap, because 98 % of the rows "
                                               "go")),
                 qPrintable(shown));
        QVERIFY(shown.contains(QStringLiteral("RENAME TABLE")));
        QVERIFY(shown.contains(QStringLiteral("disk space comes back")));
        auto purge = std::dynamic_pointer_cast<TokenPurge>(page.currentAction());
        QVERIFY(purge);
        QCOMPARE(purge->throttle().maxBatch, ThrottleSettings{}.maxBatch);

        // A Keystone-like writer during the run: new tokens, and revocations
        // of live ones; every one of them must be in the swapped-in table.
        DbConnection writerDb(labMysqlRootUrl(), QString());
        QVERIFY(writerDb.open());
        QStringList inserted;
        QStringList revoked;
        QStringList revocable;
        {
            QSqlQuery q(m_root->database());
            QVERIFY(q.exec(QStringLiteral("SELECT id FROM `%1`.token WHERE user_id = 'live' "
                                          "ORDER BY id LIMIT 100")
                               .arg(m_db)));
            while (q.next())
                revocable.append(q.value(0).toString());
        }
        QVERIFY(revocable.size() == 100);
        QTimer writer;
        writer.setInterval(5);
        connect(&writer, &QTimer::timeout, this, [&] {
            QSqlQuery q(writerDb.database());
            const QString id = QStringLiteral("w%1").arg(inserted.size(), 31, 10, QLatin1Char('0'));
            if (q.exec(QStringLiteral("INSERT INTO `%1`.token (id, expires, extra, valid, user_id) "
                                      "VALUES ('%2', UTC_TIMESTAMP() + INTERVAL 1 DAY, '{}', 1, "
                                      "'writer')")
                           .arg(m_db, id)))
                inserted.append(id);
            if (inserted.size() % 5 == 0 && revoked.size() < revocable.size()) {
                const QString r = revocable.at(revoked.size());
                if (q.exec(QStringLiteral("UPDATE `%1`.token SET valid = 0 WHERE id = '%2'")
                               .arg(m_db, r)))
                    revoked.append(r);
            }
        });
        writer.start();

        const QString target = d->preview().target.text;
        QTest::keyClicks(d->confirmationEdit(), target);
        QVERIFY(d->runButton()->isEnabled());
        QSignalSpy finished(d, &GuardedActionDialog::actionFinished);
        d->runButton()->click();
        QVERIFY(finished.wait(120000));
        writer.stop();
        QVERIFY(d->result().has_value());
        QVERIFY2(d->result()->outcome == ActionResult::Outcome::Completed,
                 qPrintable(d->result()->message));
        QCOMPARE(d->result()->details.value(u"method").toString(), QStringLiteral("swap"));
        // The longest metadata-lock step is in the result (bench/purge reads it).
        QVERIFY(d->result()->details.value(u"ddl").toObject().contains(u"rename"));
        QVERIFY(d->result()->details.contains(u"ddl_longest_ms"));
        d->close();
        QVERIFY(!inserted.isEmpty());
        QVERIFY(!revoked.isEmpty());

        // Every live row that was there, each writer row, each revocation;
        // no expired row; no leftover table or trigger.
        QCOMPARE(
            rootValue(QStringLiteral("SELECT CONCAT(COUNT(*), ':', COALESCE(BIT_XOR(CRC32(id)), "
                                     "0)) FROM `%1`.token WHERE user_id <> 'writer' AND "
                                     "(expires >= UTC_TIMESTAMP() - INTERVAL 2 DAY OR "
                                     "expires IS NULL)")
                          .arg(m_db)),
            live);
        QCOMPARE(rootValue(QStringLiteral("SELECT COUNT(*) FROM `%1`.token WHERE user_id = "
                                          "'writer'")
                               .arg(m_db)),
                 QString::number(inserted.size()));
        QCOMPARE(rootValue(QStringLiteral("SELECT COUNT(*) FROM `%1`.token WHERE valid = 0 AND "
                                          "id IN ('%2')")
                               .arg(m_db, revoked.join(QStringLiteral("','")))),
                 QString::number(revoked.size()));
        QCOMPARE(rootValue(QStringLiteral("SELECT COUNT(*) FROM `%1`.token WHERE expires < "
                                          "UTC_TIMESTAMP() - INTERVAL 2 DAY")
                               .arg(m_db)),
                 QStringLiteral("0"));
        QCOMPARE(rootValue(QStringLiteral("SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                                          "TABLE_SCHEMA = '%1' AND TABLE_NAME <> 'token'")
                               .arg(m_db)),
                 QStringLiteral("0"));
        QCOMPARE(rootValue(QStringLiteral("SELECT COUNT(*) FROM information_schema.TRIGGERS "
                                          "WHERE TRIGGER_SCHEMA = '%1'")
                               .arg(m_db)),
                 QStringLiteral("0"));

        // The audit line (newest first) says the swap ran; the growth chart
        // carries its annotation beside the two earlier runs'.
        AuditPage audit;
        audit.setProfile(profile().name);
        QTRY_VERIFY(audit.model()->rowCount() == 3);
        QCOMPARE(audit.model()->index(0, AuditLogModel::OutcomeColumn).data().toString(),
                 QStringLiteral("completed"));
        QJsonObject last;
        AuditLog().readBackwards([&](const QJsonObject &o) {
            if (o.value(u"profile").toString() != profile().name || !o.value(u"result").isObject())
                return true;
            last = o;
            return false;
        });
        QCOMPARE(last.value(u"action").toString(), QStringLiteral("purge.tokens"));
        QCOMPARE(last.value(u"result")
                     .toObject()
                     .value(u"details")
                     .toObject()
                     .value(u"method")
                     .toString(),
                 QStringLiteral("swap"));
        GrowthPage growth;
        growth.setProfiles({profile().name});
        growth.setProfile(profile().name);
        growth.show();
        QVERIFY(!growth.charts().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(growth.charts().first()->annotations().size(), 3, 30000);
        QVERIFY(growth.charts().first()->annotations().last().text.contains(
            QStringLiteral("expired tokens")));
    }

    void readOnlyProfileOffersNothing()
    {
        SecretStore secrets;
        ActionsPage page(&secrets);
        Profile p = profile();
        p.readOnly = true;
        page.setProfile(p);
        QVERIFY(!page.purgeButton()->isEnabled());
        QVERIFY(!page.truncateButton()->isEnabled());
        page.setProfile(profile());
        QVERIFY(page.purgeButton()->isEnabled());
        page.retentionEdit()->setText(QStringLiteral("-2d"));
        QVERIFY(!page.purgeButton()->isEnabled());
        // A bare number is no lifetime: the revocation actions wait for a unit.
        page.tokenLifetimeEdit()->setText(QStringLiteral("24"));
        QVERIFY(!page.pruneButton()->isEnabled());
        QVERIFY(!page.truncateButton()->isEnabled());
        page.tokenLifetimeEdit()->setText(QStringLiteral("24h"));
        QVERIFY(page.pruneButton()->isEnabled());
    }
};

QTEST_MAIN(TestGuiPurge)
#include "tst_gui_purge.moc"
