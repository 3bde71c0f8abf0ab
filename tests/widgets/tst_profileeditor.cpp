#include "profileeditor.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

class TestProfileEditor : public QObject
{
    Q_OBJECT

    static QString write(QTemporaryDir &dir, const QString &name, const QByteArray &text)
    {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(text);
        return f.fileName();
    }

private slots:
    void importsCloudThenKeystoneConf()
    {
        QTemporaryDir dir;
        const QString clouds = write(dir, QStringLiteral("clouds.yaml"), R"(clouds:
  east:
    auth:
      auth_url: https://keystone.east.example:5000/v3
      username: monitor
      password: "pa:ss word"
      project_name: ops
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionEast
    cacert: /etc/ssl/east-ca.pem
)");
        const QString conf = write(dir, QStringLiteral("keystone.conf"), R"([database]
connection = mysql+pymysql://keystone:db%40pw@db1.east:3306/keystone?charset=utf8
[fernet_tokens]
key_repository = /etc/keystone/fernet-keys/
)");
        ProfileEditor e;
        QSignalSpy done(&e, &ProfileEditor::importFinished);
        e.importCloudsYaml(clouds);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 5000);
        Profile p = e.profile();
        QCOMPARE(p.name, QStringLiteral("east"));
        QCOMPARE(p.authUrl, QUrl(QStringLiteral("https://keystone.east.example:5000/v3")));
        QCOMPARE(p.username, QStringLiteral("monitor"));
        QCOMPARE(p.regionName, QStringLiteral("RegionEast"));
        QCOMPARE(p.caCertFile, QStringLiteral("/etc/ssl/east-ca.pem"));
        QCOMPARE(e.secrets().password, QStringLiteral("pa:ss word"));

        e.importKeystoneConf(conf);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 5000);
        p = e.profile();
        QCOMPARE(p.databaseUrl,
                 QStringLiteral("mysql+pymysql://keystone@db1.east:3306/keystone?charset=utf8"));
        QCOMPARE(e.secrets().databasePassword, QStringLiteral("db@pw"));
        QCOMPARE(e.secrets().password, QStringLiteral("pa:ss word")); // kept
        QVERIFY(p.keyRepositories.contains(QStringLiteral("/etc/keystone/fernet-keys/")));
        QVERIFY(e.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save)->isEnabled());
    }
    void malformedYamlSaysWhere()
    {
        QTemporaryDir dir;
        const QString bad =
            write(dir, QStringLiteral("clouds.yaml"), "clouds:\n  east: [unclosed\n    auth: {\n");
        ProfileEditor e;
        QSignalSpy done(&e, &ProfileEditor::importFinished);
        e.importCloudsYaml(bad);
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 5000);
        QVERIFY2(e.importMessage().contains(QStringLiteral("line")), qPrintable(e.importMessage()));
        QVERIFY(e.profile().name.isEmpty()); // nothing half-imported
    }
    void saveNeedsNameAndUrl()
    {
        ProfileEditor e;
        auto *save = e.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save);
        QVERIFY(!save->isEnabled());
        Profile p;
        p.name = QStringLiteral("ok-name");
        p.authUrl = QUrl(QStringLiteral("ftp://x"));
        e.setProfile(p);
        QVERIFY(!save->isEnabled());
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:5000/v3"));
        e.setProfile(p);
        QVERIFY(save->isEnabled());
        p.databaseUrl = QStringLiteral("oracle://x@y/z");
        e.setProfile(p);
        QVERIFY(!save->isEnabled());
    }
};

QTEST_MAIN(TestProfileEditor)
#include "tst_profileeditor.moc"
