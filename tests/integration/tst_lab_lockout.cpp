// Issue 15.1: Turnstile must never lock out the account it monitors with.
// The lab's Keystone locks an account after 3 failed logins
// ([security_compliance] lockout_failure_attempts = 3, lockout_duration =
// 1800). A profile with a wrong password is probed by the GUI scheduler
// (several refreshes), by `turnstilectl collect --interval` and `--once`
// (cron), and by `turnstilectl bench`: the user's failed_auth_count in the
// lab database never exceeds 1, and the right password still logs in.
// A throw-away user, never admin, so other lab tests are not disturbed.
#include "collector/probescheduler.h"
#include "db/dbconnection.h"
#include "isolatedenvironment.h"
#include "keystone/authbackoff.h"
#include "keystone/keystoneclient.h"
#include "overviewmodel.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

#include <memory>

using namespace turnstile;
using testsupport::lab;

class TestLabLockout : public QObject
{
    Q_OBJECT

    // Profiles, settings and rejected-login state of its own, here and in
    // the turnstilectl it runs.
    testsupport::IsolatedEnvironment m_dir;
    QString m_tag;
    QString m_user;
    QString m_userId;
    QString m_password;
    const QString m_wrong = QStringLiteral("definitely-not-the-password");
    std::unique_ptr<KeystoneClient> m_admin;

    QString profileName() const { return QStringLiteral("lockout-") + m_tag; }
    QString authState() const { return m_dir.authStateFile(); }

    Profile profile() const
    {
        Profile p = testsupport::labAdminProfile(true);
        p.name = profileName();
        p.username = m_user;
        p.userDomainName = QStringLiteral("Default");
        // Unscoped: the user has no role anywhere, and needs none to log in.
        p.projectName.clear();
        p.projectDomainName.clear();
        p.keystoneConfPath = lab(QStringLiteral("TURNSTILE_LAB_KEYSTONE_CONF"));
        p.allowPlaintextSecrets = true;
        return p;
    }

    int login(const QString &password) const
    {
        Profile p = profile();
        p.name = QStringLiteral("login-check");
        p.databaseUrl.clear();
        Secrets s;
        s.password = password;
        KeystoneClient c(p, s);
        return c.issueToken().http.status;
    }

    int failedCount() const
    {
        const Profile p = testsupport::labAdminProfile(true);
        QString err;
        DbConnection db(DatabaseUrl::parse(p.databaseUrl, &err),
                        testsupport::labAdminSecrets().databasePassword);
        if (!db.open())
            return -1;
        QSqlQuery q(db.database());
        q.prepare(QStringLiteral(
            "SELECT COALESCE(failed_auth_count, 0) FROM local_user WHERE user_id = ?"));
        q.addBindValue(m_userId);
        if (!q.exec() || !q.next())
            return -1;
        return q.value(0).toInt();
    }

    // Back to a clean start: no failures recorded anywhere.
    void reset()
    {
        QCOMPARE(login(m_password), 201); // a good login resets failed_auth_count
        QCOMPARE(failedCount(), 0);
        QFile::remove(authState());
    }

    QProcessEnvironment ctlEnv() const
    {
        QProcessEnvironment e = m_dir.environment();
        e.insert(QStringLiteral("OS_PASSWORD"), m_wrong);
        e.insert(QStringLiteral("TURNSTILE_DB_PASSWORD"),
                 lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PASSWORD")));
        // The history its turnstile.conf names.
        e.remove(QStringLiteral("TURNSTILE_HISTORY"));
        return e;
    }

    int ctl(const QStringList &args, QByteArray *err = nullptr) const
    {
        QProcess p;
        p.setProcessEnvironment(ctlEnv());
        p.start(testsupport::builtProgram(QStringLiteral("turnstilectl")), args);
        if (!p.waitForFinished(120000))
            return -1;
        if (err)
            *err = p.readAllStandardError() + "\n--- stdout:\n" + p.readAllStandardOutput();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    // The turnstilectl runs below take their password from OS_PASSWORD only
    // when the keychain has none for the profile.
    void forgetSecrets()
    {
        SecretStore secrets;
        secrets.setPlaintextProfiles({profileName()});
        secrets.setPlaintextFile(m_dir.filePath(QStringLiteral("secrets.ini")));
        for (SecretKind k : kAllSecretKinds)
            secrets.removeBlocking(profileName(), k);
    }

    ProbeResult probeOnce(ProbeScheduler &scheduler, QSignalSpy &spy, bool retry = false)
    {
        const qsizetype before = spy.count();
        if (retry)
            scheduler.retryAuthentication(profile());
        else
            scheduler.probe(profile());
        if (!spy.wait(60000) && spy.count() == before)
            return {};
        return spy.last().at(0).value<ProbeResult>();
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_KS_URL")).isEmpty(), "lab env file missing");
        QVERIFY(m_dir.isValid());
        m_dir.set(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                  lab(QStringLiteral("TURNSTILE_LAB_DBUS_ADDRESS")));
        m_tag = QStringLiteral("%1-%2")
                    .arg(QCoreApplication::applicationPid())
                    .arg(QRandomGenerator::global()->bounded(100000));
        m_user = QStringLiteral("lockout-") + m_tag;
        m_password =
            QStringLiteral("Pw-") + QString::number(QRandomGenerator::system()->generate64(), 36);
        m_admin = std::make_unique<KeystoneClient>(testsupport::labAdminProfile(),
                                                   testsupport::labAdminSecrets());
        QVERIFY(m_admin->issueToken().ok());
        const QJsonObject user{{QStringLiteral("name"), m_user},
                               {QStringLiteral("domain_id"), QStringLiteral("default")},
                               {QStringLiteral("password"), m_password}};
        const HttpResult h = m_admin->post(
            QStringLiteral("/users"), QJsonDocument(QJsonObject{{QStringLiteral("user"), user}})
                                          .toJson(QJsonDocument::Compact));
        QCOMPARE(h.status, 201);
        m_userId = QJsonDocument::fromJson(h.body)
                       .object()
                       .value(u"user")
                       .toObject()
                       .value(u"id")
                       .toString();
        QVERIFY(!m_userId.isEmpty());
        ProfileStore store(m_dir.filePath(QStringLiteral("profiles.ini")));
        QVERIFY(store.save(profile()));
        const QString config = m_dir.filePath(QStringLiteral("config/turnstile"));
        QDir().mkpath(config);
        QSettings s(config + QStringLiteral("/turnstile.conf"), QSettings::IniFormat);
        s.setValue(QStringLiteral("history/sqlitePath"),
                   m_dir.filePath(QStringLiteral("history.sqlite")));
        s.sync();
    }

    void cleanupTestCase()
    {
        forgetSecrets();
        if (m_admin && !m_userId.isEmpty())
            m_admin->remove(QStringLiteral("/users/") + m_userId);
    }

    void schedulerTriesAWrongPasswordOnce()
    {
        reset();
        SecretStore secrets;
        secrets.setPlaintextProfiles({profileName()});
        secrets.setPlaintextFile(m_dir.filePath(QStringLiteral("secrets.ini")));
        QVERIFY(secrets.writeBlocking(profileName(), SecretKind::Password, m_wrong).ok);
        QVERIFY(secrets
                    .writeBlocking(profileName(), SecretKind::DatabasePassword,
                                   lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PASSWORD")))
                    .ok);
        ProbeScheduler scheduler(&secrets);
        QSignalSpy finished(&scheduler, &ProbeScheduler::probeFinished);
        ProbeResult r;
        for (int i = 0; i < 4; ++i) {
            r = probeOnce(scheduler, finished);
            QCOMPARE(r.profile, profileName());
            QVERIFY2(r.authRejected, qPrintable(r.tokenError));
            QVERIFY2(failedCount() <= 1, qPrintable(QString::number(failedCount())));
        }
        QCOMPARE(failedCount(), 1);
        // The sentence names the account, says why Turnstile stopped and when
        // Keystone would lock it.
        QVERIFY2(r.tokenError.contains(m_user), qPrintable(r.tokenError));
        QVERIFY2(r.tokenError.contains(QStringLiteral("stopped trying")), qPrintable(r.tokenError));
        QVERIFY2(r.tokenError.contains(QStringLiteral("lockout after 3 failures")),
                 qPrintable(r.tokenError));
        QCOMPARE(r.lockoutAttempts, std::optional<int>(3));

        // The tile offers Retry.
        OverviewModel model;
        model.setProfiles({profileName()});
        model.setResult(r);
        QCOMPARE(model.index(0, 0)
                     .data(OverviewModel::AuthActionRole)
                     .value<OverviewModel::AuthAction>(),
                 OverviewModel::AuthAction::Retry);

        // The state file holds no secret and only its owner can read it.
        QFile state(authState());
        QVERIFY(state.open(QIODevice::ReadOnly));
        const QByteArray text = state.readAll();
        QVERIFY(!text.contains(m_wrong.toUtf8()));
        QVERIFY(text.contains(profileName().toUtf8()));
        QCOMPARE(state.permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther |
                                        QFileDevice::WriteGroup | QFileDevice::WriteOther),
                 QFileDevice::Permissions());

        // The right password still works; then the user's Retry tries the
        // (still wrong) stored password exactly once more.
        QCOMPARE(login(m_password), 201);
        QCOMPARE(failedCount(), 0);
        r = probeOnce(scheduler, finished, true);
        QVERIFY(r.authRejected);
        QCOMPARE(failedCount(), 1);
        for (int i = 0; i < 2; ++i)
            probeOnce(scheduler, finished);
        QCOMPARE(failedCount(), 1);

        // New credentials are tried at once: the right password succeeds.
        QVERIFY(secrets.writeBlocking(profileName(), SecretKind::Password, m_password).ok);
        r = probeOnce(scheduler, finished);
        QVERIFY2(!r.authRejected && r.tokenError.isEmpty(), qPrintable(r.tokenError));
        QCOMPARE(failedCount(), 0);
        forgetSecrets();
    }

    void collectTriesAWrongPasswordOnce()
    {
        reset();
        QProcess loop;
        loop.setProcessEnvironment(ctlEnv());
        loop.start(testsupport::builtProgram(QStringLiteral("turnstilectl")),
                   {QStringLiteral("collect"), QStringLiteral("--profile"), profileName(),
                    QStringLiteral("--interval"), QStringLiteral("10s")});
        QVERIFY(loop.waitForStarted());
        QTest::qWait(25000); // three cycles
        QVERIFY2(failedCount() <= 1, qPrintable(QString::number(failedCount())));
        loop.terminate();
        QVERIFY(loop.waitForFinished(30000));
        const QByteArray err = loop.readAllStandardError();
        QVERIFY2(err.contains("stopped trying"),
                 (err + "\n--- stdout:\n" + loop.readAllStandardOutput()).constData());
        // Cron: each run is a new process; the state file carries the stop.
        for (int i = 0; i < 2; ++i)
            ctl({QStringLiteral("collect"), QStringLiteral("--profile"), profileName(),
                 QStringLiteral("--once")});
        QCOMPARE(failedCount(), 1);
        QCOMPARE(login(m_password), 201);
    }

    void benchStopsAtTheFirstRejection()
    {
        reset();
        QByteArray err;
        for (int i = 0; i < 2; ++i) {
            const int rc = ctl(
                {QStringLiteral("bench"), QStringLiteral("validate"), QStringLiteral("--profile"),
                 profileName(), QStringLiteral("--count"), QStringLiteral("20"),
                 QStringLiteral("--pool"), QStringLiteral("5"), QStringLiteral("--no-store")},
                &err);
            QVERIFY2(rc != 0, err.constData());
            QVERIFY2(failedCount() <= 1, qPrintable(QString::number(failedCount())));
        }
        QCOMPARE(failedCount(), 1);
        QCOMPARE(login(m_password), 201);
    }

    // An account that is already locked (the database says so): the tile
    // says until when, and offers the guarded unlock.
    void lockedAccountSaysUntilWhen()
    {
        reset();
        for (int i = 0; i < 3; ++i)
            QCOMPARE(login(m_wrong), 401);
        QCOMPARE(failedCount(), 3);
        SecretStore secrets;
        secrets.setPlaintextProfiles({profileName()});
        secrets.setPlaintextFile(m_dir.filePath(QStringLiteral("secrets.ini")));
        QVERIFY(secrets.writeBlocking(profileName(), SecretKind::Password, m_password).ok);
        QVERIFY(secrets
                    .writeBlocking(profileName(), SecretKind::DatabasePassword,
                                   lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PASSWORD")))
                    .ok);
        ProbeScheduler scheduler(&secrets);
        QSignalSpy finished(&scheduler, &ProbeScheduler::probeFinished);
        const ProbeResult r = probeOnce(scheduler, finished);
        QVERIFY2(r.authLockedUntil.isValid(), qPrintable(r.tokenError));
        QCOMPARE(r.authUserId, m_userId);
        QVERIFY2(r.tokenError.contains(m_user + QStringLiteral(" is locked until")),
                 qPrintable(r.tokenError));
        QVERIFY2(r.tokenError.contains(QStringLiteral("30 min lockout")), qPrintable(r.tokenError));
        OverviewModel model;
        model.setProfiles({profileName()});
        model.setResult(r);
        QCOMPARE(model.index(0, 0)
                     .data(OverviewModel::AuthActionRole)
                     .value<OverviewModel::AuthAction>(),
                 OverviewModel::AuthAction::Unlock);
        QCOMPARE(model.index(0, 0).data(OverviewModel::AuthUserIdRole).toString(), m_userId);
        forgetSecrets();
    }
};

QTEST_MAIN(TestLabLockout)
#include "tst_lab_lockout.moc"
