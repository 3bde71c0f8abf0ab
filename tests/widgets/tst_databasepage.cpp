// The Database page without a database server: what it says for a profile
// without a database or with one that does not answer, that it never blocks
// the window, and that a slow answer for a profile no longer shown is
// dropped. The page against a real server: tests/integration/tst_gui_database.
#include "databasepage.h"
#include "profiles/secretstore.h"
#include "tablesizesmodel.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTableView>
#include <QTcpServer>
#include <QTest>
#include <QThreadPool>

using namespace turnstile;

namespace {
Profile profile(const QString &name, const QString &databaseUrl)
{
    Profile p;
    p.name = name;
    p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3"));
    p.databaseUrl = databaseUrl;
    return p;
}
} // namespace

class TestDatabasePage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        // No Secret Service: the page must still try, without a password.
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/turnstile-test-bus");
    }

    void noProfileNoDatabase()
    {
        SecretStore secrets;
        DatabasePage page(&secrets);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QCOMPARE(page.model()->rowCount(), 0);
        QSignalSpy loaded(&page, &DatabasePage::loaded);
        page.setProfile(profile(QStringLiteral("nodb"), QString()));
        QCOMPARE(loaded.count(), 1);
        QVERIFY2(page.statusText().contains(QStringLiteral("nodb")), qPrintable(page.statusText()));
        QCOMPARE(page.model()->rowCount(), 0);
    }

    void unreachableServerIsASentence()
    {
        SecretStore secrets;
        DatabasePage page(&secrets);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QSignalSpy loaded(&page, &DatabasePage::loaded);
        QElapsedTimer t;
        t.start();
        // Port 1 on loopback: refused at once.
        page.setProfile(
            profile(QStringLiteral("down"), QStringLiteral("mysql+pymysql://keystone@127.0.0.1:1/"
                                                           "keystone")));
        QVERIFY(t.elapsed() < 500); // the connection is not made on this thread
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 20000);
        QVERIFY2(page.statusText().contains(QStringLiteral("127.0.0.1")),
                 qPrintable(page.statusText()));
        QCOMPARE(page.model()->rowCount(), 0);
    }

    void answerForAnotherProfileIsDropped()
    {
        // A server that accepts and never answers: the load for "slow" waits
        // in the MySQL handshake.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        SecretStore secrets;
        DatabasePage page(&secrets);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QSignalSpy loaded(&page, &DatabasePage::loaded);
        page.setProfile(profile(QStringLiteral("slow"),
                                QStringLiteral("mysql+pymysql://keystone@127.0.0.1:%1/keystone")
                                    .arg(silent.serverPort())));
        // The load is on its worker, connected and waiting.
        QTRY_VERIFY_WITH_TIMEOUT(silent.hasPendingConnections(), 10000);
        page.setProfile(profile(QStringLiteral("nodb"), QString()));
        QCOMPARE(loaded.count(), 1);
        const QString shown = page.statusText();
        QVERIFY(shown.contains(QStringLiteral("nodb")));
        // Now let the hanging load end (the server hangs up) and its
        // continuation run: it must not replace what the page shows now.
        while (silent.hasPendingConnections())
            delete silent.nextPendingConnection();
        silent.close();
        QVERIFY(QThreadPool::globalInstance()->waitForDone(60000));
        QTest::qWait(200);
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(page.statusText(), shown);
    }

    void kindChooserFilters()
    {
        SecretStore secrets;
        DatabasePage page(&secrets);
        QCOMPARE(page.kindChooser()->count(), 2);
        QCOMPARE(page.proxy()->sourceModel(), page.model());
        QVERIFY(page.view()->isSortingEnabled());
        QCOMPARE(page.proxy()->sortColumn(), int(TableSizesModel::TotalColumn));
        QCOMPARE(page.proxy()->sortOrder(), Qt::DescendingOrder);
    }
};

QTEST_MAIN(TestDatabasePage)
#include "tst_databasepage.moc"
