// TLS against the lab's real Keystone: uwsgi serves it over HTTPS with
// certificates from a throw-away CA (tests/lab/lab.sh, tls_setup). Trusted with
// that CA, refused without it; an expired certificate, a certificate for
// another host name and a missing CA bundle are each named in the error.
#include "keystone/keystoneclient.h"
#include "testsupport.h"

#include <QTemporaryFile>
#include <QTest>

using namespace turnstile;
using testsupport::lab;

class TestLabTls : public QObject
{
    Q_OBJECT

    // The lab admin against one of the lab's HTTPS endpoints; no CA configured.
    static Profile tlsProfile(const QString &urlKey = QStringLiteral("TURNSTILE_LAB_KS_TLS_URL"))
    {
        Profile p = testsupport::labAdminProfile();
        p.name = QStringLiteral("lab-tls");
        p.authUrl = QUrl(lab(urlKey));
        return p;
    }
    static Profile trusted(const QString &urlKey = QStringLiteral("TURNSTILE_LAB_KS_TLS_URL"))
    {
        Profile p = tlsProfile(urlKey);
        p.caCertFile = lab(QStringLiteral("TURNSTILE_LAB_TLS_CA"));
        return p;
    }
    static Secrets secrets() { return testsupport::labAdminSecrets(); }
    static QString hostPort(const QString &urlKey)
    {
        const QUrl u(lab(urlKey));
        return QStringLiteral("%1:%2").arg(u.host()).arg(u.port());
    }

private slots:
    void initTestCase()
    {
        for (const char *key : {"TURNSTILE_LAB_KS_TLS_URL", "TURNSTILE_LAB_KS_TLS_EXPIRED_URL",
                                "TURNSTILE_LAB_KS_TLS_MISMATCH_URL", "TURNSTILE_LAB_KS_MTLS_URL",
                                "TURNSTILE_LAB_TLS_CA", "TURNSTILE_LAB_TLS_CLIENT_CERT",
                                "TURNSTILE_LAB_TLS_CLIENT_KEY", "TURNSTILE_LAB_ADMIN_USER",
                                "TURNSTILE_LAB_ADMIN_PASSWORD", "TURNSTILE_LAB_ADMIN_PROJECT"}) {
            QVERIFY2(
                !lab(QString::fromLatin1(key)).isEmpty(),
                qPrintable(
                    QStringLiteral(
                        "%1 is missing from the lab env file: the lab_start fixture did not run, "
                        "or an older lab.sh started the lab")
                        .arg(QString::fromLatin1(key))));
        }
        QVERIFY(
            lab(QStringLiteral("TURNSTILE_LAB_KS_TLS_URL")).startsWith(QStringLiteral("https://")));
        QVERIFY(QFile::exists(lab(QStringLiteral("TURNSTILE_LAB_TLS_CA"))));
    }

    void unknownCaIsRefusedByDefault()
    {
        const Profile p = tlsProfile();
        QVERIFY(p.verifyTls); // verification is the default
        KeystoneClient c(p, secrets());
        const VersionInfo v = c.discover();
        QVERIFY(!v.ok());
        QVERIFY2(v.error.contains(QStringLiteral("unknown CA")), qPrintable(v.error));
        QVERIFY2(v.error.contains(hostPort(QStringLiteral("TURNSTILE_LAB_KS_TLS_URL"))),
                 qPrintable(v.error));
        // Nothing is sent to an unverified server: no token either.
        const TokenInfo t = c.issueToken();
        QVERIFY(!t.ok());
        QVERIFY(t.token.isEmpty());
        QVERIFY2(t.error.contains(QStringLiteral("unknown CA")), qPrintable(t.error));
    }

    void trustedWithTheLabCa()
    {
        KeystoneClient c(trusted(), secrets());
        const VersionInfo v = c.discover();
        QVERIFY2(v.ok(), qPrintable(v.error));
        QVERIFY2(v.id.startsWith(QStringLiteral("v3.")), qPrintable(v.id));
        // The v3 base keeps the configured scheme, host and port.
        QCOMPARE(v.v3Url.scheme(), QStringLiteral("https"));
        QCOMPARE(v.v3Url.port(), QUrl(lab(QStringLiteral("TURNSTILE_LAB_KS_TLS_URL"))).port());
        const TokenInfo t = c.issueToken();
        QVERIFY2(t.ok(), qPrintable(t.error));
        QVERIFY(t.tokenBytes > 100);
        QCOMPARE(c.validateToken(t.token).status, 200);
    }

    void verificationOffIsAnExplicitChoice()
    {
        // Without the CA but with verification turned off, even the expired
        // certificate is accepted: the opt-out works, and it is never the default.
        Profile p = tlsProfile(QStringLiteral("TURNSTILE_LAB_KS_TLS_EXPIRED_URL"));
        p.verifyTls = false;
        KeystoneClient c(p, secrets());
        const VersionInfo v = c.discover();
        QVERIFY2(v.ok(), qPrintable(v.error));
    }

    void expiredCertificateIsNamed()
    {
        KeystoneClient c(trusted(QStringLiteral("TURNSTILE_LAB_KS_TLS_EXPIRED_URL")), secrets());
        const VersionInfo v = c.discover();
        QVERIFY(!v.ok());
        QVERIFY2(v.error.contains(QStringLiteral("expired")), qPrintable(v.error));
        QVERIFY2(!v.error.contains(QStringLiteral("unknown CA")), qPrintable(v.error));
        QVERIFY2(v.error.contains(hostPort(QStringLiteral("TURNSTILE_LAB_KS_TLS_EXPIRED_URL"))),
                 qPrintable(v.error));
    }

    void hostMismatchIsNamed()
    {
        // The certificate on this port is for DNS:wrong.invalid only.
        KeystoneClient c(trusted(QStringLiteral("TURNSTILE_LAB_KS_TLS_MISMATCH_URL")), secrets());
        const VersionInfo v = c.discover();
        QVERIFY(!v.ok());
        QVERIFY2(v.error.contains(QStringLiteral("does not match")), qPrintable(v.error));
        QVERIFY2(v.error.contains(QStringLiteral("127.0.0.1")), qPrintable(v.error));
        QVERIFY2(!v.error.contains(QStringLiteral("unknown CA")), qPrintable(v.error));
        QVERIFY2(!v.error.contains(QStringLiteral("expired")), qPrintable(v.error));
    }

    void missingCaBundleIsNamed()
    {
        Profile p = tlsProfile();
        p.caCertFile = QStringLiteral("/nonexistent/turnstile-lab/ca.pem");
        KeystoneClient c(p, secrets());
        const VersionInfo v = c.discover();
        QVERIFY(!v.ok());
        QVERIFY2(v.error.contains(QStringLiteral("CA bundle")), qPrintable(v.error));
        QVERIFY2(v.error.contains(p.caCertFile), qPrintable(v.error));
        QCOMPARE(v.http.status, 0);
    }

    void caBundleWithoutCertificatesIsNamed()
    {
        QTemporaryFile f;
        QVERIFY(f.open());
        f.write("this is not a PEM certificate\n");
        f.flush();
        Profile p = tlsProfile();
        p.caCertFile = f.fileName();
        KeystoneClient c(p, secrets());
        const VersionInfo v = c.discover();
        QVERIFY(!v.ok());
        QVERIFY2(v.error.contains(QStringLiteral("CA bundle")), qPrintable(v.error));
        QVERIFY2(v.error.contains(f.fileName()), qPrintable(v.error));
    }

    void clientCertificateWhereOptional()
    {
        Profile p = trusted();
        p.clientCertFile = lab(QStringLiteral("TURNSTILE_LAB_TLS_CLIENT_CERT"));
        p.clientKeyFile = lab(QStringLiteral("TURNSTILE_LAB_TLS_CLIENT_KEY"));
        KeystoneClient c(p, secrets());
        const TokenInfo t = c.issueToken();
        QVERIFY2(t.ok(), qPrintable(t.error));
    }

    void clientCertificateWhereRequired()
    {
        // This port refuses a handshake without a certificate signed by the lab CA.
        {
            KeystoneClient c(trusted(QStringLiteral("TURNSTILE_LAB_KS_MTLS_URL")), secrets());
            const VersionInfo v = c.discover();
            QVERIFY2(!v.ok(), "the lab's mTLS port accepted a client without a certificate");
            QVERIFY2(v.error.contains(hostPort(QStringLiteral("TURNSTILE_LAB_KS_MTLS_URL"))),
                     qPrintable(v.error));
            QVERIFY2(v.error.contains(QStringLiteral("requires a client certificate")),
                     qPrintable(v.error));
        }
        Profile p = trusted(QStringLiteral("TURNSTILE_LAB_KS_MTLS_URL"));
        p.clientCertFile = lab(QStringLiteral("TURNSTILE_LAB_TLS_CLIENT_CERT"));
        p.clientKeyFile = lab(QStringLiteral("TURNSTILE_LAB_TLS_CLIENT_KEY"));
        KeystoneClient c(p, secrets());
        const VersionInfo v = c.discover();
        QVERIFY2(v.ok(), qPrintable(v.error));
        const TokenInfo t = c.issueToken();
        QVERIFY2(t.ok(), qPrintable(t.error));
        QCOMPARE(c.validateToken(t.token).status, 200);
    }

    void missingClientKeyIsNamed()
    {
        Profile p = trusted(QStringLiteral("TURNSTILE_LAB_KS_MTLS_URL"));
        p.clientCertFile = lab(QStringLiteral("TURNSTILE_LAB_TLS_CLIENT_CERT"));
        p.clientKeyFile = QStringLiteral("/nonexistent/turnstile-lab/client.key");
        KeystoneClient c(p, secrets());
        const VersionInfo v = c.discover();
        QVERIFY(!v.ok());
        QVERIFY2(v.error.contains(p.clientKeyFile), qPrintable(v.error));
    }
};

QTEST_GUILESS_MAIN(TestLabTls)
#include "tst_lab_tls.moc"
