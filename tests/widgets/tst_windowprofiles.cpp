// Issue 21, "Profiles in the window": editing with All profiles selected,
// a profile file changed by turnstilectl while the window runs, page
// shortcuts, Help → About and the refresh interval.
#include "aboutbox.h"
#include "isolatedenvironment.h"
#include "mainwindow.h"
#include "overviewmodel.h"
#include "overviewpage.h"
#include "profileeditor.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"
#include "testsupport.h"

#include <QAction>
#include <QComboBox>
#include <QFile>
#include <QInputDialog>
#include <QMessageBox>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>

using namespace turnstile;

class TestWindowProfiles : public QObject
{
    Q_OBJECT
    SecretStore m_secrets; // one for the run, as in the application
    testsupport::IsolatedEnvironment m_env;

    static Profile unreachable(const QString &name)
    {
        Profile p;
        p.name = name;
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3"));
        p.timeoutMs = 2000;
        return p;
    }
    // turnstilectl in this test's environment (its profile file).
    int ctl(const QStringList &args)
    {
        QProcess p;
        p.start(testsupport::builtProgram(QStringLiteral("turnstilectl")), args);
        if (!p.waitForFinished(60000))
            p.kill();
        return p.exitCode();
    }
    static const Profile *find(const QList<Profile> &all, const QString &name)
    {
        for (const Profile &p : all)
            if (p.name == name)
                return &p;
        return nullptr;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_env.isValid());
        m_env.withoutKeychain();
    }
    void init()
    {
        QFile::remove(m_env.profilesFile());
        QSettings().remove(QStringLiteral("probe"));
    }

    // "Edit profile" with All profiles selected opened the first profile,
    // whichever the user meant; now it asks which.
    void editWithAllProfilesAsksWhich()
    {
        ProfileStore store(m_env.profilesFile());
        QVERIFY(store.saveAll(
            {unreachable(QStringLiteral("alpha")), unreachable(QStringLiteral("beta"))}));
        MainWindow w(&store, &m_secrets);
        w.selectProfile(QString());
        QAction *edit = nullptr;
        for (QAction *a : w.findChildren<QAction *>())
            if (a->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_E))
                edit = a;
        QVERIFY(edit);
        edit->trigger();
        QVERIFY(!w.findChild<ProfileEditor *>()); // not before the user chose
        auto *ask = w.findChild<QInputDialog *>();
        QVERIFY(ask);
        QCOMPARE(ask->comboBoxItems(),
                 (QStringList{QStringLiteral("alpha"), QStringLiteral("beta")}));
        ask->setTextValue(QStringLiteral("beta"));
        ask->accept();
        auto *editor = w.findChild<ProfileEditor *>();
        QVERIFY(editor);
        QCOMPARE(editor->profile().name, QStringLiteral("beta"));
        editor->reject();

        // One profile selected: no question, that one.
        w.selectProfile(QStringLiteral("alpha"));
        QTRY_VERIFY(!w.findChild<ProfileEditor *>());
        edit->trigger();
        QVERIFY(w.findChild<ProfileEditor *>());
        QCOMPARE(w.findChild<ProfileEditor *>()->profile().name, QStringLiteral("alpha"));
    }

    // A profile removed or changed by turnstilectl while the window runs is
    // noticed: the removed one leaves the list (and the probing), the
    // changed one is read again. Each save replaces the file (an atomic
    // rename, which ends a watch on the file itself): later changes are
    // still noticed.
    void profileFileChangedOutsideIsNoticed()
    {
        ProfileStore store(m_env.profilesFile());
        QVERIFY(store.saveAll({unreachable(QStringLiteral("alpha")),
                               unreachable(QStringLiteral("beta")),
                               unreachable(QStringLiteral("gamma"))}));
        MainWindow w(&store, &m_secrets);
        QSignalSpy reloaded(&w, &MainWindow::profilesReloaded);
        QCOMPARE(w.profileChooser()->count(), 4);
        QCOMPARE(w.overviewPage()->tiles().size(), 3);

        QCOMPARE(
            ctl({QStringLiteral("thresholds"), QStringLiteral("--profile"), QStringLiteral("alpha"),
                 QStringLiteral("--set"), QStringLiteral("validate.ms=300:800")}),
            0);
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, 5000);
        const Profile *alpha = find(w.profiles(), QStringLiteral("alpha"));
        QVERIFY(alpha);
        QVERIFY(alpha->thresholds.contains(u"validate.ms"));

        QCOMPARE(
            ctl({QStringLiteral("profiles"), QStringLiteral("remove"), QStringLiteral("beta")}), 0);
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 2, 5000);
        QVERIFY(!find(w.profiles(), QStringLiteral("beta")));
        QCOMPARE(w.profileChooser()->findData(QStringLiteral("beta")), -1);
        QCOMPARE(w.overviewPage()->tiles().size(), 2);
        QVERIFY(!w.overviewModel()->profiles().contains(QStringLiteral("beta")));

        // And again, after the renames.
        QCOMPARE(
            ctl({QStringLiteral("profiles"), QStringLiteral("remove"), QStringLiteral("gamma")}),
            0);
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 3, 5000);
        QCOMPARE(w.overviewPage()->tiles().size(), 1);
    }

    // Ctrl+1…8 open the pages in tab order.
    void pageShortcuts()
    {
        ProfileStore store(m_env.profilesFile());
        MainWindow w(&store, &m_secrets);
        w.show();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QTest::keyClick(&w, Qt::Key_3, Qt::ControlModifier);
        QCOMPARE(w.currentPageName(), QStringLiteral("latency"));
        QTest::keyClick(&w, Qt::Key_8, Qt::ControlModifier);
        QCOMPARE(w.currentPageName(), QStringLiteral("audit"));
        QTest::keyClick(&w, Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(w.currentPageName(), QStringLiteral("overview"));
    }

    void aboutNamesTheVersion()
    {
        ProfileStore store(m_env.profilesFile());
        MainWindow w(&store, &m_secrets);
        QMessageBox *box = w.showAbout();
        QVERIFY(box);
        QVERIFY2(box->text().contains(QStringLiteral("Turnstile " TURNSTILE_VERSION)),
                 qPrintable(box->text()));
        QVERIFY(box->text().contains(buildVersion()));
        // Built from this git checkout: the commit is named too.
        if (QFile::exists(QStringLiteral(TURNSTILE_SOURCE_DIR "/.git")))
            QVERIFY2(buildVersion().contains(QStringLiteral("(git ")), qPrintable(buildVersion()));
        box->close();
    }

    // The refresh interval is a setting: chosen in the window, kept for the
    // next start.
    void refreshIntervalIsKept()
    {
        ProfileStore store(m_env.profilesFile());
        {
            MainWindow w(&store, &m_secrets);
            QCOMPARE(w.refreshInterval(), 30);
            QInputDialog *ask = w.askRefreshInterval();
            ask->setIntValue(120);
            ask->accept();
            QCOMPARE(w.refreshInterval(), 120);
            w.setRefreshInterval(1); // below the floor
            QCOMPARE(w.refreshInterval(), 5);
        }
        MainWindow again(&store, &m_secrets);
        QCOMPARE(again.refreshInterval(), 120);
    }
};

QTEST_MAIN(TestWindowProfiles)
#include "tst_windowprofiles.moc"
