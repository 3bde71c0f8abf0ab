// Pruning revocation events against the lab's real Keystone and its real
// revocation_event table: a revoked token must stay revoked after a prune.
// Start the lab with KS_TOKEN_EXPIRATION=86400 for the 24 h cloud the defect
// was found in; the test holds with the default 1 h as well, because it ages
// the revocation itself, not the token.
#include "db/dbconnection.h"
#include "guarded/actioncontrol.h"
#include "guarded/auditlog.h"
#include "guarded/guardedworkflow.h"
#include "guarded/revocationcleanup.h"
#include "isolatedenvironment.h"
#include "keystone/keystoneclient.h"
#include "profiles/profilestore.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlQuery>
#include <QTest>

using namespace turnstile;
using testsupport::lab;

class TestLabRevocationPrune : public QObject
{
    Q_OBJECT

    // Profiles, audit log and pending journals of its own, in this process
    // and in the turnstilectl it runs.
    testsupport::IsolatedEnvironment m_tmp;

    static Profile labProfile()
    {
        Profile p = testsupport::labAdminProfile(true);
        p.name = QStringLiteral("lab-prune-%1").arg(QCoreApplication::applicationPid());
        return p; // no keystone.conf: the lifetime must come from elsewhere
    }
    QProcessEnvironment ctlEnv() const
    {
        QProcessEnvironment env = m_tmp.environment();
        env.insert(QStringLiteral("OS_PASSWORD"),
                   lab(QStringLiteral("TURNSTILE_LAB_ADMIN_PASSWORD")));
        env.insert(QStringLiteral("TURNSTILE_DB_PASSWORD"),
                   lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PASSWORD")));
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QStringLiteral("disabled:"));
        return env;
    }
    int ctl(const QStringList &args, QString *out) const
    {
        QProcess p;
        p.setProcessEnvironment(ctlEnv());
        p.start(testsupport::builtProgram(QStringLiteral("turnstilectl")), args);
        p.waitForFinished(120000);
        *out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
        return p.exitCode();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_KS_URL")).isEmpty(), "lab env file missing");
        ProfileStore store(m_tmp.profilesFile());
        QVERIFY(store.save(labProfile()));
    }

    void pruneKeepsTheEventsThatProtectLiveTokens()
    {
        // A token, revoked: Keystone answers 404 for it from now on.
        KeystoneClient admin(labProfile(), testsupport::labAdminSecrets());
        QVERIFY(admin.issueToken().ok());
        KeystoneClient other(labProfile(), testsupport::labAdminSecrets());
        const TokenInfo subject = other.issueToken();
        QVERIFY2(subject.ok(), qPrintable(subject.error));
        QCOMPARE(admin.revokeToken(subject.token).status, 204);
        QCOMPARE(admin.validateToken(subject.token).status, 404);

        // Its event, made three hours old: older than Keystone's default
        // lifetime plus buffer (1 h 30 min), younger than the cloud's 24 h.
        DbConnection root(
            testsupport::labMysqlRootUrl(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_DB"))), QString());
        QVERIFY2(root.open(), qPrintable(root.error()));
        QSqlQuery q(root.database());
        q.prepare(QStringLiteral("UPDATE revocation_event SET revoked_at = UTC_TIMESTAMP() - "
                                 "INTERVAL 3 HOUR WHERE audit_id = ?"));
        q.addBindValue(subject.auditId);
        QVERIFY(q.exec());
        QCOMPARE(q.numRowsAffected(), 1);

        const QString name = labProfile().name;
        QString out;
        // No keystone.conf, no --token-expiration: refused, nothing deleted.
        QCOMPARE(ctl({QStringLiteral("revocations"), QStringLiteral("prune"),
                      QStringLiteral("--profile"), name},
                     &out),
                 5);
        QVERIFY2(out.contains(QStringLiteral("--token-expiration")), qPrintable(out));

        // A lifetime given too short is raised to what Keystone's API shows.
        const qint64 labExpiration =
            lab(QStringLiteral("TURNSTILE_LAB_TOKEN_EXPIRATION")).toLongLong() > 0
                ? lab(QStringLiteral("TURNSTILE_LAB_TOKEN_EXPIRATION")).toLongLong()
                : 3600;
        QCOMPARE(ctl({QStringLiteral("revocations"), QStringLiteral("prune"),
                      QStringLiteral("--profile"), name, QStringLiteral("--token-expiration"),
                      QStringLiteral("10m"), QStringLiteral("--json")},
                     &out),
                 0);
        const QJsonObject preview =
            QJsonDocument::fromJson(out.toUtf8()).object().value(u"preview").toObject();
        const qint64 used =
            preview.value(u"parameters").toObject().value(u"token_expiration_seconds").toInteger();
        QVERIFY2(qAbs(used - labExpiration) <= 2, qPrintable(out));

        // The cloud's lifetime, given: the three-hour-old event stays, and
        // the token it revoked stays revoked.
        QCOMPARE(ctl({QStringLiteral("revocations"), QStringLiteral("prune"),
                      QStringLiteral("--profile"), name, QStringLiteral("--token-expiration"),
                      QStringLiteral("24h")},
                     &out),
                 0);
        const QString target =
            out.section(QStringLiteral("--confirm "), 1).section(u'\n', 0, 0).trimmed();
        QVERIFY2(target.endsWith(u':' + lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT"))),
                 qPrintable(out));
        QCOMPARE(ctl({QStringLiteral("revocations"), QStringLiteral("prune"),
                      QStringLiteral("--profile"), name, QStringLiteral("--token-expiration"),
                      QStringLiteral("24h"), QStringLiteral("--execute"),
                      QStringLiteral("--confirm"), target},
                     &out),
                 0);
        QSqlQuery left(root.database());
        left.prepare(QStringLiteral("SELECT COUNT(*) FROM revocation_event WHERE audit_id = ?"));
        left.addBindValue(subject.auditId);
        QVERIFY(left.exec() && left.next());
        QCOMPARE(left.value(0).toInt(), 1);
        QCOMPARE(admin.validateToken(subject.token).status, 404);
    }
};

QTEST_GUILESS_MAIN(TestLabRevocationPrune)
#include "tst_lab_revocationprune.moc"
