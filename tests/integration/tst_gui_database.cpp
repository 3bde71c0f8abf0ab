// The Database page against the lab's MariaDB: the Keystone schema and the
// server's other schemas with their tables, biggest first, growth per day
// from the history, the password from the lab's Secret Service.
#include "databasepage.h"
#include "db/dbconnection.h"
#include "history/historystore.h"
#include "isolatedenvironment.h"
#include "profiles/secretstore.h"
#include "tablesizesmodel.h"
#include "testsupport.h"
#include "tokenproducersmodel.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFont>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSqlQuery>
#include <QTableView>
#include <QTest>

using namespace turnstile;
using testsupport::lab;

class TestGuiDatabase : public QObject
{
    Q_OBJECT

    // History and settings of its own.
    testsupport::IsolatedEnvironment m_tmp;
    Profile m_profile;

private slots:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_MYSQL_HOST")).isEmpty(),
                 "the lab env file is missing: the lab_start fixture did not run");
        m_tmp.set(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                  lab(QStringLiteral("TURNSTILE_LAB_DBUS_ADDRESS")));
        m_profile = testsupport::labAdminProfile(true);
        m_profile.name = QStringLiteral("gui-db-%1").arg(QCoreApplication::applicationPid());
        SecretStore secrets;
        QVERIFY(secrets
                    .writeBlocking(m_profile.name, SecretKind::DatabasePassword,
                                   testsupport::labAdminSecrets().databasePassword)
                    .ok);

        // What a week of collector cycles left: the token table grows by
        // 2 MiB a day, the schema total is sampled hourly.
        HistoryConfig config;
        config.sqlitePath = m_tmp.historyFile();
        HistoryStore store;
        QVERIFY2(store.open(config), qPrintable(store.error()));
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        QList<Sample> token, schema;
        for (qint64 t = now - 7 * 86400; t < now; t += 300) {
            const double days = double(t - (now - 7 * 86400)) / 86400.0;
            token.append(Sample{t, std::round(1e6 + 2097152.0 * days)});
            if (t % 3600 < 300)
                schema.append(Sample{t, std::round(5e6 + 2097152.0 * days)});
        }
        QVERIFY(store.append(SeriesKey{m_profile.name, QStringLiteral("table.token.bytes")},
                             token) > 0);
        QVERIFY(store.append(
                    SeriesKey{m_profile.name, QStringLiteral("schema.") +
                                                  lab(QStringLiteral("TURNSTILE_LAB_MYSQL_DB")) +
                                                  QStringLiteral(".bytes")},
                    schema) > 0);
        QVERIFY(store.rollup(now));
    }

    void cleanupTestCase()
    {
        SecretStore().removeBlocking(m_profile.name, SecretKind::DatabasePassword);
    }

    void showsTheServer()
    {
        SecretStore secrets;
        DatabasePage page(&secrets);
        page.resize(1100, 650);
        QSignalSpy loaded(&page, &DatabasePage::loaded);
        page.setProfile(m_profile);
        QCOMPARE(loaded.count(), 0); // hidden: nothing is read yet
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 30000);
        QVERIFY2(page.model()->rowCount() > 10, qPrintable(page.statusText()));
        // Issue 17: what a rebuild of Keystone's tables would give back, in human units.
        QVERIFY2(
            page.statusText().contains(QStringLiteral(" reclaimable in %1")
                                           .arg(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_DB")))),
            qPrintable(page.statusText()));

        // Tables, biggest first.
        const QSortFilterProxyModel *proxy = page.proxy();
        QStringList tables;
        qint64 previous = std::numeric_limits<qint64>::max();
        bool sorted = true;
        for (int r = 0; r < proxy->rowCount(); ++r) {
            QCOMPARE(proxy->index(r, 0).data(TableSizesModel::KindRole).toString(),
                     QStringLiteral("table"));
            tables.append(proxy->index(r, TableSizesModel::TableColumn).data().toString());
            const QVariant total =
                proxy->index(r, TableSizesModel::TotalColumn).data(TableSizesModel::SortRole);
            if (total.isValid()) {
                sorted = sorted && total.toLongLong() <= previous;
                previous = total.toLongLong();
            }
        }
        QVERIFY(sorted);
        for (const char *keystone : {"token", "revocation_event", "user", "project"})
            QVERIFY2(tables.contains(QLatin1String(keystone)), keystone);

        // Growth where the history has it, nothing where it has not.
        int schemaRows = 0;
        for (int r = 0; r < page.model()->rowCount(); ++r)
            schemaRows +=
                page.model()->index(r, 0).data(TableSizesModel::KindRole).toString() == u"schema";
        int withGrowth = 0;
        for (int r = 0; r < proxy->rowCount(); ++r) {
            const QString table = proxy->index(r, TableSizesModel::TableColumn).data().toString();
            const QString growth = proxy->index(r, TableSizesModel::GrowthColumn).data().toString();
            if (table == u"token") {
                QVERIFY2(growth.startsWith(u'+') && growth.contains(QStringLiteral("2.0 MiB/day")),
                         qPrintable(growth));
                // Bold marks Keystone's schema among several; the lab user
                // may see only Keystone's.
                QCOMPARE(proxy->index(r, TableSizesModel::TableColumn)
                             .data(Qt::FontRole)
                             .value<QFont>()
                             .bold(),
                         schemaRows > 1);
            }
            withGrowth += !growth.isEmpty();
        }
        QCOMPARE(withGrowth, 1);

        if (const QByteArray dir = qgetenv("TURNSTILE_TEST_GRAB_DIR"); !dir.isEmpty()) {
            QTest::qWait(100);
            page.grab().save(
                QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("databasepage.png")));
        }

        // Schemas: Keystone's with its growth.
        page.kindChooser()->setCurrentIndex(1);
        QVERIFY(proxy->rowCount() >= 1);
        bool keystone = false;
        for (int r = 0; r < proxy->rowCount(); ++r)
            if (proxy->index(r, 0).data().toString() ==
                lab(QStringLiteral("TURNSTILE_LAB_MYSQL_DB"))) {
                keystone = true;
                QVERIFY(
                    !proxy->index(r, TableSizesModel::GrowthColumn).data().toString().isEmpty());
            }
        QVERIFY(keystone);

        // Refresh reads again.
        page.reload();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 30000);
        QVERIFY(page.model()->rowCount() > 10);
    }

    // Issue 20: who fills the legacy token table, read by a load of its own
    // beside the sizes; seeded rows of two throw-away users, the busier one
    // first with its share of all rows.
    void showsWhoFillsTheTokenTable()
    {
        const QString tag = QStringLiteral("guiprod%1").arg(QCoreApplication::applicationPid());
        DbConnection db(DatabaseUrl::parse(m_profile.databaseUrl),
                        testsupport::labAdminSecrets().databasePassword);
        QVERIFY2(db.open(), qPrintable(db.error()));
        auto seed = [&](const QString &user, int n) {
            QSqlQuery q(db.database());
            for (int i = 0; i < n; ++i)
                if (!q.exec(QStringLiteral("INSERT INTO token (id, expires, extra, valid, user_id) "
                                           "VALUES ('%1-%2-%3', UTC_TIMESTAMP() + INTERVAL 1 HOUR, "
                                           "'{}', 1, '%1-%2')")
                                .arg(tag, user)
                                .arg(i)))
                    return false;
            return true;
        };
        const auto cleanup = qScopeGuard([&] {
            QSqlQuery(db.database())
                .exec(QStringLiteral("DELETE FROM token WHERE id LIKE '%1-%'").arg(tag));
        });
        QVERIFY(seed(QStringLiteral("notifier"), 12));
        QVERIFY(seed(QStringLiteral("admin"), 3));

        SecretStore secrets;
        DatabasePage page(&secrets);
        page.resize(1100, 650);
        QSignalSpy producers(&page, &DatabasePage::producersLoaded);
        page.setProfile(m_profile);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTRY_COMPARE_WITH_TIMEOUT(producers.count(), 1, 30000);
        const QAbstractItemModel *view = page.producersView()->model();
        QVERIFY2(view->rowCount() >= 2, qPrintable(page.producersText()));
        // Most tokens first (the view's sort), ours among whatever else the lab has.
        QStringList ours;
        for (int r = 0; r < view->rowCount(); ++r) {
            const QString who = view->index(r, TokenProducersModel::WhoColumn).data().toString();
            if (who.startsWith(tag))
                ours << who + u'=' +
                            view->index(r, TokenProducersModel::TokensColumn).data().toString();
        }
        QCOMPARE(ours, (QStringList{tag + QStringLiteral("-notifier=12"),
                                    tag + QStringLiteral("-admin=3")}));
        QVERIFY2(page.producersText().contains(QStringLiteral("the token table of ")),
                 qPrintable(page.producersText()));
        QVERIFY(view->index(0, TokenProducersModel::ShareColumn).data().toString().endsWith(u'%'));
    }
};

QTEST_MAIN(TestGuiDatabase)
#include "tst_gui_database.moc"
