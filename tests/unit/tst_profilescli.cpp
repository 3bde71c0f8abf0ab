// `turnstilectl profiles` without a keychain (no D-Bus session): imports,
// OS_CLOUD, redaction and migration of database passwords, scale.
// Runs the built turnstilectl; no lab needed.
#include "isolatedenvironment.h"
#include "profiles/profile.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QTest>

using namespace turnstile;

class TestProfilesCli : public QObject
{
    Q_OBJECT
    // No keychain: writes fail at once, secrets never land anywhere unless a
    // profile opted in to the plain-text file.
    testsupport::IsolatedEnvironment m_dir{testsupport::IsolatedEnvironment::Scope::Children};

    QString profilesFile() const { return m_dir.profilesFile(); }

    struct Run
    {
        int exitCode = -1;
        QString out;
        QString err;
    };
    Run ctl(const QStringList &args, const QHash<QString, QString> &extra = {})
    {
        QProcess p;
        QProcessEnvironment e = m_dir.environment();
        e.remove(QStringLiteral("DISPLAY"));
        for (const QString &k :
             {QStringLiteral("OS_CLOUD"), QStringLiteral("OS_CLIENT_CONFIG_FILE"),
              QStringLiteral("OS_PASSWORD"), QStringLiteral("OS_AUTH_URL")})
            e.remove(k);
        for (auto it = extra.constBegin(); it != extra.constEnd(); ++it)
            e.insert(it.key(), it.value());
        p.setProcessEnvironment(e);
        p.setWorkingDirectory(m_dir.path()); // no clouds.yaml of the developer's
        p.start(testsupport::builtProgram(QStringLiteral("turnstilectl")), args);
        p.closeWriteChannel();
        if (!p.waitForFinished(180000))
            p.kill();
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()),
                QString::fromUtf8(p.readAllStandardError())};
    }
    QString write(const QString &name, const QByteArray &text)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(text);
        return path;
    }
    void writeProfile(const Profile &p)
    {
        QSettings s(profilesFile(), QSettings::IniFormat);
        s.setValue(QStringLiteral("profiles/") + p.name,
                   QString::fromUtf8(QJsonDocument(p.toJson()).toJson(QJsonDocument::Compact)));
    }
    QByteArray profilesText() const
    {
        QFile f(profilesFile());
        f.open(QIODevice::ReadOnly);
        return f.readAll();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_dir.withoutKeychain();
    }
    void init() { QFile::remove(profilesFile()); }

    // Issue 15.12: --profile NAME saved the profile as "envvars", and a second
    // import overwrote the first.
    void openrcImportKeepsTheGivenName()
    {
        const QString rc1 = write(QStringLiteral("one.rc"),
                                  "export OS_AUTH_URL=https://ks1.example:5000/v3\n"
                                  "export OS_USERNAME=alice\nexport OS_PROJECT_NAME=admin\n"
                                  "export OS_USER_DOMAIN_NAME=Default\n");
        const QString rc2 =
            write(QStringLiteral("two.rc"), "export OS_AUTH_URL=https://ks2.example:5000/v3\n"
                                            "export OS_USERNAME=bob\nexport OS_PROJECT_NAME=admin\n"
                                            "export OS_USER_DOMAIN_NAME=Default\n");
        Run r =
            ctl({QStringLiteral("profiles"), QStringLiteral("import"), QStringLiteral("--openrc"),
                 rc1, QStringLiteral("--profile"), QStringLiteral("first")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = ctl({QStringLiteral("profiles"), QStringLiteral("import"), QStringLiteral("--openrc"),
                 rc2, QStringLiteral("--profile"), QStringLiteral("second")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = ctl({QStringLiteral("profiles"), QStringLiteral("list")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("first\thttps://ks1.example:5000/v3")),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("second\thttps://ks2.example:5000/v3")),
                 qPrintable(r.out));
        QVERIFY2(!r.out.contains(QStringLiteral("envvars")), qPrintable(r.out));
    }

    // Issue 15.13: OS_CLOUD picks the cloud, as in openstacksdk.
    void osCloudChoosesTheCloud()
    {
        const QString yaml = write(QStringLiteral("clouds.yaml"),
                                   "clouds:\n"
                                   "  alpha:\n    auth: {auth_url: 'https://alpha.example/v3', "
                                   "username: a, project_name: p}\n"
                                   "  beta:\n    auth: {auth_url: 'http://127.0.0.1:9/v3', "
                                   "username: b, project_name: p}\n    api_timeout: 2\n");
        Run r = ctl({QStringLiteral("profiles"), QStringLiteral("import"),
                     QStringLiteral("--clouds-yaml"), yaml},
                    {{QStringLiteral("OS_CLOUD"), QStringLiteral("beta")}});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = ctl({QStringLiteral("profiles"), QStringLiteral("list")});
        QVERIFY2(r.out.contains(QStringLiteral("beta\t")), qPrintable(r.out));
        QVERIFY2(!r.out.contains(QStringLiteral("alpha")), qPrintable(r.out));
        // probe without --profile/--cloud takes OS_CLOUD instead of a usage error.
        r = ctl({QStringLiteral("probe"), QStringLiteral("--json")},
                {{QStringLiteral("OS_CLOUD"), QStringLiteral("beta")},
                 {QStringLiteral("OS_CLIENT_CONFIG_FILE"), yaml},
                 {QStringLiteral("OS_PASSWORD"), QStringLiteral("x")}});
        QVERIFY2(r.exitCode != 2, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("\"beta\"")), qPrintable(r.out + r.err));
    }

    // Issue 14.3: the password in a database URL was printed by list and show.
    // Issue 14.4 (low): and http:// endpoints are named in probe output.
    void databasePasswordNeverPrinted()
    {
        Profile p;
        p.name = QStringLiteral("old");
        p.authUrl = QUrl(QStringLiteral("http://192.0.2.1:5000/v3"));
        p.timeoutMs = 1000;
        p.databaseUrl = QStringLiteral("mysql+pymysql://keystone:Hunter2pw@127.0.0.1:9/keystone");
        writeProfile(p);
        for (const QStringList &args :
             {QStringList{QStringLiteral("profiles"), QStringLiteral("list")},
              QStringList{QStringLiteral("profiles"), QStringLiteral("list"),
                          QStringLiteral("--json")},
              QStringList{QStringLiteral("profiles"), QStringLiteral("show"),
                          QStringLiteral("old")}}) {
            const Run r = ctl(args);
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(r.out.contains(QStringLiteral("keystone@127.0.0.1:9/keystone")),
                     qPrintable(r.out));
            QVERIFY2(!r.out.contains(QStringLiteral("Hunter2pw")), qPrintable(r.out));
            QVERIFY2(!r.err.contains(QStringLiteral("Hunter2pw")), qPrintable(r.err));
            // No keychain and no plain-text opt-in: it stays, and we say so.
            QVERIFY2(r.err.contains(QStringLiteral("could not be moved")), qPrintable(r.err));
        }
        const Run probe =
            ctl({QStringLiteral("probe"), QStringLiteral("--profile"), QStringLiteral("old")},
                {{QStringLiteral("OS_PASSWORD"), QStringLiteral("x")}});
        QVERIFY2(probe.err.contains(QStringLiteral("clear text")), qPrintable(probe.err));
        QVERIFY(!(probe.out + probe.err).contains(QStringLiteral("Hunter2pw")));
    }

    // Issue 14.3: an existing file is migrated on first load, and says so once.
    void oldFileIsMigratedOnce()
    {
        Profile p;
        p.name = QStringLiteral("legacy");
        p.authUrl = QUrl(QStringLiteral("https://ks.example/v3"));
        p.allowPlaintextSecrets = true; // no keychain here: the opted-in file takes it
        p.databaseUrl = QStringLiteral("postgresql://keystone:Old%3Fpw@db1/keystone");
        writeProfile(p);
        Run r = ctl({QStringLiteral("profiles"), QStringLiteral("list")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(QStringLiteral("Moved the database password")), qPrintable(r.err));
        QVERIFY2(!profilesText().contains("Old"), profilesText().constData());
        QFile plain(m_dir.filePath(QStringLiteral("config/turnstile/plaintext-secrets.json")));
        QVERIFY(plain.open(QIODevice::ReadOnly));
        QVERIFY(plain.readAll().contains("Old?pw"));
        r = ctl({QStringLiteral("profiles"), QStringLiteral("list")});
        QVERIFY2(!r.err.contains(QStringLiteral("Moved")), qPrintable(r.err));
    }

    // Issue 21: thresholds are set from the command line through the
    // editor's parser, land in a readable section, and go back with --unset
    // (--reset, the older name, still works).
    void thresholdsAreSetAndUnset()
    {
        Profile p;
        p.name = QStringLiteral("lab");
        p.authUrl = QUrl(QStringLiteral("https://ks.example/v3"));
        writeProfile(p);
        const QString profile = QStringLiteral("--profile");
        Run r = ctl({QStringLiteral("thresholds"), profile, p.name, QStringLiteral("--set"),
                     QStringLiteral("validate.ms=300:800"), QStringLiteral("--set"),
                     QStringLiteral("token.live/day=500000:")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(profilesText().contains("validate.ms=300:800\n"), profilesText().constData());
        QVERIFY(profilesText().contains("token.live\\day=500000:"));
        r = ctl({QStringLiteral("thresholds"), profile, p.name, QStringLiteral("--json")});
        QVERIFY2(r.out.contains(QStringLiteral("\"warn\": 300")), qPrintable(r.out));

        // Refused with the parser's sentence, usage exit code, file untouched.
        const QByteArray before = profilesText();
        r = ctl({QStringLiteral("thresholds"), profile, p.name, QStringLiteral("--set"),
                 QStringLiteral("validate.ms=900:800")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("must not be above the critical level (800 ms)")),
                 qPrintable(r.err));
        r = ctl({QStringLiteral("thresholds"), profile, p.name, QStringLiteral("--set"),
                 QStringLiteral("nosuch=1:2")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("is not METRIC=WARN:CRITICAL")), qPrintable(r.err));
        QCOMPARE(profilesText(), before);

        r = ctl({QStringLiteral("thresholds"), profile, p.name, QStringLiteral("--unset"),
                 QStringLiteral("validate.ms")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(!profilesText().contains("validate.ms"));
        r = ctl({QStringLiteral("thresholds"), profile, p.name, QStringLiteral("--reset"),
                 QStringLiteral("token.live/day")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(!profilesText().contains("thresholds"), profilesText().constData());
    }

    // Issue 21: overrides written as JSON inside the profile's JSON move to
    // the readable section on the first run, once.
    void oldThresholdsAreMigratedOnce()
    {
        Profile p;
        p.name = QStringLiteral("legacy");
        p.authUrl = QUrl(QStringLiteral("https://ks.example/v3"));
        p.thresholds.insert(
            QStringLiteral("issue.ms"),
            QJsonObject{{QStringLiteral("warn"), 1000}, {QStringLiteral("critical"), 3000}});
        writeProfile(p);
        Run r = ctl({QStringLiteral("profiles"), QStringLiteral("list")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(QStringLiteral("Moved the threshold overrides")),
                 qPrintable(r.err));
        QVERIFY2(profilesText().contains("[thresholds.legacy]\nissue.ms=1000:3000"),
                 profilesText().constData());
        QVERIFY(!profilesText().contains("\\\"thresholds\\\""));
        r = ctl({QStringLiteral("profiles"), QStringLiteral("show"), p.name});
        QVERIFY2(r.out.contains(QStringLiteral("\"issue.ms\"")), qPrintable(r.out));
        r = ctl({QStringLiteral("profiles"), QStringLiteral("list")});
        QVERIFY2(!r.err.contains(QStringLiteral("Moved")), qPrintable(r.err));
    }

    // Issue 15.14: importing 3,000 clouds was still running after 120 s, and
    // listing 2,081 profiles took 45 s. Linear code does both in about a second.
    void thousandsOfCloudsImportAndListQuickly()
    {
        constexpr int kCount = 2000;
        QByteArray yaml = "clouds:\n";
        for (int i = 0; i < kCount; ++i)
            yaml += QStringLiteral("  c%1:\n    auth: {auth_url: 'https://ks%1.example/v3', "
                                   "username: u, project_name: p}\n")
                        .arg(i)
                        .toUtf8();
        const QString file = write(QStringLiteral("many.yaml"), yaml);
        QElapsedTimer t;
        t.start();
        Run r = ctl({QStringLiteral("profiles"), QStringLiteral("import"),
                     QStringLiteral("--clouds-yaml"), file});
        const qint64 importMs = t.restart();
        QVERIFY2(r.exitCode == 0, qPrintable(r.err.left(2000)));
        r = ctl({QStringLiteral("profiles"), QStringLiteral("list")});
        const qint64 listMs = t.elapsed();
        QCOMPARE(r.out.count(u'\n'), kCount);
        qInfo("import %lld ms, list %lld ms", importMs, listMs);
        QVERIFY2(importMs < 20000, qPrintable(QStringLiteral("import took %1 ms").arg(importMs)));
        QVERIFY2(listMs < 10000, qPrintable(QStringLiteral("list took %1 ms").arg(listMs)));
    }
};

QTEST_GUILESS_MAIN(TestProfilesCli)
#include "tst_profilescli.moc"
