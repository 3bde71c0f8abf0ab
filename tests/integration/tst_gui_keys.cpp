// The "done when", as an operator sees it: three nodes behind the
// lab's sshd, one of them a rotation behind. The Keys page shows that node in
// red with the reason; one guarded rotation from the page (preview, typed
// target, acknowledgement, run) brings every node back to green.
// With TURNSTILE_SCREENSHOT_DIR set, the page is saved before and after
// (docs/keys-desync.png, docs/keys-after-rotate.png come from here, under
// xvfb-run with -platform xcb).
#include "blackholeport.h"
#include "guarded/actioncontrol.h"
#include "guardedactiondialog.h"
#include "isolatedenvironment.h"
#include "keys/keyrotation.h"
#include "keysmodel.h"
#include "keyspage.h"
#include "testsupport.h"

#include <QCheckBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTextBrowser>

using namespace turnstile;
using namespace Qt::StringLiterals;
using testsupport::lab;

namespace {
bool sh(const QString &script)
{
    QProcess p;
    p.start(u"/bin/sh"_s, {u"-c"_s, script});
    p.waitForFinished(120000);
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

void save(QWidget *w, const QString &name)
{
    const QString dir = qEnvironmentVariable("TURNSTILE_SCREENSHOT_DIR");
    if (dir.isEmpty())
        return;
    QTest::qWait(200);
    QVERIFY(w->grab().save(dir + u'/' + name));
}

int worstLevel(const KeysModel *m)
{
    int worst = 0;
    for (int r = 0; r < m->rowCount(); ++r)
        worst = std::max(worst, m->index(r, 0).data(KeysModel::LevelRole).toInt());
    return worst;
}
} // namespace

class TestGuiKeys : public QObject
{
    Q_OBJECT
    // Pending journals, audit log, profiles and settings of its own.
    testsupport::IsolatedEnvironment m_state;

private slots:
    void initTestCase()
    {
        QVERIFY(m_state.isValid());
        QVERIFY2(!lab(u"TURNSTILE_LAB_SSH_CONFIG"_s).isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
        qputenv("TURNSTILE_SSH_CONFIG", lab(u"TURNSTILE_LAB_SSH_CONFIG"_s).toUtf8());
        qputenv("TURNSTILE_KEYS_PEER_SSH_CONFIG", lab(u"TURNSTILE_LAB_SSH_CONFIG"_s).toUtf8());
    }

    // Closing the window while the page still reads a node that never
    // answers: the page stops the ssh at once instead of holding the GUI
    // thread until ssh gives up.
    void closingThePageDoesNotWaitForASlowNode()
    {
        labsupport::BlackholePort hole;
        QVERIFY(hole.port() > 0);
        Profile p;
        p.name = u"slow"_s;
        p.keyRepositories << u"ssh://root@127.0.0.1:%1/etc/keystone/fernet-keys"_s.arg(hole.port());
        auto *page = new KeysPage;
        page->setProfile(p);
        page->show();
        QTRY_VERIFY(page->isLoading());
        QTest::qWait(1000); // ssh is connected and waits for a greeting
        QVERIFY(page->isLoading());
        QVERIFY(page->asOwnerBox()->isEnabled() == page->rotateButton()->isEnabled());
        QElapsedTimer t;
        t.start();
        delete page;
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
    }

    void desyncedNodeIsRedAndOneRotationMakesAllGreen()
    {
        const QString root = lab(u"TURNSTILE_LAB_DIR"_s) + u"/keys-gui"_s;
        const QString live = lab(u"TURNSTILE_LAB_FERNET_REPO"_s);
        QVERIFY(sh(u"set -e; rm -rf '%1'; mkdir -p '%1'; for n in node1 node2 node3; do cp -a "
                   "'%2' \"%1/$n\"; done"_s.arg(root, live)));
        Profile p = testsupport::labAdminProfile();
        p.name = u"lab"_s;
        p.keystoneConfPath = lab(u"TURNSTILE_LAB_KEYSTONE_CONF"_s);
        QList<KeyLocation> all;
        for (const QString &n : {u"node1"_s, u"node2"_s, u"node3"_s}) {
            p.keyRepositories << u"ssh://"_s + n + root + u'/' + n;
            all << *KeyLocation::parse(p.keyRepositories.last());
        }
        // node1 and node2 rotate together; node3 misses it.
        {
            KeySetup s = *KeySetup::fromProfile(p, nullptr);
            KeyRotation pair({all[0], all[1]}, s.settings, s.ssh,
                             KeyRotation::targetFor({}, {all[0], all[1]}));
            const ActionPreview pv = pair.preview();
            QVERIFY2(!pv.refused(), qPrintable(pv.refusal));
            ActionControl control;
            QVERIFY(pair.execute(pv, control).ok());
        }

        KeysPage page;
        page.resize(1180, 640);
        page.setProfile(p);
        QSignalSpy loaded(&page, &KeysPage::loaded);
        page.show();
        QVERIFY(loaded.wait(30000));
        QCOMPARE(page.model()->status().fernetConsistency.level, KeyConsistency::Level::Critical);
        QCOMPARE(worstLevel(page.model()), 3);
        // node3's rows are the red ones, with the consequence
        bool node3Red = false;
        for (int r = 0; r < page.model()->rowCount(); ++r) {
            const QModelIndex i = page.model()->index(r, 0);
            if (i.data(KeysModel::LevelRole).toInt() == 3) {
                QCOMPARE(i.data(KeysModel::NodeRole).toString(), u"node3"_s);
                node3Red = true;
            }
        }
        QVERIFY(node3Red);
        QVERIFY2(page.verdictLabel()->text().contains(u"will fail validation on node3"_s),
                 qPrintable(page.verdictLabel()->text()));
        save(&page, u"keys-desync.png"_s);

        // One guarded rotation from the page.
        QVERIFY(page.rotateButton()->isEnabled());
        QSignalSpy opened(&page, &KeysPage::dialogOpened);
        page.rotateButton()->click();
        QCOMPARE(opened.count(), 1);
        GuardedActionDialog *dlg = page.currentDialog();
        QVERIFY(dlg);
        QSignalSpy shown(dlg, &GuardedActionDialog::previewShown);
        QVERIFY(shown.wait(30000));
        QVERIFY2(!dlg->preview().refused(), qPrintable(dlg->preview().refusal));
        QCOMPARE(dlg->preview().target.text, u"fernet-keys@lab"_s);
        QVERIFY(!dlg->runButton()->isEnabled());
        dlg->confirmationEdit()->setText(u"fernet-keys@lab"_s);
        if (dlg->preview().mustAcknowledge > 0) {
            QVERIFY(!dlg->runButton()->isEnabled());
            dlg->acknowledgementEdit()->setText(QString::number(dlg->preview().mustAcknowledge));
        }
        QVERIFY(dlg->runButton()->isEnabled());
        dlg->resize(820, 600);
        save(dlg, u"keys-rotate-dialog.png"_s);
        QSignalSpy finished(dlg, &GuardedActionDialog::actionFinished);
        loaded.clear();
        dlg->runButton()->click();
        QVERIFY(finished.wait(60000));
        const ActionResult r = finished.first().first().value<ActionResult>();
        QVERIFY2(r.ok(), qPrintable(r.message));
        dlg->close();
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1 && !page.isLoading(), 30000);
        QCOMPARE(page.model()->status().fernetConsistency.level, KeyConsistency::Level::Ok);
        QCOMPARE(worstLevel(page.model()), 1);
        QVERIFY(page.verdictLabel()->text().contains(u"In sync"_s));
        save(&page, u"keys-after-rotate.png"_s);
        sh(u"rm -rf '%1'"_s.arg(root));
    }
};

QTEST_MAIN(TestGuiKeys)
#include "tst_gui_keys.moc"
