// The scripts that change a key repository and the shell that runs them,
// against local directories (/bin/sh, no lab): what a node prints never
// becomes script, a path is kept as given, a child runs in its own session,
// output is capped, a cancel stops a step at once, max_active_keys 1 is
// refused, and two local repositories are told apart.
#include "guarded/actioncontrol.h"
#include "isolatedenvironment.h"
#include "keys/keylocation.h"
#include "keys/keyrepository.h"
#include "keys/keyrotation.h"
#include "keys/keyscripts.h"
#include "keys/nodeshell.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace turnstile;
using namespace Qt::StringLiterals;

namespace {
const QByteArray kKey = "aGVsbG8taGVsbG8taGVsbG8taGVsbG8taGVsbG8tYWI=";

bool makeRepository(const QString &dir, const QList<int> &indexes)
{
    if (!QDir().mkpath(dir))
        return false;
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    for (int i : indexes) {
        QFile f(dir + u'/' + QString::number(i));
        if (!f.open(QIODevice::WriteOnly))
            return false;
        f.write(kKey);
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    }
    return true;
}

QStringList keyNames(const QString &dir)
{
    QStringList l = QDir(dir).entryList(QDir::Files);
    l.removeIf([](const QString &n) {
        bool ok = false;
        n.toInt(&ok);
        return !ok;
    });
    std::sort(l.begin(), l.end(),
              [](const QString &a, const QString &b) { return a.toInt() < b.toInt(); });
    return l;
}
} // namespace

class TestKeyScripts : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QVERIFY(m_home.isValid()); }

    // A chained .arg() read a "%1" in the path as the next placeholder and
    // rotated another directory.
    void rotatesTheDirectoryNamedEvenWithPercentOne()
    {
        QTemporaryDir base;
        const QString dir = base.filePath(u"keys%1x"_s);
        const QString other = base.filePath(u"keys3x"_s);
        QVERIFY(makeRepository(dir, {0, 1, 2}));
        QVERIFY(makeRepository(other, {0, 1, 2}));
        const QByteArray script = rotateScript(dir, 3, 2);
        QVERIFY(script.contains("d='" + dir.toUtf8() + "'"));
        const NodeOutput o = NodeShell(*KeyLocation::parse(dir), SshOptions{}).run(script);
        QVERIFY2(o.ok(), qPrintable(o.message));
        QCOMPARE(o.out.trimmed(), QByteArray("ROTATED 3"));
        QCOMPARE(keyNames(dir), (QStringList{u"0"_s, u"2"_s, u"3"_s}));
        QCOMPARE(keyNames(other), (QStringList{u"0"_s, u"1"_s, u"2"_s}));
        // nothing of Turnstile's is left in the repository
        QCOMPARE(QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 (QStringList{u"0"_s, u"2"_s, u"3"_s}));
    }

    // The expected primary guards against a second rotation.
    void rotationRefusesWhenThePrimaryMoved()
    {
        QTemporaryDir base;
        const QString dir = base.filePath(u"r"_s);
        QVERIFY(makeRepository(dir, {0, 1, 2}));
        const NodeOutput o =
            NodeShell(*KeyLocation::parse(dir), SshOptions{}).run(rotateScript(dir, 3, 1));
        QCOMPARE(o.exitCode, int(KeyScriptPrimaryMoved));
        QCOMPARE(keyNames(dir), (QStringList{u"0"_s, u"1"_s, u"2"_s}));
    }

    // Fingerprints come from a node's stdout; a payload in them must never
    // become part of the script another node (or this workstation) runs.
    void nodeOutputNeverBecomesScript()
    {
        RepositoryState st;
        st.location = *KeyLocation::parse(u"ssh://node1/k"_s);
        parseRepositoryListing("DIR 700 ks ks\nNOW 5\nKEY 0 1 600 ks ks 44 ';touch${IFS}P;'\n"
                               "KEY 1 1 600 ks ks 44 abcdabcdabcdabcd\nEND\n",
                               st);
        QVERIFY(!st.readable());
        QVERIFY(st.keys.isEmpty());
        QVERIFY2(st.errorMessage.contains(u"16 hex digits"_s), qPrintable(st.errorMessage));

        RepositoryState index;
        index.location = st.location;
        parseRepositoryListing(
            "DIR 700 ks ks\nNOW 5\nKEY +1 1 600 ks ks 44 abcdabcdabcdabcd\nEND\n", index);
        QVERIFY(!index.readable());

        QString why;
        QVERIFY(receiveScript(u"/k"_s, {{0, u"';touch${IFS}P;'"_s}}, &why).isEmpty());
        QVERIFY(!why.isEmpty());
        QVERIFY(receiveScript(u"/k"_s, {{0, u"ABCDABCDABCDABCD"_s}}).isEmpty());
        QVERIFY(receiveScript(u"/k"_s, {{-1, u"abcdabcdabcdabcd"_s}}).isEmpty());
        const QString ok =
            receiveScript(u"/k"_s, {{0, u"abcdabcdabcdabcd"_s}, {4, u"0123456789abcdef"_s}});
        QVERIFY(ok.contains(u"exp='0:abcdabcdabcdabcd 4:0123456789abcdef'"_s));

        QVERIFY(asUserCommand(u"keystone; rm -rf /"_s, u"sh -s"_s).isEmpty());
        QVERIFY(asUserCommand(u"keystone"_s, u"sh -s"_s).contains(u"runuser -u keystone"_s));
    }

    void childRunsInItsOwnSession()
    {
        QTemporaryDir dir;
        const NodeOutput o = NodeShell(*KeyLocation::parse(dir.path()), SshOptions{})
                                 .run("{ s=$(cut -d' ' -f6 /proc/$$/stat); "
                                      "[ \"$s\" = \"$$\" ] && echo own || echo shared; }\n");
        QVERIFY2(o.ok(), qPrintable(o.message));
        QCOMPARE(o.out.trimmed(), QByteArray("own"));
    }

    void outputIsCapped()
    {
        QTemporaryDir dir;
        const NodeOutput o = NodeShell(*KeyLocation::parse(dir.path()), SshOptions{})
                                 .run("{ head -c 50000000 /dev/zero; }\n");
        QVERIFY(!o.ok());
        QVERIFY2(o.message.contains(u"more than"_s), qPrintable(o.message));
        QVERIFY(o.out.size() <= NodeShell::kMaxOutput);
    }

    void cancelStopsAStepAtOnce()
    {
        QTemporaryDir dir;
        QElapsedTimer t;
        t.start();
        const NodeOutput o =
            NodeShell(*KeyLocation::parse(dir.path()), SshOptions{})
                .run("{ sleep 30; echo late; }\n", 60000, [&] { return t.elapsed() > 300; });
        QVERIFY(t.elapsed() < 5000);
        QCOMPARE(o.error, NodeError::Cancelled);
        QVERIFY(!o.out.contains("late"));
    }

    // fernet_rotate with max_active_keys 1 keeps no non-staged key: the new
    // primary would go while the preview said it stays.
    void maxActiveKeysBelowTwoIsRefused()
    {
        QTemporaryDir base;
        const QString dir = base.filePath(u"r"_s);
        QVERIFY(makeRepository(dir, {0, 1, 2}));
        const KeyLocation loc = *KeyLocation::parse(dir);
        RotationSettings s;
        s.maxActiveKeys = 1;
        KeyRotation action({loc}, s, SshOptions{}, KeyRotation::targetFor({}, {loc}));
        const ActionPreview pv = action.preview();
        QVERIFY(pv.refused());
        QVERIFY2(pv.refusal.contains(u"max_active_keys"_s), qPrintable(pv.refusal));
        // execute refuses too, whatever preview it is handed
        ActionPreview forged = pv;
        forged.refusal.clear();
        forged.parameters[u"source"] = loc.text;
        forged.parameters[u"mode"] = u"rotate"_s;
        forged.parameters[u"primary_before"] = 2;
        ActionControl control;
        QCOMPARE(action.execute(forged, control).outcome, ActionResult::Outcome::Failed);
        QCOMPARE(keyNames(dir), (QStringList{u"0"_s, u"1"_s, u"2"_s}));
    }

    // What the GUI does when its window closes during a rotation against a
    // slow node: cancel from another thread. The step stops at once, the
    // journal stays, and the next run repairs instead of rotating again.
    void cancelDuringTheRotationStepReturnsAtOnceAndTheRerunRepairs()
    {
        QTemporaryDir base;
        const QString dir = base.filePath(u"r"_s);
        QVERIFY(makeRepository(dir, {0, 1, 2}));
        const QString bin = base.filePath(u"bin"_s);
        QVERIFY(QDir().mkpath(bin));
        QFile sync(bin + u"/sync"_s);
        QVERIFY(sync.open(QIODevice::WriteOnly));
        sync.write("#!/bin/sh\nif [ \"${1:-}\" = . ]; then sleep 60; fi\n"
                   "exec env PATH=/usr/bin:/bin sync \"$@\"\n");
        sync.close();
        sync.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        const KeyLocation loc = *KeyLocation::parse(dir);
        RotationSettings s;
        KeyRotation action({loc}, s, SshOptions{}, KeyRotation::targetFor({}, {loc}));
        const ActionPreview pv = action.preview();
        QVERIFY2(!pv.refused(), qPrintable(pv.refusal));
        QCOMPARE(pv.parameters[u"mode"].toString(), u"rotate"_s);

        const QByteArray path = qgetenv("PATH");
        qputenv("PATH", bin.toUtf8() + ':' + path);
        ActionControl control;
        QThread *canceller = QThread::create([&] {
            QThread::msleep(1500);
            control.cancel();
        });
        canceller->start();
        QElapsedTimer t;
        t.start();
        const ActionResult r = action.execute(pv, control);
        const qint64 took = t.elapsed();
        canceller->wait();
        delete canceller;
        qputenv("PATH", path);
        QVERIFY2(took < 6000, qPrintable(QString::number(took)));
        QCOMPARE(r.outcome, ActionResult::Outcome::Cancelled);
        QVERIFY(QFile::exists(dir + u"/3"_s)); // the rename happened before the slow sync

        KeyRotation again({loc}, s, SshOptions{}, KeyRotation::targetFor({}, {loc}));
        const ActionPreview next = again.preview();
        QCOMPARE(next.parameters[u"mode"].toString(), u"repair"_s);
        ActionControl c2;
        QVERIFY(again.execute(next, c2).ok());
        QCOMPARE(keyNames(dir), (QStringList{u"0"_s, u"2"_s, u"3"_s})); // rotated once
    }

    void twoLocalRepositoriesAreToldApart()
    {
        const KeyLocation a = *KeyLocation::parse(u"/srv/keys-a"_s);
        const KeyLocation b = *KeyLocation::parse(u"/srv/keys-b"_s);
        QVERIFY(a.node() != b.node());
        QCOMPARE(a.node(), u"/srv/keys-a"_s);
        QCOMPARE(a.sshDestination(), u"/srv/keys-a"_s);
        const ActionTarget t = KeyRotation::targetFor({}, {a, b});
        QCOMPARE(t.text, u"fernet-keys@/srv/keys-a,/srv/keys-b"_s);
        QVERIFY(t.description.contains(u"/srv/keys-b"_s));
        QVERIFY(a.sameRepository(*KeyLocation::parse(u"/srv/keys-a/"_s)));
        QVERIFY(KeyLocation::parse(u"ssh://root@node1:22/k"_s)
                    ->sameRepository(*KeyLocation::parse(u"ssh://node1/k"_s)));
        QVERIFY(!a.sameRepository(b));
    }

private:
    // $HOME (the private state directory of the scripts goes under it) and
    // the pending journals of its own.
    testsupport::IsolatedEnvironment m_home;
};

QTEST_GUILESS_MAIN(TestKeyScripts)
#include "tst_keyscripts.moc"
