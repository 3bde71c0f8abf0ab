#include "profiles/profile.h"
#include "profiles/profilestore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

class TestProfile : public QObject
{
    Q_OBJECT
    static Profile sample()
    {
        Profile p;
        p.name = QStringLiteral("region-one");
        p.authUrl = QUrl(QStringLiteral("https://keystone.example:5000/v3"));
        p.authMethod = AuthMethod::ApplicationCredential;
        p.applicationCredentialId = QStringLiteral("ac123");
        p.regionName = QStringLiteral("RegionOne");
        p.verifyTls = false;
        p.caCertFile = QStringLiteral("/etc/ssl/ca.pem");
        p.databaseUrl = QStringLiteral("mysql+pymysql://keystone@db1/keystone");
        p.keyRepositories = {QStringLiteral("ssh://node1/etc/keystone/fernet-keys"),
                             QStringLiteral("/local/keys")};
        p.memcachedServers = {QStringLiteral("10.0.0.1:11211")};
        p.readOnly = true;
        p.timeoutMs = 2500;
        return p;
    }
private slots:
    void jsonRoundTrip()
    {
        const Profile p = sample();
        const Profile back = Profile::fromJson(p.toJson());
        QCOMPARE(back, p);
        Profile changed = back;
        changed.memcachedServers.append(QStringLiteral("x:1"));
        QVERIFY(!(changed == p));
    }
    void defaultsAreSafe()
    {
        const Profile p = Profile::fromJson(QJsonObject{});
        QVERIFY(p.verifyTls);
        QVERIFY(!p.allowPlaintextSecrets);
        QCOMPARE(p.authMethod, AuthMethod::Password);
    }
    void storeSavesLoadsRemoves()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles.ini")));
        QVERIFY(store.names().isEmpty());
        QString err;
        QVERIFY2(store.save(sample(), &err), qPrintable(err));
        Profile other = sample();
        other.name = QStringLiteral("another");
        QVERIFY(store.save(other));
        QCOMPARE(store.names(),
                 (QStringList{QStringLiteral("another"), QStringLiteral("region-one")}));
        bool found = false;
        QCOMPARE(store.profile(QStringLiteral("region-one"), &found), sample());
        QVERIFY(found);
        QVERIFY(store.remove(QStringLiteral("another")));
        QVERIFY(!store.contains(QStringLiteral("another")));
        QVERIFY(!store.remove(QStringLiteral("another")));
    }
    void rejectsUnsafeNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("empty") << QString();
        QTest::newRow("slash") << QStringLiteral("a/b");
        QTest::newRow("space") << QStringLiteral("a b");
        QTest::newRow("leading dot") << QStringLiteral(".hidden");
        QTest::newRow("too long") << QString(65, u'a');
    }
    void rejectsUnsafeNames()
    {
        QFETCH(QString, name);
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles.ini")));
        Profile p = sample();
        p.name = name;
        QString err;
        QVERIFY(!store.save(p, &err));
        QVERIFY(!err.isEmpty());
        QVERIFY(store.names().isEmpty());
    }
    void fileHoldsNoSecretFields()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles.ini")));
        QVERIFY(store.save(sample()));
        QFile f(store.fileName());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(!text.contains("password\\\":"));
        QVERIFY(!text.contains("secret\\\":"));
    }
};

QTEST_GUILESS_MAIN(TestProfile)
#include "tst_profile.moc"
