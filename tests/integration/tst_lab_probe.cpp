// The first slice end to end against the lab's real Keystone and MariaDB.
#include "isolatedenvironment.h"
#include "keystone/keystoneclient.h"
#include "probe/latencywindow.h"
#include "probe/prober.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"
#include "testsupport.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <functional>
#include <memory>

using namespace turnstile;
using testsupport::lab;

class TestLabProbe : public QObject
{
    Q_OBJECT

    // Rejected logins, profiles and settings of its own, not the user's.
    testsupport::IsolatedEnvironment m_dir;
    static Profile labProfile() { return testsupport::labAdminProfile(true); }
    static Secrets labSecrets() { return testsupport::labAdminSecrets(); }

private slots:
    void initTestCase()
    {
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_KS_URL")).isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
        QVERIFY(m_dir.isValid());
        // QtKeychain talks to the lab's private Secret Service.
        m_dir.set(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                  lab(QStringLiteral("TURNSTILE_LAB_DBUS_ADDRESS")));
    }

    void probeShowsLiveFigures()
    {
        const ProbeResult r = runProbe(labProfile(), labSecrets());
        QVERIFY2(r.healthy(), QJsonDocument(r.toJson()).toJson().constData());
        QVERIFY(r.keystoneVersion.startsWith(QStringLiteral("v3.")));
        QVERIFY(r.issueMs.has_value() && *r.issueMs > 0);
        QVERIFY(r.validateMs.has_value() && *r.validateMs > 0);
        QVERIFY(r.tokenBytes.value_or(0) > 100); // Fernet tokens are ~180 bytes
        QVERIFY(r.revocationEvents.has_value());
        QCOMPARE(r.tokenRows.value_or(-1), 0); // Fernet never writes the legacy table
    }

    void percentilesSpanProbeCycles()
    {
        // Three light probes of three validations each: the window holds
        // nine validation timings and three issue timings; each probe still
        // issues one token.
        LatencyWindow window;
        ProbeResult r;
        for (int i = 0; i < 3; ++i) {
            r = runProbe(labProfile(), labSecrets(), 3, &window);
            QVERIFY2(r.healthy(), QJsonDocument(r.toJson()).toJson().constData());
        }
        QVERIFY(r.validatePercentiles && r.issuePercentiles);
        const LatencyPercentiles v = *r.validatePercentiles;
        QCOMPARE(v.samples, 9);
        QCOMPARE(r.issuePercentiles->samples, 3);
        QVERIFY(v.p50 > 0 && v.p50 <= v.p95 && v.p95 <= v.p99);
        // Nearest rank: every figure is one of the measured timings, and
        // p99 of nine is the slowest.
        const QList<double> kept =
            window.samples(LatencyWindow::Kind::Validate, QDateTime::currentMSecsSinceEpoch());
        QCOMPARE(kept.size(), 9);
        QVERIFY(kept.contains(v.p50) && kept.contains(v.p99));
        QCOMPARE(v.p99, *std::max_element(kept.begin(), kept.end()));
        // Without a window: this probe's own samples.
        const ProbeResult alone = runProbe(labProfile(), labSecrets(), 3);
        QCOMPARE(alone.validatePercentiles->samples, 3);
        QCOMPARE(alone.validatePercentiles->p50, *alone.validateMs);
    }

    void revocationCountFollowsTheDatabase()
    {
        const ProbeResult before = runProbe(labProfile(), labSecrets(), 1);
        QVERIFY(before.revocationEvents.has_value());
        // Issue, validate, revoke, re-validate: a revoked token fails validation
        // and adds exactly one revocation_event row.
        KeystoneClient c(labProfile(), labSecrets());
        const TokenInfo admin = c.issueToken();
        QVERIFY2(admin.ok(), qPrintable(admin.error));
        KeystoneClient other(labProfile(), labSecrets());
        const TokenInfo subject = other.issueToken(true);
        QVERIFY2(subject.ok(), qPrintable(subject.error));
        QVERIFY(subject.catalogBytes > 0);
        QCOMPARE(c.validateToken(subject.token).status, 200);
        QCOMPARE(c.validateToken(subject.token, true).status, 200);
        const HttpResult del = c.revokeToken(subject.token);
        QCOMPARE(del.status, 204);
        const HttpResult after = c.validateToken(subject.token);
        QCOMPARE(after.status, 404);
        QVERIFY(!after.ok());
        const ProbeResult later = runProbe(labProfile(), labSecrets(), 1);
        // One row more, unless Keystone pruned events older than expiration +
        // buffer while writing it (a lab that has run for hours).
        QVERIFY(later.revocationEvents.has_value());
        QVERIFY(*later.revocationEvents >= 1);
        QVERIFY(*later.revocationEvents <= *before.revocationEvents + 1);
    }

    void wrongCredentialsDegradeOnlyTheirFigure()
    {
        Profile p = labProfile();
        // An unknown user: 401 without locking out the lab's admin.
        p.username = QStringLiteral("turnstile-no-such-user");
        Secrets s = labSecrets();
        s.databasePassword = QStringLiteral("wrong-db-password");
        const ProbeResult r = runProbe(p, s, 1);
        QVERIFY(!r.healthy());
        QVERIFY(r.keystoneVersion.startsWith(QStringLiteral("v3.")));
        QVERIFY(r.authRejected);
        QVERIFY2(r.tokenError.contains(QStringLiteral("was rejected")), qPrintable(r.tokenError));
        // One sentence; the driver's own words stay available as the detail.
        QVERIFY2(r.databaseError.contains(QStringLiteral("refused the login")),
                 qPrintable(r.databaseError));
        QVERIFY2(r.databaseErrorDetail.contains(QStringLiteral("Access denied")),
                 qPrintable(r.databaseErrorDetail));
        QVERIFY(!r.databaseError.contains(QStringLiteral("wrong-db-password")));
        QVERIFY(!r.databaseErrorDetail.contains(QStringLiteral("wrong-db-password")));
    }

    void unreachableEndpointAndDatabaseAreSentences()
    {
        Profile p = labProfile();
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3"));
        p.databaseUrl = QStringLiteral("mysql+pymysql://keystone@127.0.0.1:1/keystone");
        const ProbeResult r = runProbe(p, labSecrets(), 1);
        QVERIFY(!r.reachable);
        QVERIFY2(r.endpointError.contains(QStringLiteral("refused")), qPrintable(r.endpointError));
        QVERIFY2(r.databaseError.contains(QStringLiteral("127.0.0.1:1")),
                 qPrintable(r.databaseError));
    }

    // 15.8: with MariaDB frozen (SIGSTOP), Keystone times out too; every tile
    // used to say "No answer from …/v3/auth/tokens within 15 s". The probe
    // now names the database, its address and what it did.
    void frozenDatabaseIsBlamedNotKeystone()
    {
        QFile pidFile(lab(QStringLiteral("TURNSTILE_LAB_DIR")) +
                      QStringLiteral("/run/mariadbd.pid"));
        QVERIFY(pidFile.open(QIODevice::ReadOnly));
        const pid_t pid = pid_t(pidFile.readAll().trimmed().toLongLong());
        QVERIFY(pid > 1);
        QVERIFY(::kill(pid, SIGSTOP) == 0);
        // Always thawed again, whatever fails below.
        const std::unique_ptr<void, std::function<void(void *)>> thaw(
            reinterpret_cast<void *>(1), [pid](void *) { ::kill(pid, SIGCONT); });
        Profile p = labProfile();
        p.timeoutMs = 4000;
        const ProbeResult r = runProbe(p, labSecrets(), 1);
        ::kill(pid, SIGCONT);
        const QString target = p.databaseUrl.section(u'@', 1).section(u'/', 0, 0);
        const QString blamed = !r.endpointError.isEmpty() ? r.endpointError : r.tokenError;
        QVERIFY2(blamed.contains(QStringLiteral("database")) && blamed.contains(target),
                 qPrintable(blamed));
        QVERIFY2(blamed.contains(QStringLiteral("accepted the connection and sent nothing")),
                 qPrintable(blamed));
        // Keystone's own sentence and the driver's text are kept as details.
        QVERIFY2(r.keystoneErrorDetail.contains(QStringLiteral("4 s")),
                 qPrintable(r.keystoneErrorDetail));
        QVERIFY(!r.databaseErrorDetail.isEmpty());
        QVERIFY2(!r.databaseError.contains(QStringLiteral("system error")),
                 qPrintable(r.databaseError));
        // The lab recovers for the tests after this one.
        QTRY_VERIFY_WITH_TIMEOUT(runProbe(labProfile(), labSecrets(), 1).healthy(), 60000);
    }

    void keychainRoundTrip()
    {
        SecretStore store;
        const QString profile =
            QStringLiteral("keychain-test-%1").arg(QCoreApplication::applicationPid());
        SecretResult w =
            store.writeBlocking(profile, SecretKind::Password, QStringLiteral("s3cret-value"));
        QVERIFY2(w.ok, qPrintable(w.error));
        SecretResult r = store.readBlocking(profile, SecretKind::Password);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.value, QStringLiteral("s3cret-value"));
        QVERIFY(store.removeBlocking(profile, SecretKind::Password).ok);
        r = store.readBlocking(profile, SecretKind::Password);
        QVERIFY(!r.ok);
        QVERIFY(r.notFound);
    }

    void ctlProbeJsonUsesKeychainAndLeavesNoSecretOnDisk()
    {
        QTemporaryDir dir;
        const QString profilesFile = dir.filePath(QStringLiteral("profiles.ini"));
        ProfileStore store(profilesFile);
        Profile p = labProfile();
        p.name = QStringLiteral("ctl-lab-%1").arg(QCoreApplication::applicationPid());
        QVERIFY(store.save(p));
        SecretStore secrets;
        QVERIFY(secrets.writeBlocking(p.name, SecretKind::Password, labSecrets().password).ok);
        QVERIFY(
            secrets
                .writeBlocking(p.name, SecretKind::DatabasePassword, labSecrets().databasePassword)
                .ok);

        QProcess ctl;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TURNSTILE_PROFILES"), profilesFile);
        env.remove(QStringLiteral("OS_PASSWORD"));
        env.remove(QStringLiteral("TURNSTILE_DB_PASSWORD"));
        ctl.setProcessEnvironment(env);
        ctl.start(testsupport::builtProgram(QStringLiteral("turnstilectl")),
                  {QStringLiteral("probe"), QStringLiteral("--profile"), p.name,
                   QStringLiteral("--json")});
        QVERIFY(ctl.waitForFinished(60000));
        const QByteArray out = ctl.readAllStandardOutput();
        const QByteArray err = ctl.readAllStandardError();
        QVERIFY2(ctl.exitCode() == 0, (out + err).constData());
        const QJsonObject o = QJsonDocument::fromJson(out).object();
        QCOMPARE(o[u"profile"].toString(), p.name);
        QVERIFY(o[u"keystone"].toObject()[u"version"].toString().startsWith(QStringLiteral("v3.")));
        QVERIFY(o[u"token"].toObject()[u"issue_ms"].toDouble() > 0);
        QVERIFY(o[u"token"].toObject()[u"validate_ms"].toDouble() > 0);
        for (const char *key : {"validate_p50_ms", "validate_p95_ms", "validate_p99_ms",
                                "issue_p50_ms", "issue_p95_ms", "issue_p99_ms"})
            QVERIFY2(o[u"token"].toObject()[QLatin1String(key)].toDouble() > 0, key);
        QCOMPARE(o[u"token"].toObject()[u"validate_window_samples"].toInt(), 3);
        QCOMPARE(o[u"database"].toObject()[u"token_rows"].toInt(-1), 0);
        QVERIFY(o[u"database"].toObject()[u"revocation_event_rows"].isDouble());

        // Never in plain text: not in the profile file, not in the output.
        QFile f(profilesFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray stored = f.readAll();
        for (const QString &secret : {labSecrets().password, labSecrets().databasePassword}) {
            QVERIFY(!stored.contains(secret.toUtf8()));
            QVERIFY(!out.contains(secret.toUtf8()));
            QVERIFY(!err.contains(secret.toUtf8()));
        }
        secrets.removeBlocking(p.name, SecretKind::Password);
        secrets.removeBlocking(p.name, SecretKind::DatabasePassword);
    }

    void ctlUnknownProfileIsAConfigError()
    {
        QTemporaryDir dir;
        QProcess ctl;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TURNSTILE_PROFILES"), dir.filePath(QStringLiteral("none.ini")));
        ctl.setProcessEnvironment(env);
        ctl.start(testsupport::builtProgram(QStringLiteral("turnstilectl")),
                  {QStringLiteral("probe"), QStringLiteral("--profile"), QStringLiteral("nope")});
        QVERIFY(ctl.waitForFinished(30000));
        QCOMPARE(ctl.exitCode(), 3);
        QVERIFY(ctl.readAllStandardError().contains("no profile named \"nope\""));
    }
};

QTEST_GUILESS_MAIN(TestLabProbe)
#include "tst_lab_probe.moc"
