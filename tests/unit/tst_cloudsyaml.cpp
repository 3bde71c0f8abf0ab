#include "profiles/cloudsyaml.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;
using namespace Qt::StringLiterals;

namespace {

CloudsYaml parsed(const QByteArray &yaml)
{
    CloudsYaml c;
    QString error;
    if (!c.parse(yaml, u"clouds.yaml"_s, &error))
        qWarning("unexpected parse error: %s", qPrintable(error));
    return c;
}

QList<ImportedCloud> importOk(const QByteArray &yaml, const QString &cloud)
{
    QString error;
    const QList<ImportedCloud> out = parsed(yaml).importCloud(cloud, &error);
    if (!error.isEmpty())
        qWarning("unexpected import error: %s", qPrintable(error));
    return out;
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

const QByteArray kTwoClouds = "clouds:\n"
                              "  alpha:\n"
                              "    auth:\n"
                              "      auth_url: https://alpha.example.org:5000\n"
                              "      username: alice\n"
                              "  beta:\n"
                              "    auth:\n"
                              "      auth_url: https://beta.example.org:5000/v3\n"
                              "      username: bob\n";

} // namespace

class TestCloudsYaml : public QObject
{
    Q_OBJECT

private slots:
    void passwordCloud()
    {
        const QList<ImportedCloud> got = importOk("clouds:\n"
                                                  "  devstack:\n"
                                                  "    auth:\n"
                                                  "      auth_url: http://10.0.0.5/identity\n"
                                                  "      username: admin\n"
                                                  "      password: \"s3cr#t: yes\"\n"
                                                  "      project_name: admin\n"
                                                  "      user_domain_name: Default\n"
                                                  "      project_domain_id: default\n"
                                                  "    region_name: RegionOne\n"
                                                  "    interface: internal\n"
                                                  "    identity_api_version: 3\n"
                                                  "    api_timeout: 2.5\n"
                                                  "    cacert: /etc/ssl/ca.pem\n"
                                                  "    cert: /etc/ssl/me.pem\n"
                                                  "    key: /etc/ssl/me.key\n",
                                                  u"devstack"_s);
        QCOMPARE(got.size(), 1);
        const Profile &p = got.at(0).profile;
        QCOMPARE(p.name, u"devstack"_s);
        // Stored as given: no "/v3" appended; Keystone discovery handles it.
        QCOMPARE(p.authUrl, QUrl(u"http://10.0.0.5/identity"_s));
        QCOMPARE(p.authMethod, AuthMethod::Password);
        QCOMPARE(p.username, u"admin"_s);
        QCOMPARE(p.projectName, u"admin"_s);
        QCOMPARE(p.userDomainName, u"Default"_s);
        QCOMPARE(p.projectDomainId, u"default"_s);
        QVERIFY(p.domainName.isEmpty());
        QCOMPARE(p.regionName, u"RegionOne"_s);
        QCOMPARE(p.interface, u"internal"_s);
        QCOMPARE(p.timeoutMs, 2500);
        QVERIFY(p.verifyTls);
        QCOMPARE(p.caCertFile, u"/etc/ssl/ca.pem"_s);
        QCOMPARE(p.clientCertFile, u"/etc/ssl/me.pem"_s);
        QCOMPARE(p.clientKeyFile, u"/etc/ssl/me.key"_s);
        QCOMPARE(got.at(0).secrets.password, u"s3cr#t: yes"_s);
        QVERIFY(got.at(0).secrets.applicationCredentialSecret.isEmpty());
        // The profile itself never carries the password.
        QVERIFY(!QString::fromUtf8(QJsonDocument(p.toJson()).toJson()).contains(u"s3cr#t"_s));
    }

    void applicationCredentialAndToken()
    {
        const QByteArray yaml =
            "clouds:\n"
            "  ac:\n"
            "    auth_type: v3applicationcredential\n"
            "    auth:\n"
            "      auth_url: https://ks.example.org/v3\n"
            "      application_credential_id: 21dced0fd20347869b93710d2b98aae0\n"
            "      application_credential_secret: ac-secret\n"
            "  inferred:\n"
            "    auth:\n"
            "      auth_url: https://ks.example.org/v3\n"
            "      application_credential_name: monitoring\n"
            "      application_credential_secret: ac-secret\n"
            "      username: svc\n"
            "  tok:\n"
            "    auth_type: token\n"
            "    auth:\n"
            "      auth_url: https://ks.example.org/v3\n"
            "      token: gAAAAAB\n"
            "      system_scope: all\n";
        const ImportedCloud ac = importOk(yaml, u"ac"_s).value(0);
        QCOMPARE(ac.profile.authMethod, AuthMethod::ApplicationCredential);
        QCOMPARE(ac.profile.applicationCredentialId, u"21dced0fd20347869b93710d2b98aae0"_s);
        QCOMPARE(ac.secrets.applicationCredentialSecret, u"ac-secret"_s);
        QVERIFY(ac.secrets.password.isEmpty());

        // No auth_type, but clearly an application credential.
        const ImportedCloud inferred = importOk(yaml, u"inferred"_s).value(0);
        QCOMPARE(inferred.profile.authMethod, AuthMethod::ApplicationCredential);
        QCOMPARE(inferred.profile.applicationCredentialName, u"monitoring"_s);

        const ImportedCloud tok = importOk(yaml, u"tok"_s).value(0);
        QCOMPARE(tok.profile.authMethod, AuthMethod::Token);
        QCOMPARE(tok.secrets.token, u"gAAAAAB"_s);
        QVERIFY(tok.profile.systemScope);
    }

    void unsupportedAuthType()
    {
        QString error;
        const QList<ImportedCloud> got = parsed("clouds:\n"
                                                "  sso:\n"
                                                "    auth_type: v3oidcpassword\n"
                                                "    auth:\n"
                                                "      auth_url: https://ks/v3\n")
                                             .importCloud(u"sso"_s, &error);
        QVERIFY(got.isEmpty());
        QVERIFY2(error.contains(u"clouds.yaml line 2"_s) && error.contains(u"v3oidcpassword"_s),
                 qPrintable(error));
    }

    void legacySpellingsAndTopLevelKeys()
    {
        const QList<ImportedCloud> got =
            importOk("clouds:\n"
                     "  old:\n"
                     "    auth-url: https://ks/v3\n" // dashes and top-level
                     "    username: carol\n"
                     "    password: pw\n"
                     "    tenant-name: legacy\n"
                     "    domain_name: Users\n"
                     "    endpoint_type: adminURL\n"
                     "    auth_plugin: v3password\n",
                     u"old"_s);
        QCOMPARE(got.size(), 1);
        const ImportedCloud &c = got.at(0);
        QCOMPARE(c.profile.authUrl, QUrl(u"https://ks/v3"_s));
        QCOMPARE(c.profile.username, u"carol"_s);
        QCOMPARE(c.secrets.password, u"pw"_s);
        QCOMPARE(c.profile.projectName, u"legacy"_s);
        // Project-scoped: domain_name is shorthand for both domains, not a domain scope.
        QCOMPARE(c.profile.userDomainName, u"Users"_s);
        QCOMPARE(c.profile.projectDomainName, u"Users"_s);
        QVERIFY(c.profile.domainName.isEmpty());
        QCOMPARE(c.profile.interface, u"admin"_s);

        // project_name wins over tenant_name; without a project, domain_* is the scope.
        const ImportedCloud both = importOk("clouds:\n  c:\n    auth:\n      auth_url: https://ks\n"
                                            "      tenant_name: t\n      project_name: p\n",
                                            u"c"_s)
                                       .value(0);
        QCOMPARE(both.profile.projectName, u"p"_s);
        const ImportedCloud dom = importOk("clouds:\n  c:\n    auth:\n      auth_url: https://ks\n"
                                           "      domain_id: d1\n",
                                           u"c"_s)
                                      .value(0);
        QCOMPARE(dom.profile.domainId, u"d1"_s);
        QVERIFY(dom.profile.userDomainId.isEmpty());
    }

    void verifyAndInsecure()
    {
        auto profile = [](const QByteArray &extra) {
            return importOk("clouds:\n  c:\n    auth:\n      auth_url: https://ks/v3\n" + extra,
                            u"c"_s)
                .value(0)
                .profile;
        };
        QVERIFY(profile("").verifyTls);
        QVERIFY(!profile("    verify: false\n").verifyTls);
        QVERIFY(!profile("    verify: False\n").verifyTls);
        QVERIFY(!profile("    verify: no\n").verifyTls);
        QVERIFY(profile("    verify: true\n").verifyTls);
        QVERIFY(!profile("    insecure: true\n").verifyTls);
        QVERIFY(!profile("    verify: true\n    insecure: yes\n").verifyTls);
        QVERIFY(profile("    insecure: false\n").verifyTls);
        // requests semantics: a path in verify is the CA bundle.
        const Profile path = profile("    verify: /etc/pki/ca.pem\n");
        QVERIFY(path.verifyTls);
        QCOMPARE(path.caCertFile, u"/etc/pki/ca.pem"_s);
    }

    void multipleRegions()
    {
        const QByteArray yaml = "clouds:\n"
                                "  prod:\n"
                                "    auth:\n"
                                "      auth_url: https://ks.example.org/v3\n"
                                "      username: ops\n"
                                "      password: pw\n"
                                "    interface: public\n"
                                "    regions:\n"
                                "      - east\n"
                                "      - name: west\n"
                                "        values:\n"
                                "          interface: internal\n"
                                "          auth:\n"
                                "            auth_url: https://ks-west.example.org/v3\n"
                                "  single:\n"
                                "    auth:\n"
                                "      auth_url: https://ks.example.org/v3\n"
                                "    regions: [only]\n"
                                "  commas:\n"
                                "    auth:\n"
                                "      auth_url: https://ks.example.org/v3\n"
                                "    region_name: r1, r2\n";
        const QList<ImportedCloud> prod = importOk(yaml, u"prod"_s);
        QCOMPARE(prod.size(), 2);
        QCOMPARE(prod.at(0).profile.name, u"prod-east"_s);
        QCOMPARE(prod.at(0).profile.regionName, u"east"_s);
        QCOMPARE(prod.at(0).profile.interface, u"public"_s);
        QCOMPARE(prod.at(0).profile.authUrl, QUrl(u"https://ks.example.org/v3"_s));
        QCOMPARE(prod.at(1).profile.name, u"prod-west"_s);
        QCOMPARE(prod.at(1).profile.regionName, u"west"_s);
        QCOMPARE(prod.at(1).profile.interface, u"internal"_s);
        // Region values update auth; they do not replace it.
        QCOMPARE(prod.at(1).profile.authUrl, QUrl(u"https://ks-west.example.org/v3"_s));
        QCOMPARE(prod.at(1).profile.username, u"ops"_s);
        QCOMPARE(prod.at(1).secrets.password, u"pw"_s);

        const QList<ImportedCloud> single = importOk(yaml, u"single"_s);
        QCOMPARE(single.size(), 1);
        QCOMPARE(single.at(0).profile.name, u"single"_s);
        QCOMPARE(single.at(0).profile.regionName, u"only"_s);

        const QList<ImportedCloud> commas = importOk(yaml, u"commas"_s);
        QCOMPARE(commas.size(), 2);
        QCOMPARE(commas.at(1).profile.name, u"commas-r2"_s);

        QString error;
        parsed("clouds:\n  c:\n    auth:\n      auth_url: https://ks\n    regions:\n      - {name: "
               "a, bogus: 1}\n")
            .importCloud(u"c"_s, &error);
        QVERIFY2(error.contains(u"regions"_s), qPrintable(error));
    }

    void secureYamlMerge()
    {
        CloudsYaml c = parsed("clouds:\n"
                              "  prod:\n"
                              "    auth:\n"
                              "      auth_url: https://ks/v3\n"
                              "      username: public-name\n"
                              "      project_name: ops\n"
                              "    region_name: RegionOne\n");
        QString error;
        QVERIFY2(c.mergeSecure("clouds:\n"
                               "  prod:\n"
                               "    auth:\n"
                               "      username: secure-name\n"
                               "      password: from-secure\n"
                               "  hidden:\n"
                               "    auth:\n"
                               "      auth_url: https://hidden/v3\n",
                               u"secure.yaml"_s, &error),
                 qPrintable(error));
        const ImportedCloud prod = c.importCloud(u"prod"_s, &error).value(0);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(prod.secrets.password, u"from-secure"_s);
        QCOMPARE(prod.profile.username, u"secure-name"_s); // secure values win
        QCOMPARE(prod.profile.projectName, u"ops"_s);      // deep merge keeps the rest
        QCOMPARE(prod.profile.regionName, u"RegionOne"_s);
        QCOMPARE(c.cloudNames(), (QStringList{u"prod"_s, u"hidden"_s}));
        QCOMPARE(c.secureFile(), u"secure.yaml"_s);

        QVERIFY(!c.mergeSecure("clouds: [1, 2]\n", u"secure.yaml"_s, &error));
        QVERIFY2(error.contains(u"secure.yaml"_s), qPrintable(error));
    }

    void selectionAndUnknownCloud()
    {
        const CloudsYaml c = parsed(kTwoClouds);
        QCOMPARE(c.cloudNames(), (QStringList{u"alpha"_s, u"beta"_s}));
        QVERIFY(c.defaultCloud().isEmpty());
        QStringList warnings;
        QString error;
        // Nothing selected: every cloud.
        QCOMPARE(c.importClouds(QString(), &warnings, &error).size(), 2);
        QCOMPARE(c.importClouds(u"beta"_s, &warnings, &error).value(0).profile.username, u"bob"_s);

        QVERIFY(c.importCloud(u"gamma"_s, &error).isEmpty());
        QVERIFY2(error.contains(u"\"gamma\""_s) && error.contains(u"alpha, beta"_s),
                 qPrintable(error));

        CloudsYaml withDefault = c;
        withDefault.setDefaultCloud(u"beta"_s);
        const QList<ImportedCloud> sel = withDefault.importClouds(QString(), &warnings, &error);
        QCOMPARE(sel.size(), 1);
        QCOMPARE(sel.at(0).profile.name, u"beta"_s);
        // An explicit name beats the default.
        QCOMPARE(withDefault.importClouds(u"alpha"_s, &warnings, &error).value(0).profile.name,
                 u"alpha"_s);

        // One cloud: it is the default (openstacksdk does the same).
        QCOMPARE(parsed("clouds:\n  solo:\n    auth: {auth_url: 'https://ks'}\n").defaultCloud(),
                 u"solo"_s);
    }

    void loadHonoursEnvironmentAndSearchOrder()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString cwd = tmp.filePath(u"cwd"_s);
        const QString user = tmp.filePath(u"home/.config/openstack"_s);
        const QString site = tmp.filePath(u"etc/openstack"_s);
        const QStringList dirs{cwd, user, site};
        QVERIFY(writeFile(user + u"/clouds.yaml"_s, kTwoClouds));
        QVERIFY(writeFile(site + u"/clouds.yaml"_s,
                          "clouds:\n  site:\n    auth: {auth_url: 'https://site'}\n"));
        QVERIFY(writeFile(site + u"/secure.yml"_s,
                          "clouds:\n  beta:\n    auth: {password: from-site-secure}\n"));

        QProcessEnvironment env;
        QCOMPARE(CloudsYaml::findCloudsFile(env, dirs),
                 user + u"/clouds.yaml"_s); // first found wins
        // secure.yaml is searched on its own, like openstacksdk does.
        QCOMPARE(CloudsYaml::findSecureFile(env, dirs), site + u"/secure.yml"_s);

        env.insert(u"OS_CLOUD"_s, u"beta"_s);
        CloudsYaml c;
        QString error;
        QVERIFY2(c.load(env, dirs, &error), qPrintable(error));
        QCOMPARE(c.cloudsFile(), user + u"/clouds.yaml"_s);
        QCOMPARE(c.defaultCloud(), u"beta"_s);
        QStringList warnings;
        const QList<ImportedCloud> sel = c.importClouds(QString(), &warnings, &error);
        QCOMPARE(sel.size(), 1);
        QCOMPARE(sel.at(0).profile.name, u"beta"_s);
        QCOMPARE(sel.at(0).secrets.password, u"from-site-secure"_s);

        // OS_CLOUD naming a missing cloud is an error, not "import everything".
        env.insert(u"OS_CLOUD"_s, u"nope"_s);
        QVERIFY(c.load(env, dirs, &error));
        QVERIFY(c.importClouds(QString(), &warnings, &error).isEmpty());
        QVERIFY2(error.contains(u"\"nope\""_s), qPrintable(error));

        // OS_CLIENT_CONFIG_FILE comes first; when it does not exist the search goes on.
        const QString explicitFile = tmp.filePath(u"elsewhere/mine.yaml"_s);
        env.insert(u"OS_CLIENT_CONFIG_FILE"_s, explicitFile);
        QCOMPARE(CloudsYaml::findCloudsFile(env, dirs), user + u"/clouds.yaml"_s);
        QVERIFY(
            writeFile(explicitFile, "clouds:\n  mine:\n    auth: {auth_url: 'https://mine'}\n"));
        QCOMPARE(CloudsYaml::findCloudsFile(env, dirs), explicitFile);
        // The current directory beats the user directory.
        QVERIFY(writeFile(cwd + u"/clouds.yml"_s, kTwoClouds));
        env.remove(u"OS_CLIENT_CONFIG_FILE"_s);
        QCOMPARE(CloudsYaml::findCloudsFile(env, dirs), cwd + u"/clouds.yml"_s);

        CloudsYaml none;
        QVERIFY(!none.load(env, {tmp.filePath(u"empty"_s)}, &error));
        QVERIFY2(error.contains(u"No clouds.yaml"_s), qPrintable(error));
    }

    void defaultSearchDirs()
    {
        QProcessEnvironment env;
        env.insert(u"HOME"_s, u"/home/u"_s);
        const QStringList dirs = CloudsYaml::defaultSearchDirs(env);
        QCOMPARE(dirs.value(0), QDir::currentPath());
        QVERIFY(dirs.contains(u"/home/u/.config/openstack"_s));
        QCOMPARE(dirs.constLast(), u"/etc/openstack"_s);
        QVERIFY(dirs.indexOf(u"/home/u/.config/openstack"_s) < dirs.indexOf(u"/etc/openstack"_s));
        env.insert(u"XDG_CONFIG_HOME"_s, u"/xdg"_s);
        QCOMPARE(CloudsYaml::defaultSearchDirs(env).value(1), u"/xdg/openstack"_s);
    }

    void malformedYamlNamesTheLine()
    {
        CloudsYaml c;
        QString error;
        QVERIFY(!c.parse("clouds:\n"
                         "  a:\n"
                         "    region_name: a: b\n", // a second ':' in a plain value
                         u"/home/u/clouds.yaml"_s, &error));
        QVERIFY2(error.startsWith(u"/home/u/clouds.yaml line 3, column 19: "_s), qPrintable(error));

        QVERIFY(!c.parse("clouds:\n"
                         "  a:\n"
                         "    auth:\n"
                         "      auth_url: https://ks\n"
                         "     username: x\n", // bad indentation
                         u"clouds.yaml"_s, &error));
        QVERIFY2(error.startsWith(u"clouds.yaml line 5, column 6: "_s), qPrintable(error));

        QVERIFY(!c.parse("clouds:\n  a:\n    auth:\n   bad: [1, 2\n", u"clouds.yaml"_s, &error));
        QVERIFY2(error.contains(u"clouds.yaml line 4"_s), qPrintable(error));

        QVERIFY(!c.parse("clouds:\n  a: {b: 1\n", u"clouds.yaml"_s, &error));
        QVERIFY2(error.startsWith(u"clouds.yaml line "_s), qPrintable(error));
    }

    void structuralErrors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("expected");
        QTest::newRow("list at top")
            << QByteArray("- a\n- b\n") << u"top level must be a mapping"_s;
        QTest::newRow("scalar at top")
            << QByteArray("just text\n") << u"top level must be a mapping"_s;
        QTest::newRow("no clouds key")
            << QByteArray("client:\n  force_ipv4: true\n") << u"no \"clouds:\""_s;
        QTest::newRow("empty") << QByteArray("") << u"no \"clouds:\""_s;
        QTest::newRow("clouds is a list")
            << QByteArray("clouds:\n  - a\n") << u"\"clouds\" must be a mapping"_s;
        QTest::newRow("complex key") << QByteArray("clouds:\n  ? [a, b]\n  : x\n") << u"line 2"_s;
    }

    void structuralErrors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, expected);
        CloudsYaml c;
        QString error;
        QVERIFY(!c.parse(yaml, u"clouds.yaml"_s, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY2(error.startsWith(u"clouds.yaml"_s), qPrintable(error));
    }

    void cloudErrors()
    {
        const CloudsYaml c = parsed("clouds:\n"
                                    "  good:\n"
                                    "    auth: {auth_url: 'https://ks/v3', password: hunter2}\n"
                                    "  noauth:\n"
                                    "    region_name: r\n"
                                    "  badurl:\n"
                                    "    auth: {auth_url: 'ftp://ks', password: hunter2}\n"
                                    "  authlist:\n"
                                    "    auth: [1, 2]\n"
                                    "  scalar: 42\n");
        QString error;
        QVERIFY(c.importCloud(u"noauth"_s, &error).isEmpty());
        QVERIFY2(error.contains(u"clouds.yaml line 4"_s) && error.contains(u"\"noauth\""_s) &&
                     error.contains(u"auth_url"_s),
                 qPrintable(error));
        QVERIFY(c.importCloud(u"badurl"_s, &error).isEmpty());
        QVERIFY2(error.contains(u"ftp://ks"_s) && !error.contains(u"hunter2"_s), qPrintable(error));
        parsed("clouds:\n  u:\n    auth: {auth_url: 'ftp://me:hunter2@ks/'}\n")
            .importCloud(u"u"_s, &error);
        QVERIFY2(error.contains(u"ftp://ks/"_s) && !error.contains(u"hunter2"_s),
                 qPrintable(error));
        QVERIFY(c.importCloud(u"authlist"_s, &error).isEmpty());
        QVERIFY2(error.contains(u"\"auth\" must be a mapping"_s), qPrintable(error));
        QVERIFY(c.importCloud(u"scalar"_s, &error).isEmpty());
        QVERIFY2(error.contains(u"line 10"_s), qPrintable(error));

        // Importing everything skips what cannot be used and says so.
        QStringList warnings;
        const QList<ImportedCloud> all = c.importClouds(QString(), &warnings, &error);
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.at(0).profile.name, u"good"_s);
        QCOMPARE(warnings.size(), 4);
        QVERIFY(error.isEmpty());
        for (const QString &w : std::as_const(warnings))
            QVERIFY2(!w.contains(u"hunter2"_s), qPrintable(w));

        QVERIFY(parsed("clouds:\n  x:\n    region_name: r\n")
                    .importClouds(QString(), &warnings, &error)
                    .isEmpty());
        QVERIFY2(error.contains(u"auth_url"_s), qPrintable(error));

        parsed("clouds:\n  t:\n    auth: {auth_url: 'https://ks'}\n    api_timeout: soon\n")
            .importCloud(u"t"_s, &error);
        QVERIFY2(error.contains(u"api_timeout"_s), qPrintable(error));
    }

    void garbageNeverThrows()
    {
        QRandomGenerator rng(424242);
        for (int i = 0; i < 300; ++i) {
            QByteArray junk(int(rng.bounded(1, 2048)), Qt::Uninitialized);
            for (char &c : junk)
                c = char(rng.bounded(256));
            CloudsYaml c;
            QString error;
            if (c.parse(junk, u"junk.yaml"_s, &error))
                c.importClouds(QString(), nullptr, &error);
            else
                QVERIFY(!error.isEmpty());
        }
        // YAML-looking noise exercises the parser's deeper paths.
        const QByteArray alphabet("clouds:auth_url \n-[]{}&*!|>'\"#%@`,?~\t0123");
        for (int i = 0; i < 1000; ++i) {
            QByteArray noise;
            const int n = int(rng.bounded(1, 200));
            for (int k = 0; k < n; ++k)
                noise.append(alphabet.at(rng.bounded(alphabet.size())));
            CloudsYaml c;
            QString error;
            if (c.parse("clouds:\n  x:\n    " + noise, u"noise.yaml"_s, &error))
                c.importClouds(QString(), nullptr, &error);
        }
    }

    void aliasBombIsRefused()
    {
        // "Billion laughs": nine levels of nine aliases would expand to 9^9 nodes.
        QByteArray yaml = "a: &a [x, x, x, x, x, x, x, x, x]\n";
        for (char level = 'b'; level <= 'i'; ++level) {
            const char prev = char(level - 1);
            yaml += QByteArray(1, level) + ": &" + QByteArray(1, level) + " [";
            for (int k = 0; k < 9; ++k)
                yaml += (k ? ", *" : "*") + QByteArray(1, prev);
            yaml += "]\n";
        }
        yaml += "clouds: {}\n";
        CloudsYaml c;
        QString error;
        QVERIFY(!c.parse(yaml, u"bomb.yaml"_s, &error));
        QVERIFY2(error.contains(u"too large"_s), qPrintable(error));

        QVERIFY(!c.parse(QByteArray(3000, '[') + QByteArray(3000, ']'), u"deep.yaml"_s, &error));
        QVERIFY(!error.isEmpty());
        // An alias inside its own anchor makes a cycle in yaml-cpp's node graph.
        QVERIFY(!c.parse("clouds:\n  a: &loop [x, *loop]\n", u"loop.yaml"_s, &error));
        QVERIFY2(error.contains(u"too large"_s), qPrintable(error));
    }

    void aliasesOfLongTextAreRefused()
    {
        // Found by fuzz_cloudsyaml: few nodes, but each alias repeats a long
        // scalar; this 3 KB file used to take gigabytes (10^5 copies of 3000
        // characters).
        QByteArray yaml = "a: &a \"" + QByteArray(3000, 'x') + "\"\n";
        for (char level = 'b'; level <= 'f'; ++level) {
            const char prev = char(level - 1);
            yaml += QByteArray(1, level) + ": &" + QByteArray(1, level) + " [";
            for (int k = 0; k < 10; ++k)
                yaml += (k ? ", *" : "*") + QByteArray(1, prev);
            yaml += "]\n";
        }
        yaml += "clouds: {}\n";
        CloudsYaml c;
        QString error;
        QVERIFY(!c.parse(yaml, u"bomb.yaml"_s, &error));
        QVERIFY2(error.contains(u"too large"_s), qPrintable(error));
        // The same as mapping keys.
        QVERIFY(!c.parse("k: &k \"" + QByteArray(3000, 'k') + "\"\nm: &m {*k : 1}\n" +
                             "n: &n [*m, *m, *m, *m, *m, *m, *m, *m, *m, *m]\n" +
                             "o: &o [*n, *n, *n, *n, *n, *n, *n, *n, *n, *n]\n" +
                             "p: &p [*o, *o, *o, *o, *o, *o, *o, *o, *o, *o]\n" +
                             "q: [*p, *p, *p, *p, *p, *p, *p, *p, *p, *p]\nclouds: {}\n",
                         u"keys.yaml"_s, &error));
        QVERIFY2(error.contains(u"too large"_s), qPrintable(error));
    }
};

QTEST_APPLESS_MAIN(TestCloudsYaml)
#include "tst_cloudsyaml.moc"
