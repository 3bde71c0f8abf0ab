// The Database page without a database server: what it says for a profile
// without a database or with one that does not answer, that it never blocks
// the window, and that a slow answer for a profile no longer shown is
// dropped. The page against a real server: tests/integration/tst_gui_database.
#include "databasepage.h"
#include "isolatedenvironment.h"
#include "profiles/secretstore.h"
#include "tablesizesmodel.h"
#include "util/iopool.h"

#include <QComboBox>
#include <QElapsedTimer>
#include <QImage>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
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
    // History and settings of its own.
    testsupport::IsolatedEnvironment m_env;

private slots:
    void initTestCase()
    {
        QVERIFY(m_env.isValid());
        // No Secret Service: the page must still try, without a password.
        m_env.withoutKeychain();
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
        QVERIFY(ioPool()->waitForDone(60000));
        QTest::qWait(200);
        QCOMPARE(loaded.count(), 1);
        QCOMPARE(page.statusText(), shown);
    }

    void closingThePageWhileItsLoadHangs()
    {
        // The load outlives the page: closing must neither wait for the
        // database nor let the load's result reach the destroyed page when
        // the server finally hangs up (a use after free, under ASan a report).
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        SecretStore secrets;
        auto *page = new DatabasePage(&secrets);
        page->show();
        QVERIFY(QTest::qWaitForWindowExposed(page));
        page->setProfile(profile(QStringLiteral("slow"),
                                 QStringLiteral("mysql+pymysql://keystone@127.0.0.1:%1/keystone")
                                     .arg(silent.serverPort())));
        QTRY_VERIFY_WITH_TIMEOUT(silent.hasPendingConnections(), 10000);
        QElapsedTimer t;
        t.start();
        delete page;
        QVERIFY2(t.elapsed() < 1000, qPrintable(QString::number(t.elapsed())));
        while (silent.hasPendingConnections())
            delete silent.nextPendingConnection();
        silent.close();
        QVERIFY(ioPool()->waitForDone(60000));
        QTest::qWait(200); // the finished load's delivery would run now
    }

    void hungLoadsLeaveQtGuiPoolFree()
    {
        // Qt Gui converts large images in segments on the global thread pool
        // and waits for them on the calling (GUI) thread. Two pages whose
        // databases hang must therefore not sit on that pool: on a 2-core
        // machine they would take both of its threads, and the next large
        // image conversion on the GUI thread would wait for the databases.
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost));
        const Profile slow = profile(
            QStringLiteral("slow"), QStringLiteral("mysql+pymysql://keystone@127.0.0.1:%1/keystone")
                                        .arg(silent.serverPort()));
        SecretStore secrets;
        DatabasePage first(&secrets);
        DatabasePage second(&secrets);
        const int cores = QThreadPool::globalInstance()->maxThreadCount();
        first.show();
        second.show();
        QSignalSpy firstLoaded(&first, &DatabasePage::loaded);
        QSignalSpy secondLoaded(&second, &DatabasePage::loaded);
        first.setProfile(slow);
        second.setProfile(slow);
        // Both loads are connected and waiting for a greeting.
        QTRY_VERIFY_WITH_TIMEOUT(ioPool()->activeThreadCount() >= 2, 10000);
        QVERIFY2(QThreadPool::globalInstance()->activeThreadCount() == 0,
                 qPrintable(QStringLiteral("%1 of the %2 global pool threads wait for a database")
                                .arg(QThreadPool::globalInstance()->activeThreadCount())
                                .arg(cores)));
        // A conversion Qt splits across the global pool finishes while the
        // databases still hang.
        QImage big(2048, 2048, QImage::Format_ARGB32);
        big.fill(Qt::darkCyan);
        const QImage converted = big.convertToFormat(QImage::Format_RGB888);
        QCOMPARE(converted.pixelColor(1000, 1000), QColor(Qt::darkCyan));
        QVERIFY2(firstLoaded.count() + secondLoaded.count() == 0,
                 qPrintable(first.statusText() + u' ' + second.statusText()));

        while (silent.hasPendingConnections())
            delete silent.nextPendingConnection();
        silent.close();
        QTRY_COMPARE_WITH_TIMEOUT(firstLoaded.count() + secondLoaded.count(), 2, 60000);
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
