#include "keystone/authrequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace turnstile;

class TestAuthRequest : public QObject
{
    Q_OBJECT
private slots:
    void passwordProjectScope()
    {
        Profile p;
        p.username = QStringLiteral("admin");
        p.userDomainName = QStringLiteral("Default");
        p.projectName = QStringLiteral("admin");
        p.projectDomainName = QStringLiteral("Default");
        Secrets s;
        s.password = QStringLiteral("pw");
        QString err;
        const QJsonObject auth = buildAuthRequest(p, s, &err).value(u"auth").toObject();
        QVERIFY2(err.isEmpty(), qPrintable(err));
        const QJsonObject id = auth[u"identity"].toObject();
        QCOMPARE(id[u"methods"].toArray().first().toString(), QStringLiteral("password"));
        const QJsonObject user = id[u"password"].toObject()[u"user"].toObject();
        QCOMPARE(user[u"name"].toString(), QStringLiteral("admin"));
        QCOMPARE(user[u"domain"].toObject()[u"name"].toString(), QStringLiteral("Default"));
        QCOMPARE(user[u"password"].toString(), QStringLiteral("pw"));
        const QJsonObject project = auth[u"scope"].toObject()[u"project"].toObject();
        QCOMPARE(project[u"name"].toString(), QStringLiteral("admin"));
        QCOMPARE(project[u"domain"].toObject()[u"name"].toString(), QStringLiteral("Default"));
    }
    void systemAndDomainScope()
    {
        Profile p;
        p.userId = QStringLiteral("u1");
        p.systemScope = true;
        Secrets s;
        s.password = QStringLiteral("pw");
        QString err;
        QJsonObject auth = buildAuthRequest(p, s, &err).value(u"auth").toObject();
        QVERIFY(auth[u"scope"].toObject()[u"system"].toObject()[u"all"].toBool());
        p.systemScope = false;
        p.domainId = QStringLiteral("d1");
        auth = buildAuthRequest(p, s, &err).value(u"auth").toObject();
        QCOMPARE(auth[u"scope"].toObject()[u"domain"].toObject()[u"id"].toString(),
                 QStringLiteral("d1"));
    }
    void applicationCredentialHasNoScope()
    {
        Profile p;
        p.authMethod = AuthMethod::ApplicationCredential;
        p.applicationCredentialId = QStringLiteral("ac1");
        p.projectName = QStringLiteral("ignored");
        Secrets s;
        s.applicationCredentialSecret = QStringLiteral("sec");
        QString err;
        const QJsonObject auth = buildAuthRequest(p, s, &err).value(u"auth").toObject();
        QVERIFY(!auth.contains(u"scope"));
        const QJsonObject ac = auth[u"identity"].toObject()[u"application_credential"].toObject();
        QCOMPARE(ac[u"id"].toString(), QStringLiteral("ac1"));
        QCOMPARE(ac[u"secret"].toString(), QStringLiteral("sec"));
    }
    void missingSecretIsAnError()
    {
        Profile p;
        p.username = QStringLiteral("admin");
        QString err;
        QVERIFY(buildAuthRequest(p, Secrets{}, &err).isEmpty());
        QVERIFY(err.contains(QStringLiteral("password")));
        p.authMethod = AuthMethod::ApplicationCredential;
        QVERIFY(buildAuthRequest(p, Secrets{}, &err).isEmpty());
        p.authMethod = AuthMethod::Token;
        QVERIFY(buildAuthRequest(p, Secrets{}, &err).isEmpty());
    }
};

QTEST_APPLESS_MAIN(TestAuthRequest)
#include "tst_authrequest.moc"
