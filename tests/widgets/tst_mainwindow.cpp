#include "actionspage.h"
#include "auditlogmodel.h"
#include "auditpage.h"
#include "compliancepage.h"
#include "databasepage.h"
#include "eventspage.h"
#include "growthpage.h"
#include "guarded/auditlog.h"
#include "isolatedenvironment.h"
#include "keyspage.h"
#include "latencypage.h"
#include "mainwindow.h"
#include "overviewmodel.h"
#include "overviewpage.h"
#include "pagetable.h"
#include "profilepage.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"
#include "profiletile.h"
#include "testsupport.h"
#include "util/duration.h"

#include <QComboBox>
#include <QFile>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QScopeGuard>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>

using namespace turnstile;

class TestMainWindow : public QObject
{
    Q_OBJECT
    // One for the whole run, as the application has one for its lifetime: a
    // QtKeychain job deleted with its store while libsecret still works on it
    // is called back after it is gone, in a later test's event loop.
    SecretStore m_secrets;
    // Settings, history, audit log and rejected-login state of its own.
    testsupport::IsolatedEnvironment m_env;

private slots:
    void initTestCase()
    {
        QVERIFY(m_env.isValid());
        // No Secret Service here: the window must still work and say why.
        m_env.withoutKeychain();
    }
    void showsTilesAndUnreachableReason()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles.ini")));
        Profile dead;
        dead.name = QStringLiteral("dead");
        // Port 1 on loopback: connection refused, immediately.
        dead.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3"));
        dead.timeoutMs = 3000;
        QVERIFY(store.save(dead));
        Profile other = dead;
        other.name = QStringLiteral("other");
        QVERIFY(store.save(other));

        MainWindow w(&store, &m_secrets);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.profileChooser()->count(), 3); // "All profiles" + 2
        QCOMPARE(w.overviewPage()->tiles().size(), 2);

        // The first probe runs on its own; the window stays responsive meanwhile.
        QTRY_VERIFY_WITH_TIMEOUT(w.overviewModel()->result(QStringLiteral("dead")).has_value(),
                                 10000);
        ProfileTile *tile = w.overviewPage()->tiles().first();
        QCOMPARE(tile->statusName(), OverviewModel::statusText(OverviewModel::Status::Critical));
        QVERIFY2(tile->reasonText().contains(QStringLiteral("127.0.0.1:1")),
                 qPrintable(tile->reasonText()));

        // Choosing one profile narrows the overview to it.
        w.selectProfile(QStringLiteral("other"));
        QCOMPARE(w.overviewPage()->tiles().size(), 1);
        QCOMPARE(w.overviewModel()->profiles(), QStringList{QStringLiteral("other")});
    }
    void importsEveryCloudAndRegion()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles.ini")));
        QFile yaml(dir.filePath(QStringLiteral("clouds.yaml")));
        QVERIFY(yaml.open(QIODevice::WriteOnly));
        // Plain literals: moc's tokenizer trips over "//" and braces inside raw strings.
        yaml.write("clouds:\n"
                   "  prod:\n"
                   "    auth: {auth_url: 'http://127.0.0.1:1/v3', username: u, project_name: p}\n"
                   "    regions: [RegionOne, RegionTwo]\n"
                   "  staging:\n"
                   "    auth: {auth_url: 'http://127.0.0.1:1/v3', username: u, project_name: p}\n");
        yaml.close();
        MainWindow w(&store, &m_secrets);
        QSignalSpy done(&w, &MainWindow::cloudsImported);
        w.importAllClouds(yaml.fileName());
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 5000);
        QCOMPARE(store.names(),
                 (QStringList{QStringLiteral("prod-RegionOne"), QStringLiteral("prod-RegionTwo"),
                              QStringLiteral("staging")}));
        QCOMPARE(store.profile(QStringLiteral("prod-RegionTwo")).regionName,
                 QStringLiteral("RegionTwo"));
        // Every region becomes a tile, probed at once.
        QCOMPARE(w.overviewPage()->tiles().size(), 3);
    }
    void pagesByName()
    {
        // The ids are a contract (docs, scripts, the saved window/page).
        QCOMPARE(pageIds(), (QStringList{QStringLiteral("overview"), QStringLiteral("growth"),
                                         QStringLiteral("latency"), QStringLiteral("database"),
                                         QStringLiteral("actions"), QStringLiteral("compliance"),
                                         QStringLiteral("keys"), QStringLiteral("audit"),
                                         QStringLiteral("events")}));
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles.ini")));
        MainWindow w(&store, &m_secrets);
        // Every page of the table is a tab, in table order, with its title,
        // and --page's id selects it.
        const QList<PageEntry> &table = pageTable();
        QCOMPARE(w.pages()->count(), table.size());
        for (int i = 0; i < table.size(); ++i) {
            const QString id = QString::fromLatin1(table.at(i).id);
            QCOMPARE(w.pages()->tabText(i), table.at(i).title());
            QVERIFY(!table.at(i).title().isEmpty());
            QVERIFY2(w.showPage(id), table.at(i).id);
            QCOMPARE(w.pages()->currentIndex(), i);
            QCOMPARE(w.currentPageName(), id);
            // Every page takes the selection through the one interface.
            QVERIFY2(dynamic_cast<ProfilePage *>(w.pages()->widget(i)), table.at(i).id);
        }
        QCOMPARE(w.pages()->tabText(table.size() - 2), QStringLiteral("Audit log"));
        // The Events page came last, so Ctrl+1…8 kept their pages; it is Ctrl+9.
        QCOMPARE(w.pages()->tabText(table.size() - 1), QStringLiteral("Events"));
        QVERIFY(w.pages()->tabToolTip(table.size() - 1).contains(u"9"));
        QVERIFY(w.showPage(QStringLiteral("events")));
        QCOMPARE(w.pages()->currentWidget(), static_cast<QWidget *>(w.eventsPage()));
        QVERIFY(w.showPage(QStringLiteral("latency")));
        QCOMPARE(w.pages()->currentWidget(), static_cast<QWidget *>(w.latencyPage()));
        QVERIFY(!w.showPage(QStringLiteral("nonsense")));
    }
    void commandLinePageIsOneSentence()
    {
        // `turnstile --page` checks the id against the same table, before
        // any window exists, and says so in one sentence.
        QProcess p;
        QTemporaryDir runtime; // 0700; without one Qt says so on stderr
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
        p.setProcessEnvironment(env);
        p.start(testsupport::builtProgram(QStringLiteral("turnstile")),
                {QStringLiteral("--page"), QStringLiteral("nonsense")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 2);
        QCOMPARE(QString::fromUtf8(p.readAllStandardError()),
                 QStringLiteral("Unknown page nonsense; choose overview, growth, latency, "
                                "database, actions, compliance, keys, audit or events.\n"));
        QCOMPARE(p.readAllStandardOutput(), QByteArray());

        // The help names every page of the table.
        p.start(testsupport::builtProgram(QStringLiteral("turnstile")), {QStringLiteral("--help")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
        const QString help = QString::fromUtf8(p.readAllStandardOutput()).simplified();
        QVERIFY2(help.contains(QStringLiteral("Open on this page: overview, growth, latency, "
                                              "database, actions, compliance, keys, audit or "
                                              "events.")),
                 qPrintable(help));
    }
    void commandLineRangeIsOneSentence()
    {
        // `turnstile --range` takes a duration as turnstilectl does and
        // refuses anything else before a window exists, in one sentence.
        QProcess p;
        QTemporaryDir runtime;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
        p.setProcessEnvironment(env);
        p.start(testsupport::builtProgram(QStringLiteral("turnstile")),
                {QStringLiteral("--range"), QStringLiteral("90")});
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 2);
        QString error;
        QVERIFY(!parseDuration(QStringLiteral("90"), &error));
        QVERIFY(!error.isEmpty());
        QCOMPARE(QString::fromUtf8(p.readAllStandardError()), error + u'\n');

        p.start(testsupport::builtProgram(QStringLiteral("turnstile")), {QStringLiteral("--help")});
        QVERIFY(p.waitForFinished(30000));
        const QString help = QString::fromUtf8(p.readAllStandardOutput()).simplified();
        QVERIFY2(help.contains(QStringLiteral("--range <DURATION>")), qPrintable(help));
    }
    void selectionReachesEveryPage()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles.ini")));
        Profile a;
        a.name = QStringLiteral("a");
        a.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3"));
        a.timeoutMs = 3000;
        QVERIFY(store.save(a));
        Profile b = a;
        b.name = QStringLiteral("b");
        QVERIFY(store.save(b));
        QSettings().remove(QStringLiteral("window"));
        MainWindow w(&store, &m_secrets);

        w.selectProfile(QStringLiteral("b"));
        QCOMPARE(w.overviewModel()->profiles(), QStringList{QStringLiteral("b")});
        QCOMPARE(w.growthPage()->profile(), QStringLiteral("b"));
        QCOMPARE(w.latencyPage()->profile(), QStringLiteral("b"));
        QCOMPARE(w.databasePage()->profile().name, QStringLiteral("b"));
        QCOMPARE(w.actionsPage()->profile().name, QStringLiteral("b"));
        QCOMPARE(w.compliancePage()->profile(), QStringLiteral("b"));
        QCOMPARE(w.keysPage()->profile().name, QStringLiteral("b"));
        QCOMPARE(w.auditPage()->profile(), QStringLiteral("b"));

        // All profiles: the charts side by side, the one-profile pages
        // without one, the Compliance page keeps the one it shows.
        w.selectProfile(QString());
        QCOMPARE(w.overviewModel()->profiles(),
                 (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(w.growthPage()->selectedProfiles(),
                 (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(w.latencyPage()->selectedProfiles(),
                 (QStringList{QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(w.databasePage()->profile().name, QString());
        QCOMPARE(w.actionsPage()->profile().name, QString());
        QCOMPARE(w.keysPage()->profile().name, QString());
        QCOMPARE(w.auditPage()->profile(), QString());
        QCOMPARE(w.compliancePage()->profile(), QStringLiteral("b"));
    }
    void auditAppendRefreshesTheAuditPage()
    {
        // No window and no call from the caller: the page hears of a record
        // appended through the real AuditLog on a pool thread (where the
        // guarded workflow writes), and reloads on the GUI thread.
        QTemporaryDir dir;
        const QString log = dir.filePath(QStringLiteral("audit.jsonl"));
        qputenv("TURNSTILE_AUDIT_LOG", log.toLocal8Bit());
        const auto unset = qScopeGuard([] { qunsetenv("TURNSTILE_AUDIT_LOG"); });
        AuditPage page;
        QSignalSpy loaded(&page, &AuditPage::loaded);
        QVERIFY(loaded.wait(10000)); // the first read, of no file
        QCOMPARE(page.model()->rowCount(), 0);

        bool reloadedOnGuiThread = true;
        connect(&page, &AuditPage::loaded, this, [&] {
            reloadedOnGuiThread = reloadedOnGuiThread && QThread::currentThread() == qApp->thread();
        });
        QJsonObject record;
        record.insert(QStringLiteral("profile"), QStringLiteral("a"));
        record.insert(QStringLiteral("action"), QStringLiteral("purge.tokens"));
        record.insert(QStringLiteral("phase"), QStringLiteral("finished"));
        // A thread of its own: waiting on a pool future may run the task on
        // the waiting (GUI) thread.
        bool written = false;
        std::unique_ptr<QThread> worker(
            QThread::create([record, &written] { written = AuditLog().append(record); }));
        worker->start();
        QVERIFY(worker->wait(10000));
        QVERIFY(written);
        QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 1, 10000);
        QVERIFY(reloadedOnGuiThread);
        QVERIFY2(page.chainLabel()->text().contains(QStringLiteral("intact")),
                 qPrintable(page.chainLabel()->text()));
    }
    void auditAppendOfAnotherProcessRefreshesTheAuditPage()
    {
        // turnstilectl from cron appends to the same log: no notifier in this
        // process hears of it, the file does. The record is made by the real
        // AuditLog in a scratch log, then its bytes land in the watched one
        // as another writer's would.
        QTemporaryDir dir;
        const QString log = dir.filePath(QStringLiteral("audit.jsonl"));
        const QString other = dir.filePath(QStringLiteral("elsewhere.jsonl"));
        qputenv("TURNSTILE_AUDIT_LOG", log.toLocal8Bit());
        const auto unset = qScopeGuard([] { qunsetenv("TURNSTILE_AUDIT_LOG"); });
        AuditPage page;
        QSignalSpy loaded(&page, &AuditPage::loaded);
        QVERIFY(loaded.wait(10000));
        QJsonObject record;
        record.insert(QStringLiteral("profile"), QStringLiteral("a"));
        record.insert(QStringLiteral("action"), QStringLiteral("purge.tokens"));
        record.insert(QStringLiteral("phase"), QStringLiteral("finished"));
        QVERIFY(AuditLog(other).append(record));
        QVERIFY(loaded.wait(10000)); // the in-process notice, of the other log
        QCOMPARE(page.model()->rowCount(), 0);
        QFile from(other);
        QVERIFY(from.open(QIODevice::ReadOnly));
        QFile to(log);
        QVERIFY(to.open(QIODevice::WriteOnly | QIODevice::Append));
        QVERIFY(to.write(from.readAll()) > 0);
        to.close();
        QTRY_COMPARE_WITH_TIMEOUT(page.model()->rowCount(), 1, 10000);
    }
    void windowGeometryAndPageAreKept()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles.ini")));
        QSettings().remove(QStringLiteral("window"));
        {
            MainWindow w(&store, &m_secrets);
            w.resize(1180, 700); // above the minimum the seven tabs need
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(w.showPage(QStringLiteral("database")));
            QVERIFY(w.close());
        }
        MainWindow again(&store, &m_secrets);
        QCOMPARE(again.currentPageName(), QStringLiteral("database"));
        QCOMPARE(again.size(), QSize(1180, 700));
        QSettings().remove(QStringLiteral("window"));
    }
    void emptyStoreShowsHint()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles.ini")));
        MainWindow w(&store, &m_secrets);
        QCOMPARE(w.overviewPage()->tiles().size(), 0);
        QCOMPARE(w.profileChooser()->count(), 1);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
