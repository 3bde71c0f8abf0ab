#include "profiles/openrc.h"

#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;
using namespace Qt::StringLiterals;

namespace {

QString dataPath(const char *name)
{
    return QStringLiteral(TURNSTILE_SOURCE_DIR "/tests/unit/data/") + QString::fromLatin1(name);
}

OpenrcFile rc(const QByteArray &text, const QProcessEnvironment &inherited = QProcessEnvironment())
{
    return parseOpenrc(text, u"openrc"_s, inherited);
}

bool anyContains(const QStringList &list, const QString &needle)
{
    return std::any_of(list.begin(), list.end(),
                       [&](const QString &s) { return s.contains(needle); });
}

} // namespace

class TestOpenrc : public QObject
{
    Q_OBJECT

private slots:
    void environmentToProfile()
    {
        QProcessEnvironment env;
        env.insert(u"OS_AUTH_URL"_s, u"https://ks.example.org:5000/v3"_s);
        env.insert(u"OS_USERNAME"_s, u"alice"_s);
        env.insert(u"OS_PASSWORD"_s, u"pw"_s);
        env.insert(u"OS_PROJECT_NAME"_s, u"ops"_s);
        env.insert(u"OS_PROJECT_ID"_s, u"p1"_s);
        env.insert(u"OS_USER_DOMAIN_NAME"_s, u"Default"_s);
        env.insert(u"OS_USER_DOMAIN_ID"_s, u"default"_s);
        env.insert(u"OS_PROJECT_DOMAIN_NAME"_s, u"Default"_s);
        env.insert(u"OS_PROJECT_DOMAIN_ID"_s, u"default"_s);
        env.insert(u"OS_REGION_NAME"_s, u"RegionOne"_s);
        env.insert(u"OS_INTERFACE"_s, u"internal"_s);
        env.insert(u"OS_CACERT"_s, u"/etc/ssl/ca.pem"_s);
        env.insert(u"OS_CERT"_s, u"/etc/ssl/me.pem"_s);
        env.insert(u"OS_KEY"_s, u"/etc/ssl/me.key"_s);
        env.insert(u"PATH"_s, u"/usr/bin"_s);
        QString error;
        const ImportedCloud c = fromEnvironment(env, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const Profile &p = c.profile;
        QCOMPARE(p.name, u"envvars"_s);
        QCOMPARE(p.authUrl, QUrl(u"https://ks.example.org:5000/v3"_s));
        QCOMPARE(p.authMethod, AuthMethod::Password);
        QCOMPARE(p.username, u"alice"_s);
        QCOMPARE(p.projectName, u"ops"_s);
        QCOMPARE(p.projectId, u"p1"_s);
        QCOMPARE(p.userDomainName, u"Default"_s);
        QCOMPARE(p.userDomainId, u"default"_s);
        QCOMPARE(p.projectDomainName, u"Default"_s);
        QCOMPARE(p.projectDomainId, u"default"_s);
        QCOMPARE(p.regionName, u"RegionOne"_s);
        QCOMPARE(p.interface, u"internal"_s);
        QCOMPARE(p.caCertFile, u"/etc/ssl/ca.pem"_s);
        QCOMPARE(p.clientCertFile, u"/etc/ssl/me.pem"_s);
        QCOMPARE(p.clientKeyFile, u"/etc/ssl/me.key"_s);
        QVERIFY(p.verifyTls);
        QCOMPARE(c.secrets.password, u"pw"_s);
    }

    void environmentVariants()
    {
        QProcessEnvironment env;
        env.insert(u"OS_AUTH_URL"_s, u"https://ks/v3"_s);
        env.insert(u"OS_AUTH_TYPE"_s, u"v3applicationcredential"_s);
        env.insert(u"OS_APPLICATION_CREDENTIAL_ID"_s, u"acid"_s);
        env.insert(u"OS_APPLICATION_CREDENTIAL_NAME"_s, u"acname"_s);
        env.insert(u"OS_APPLICATION_CREDENTIAL_SECRET"_s, u"acsecret"_s);
        env.insert(u"OS_TENANT_NAME"_s, u"legacy"_s);
        env.insert(u"OS_REGION_NAME"_s, u"a,b"_s); // not a list in the environment
        env.insert(u"OS_INSECURE"_s, u"True"_s);
        ImportedCloud c = fromEnvironment(env);
        QCOMPARE(c.profile.authMethod, AuthMethod::ApplicationCredential);
        QCOMPARE(c.profile.applicationCredentialId, u"acid"_s);
        QCOMPARE(c.profile.applicationCredentialName, u"acname"_s);
        QCOMPARE(c.secrets.applicationCredentialSecret, u"acsecret"_s);
        QCOMPARE(c.profile.projectName, u"legacy"_s);
        QCOMPARE(c.profile.regionName, u"a,b"_s);
        QCOMPARE(c.profile.name, u"envvars"_s);
        QVERIFY(!c.profile.verifyTls);

        // openstacksdk only takes "true" as insecure: OS_INSECURE=1 keeps verification on.
        env.insert(u"OS_INSECURE"_s, u"1"_s);
        QVERIFY(fromEnvironment(env).profile.verifyTls);

        env.insert(u"OS_PROJECT_NAME"_s, u"modern"_s);
        QCOMPARE(fromEnvironment(env).profile.projectName, u"modern"_s);

        QProcessEnvironment tok;
        tok.insert(u"OS_AUTH_URL"_s, u"https://ks/v3"_s);
        tok.insert(u"OS_AUTH_TYPE"_s, u"v3token"_s);
        tok.insert(u"OS_TOKEN"_s, u"gAAAA"_s);
        tok.insert(u"OS_SYSTEM_SCOPE"_s, u"all"_s);
        tok.insert(u"OS_DOMAIN_NAME"_s, u"Default"_s);
        c = fromEnvironment(tok);
        QCOMPARE(c.profile.authMethod, AuthMethod::Token);
        QCOMPARE(c.secrets.token, u"gAAAA"_s);
        QVERIFY(c.profile.systemScope);
        QCOMPARE(c.profile.domainName, u"Default"_s); // no project: a domain scope
    }

    void environmentErrors()
    {
        QString error;
        QProcessEnvironment env;
        env.insert(u"OS_USERNAME"_s, u"alice"_s);
        env.insert(u"OS_PASSWORD"_s, u"hunter2"_s);
        const ImportedCloud c = fromEnvironment(env, &error);
        QVERIFY(c.profile.name.isEmpty());
        QVERIFY(c.secrets.password.isEmpty());
        QVERIFY2(error.contains(u"OS_AUTH_URL"_s), qPrintable(error));
        QVERIFY(!error.contains(u"hunter2"_s));

        env.insert(u"OS_AUTH_URL"_s, u"https://ks/v3"_s);
        env.insert(u"OS_AUTH_TYPE"_s, u"v2password"_s);
        fromEnvironment(env, &error);
        QVERIFY2(error.contains(u"v2password"_s), qPrintable(error));
    }

    void quotingAndExpansion()
    {
        const OpenrcFile f =
            rc("# comment\n"
               "export OS_AUTH_URL=https://ks.example.org/v3 # trailing comment\n"
               "OS_USERNAME='al ice'\n"
               "export OS_PASSWORD=\"p\\\"w \\$x 'q' \\\\ # not a comment\"\n"
               "export OS_PROJECT_NAME=pre\"mid\"'post'\n"
               "BASE=/etc/ssl\n"
               "export OS_CACERT=$BASE/ca.pem OS_CERT=\"${BASE}/me.pem\" OS_KEY='$BASE/me.key'\n"
               "  export OS_REGION_NAME=RegionOne; export OS_INTERFACE=public\n"
               "export OS_EMPTY=\n"
               "export OS_ESCAPED=a\\ b\n"
               "export OS_DOLLAR=cost$\n"
               "export OS_MULTI=\"line1\n"
               "line2\"\n"
               "export OS_USER_DOMAIN_NAME=Default \\\n"
               "  OS_PROJECT_DOMAIN_NAME=Default\n");
        const QProcessEnvironment &e = f.environment;
        QCOMPARE(e.value(u"OS_AUTH_URL"_s), u"https://ks.example.org/v3"_s);
        QCOMPARE(e.value(u"OS_USERNAME"_s), u"al ice"_s);
        QCOMPARE(e.value(u"OS_PASSWORD"_s), u"p\"w $x 'q' \\ # not a comment"_s);
        QCOMPARE(e.value(u"OS_PROJECT_NAME"_s), u"premidpost"_s);
        QCOMPARE(e.value(u"OS_CACERT"_s), u"/etc/ssl/ca.pem"_s);
        QCOMPARE(e.value(u"OS_CERT"_s), u"/etc/ssl/me.pem"_s);
        QCOMPARE(e.value(u"OS_KEY"_s), u"$BASE/me.key"_s); // single quotes are literal
        QCOMPARE(e.value(u"OS_REGION_NAME"_s), u"RegionOne"_s);
        QCOMPARE(e.value(u"OS_INTERFACE"_s), u"public"_s);
        QVERIFY(e.contains(u"OS_EMPTY"_s));
        QCOMPARE(e.value(u"OS_EMPTY"_s), QString());
        QCOMPARE(e.value(u"OS_ESCAPED"_s), u"a b"_s);
        QCOMPARE(e.value(u"OS_DOLLAR"_s), u"cost$"_s);
        QCOMPARE(e.value(u"OS_MULTI"_s), u"line1\nline2"_s);
        QCOMPARE(e.value(u"OS_USER_DOMAIN_NAME"_s), u"Default"_s);
        QCOMPARE(e.value(u"OS_PROJECT_DOMAIN_NAME"_s), u"Default"_s);
        QVERIFY2(f.warnings.isEmpty(), qPrintable(f.warnings.join(u'\n')));
    }

    void horizonOpenrc()
    {
        QString error;
        const OpenrcFile f = parseOpenrcFile(dataPath("horizon-openrc.sh"), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QProcessEnvironment &e = f.environment;
        QCOMPARE(e.value(u"OS_AUTH_URL"_s), u"https://keystone.example.org:5000/v3"_s);
        QCOMPARE(e.value(u"OS_PROJECT_NAME"_s), u"ops"_s);
        QCOMPARE(e.value(u"OS_USERNAME"_s), u"alice"_s);
        // The if-blocks only unset empty variables; reading them must not unset these.
        QCOMPARE(e.value(u"OS_USER_DOMAIN_NAME"_s), u"Default"_s);
        QCOMPARE(e.value(u"OS_PROJECT_DOMAIN_ID"_s), u"default"_s);
        QCOMPARE(e.value(u"OS_REGION_NAME"_s), u"RegionOne"_s);
        // The password comes from a prompt: unknown without running the file.
        QVERIFY(!e.contains(u"OS_PASSWORD"_s));
        QVERIFY(!e.contains(u"OS_PASSWORD_INPUT"_s));

        const QStringList &w = f.warnings;
        QVERIFY2(anyContains(w, u"horizon-openrc.sh line 21: \"read\""_s),
                 qPrintable(w.join(u'\n')));
        QVERIFY(anyContains(w, u"line 20: \"echo\""_s));
        QVERIFY(anyContains(w, u"line 22: OS_PASSWORD is set from $OS_PASSWORD_INPUT"_s));
        QVERIFY(anyContains(w, u"line 10: a shell \"if\" block"_s));
        QVERIFY(anyContains(w, u"line 27: a shell \"if\" block"_s));
        QCOMPARE(w.size(), 6); // echo, read, OS_PASSWORD and three if-blocks

        const ImportedCloud c = fromEnvironment(e, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(c.profile.projectId, u"0c2f5b3cd1a44d3ab8e5e3bd4a1d4d55"_s);
        QCOMPARE(c.profile.userDomainName, u"Default"_s);
        QCOMPARE(c.profile.interface, u"public"_s);
        QVERIFY(c.secrets.password.isEmpty());
    }

    void unsetAndInherited()
    {
        QProcessEnvironment inherited;
        inherited.insert(u"HOME"_s, u"/home/u"_s);
        inherited.insert(u"OS_PASSWORD_INPUT"_s, u"typed"_s);
        const OpenrcFile f = rc("export OS_TENANT_NAME=old\n"
                                "unset OS_TENANT_NAME OS_TENANT_ID\n"
                                "export OS_CACERT=$HOME/ca.pem\n"
                                "export OS_PASSWORD=$OS_PASSWORD_INPUT\n",
                                inherited);
        QVERIFY(!f.environment.contains(u"OS_TENANT_NAME"_s));
        QCOMPARE(f.environment.value(u"OS_CACERT"_s), u"/home/u/ca.pem"_s);
        QCOMPARE(f.environment.value(u"OS_PASSWORD"_s), u"typed"_s);
        // Inherited variables are only read, never copied into the result.
        QVERIFY(!f.environment.contains(u"HOME"_s));
        QVERIFY(f.warnings.isEmpty());
    }

    void unsupportedShellIsSkippedWithoutLeakingValues()
    {
        const OpenrcFile f = rc("export OS_PASSWORD=$(pass show openstack/prod)\n"
                                "export OS_TOKEN=`openstack token issue -f value -c id`\n"
                                "export OS_USERNAME=\"bob\" > /dev/null\n"
                                "export OS_PROJECT_NAME=${PROJECT:-demo}\n"
                                "source ~/.secret-rc\n"
                                "OS_AUTH_TYPE=password some-command --flag\n"
                                "deploy() {\n"
                                "  export OS_REGION_NAME=inside-function\n"
                                "}\n"
                                "for r in a b; do export OS_INTERFACE=$r; done\n"
                                "echo if this were a block it would hide the next line\n"
                                "export OS_AUTH_URL=\"https://still-read/v3\"\n");
        const QProcessEnvironment &e = f.environment;
        QVERIFY(!e.contains(u"OS_PASSWORD"_s));
        QVERIFY(!e.contains(u"OS_TOKEN"_s));
        QVERIFY(!e.contains(u"OS_USERNAME"_s));
        QVERIFY(!e.contains(u"OS_PROJECT_NAME"_s));
        QVERIFY(!e.contains(u"OS_AUTH_TYPE"_s));
        QVERIFY(!e.contains(u"OS_REGION_NAME"_s));
        QVERIFY(!e.contains(u"OS_INTERFACE"_s));
        QCOMPARE(e.value(u"OS_AUTH_URL"_s), u"https://still-read/v3"_s);

        const QStringList &w = f.warnings;
        QVERIFY2(anyContains(w, u"openrc line 1: the value of OS_PASSWORD"_s),
                 qPrintable(w.join(u'\n')));
        QVERIFY(anyContains(w, u"line 2: the value of OS_TOKEN"_s));
        QVERIFY(anyContains(w, u"line 3: the value of OS_USERNAME"_s));
        QVERIFY(anyContains(w, u"line 4: the value of OS_PROJECT_NAME"_s));
        QVERIFY(anyContains(w, u"line 5: \"source\""_s));
        QVERIFY(anyContains(w, u"line 6: \"some-command\""_s));
        QVERIFY(anyContains(w, u"line 7: a shell \"deploy\" block"_s));
        QVERIFY(anyContains(w, u"line 10: a shell \"for\" block"_s));
        QVERIFY(anyContains(w, u"line 11: \"echo\""_s));
        // Warnings name variables and commands, never values.
        for (const QString &s : w) {
            QVERIFY2(!s.contains(u"pass show"_s) && !s.contains(u"bob"_s) && !s.contains(u"demo"_s),
                     qPrintable(s));
        }
    }

    void unterminatedQuote()
    {
        const OpenrcFile f =
            rc("export OS_USERNAME=alice\nexport OS_PASSWORD='never closed\nexport OS_X=1\n");
        QCOMPARE(f.environment.value(u"OS_USERNAME"_s), u"alice"_s);
        QVERIFY(!f.environment.contains(u"OS_PASSWORD"_s));
        QCOMPARE(f.warnings.size(), 1);
        QVERIFY2(f.warnings.at(0).startsWith(u"openrc line 2: "_s), qPrintable(f.warnings.at(0)));
        QVERIFY(!f.warnings.at(0).contains(u"never"_s));
    }

    void fileErrors()
    {
        QString error;
        parseOpenrcFile(u"/nonexistent/openrc.sh"_s, &error);
        QVERIFY2(error.contains(u"/nonexistent/openrc.sh"_s), qPrintable(error));

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        parseOpenrcFile(dir.path(), &error);
        QVERIFY2(error.contains(u"directory"_s), qPrintable(error));

        const QString bin = dir.filePath(u"binary"_s);
        QFile f(bin);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("\x7f"
                           "ELF\0\0\0",
                           7));
        f.close();
        parseOpenrcFile(bin, &error);
        QVERIFY2(error.contains(u"not a text file"_s), qPrintable(error));
    }

    void garbageNeverCrashes()
    {
        QRandomGenerator rng(777);
        const QByteArray alphabet("export OS_A=$'\"`\\(){};|&<>#\n\t xyz");
        for (int i = 0; i < 1000; ++i) {
            QByteArray junk;
            const int n = int(rng.bounded(1, 300));
            for (int k = 0; k < n; ++k)
                junk.append(i % 2 ? char(rng.bounded(256))
                                  : alphabet.at(rng.bounded(alphabet.size())));
            const OpenrcFile f = rc(junk);
            fromEnvironment(f.environment);
        }
    }
};

QTEST_APPLESS_MAIN(TestOpenrc)
#include "tst_openrc.moc"
