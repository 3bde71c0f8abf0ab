#include "keys/keylocation.h"
#include "keys/keyrepository.h"
#include "keys/nodeshell.h"

#include <QCryptographicHash>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;
using namespace Qt::StringLiterals;

class TestKeyLocation : public QObject
{
    Q_OBJECT
private slots:
    void parsesLocations_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<bool>("remote");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("text");
        QTest::newRow("local") << u"/etc/keystone/fernet-keys/"_s << true << false << QString()
                               << QString() << -1 << u"/etc/keystone/fernet-keys"_s
                               << u"/etc/keystone/fernet-keys"_s;
        QTest::newRow("ssh host") << u"ssh://node1/etc/keystone/fernet-keys"_s << true << true
                                  << QString() << u"node1"_s << -1 << u"/etc/keystone/fernet-keys"_s
                                  << u"ssh://node1/etc/keystone/fernet-keys"_s;
        QTest::newRow("ssh user port")
            << u"ssh://keystone@ks2.example:2222/srv/keys/"_s << true << true << u"keystone"_s
            << u"ks2.example"_s << 2222 << u"/srv/keys"_s
            << u"ssh://keystone@ks2.example:2222/srv/keys"_s;
        QTest::newRow("relative") << u"fernet-keys"_s << false << false << QString() << QString()
                                  << -1 << QString() << QString();
        QTest::newRow("http") << u"http://node1/x"_s << false << false << QString() << QString()
                              << -1 << QString() << QString();
        QTest::newRow("no path") << u"ssh://node1"_s << false << false << QString() << QString()
                                 << -1 << QString() << QString();
        QTest::newRow("port 0") << u"ssh://node1:0/x"_s << false << false << QString() << QString()
                                << -1 << QString() << QString();
        QTest::newRow("host with option") << u"ssh://-oProxyCommand=x/tmp"_s << false << false
                                          << QString() << QString() << -1 << QString() << QString();
        QTest::newRow("host with ;") << u"ssh://a;rm/tmp"_s << false << false << QString()
                                     << QString() << -1 << QString() << QString();
        QTest::newRow("newline in path") << u"/tmp/a\nb"_s << false << false << QString()
                                         << QString() << -1 << QString() << QString();
        QTest::newRow("empty") << u"  "_s << false << false << QString() << QString() << -1
                               << QString() << QString();
    }
    void parsesLocations()
    {
        QFETCH(QString, input);
        QFETCH(bool, valid);
        QString error;
        const auto loc = KeyLocation::parse(input, &error);
        QCOMPARE(loc.has_value(), valid);
        if (!valid) {
            QVERIFY(!error.isEmpty());
            return;
        }
        QFETCH(bool, remote);
        QFETCH(QString, user);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, path);
        QFETCH(QString, text);
        QCOMPARE(loc->remote, remote);
        QCOMPARE(loc->user, user);
        QCOMPARE(loc->host, host);
        QCOMPARE(loc->port, port);
        QCOMPARE(loc->path, path);
        QCOMPARE(loc->text, text);
    }

    void shellQuoteSurvivesTheShell()
    {
        const QString nasty = u"/tmp/it's a \"dir\" $(echo no) `x`"_s;
        QProcess p;
        p.start(u"/bin/sh"_s, {u"-c"_s, u"printf %s "_s + shellQuote(nasty)});
        QVERIFY(p.waitForFinished());
        QCOMPARE(QString::fromUtf8(p.readAllStandardOutput()), nasty);
    }

    void sshArgumentsInsistOnBatchModeAndHostKeys()
    {
        SshOptions o;
        o.configFile = u"/tmp/lab/ssh_config"_s;
        o.controlDir = u"/run/user/0/turnstile-ssh"_s;
        const auto loc = KeyLocation::parse(u"ssh://root@node2:2200/srv/keys"_s);
        const NodeShell sh(*loc, o);
        QCOMPARE(sh.program(), u"ssh"_s);
        const QStringList a = sh.arguments();
        QVERIFY(a.contains(u"BatchMode=yes"_s));
        QVERIFY(a.contains(u"StrictHostKeyChecking=yes"_s));
        QVERIFY(a.contains(u"ControlMaster=auto"_s));
        QVERIFY(a.contains(u"ControlPath=/run/user/0/turnstile-ssh/cm-%C"_s));
        QCOMPARE(a.at(a.indexOf(u"-F"_s) + 1), u"/tmp/lab/ssh_config"_s);
        QCOMPARE(a.at(a.indexOf(u"-p"_s) + 1), u"2200"_s);
        QCOMPARE(a.at(a.indexOf(u"-l"_s) + 1), u"root"_s);
        // The host follows "--", so it can never be taken for an option.
        QCOMPARE(a.at(a.indexOf(u"--"_s) + 1), u"node2"_s);
    }

    void classifiesSshFailures_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("stderrText");
        QTest::addColumn<int>("kind");
        QTest::newRow("refused") << 255
                                 << u"ssh: connect to host 127.0.0.1 port 1: Connection refused"_s
                                 << int(NodeError::Unreachable);
        QTest::newRow("dns")
            << 255 << u"ssh: Could not resolve hostname nowhere: Name or service not known"_s
            << int(NodeError::Unreachable);
        QTest::newRow("auth") << 255 << u"root@127.0.0.1: Permission denied (publickey)."_s
                              << int(NodeError::PermissionDenied);
        QTest::newRow("changed")
            << 255
            << u"@@@@\n@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @\nHost key verification failed."_s
            << int(NodeError::HostKey);
        QTest::newRow("unknown") << 255 << u"Host key verification failed."_s
                                 << int(NodeError::HostKey);
        QTest::newRow("other ssh")
            << 255 << u"command-line line 0: garbage"_s << int(NodeError::Ssh);
        QTest::newRow("script") << 5 << u"no staged key"_s << int(NodeError::Failed);
        QTest::newRow("fine") << 0 << QString() << int(NodeError::None);
    }
    void classifiesSshFailures()
    {
        QFETCH(int, code);
        QFETCH(QString, stderrText);
        QFETCH(int, kind);
        const auto loc = KeyLocation::parse(u"ssh://node1/k"_s);
        const NodeOutput o = NodeShell::classify(*loc, code, {}, stderrText.toUtf8());
        QCOMPARE(int(o.error), kind);
        QCOMPARE(o.message.isEmpty(), kind == int(NodeError::None));
        if (kind != int(NodeError::None))
            QVERIFY2(o.message.contains(u"node1"_s), qPrintable(o.message));
    }

    void parsesListing()
    {
        RepositoryState st;
        st.location = *KeyLocation::parse(u"ssh://node1/k"_s);
        parseRepositoryListing("DIR 700 keystone keystone\nNOW 1800000000\n"
                               "KEY 0 1799990000 600 keystone keystone 44 aaaaaaaaaaaaaaaa\n"
                               "KEY 3 1799980000 600 keystone keystone 44 bbbbbbbbbbbbbbbb\n"
                               "KEY 4 1799985000 644 root keystone 44 cccccccccccccccc\n"
                               "END\n",
                               st);
        QVERIFY(st.readable());
        QCOMPARE(st.keys.keys(), (QList<int>{0, 3, 4}));
        QCOMPARE(st.primary(), 4);
        QCOMPARE(st.secondaries(), QList<int>{3});
        QCOMPARE(st.roleOf(0), u"staged"_s);
        QCOMPARE(st.keys[3].fingerprint, u"bbbbbbbbbbbbbbbb"_s);
        QCOMPARE(st.keys[4].mode, 0644);
        QCOMPARE(st.nodeTime.toSecsSinceEpoch(), 1800000000);
        // Mode and owner of key 4 are flagged, nothing else.
        QCOMPARE(st.problems.size(), 2);
        QVERIFY(st.problems.join(u' ').contains(u"0644"_s));
        QVERIFY(st.problems.join(u' ').contains(u"root:keystone"_s));
    }

    void listingErrorsAndEmptyRepository()
    {
        RepositoryState missing;
        missing.location = *KeyLocation::parse(u"/nope"_s);
        parseRepositoryListing("ERR missing\n", missing);
        QVERIFY(!missing.readable());
        QVERIFY(missing.errorMessage.contains(u"does not exist"_s));

        RepositoryState denied;
        denied.location = *KeyLocation::parse(u"ssh://keystone@node2/etc/keystone/fernet-keys"_s);
        parseRepositoryListing("ERR denied\n", denied);
        QVERIFY(!denied.readable());
        QVERIFY2(denied.errorMessage.contains(u"permission denied"_s),
                 qPrintable(denied.errorMessage));
        QVERIFY(denied.errorMessage.contains(u"keystone@node2"_s));

        // a key file the ssh user cannot read: no fingerprint, flagged
        RepositoryState unreadableKey;
        unreadableKey.location = *KeyLocation::parse(u"/k"_s);
        parseRepositoryListing("DIR 700 ks ks\nNOW 5\nKEY 0 1 600 ks ks 44 -\n"
                               "KEY 1 1 600 ks ks 44 abcdabcdabcdabcd\nEND\n",
                               unreadableKey);
        QVERIFY(unreadableKey.keys[0].fingerprint.isEmpty());
        QCOMPARE(unreadableKey.keyProblems.value(0).size(), 1);
        QVERIFY(unreadableKey.keyProblems.value(0).first().contains(u"not readable"_s));

        RepositoryState cut;
        cut.location = *KeyLocation::parse(u"/k"_s);
        parseRepositoryListing("DIR 700 a a\nKEY 0 1 600 a a 44 x\n", cut);
        QVERIFY(!cut.readable());

        RepositoryState empty;
        empty.location = *KeyLocation::parse(u"/k"_s);
        parseRepositoryListing("DIR 700 a a\nNOW 5\nEND\n", empty);
        QVERIFY(empty.empty());
        QCOMPARE(empty.problems.size(), 1);
        QVERIFY(empty.problems.first().contains(u"empty"_s));
    }

    // The listing script against a real directory: fingerprints are computed
    // by the shell and nothing of the key appears in the output.
    void listingScriptOnARealDirectory()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QByteArray key = "aGVsbG8taGVsbG8taGVsbG8taGVsbG8taGVsbG8tYWI=";
        for (const char *name : {"0", "1", "not-a-key"}) {
            QFile f(dir.filePath(QString::fromLatin1(name)));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(key);
            f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        }
        QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        const auto loc = KeyLocation::parse(dir.path());
        const NodeOutput o = NodeShell(*loc, SshOptions{}).run(repositoryListingScript(dir.path()));
        QVERIFY2(o.ok(), qPrintable(o.message));
        QVERIFY(!o.out.contains(key));
        RepositoryState st;
        st.location = *loc;
        parseRepositoryListing(o.out, st);
        QCOMPARE(st.keys.keys(), (QList<int>{0, 1}));
        const QString expected = QString::fromLatin1(
            QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(16));
        QCOMPARE(st.keys[1].fingerprint, expected);
        QVERIFY2(st.problems.isEmpty(), qPrintable(st.problems.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestKeyLocation)
#include "tst_keylocation.moc"
