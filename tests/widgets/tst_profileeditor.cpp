#include "profileeditor.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTcpServer>
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
    // Issue 17: the Galera single-writer flag is shown and kept.
    void galeraSingleWriterIsEdited()
    {
        ProfileEditor e;
        Profile p;
        p.name = QStringLiteral("galera");
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:5000/v3"));
        e.setProfile(p);
        QCheckBox *box = nullptr;
        for (QCheckBox *c : e.findChildren<QCheckBox *>())
            if (c->text().startsWith(QStringLiteral("Galera:")))
                box = c;
        QVERIFY(box);
        QVERIFY(!box->isChecked());
        QVERIFY(!e.profile().galeraSingleWriter);
        box->setChecked(true);
        QVERIFY(e.profile().galeraSingleWriter);
        p.galeraSingleWriter = true;
        e.setProfile(p);
        QVERIFY(box->isChecked());
    }
    // Issue 14.3: a password typed into the database URL was saved verbatim.
    void passwordInDatabaseUrlGoesToTheKeychainField()
    {
        ProfileEditor e;
        Profile p;
        p.name = QStringLiteral("east");
        p.authUrl = QUrl(QStringLiteral("https://ks.example/v3"));
        e.setProfile(p);
        auto *url = e.findChildren<QLineEdit *>().at(0);
        for (QLineEdit *edit : e.findChildren<QLineEdit *>())
            if (edit->placeholderText().startsWith(QStringLiteral("mysql+pymysql://")))
                url = edit;
        url->setText(QStringLiteral("mysql+pymysql://keystone:S3c%3Fret@db1/keystone"));
        // Even before the field is left, profile() never carries it...
        QCOMPARE(e.profile().databaseUrl, QStringLiteral("mysql+pymysql://keystone@db1/keystone"));
        QCOMPARE(e.secrets().databasePassword, QStringLiteral("S3c?ret"));
        // ...and leaving it moves the password into the password field.
        emit url->editingFinished();
        QCOMPARE(url->text(), QStringLiteral("mysql+pymysql://keystone@db1/keystone"));
        QCOMPARE(e.secrets().databasePassword, QStringLiteral("S3c?ret"));
        QVERIFY(e.importMessage().contains(QStringLiteral("keychain")));

        // A profile from a file not yet migrated shows no password in the URL field.
        p.databaseUrl = QStringLiteral("postgresql://keystone:Old%21pw@db1/keystone");
        e.setProfile(p);
        QCOMPARE(url->text(), QStringLiteral("postgresql://keystone@db1/keystone"));
        QCOMPARE(e.secrets().databasePassword, QStringLiteral("Old!pw"));
    }
    // Issue 14.4 (low): http:// to another machine is named while editing.
    void warnsAboutClearTextAuthUrl()
    {
        ProfileEditor e;
        Profile p;
        p.name = QStringLiteral("east");
        p.authUrl = QUrl(QStringLiteral("http://keystone.example:5000/v3"));
        e.setProfile(p);
        QVERIFY2(e.cleartextWarning().contains(QStringLiteral("clear text")),
                 qPrintable(e.cleartextWarning()));
        p.authUrl = QUrl(QStringLiteral("https://keystone.example:5000/v3"));
        e.setProfile(p);
        QVERIFY(e.cleartextWarning().isEmpty());
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:5000/v3"));
        e.setProfile(p);
        QVERIFY(e.cleartextWarning().isEmpty());
    }

    // Issue 21: thresholds are edited in the form, per rule a warning and a
    // critical field, checked by the parser `turnstilectl thresholds` uses.
    void thresholdsAreEditedAndChecked()
    {
        ProfileEditor e;
        Profile p;
        p.name = QStringLiteral("east");
        p.authUrl = QUrl(QStringLiteral("https://keystone.example:5000/v3"));
        p.thresholds.insert(
            QStringLiteral("validate.ms"),
            QJsonObject{{QStringLiteral("warn"), 300}, {QStringLiteral("critical"), 800}});
        // A key the form has no row for survives an edit.
        p.thresholds.insert(QStringLiteral("custom.key"), QJsonObject{{QStringLiteral("warn"), 1}});
        e.setProfile(p);
        QLineEdit *warn = e.thresholdField(QStringLiteral("validate.ms"), false);
        QLineEdit *crit = e.thresholdField(QStringLiteral("validate.ms"), true);
        QVERIFY(warn && crit);
        QCOMPARE(warn->text(), QStringLiteral("300"));
        QCOMPARE(crit->text(), QStringLiteral("800"));
        // Empty fields show the default they stand for.
        QLineEdit *issue = e.thresholdField(QStringLiteral("issue.ms"), false);
        QVERIFY(issue->text().isEmpty());
        QCOMPARE(issue->placeholderText(), QStringLiteral("2000"));
        QVERIFY(e.thresholdField(QStringLiteral("token.live/day"), true));
        QVERIFY(!e.thresholdField(QStringLiteral("keystone.up"), false));

        issue->setText(QStringLiteral("1000"));
        Profile edited = e.profile();
        QCOMPARE(edited.thresholds.value(u"issue.ms").toObject(),
                 (QJsonObject{{QStringLiteral("warn"), 1000}}));
        QVERIFY(edited.thresholds.contains(u"custom.key"));

        auto *save = e.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save);
        QVERIFY(save->isEnabled());
        warn->setText(QStringLiteral("900"));
        QVERIFY(!save->isEnabled());
        QVERIFY2(
            e.problem().contains(QStringLiteral("must not be above the critical level (800 ms)")),
            qPrintable(e.problem()));
        warn->setText(QStringLiteral("1,5"));
        QVERIFY2(e.problem().contains(QStringLiteral("is not a number")), qPrintable(e.problem()));
        if (const QString dir = qEnvironmentVariable("TURNSTILE_TEST_GRAB_DIR"); !dir.isEmpty()) {
            e.findChild<QTabWidget *>()->setCurrentIndex(1);
            e.resize(e.sizeHint());
            e.grab().save(dir + QStringLiteral("/profileeditor-thresholds.png"));
        }
        // Both empty: the defaults again, and no override left.
        warn->clear();
        crit->clear();
        QVERIFY(save->isEnabled());
        QVERIFY(!e.profile().thresholds.contains(u"validate.ms"));
    }

    // Issue 21: "Test connection" checks the unsaved form off the GUI
    // thread and says in one sentence per part what answered.
    void testConnectionSaysWhatAnswered()
    {
        ProfileEditor e;
        Profile p;
        p.name = QStringLiteral("nowhere");
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3"));
        p.timeoutMs = 3000;
        e.setProfile(p);
        e.findChild<QLineEdit *>(); // the form exists
        QSignalSpy done(&e, &ProfileEditor::connectionTested);
        e.testConnectionButton()->click();
        QVERIFY(done.wait(15000));
        const QStringList lines = e.connectionTestLines();
        QCOMPARE(lines.size(), 3); // Keystone, database, nodes
        QVERIFY2(lines[0].startsWith(u"✗") && lines[0].contains(QStringLiteral("127.0.0.1:1")),
                 qPrintable(lines[0]));
        QVERIFY2(lines[1].startsWith(u"–"), qPrintable(lines[1]));
        QVERIFY2(lines[2].startsWith(u"–"), qPrintable(lines[2]));
    }

    // A test waiting on a server that never answers is cancelled by the
    // same button, and its late result is dropped.
    void testConnectionCancels()
    {
        // A server that accepts and never answers (the kernel completes the
        // connection; nobody reads): a fault the lab cannot produce on demand.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        ProfileEditor e;
        Profile p;
        p.name = QStringLiteral("silent");
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v3").arg(silent.serverPort()));
        p.timeoutMs = 2000;
        e.setProfile(p);
        QSignalSpy done(&e, &ProfileEditor::connectionTested);
        e.testConnectionButton()->click();
        QVERIFY(e.connectionTestLines().value(0).startsWith(QStringLiteral("Testing")));
        e.testConnectionButton()->click(); // now "Cancel test"
        QCOMPARE(e.connectionTestLines(),
                 QStringList{QStringLiteral("Connection test cancelled.")});
        QVERIFY(!done.wait(4000)); // the 2 s timeout passed; its result is not shown
        QCOMPARE(e.connectionTestLines(),
                 QStringList{QStringLiteral("Connection test cancelled.")});
        QCOMPARE(e.testConnectionButton()->text(), QStringLiteral("&Test connection"));
    }
};

QTEST_MAIN(TestProfileEditor)
#include "tst_profileeditor.moc"
