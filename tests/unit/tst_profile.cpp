#include "profiles/profile.h"
#include "profiles/profilestore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QSettings>
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
        p.galeraSingleWriter = true;
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
        // A Galera node falls back to the chunked purge unless the profile says otherwise.
        QVERIFY(!p.galeraSingleWriter);
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
    // Issue 14.3: a password typed into the database URL reached profiles.ini.
    void saveTakesThePasswordOutOfTheUrl()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("profiles.ini"));
        ProfileStore store(file);
        Profile p = sample();
        p.databaseUrl = QStringLiteral("mysql+pymysql://keystone:S3cret%3F@db1/keystone");
        QHash<QString, QString> moved;
        QString err;
        QVERIFY2(store.save(p, &err, &moved), qPrintable(err));
        QCOMPARE(moved.value(p.name), QStringLiteral("S3cret?"));
        QCOMPARE(store.profile(p.name).databaseUrl,
                 QStringLiteral("mysql+pymysql://keystone@db1/keystone"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY2(!text.contains("S3cret"), text.constData());
    }
    // A file written by an older version: found, and rewritten without it.
    void migratesPasswordsInAnOldFile()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("profiles.ini"));
        {
            QSettings s(file, QSettings::IniFormat);
            Profile p = sample();
            p.databaseUrl = QStringLiteral("postgresql://keystone:hunter2@db1/keystone");
            s.setValue(QStringLiteral("profiles/") + p.name,
                       QString::fromUtf8(QJsonDocument(p.toJson()).toJson(QJsonDocument::Compact)));
            p.name = QStringLiteral("clean");
            p.databaseUrl = QStringLiteral("postgresql://keystone@db1/keystone");
            s.setValue(QStringLiteral("profiles/") + p.name,
                       QString::fromUtf8(QJsonDocument(p.toJson()).toJson(QJsonDocument::Compact)));
        }
        ProfileStore store(file);
        const QHash<QString, QString> found = store.databasePasswordsInFile();
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.value(QStringLiteral("region-one")), QStringLiteral("hunter2"));
        QVERIFY(store.stripDatabasePasswords(found.keys()));
        QVERIFY(store.databasePasswordsInFile().isEmpty());
        QCOMPARE(store.profile(QStringLiteral("region-one")).databaseUrl,
                 QStringLiteral("postgresql://keystone@db1/keystone"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().contains("hunter2"));
    }
    // Issue 15.14: listing 2,081 profiles took 45 s (a file re-read per
    // profile). The bound is generous; the linear code takes well under 1 s.
    void manyProfilesStayLinear()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("profiles.ini"));
        constexpr int kCount = 2000;
        {
            // Written directly, so that this test measures reading on old code too.
            QSettings s(file, QSettings::IniFormat);
            for (int i = 0; i < kCount; ++i) {
                Profile p = sample();
                p.name = QStringLiteral("cloud-%1").arg(i, 5, 10, QLatin1Char('0'));
                s.setValue(
                    QStringLiteral("profiles/") + p.name,
                    QString::fromUtf8(QJsonDocument(p.toJson()).toJson(QJsonDocument::Compact)));
            }
        }
        QElapsedTimer t;
        t.start();
        const QList<Profile> all = ProfileStore(file).profiles();
        const qint64 listMs = t.elapsed();
        QCOMPARE(all.size(), kCount);
        QCOMPARE(all.first().name, QStringLiteral("cloud-00000"));
        QVERIFY2(listMs < 5000, qPrintable(QStringLiteral("listing took %1 ms").arg(listMs)));
    }
};

QTEST_GUILESS_MAIN(TestProfile)
#include "tst_profile.moc"
