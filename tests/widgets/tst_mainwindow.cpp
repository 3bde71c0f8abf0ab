#include "latencypage.h"
#include "mainwindow.h"
#include "overviewmodel.h"
#include "overviewpage.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"
#include "profiletile.h"

#include <QComboBox>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

class TestMainWindow : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        // No Secret Service here: the window must still work and say why.
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/turnstile-test-bus");
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

        SecretStore secrets;
        MainWindow w(&store, &secrets);
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
        SecretStore secrets;
        MainWindow w(&store, &secrets);
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
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles.ini")));
        SecretStore secrets;
        MainWindow w(&store, &secrets);
        for (const char *name : {"overview", "growth", "latency", "database", "actions", "audit"}) {
            QVERIFY2(w.showPage(QLatin1String(name)), name);
            QCOMPARE(w.pages()->tabText(w.pages()->currentIndex()).isEmpty(), false);
        }
        QVERIFY(w.showPage(QStringLiteral("latency")));
        QCOMPARE(w.pages()->currentWidget(), static_cast<QWidget *>(w.latencyPage()));
        QVERIFY(!w.showPage(QStringLiteral("nonsense")));
    }
    void windowGeometryAndPageAreKept()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles.ini")));
        SecretStore secrets;
        QSettings().remove(QStringLiteral("window"));
        {
            MainWindow w(&store, &secrets);
            w.resize(1180, 700); // above the minimum the seven tabs need
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(w.showPage(QStringLiteral("database")));
            QVERIFY(w.close());
        }
        MainWindow again(&store, &secrets);
        QCOMPARE(again.currentPageName(), QStringLiteral("database"));
        QCOMPARE(again.size(), QSize(1180, 700));
        QSettings().remove(QStringLiteral("window"));
    }
    void emptyStoreShowsHint()
    {
        QTemporaryDir dir;
        ProfileStore store(dir.filePath(QStringLiteral("profiles.ini")));
        SecretStore secrets;
        MainWindow w(&store, &secrets);
        QCOMPARE(w.overviewPage()->tiles().size(), 0);
        QCOMPARE(w.profileChooser()->count(), 1);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
