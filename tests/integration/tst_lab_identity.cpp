// Keystone v3 calls beyond the probe, against the lab's real Keystone:
// application-credential auth, listings, OS-REVOKE events, catalog, healthcheck.
#include "keystone/identityapi.h"
#include "keystone/keystoneclient.h"
#include "testsupport.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace turnstile;
using testsupport::lab;

class TestLabIdentity : public QObject
{
    Q_OBJECT

    static Profile admin() { return testsupport::labAdminProfile(); }
    static Secrets adminSecrets() { return testsupport::labAdminSecrets(); }

private slots:
    void initTestCase()
    {
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_KS_URL")).isEmpty(), "lab env file missing");
    }

    void applicationCredentialAuth()
    {
        KeystoneClient c(admin(), adminSecrets());
        const TokenInfo t = c.issueToken();
        QVERIFY2(t.ok(), qPrintable(t.error));
        const QString name = QStringLiteral("turnstile-test-%1-%2")
                                 .arg(QCoreApplication::applicationPid())
                                 .arg(QDateTime::currentMSecsSinceEpoch());
        const QJsonObject body{
            {QStringLiteral("application_credential"),
             QJsonObject{{QStringLiteral("name"), name},
                         {QStringLiteral("description"), QStringLiteral("Turnstile test")}}}};
        const HttpResult created =
            c.post(QStringLiteral("/users/%1/application_credentials").arg(t.userId),
                   QJsonDocument(body).toJson(QJsonDocument::Compact));
        QVERIFY2(created.status == 201, qPrintable(created.error));
        const QJsonObject ac = QJsonDocument::fromJson(created.body)
                                   .object()
                                   .value(u"application_credential")
                                   .toObject();

        Profile p = admin();
        p.authMethod = AuthMethod::ApplicationCredential;
        p.applicationCredentialId = ac.value(u"id").toString();
        Secrets s;
        s.applicationCredentialSecret = ac.value(u"secret").toString();
        KeystoneClient acClient(p, s);
        const TokenInfo acToken = acClient.issueToken();
        QVERIFY2(acToken.ok(), qPrintable(acToken.error));
        QCOMPARE(acToken.userId, t.userId);
        QCOMPARE(acClient.validateToken(acToken.token).status, 200);

        // The wrong secret is a 401 sentence, and the secret is not in it.
        s.applicationCredentialSecret = QStringLiteral("definitely-wrong-secret");
        KeystoneClient wrong(p, s);
        const TokenInfo bad = wrong.issueToken();
        QVERIFY(!bad.ok());
        QCOMPARE(bad.http.status, 401);
        QVERIFY(!bad.error.contains(s.applicationCredentialSecret));
    }

    void listingsAndCatalog()
    {
        KeystoneClient c(admin(), adminSecrets());
        QVERIFY(c.issueToken().ok());
        const ListResult users = listAll(c, QStringLiteral("/users"), QStringLiteral("users"));
        QVERIFY2(users.ok(), qPrintable(users.error));
        bool sawAdmin = false;
        for (const QJsonValue &u : users.items)
            sawAdmin = sawAdmin || u.toObject().value(u"name").toString() ==
                                       lab(QStringLiteral("TURNSTILE_LAB_ADMIN_USER"));
        QVERIFY(sawAdmin);
        QVERIFY(!users.truncated);
        const ListResult projects =
            listAll(c, QStringLiteral("/projects"), QStringLiteral("projects"));
        QVERIFY(projects.ok());
        QVERIFY(projects.items.size() >= 1);

        // Asking for a list under the wrong key is reported, not crashed on.
        const ListResult wrong = listAll(c, QStringLiteral("/users"), QStringLiteral("projects"));
        QVERIFY(!wrong.ok());

        const CatalogResult cat = fetchCatalog(c);
        QVERIFY2(cat.ok(), qPrintable(cat.error));
        QVERIFY(cat.catalogBytes > 0);
        QVERIFY(cat.regions.contains(QStringLiteral("RegionOne")));

        const HealthResult h = healthcheck(c);
        QVERIFY(h.enabled);
        QVERIFY(h.healthy);
    }

    void revocationEventsSince()
    {
        KeystoneClient c(admin(), adminSecrets());
        QVERIFY(c.issueToken().ok());
        KeystoneClient other(admin(), adminSecrets());
        const TokenInfo victim = other.issueToken();
        QVERIFY(victim.ok());
        // Keystone stores revoked_at with second precision.
        const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-2);
        QCOMPARE(c.revokeToken(victim.token).status, 204);
        const RevocationEventsResult all = listRevocationEvents(c, before);
        QVERIFY2(all.ok(), qPrintable(all.error));
        bool found = false;
        for (const RevocationEvent &e : all.events)
            if (e.auditId == victim.auditId) {
                found = true;
                QCOMPARE(e.kind(), RevocationEvent::Kind::AuditId);
                QVERIFY(e.revokedAt.isValid());
            }
        QVERIFY2(found, "the revoked token's audit id is not in OS-REVOKE/events?since=");
        const RevocationEventsResult future =
            listRevocationEvents(c, QDateTime::currentDateTimeUtc().addDays(1));
        QVERIFY(future.ok());
        QVERIFY(future.events.isEmpty());
    }

    void followingLinksStaysOnTheEndpoint()
    {
        KeystoneClient c(admin(), adminSecrets());
        const HttpResult r =
            c.getAbsolute(QUrl(QStringLiteral("http://attacker.invalid/v3/users")));
        QVERIFY(!r.ok());
        QVERIFY(r.error.contains(QStringLiteral("Refusing")));
    }
};

QTEST_GUILESS_MAIN(TestLabIdentity)
#include "tst_lab_identity.moc"
