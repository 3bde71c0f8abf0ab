#include "tablesizesmodel.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTest>

#include <limits>

using namespace turnstile;

namespace {
TableSize table(const QString &schema, const QString &name, std::optional<qint64> rows,
                std::optional<qint64> data, std::optional<qint64> index,
                std::optional<qint64> free = std::nullopt)
{
    TableSize t;
    t.schema = schema;
    t.name = name;
    t.rowsEstimate = rows;
    t.dataBytes = data;
    t.indexBytes = index;
    t.freeBytes = free;
    return t;
}

SchemaSize schema(const QString &name, bool current, const QList<TableSize> &tables)
{
    SchemaSize s;
    s.name = name;
    s.current = current;
    s.tables = tables;
    for (const TableSize &t : tables) {
        s.dataBytes += t.dataBytes.value_or(0);
        s.indexBytes += t.indexBytes.value_or(0);
        if (t.freeBytes)
            s.freeBytes = s.freeBytes.value_or(0) + *t.freeBytes;
    }
    return s;
}

// A MariaDB server with Keystone and Nova side by side.
ServerSizes mysqlServer()
{
    ServerSizes z;
    z.schemas = Metric<QList<SchemaSize>>::of(
        {schema(QStringLiteral("keystone"), true,
                {table(QStringLiteral("keystone"), QStringLiteral("token"), 2'000'000, 659'554'304,
                       451'936'256, 7'340'032),
                 table(QStringLiteral("keystone"), QStringLiteral("revocation_event"), 20'000,
                       3'686'400, 1'589'248),
                 table(QStringLiteral("keystone"), QStringLiteral("user"), 5'000, 1'589'248,
                       360'448)}),
         schema(QStringLiteral("nova"), false,
                {table(QStringLiteral("nova"), QStringLiteral("instances"), 12'000, 50'331'648,
                       8'388'608),
                 table(QStringLiteral("nova"), QStringLiteral("shadow_x"), std::nullopt,
                       std::nullopt, std::nullopt)})},
        1.4);
    z.otherDatabases = Metric<QList<DatabaseSize>>::of({});
    return z;
}
} // namespace

class TestTableSizesModel : public QObject
{
    Q_OBJECT
private slots:
    void passesTheModelTester()
    {
        TableSizesModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester proxyTester(
            &proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setSizes(mysqlServer(), {{TableSizesModel::growthKey(QStringLiteral("keystone"),
                                                                   QStringLiteral("token")),
                                        1'048'576.0}});
        proxy.sort(TableSizesModel::TotalColumn, Qt::DescendingOrder);
        model.clear();
        model.setSizes(mysqlServer());
    }

    void rowsForTablesSchemasAndDatabases()
    {
        TableSizesModel model;
        model.setSizes(mysqlServer());
        // 5 tables + 2 schema totals.
        QCOMPARE(model.rowCount(), 7);
        QCOMPARE(model.columnCount(), int(TableSizesModel::ColumnCount));
        int tables = 0;
        for (int r = 0; r < model.rowCount(); ++r)
            tables += model.index(r, 0).data(TableSizesModel::KindRole).toString() == u"table";
        QCOMPARE(tables, 5);

        ServerSizes pg;
        pg.schemas = Metric<QList<SchemaSize>>::of(
            {schema(QStringLiteral("public"), true,
                    {table(QStringLiteral("public"), QStringLiteral("token"), 10, 8192, 8192)})});
        pg.otherDatabases =
            Metric<QList<DatabaseSize>>::of({DatabaseSize{QStringLiteral("nova"), 9'000'000}});
        model.setSizes(pg);
        QCOMPARE(model.rowCount(), 3);
        const QModelIndex db = model.index(2, TableSizesModel::TotalColumn);
        QCOMPARE(model.index(2, 0).data().toString(), QStringLiteral("nova"));
        QCOMPARE(db.data(TableSizesModel::SortRole).toLongLong(), 9'000'000);
        // Unknown: empty text, and the lowest value to sort by.
        QCOMPARE(model.index(2, TableSizesModel::DataColumn).data().toString(), QString());
        QCOMPARE(model.index(2, TableSizesModel::DataColumn)
                     .data(TableSizesModel::SortRole)
                     .toLongLong(),
                 std::numeric_limits<qint64>::min());

        // A failed read shows nothing rather than stale rows.
        ServerSizes failed;
        failed.schemas = Metric<QList<SchemaSize>>::unavailable(QStringLiteral("unavailable: x"));
        model.setSizes(failed);
        QCOMPARE(model.rowCount(), 0);
    }

    void sortsByBytesNotByText()
    {
        TableSizesModel model;
        model.setSizes(mysqlServer());
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(TableSizesModel::SortRole);
        proxy.setFilterRole(TableSizesModel::KindRole);
        proxy.setFilterKeyColumn(TableSizesModel::SchemaColumn);
        proxy.setFilterFixedString(QStringLiteral("table"));
        proxy.sort(TableSizesModel::TotalColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.rowCount(), 5);
        // 1.0 GiB, 56 MiB, 5.1 MiB, 1.9 MiB: as text "5.1 MiB" > "56 MiB".
        // The table without figures comes last.
        const QStringList expected = {QStringLiteral("token"), QStringLiteral("instances"),
                                      QStringLiteral("revocation_event"), QStringLiteral("user"),
                                      QStringLiteral("shadow_x")};
        for (int r = 0; r < expected.size(); ++r)
            QCOMPARE(proxy.index(r, TableSizesModel::TableColumn).data().toString(), expected[r]);
        proxy.sort(TableSizesModel::RowsColumn, Qt::AscendingOrder);
        QCOMPARE(proxy.index(proxy.rowCount() - 1, TableSizesModel::TableColumn).data().toString(),
                 QStringLiteral("token"));
        QCOMPARE(proxy.index(0, TableSizesModel::TableColumn).data().toString(),
                 QStringLiteral("shadow_x"));

        proxy.setFilterFixedString(QStringLiteral("schema"));
        proxy.sort(TableSizesModel::TotalColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.rowCount(), 2);
        QCOMPARE(proxy.index(0, 0).data().toString(), QStringLiteral("keystone"));
        // Keystone's schema totals its tables.
        QCOMPARE(proxy.index(0, TableSizesModel::TotalColumn)
                     .data(TableSizesModel::SortRole)
                     .toLongLong(),
                 659'554'304 + 451'936'256 + 3'686'400 + 1'589'248 + 1'589'248 + 360'448);
        QCOMPARE(proxy.index(0, TableSizesModel::RowsColumn)
                     .data(TableSizesModel::SortRole)
                     .toLongLong(),
                 2'025'000);
    }

    void showsSizesGrowthAndKeystoneSchema()
    {
        TableSizesModel model;
        model.setSizes(
            mysqlServer(),
            {{TableSizesModel::growthKey(QStringLiteral("keystone"), QStringLiteral("token")),
              1'572'864.0},
             {TableSizesModel::growthKey(QStringLiteral("keystone"),
                                         QStringLiteral("revocation_event")),
              -2048.0}});
        const QModelIndex token = model.index(0, TableSizesModel::TableColumn);
        QCOMPARE(token.data().toString(), QStringLiteral("token"));
        QVERIFY(token.data(Qt::FontRole).value<QFont>().bold());
        QCOMPARE(model.index(0, TableSizesModel::TotalColumn).data().toString(),
                 QLocale().formattedDataSize(659'554'304 + 451'936'256, 1));
        const QString growth = model.index(0, TableSizesModel::GrowthColumn).data().toString();
        QVERIFY2(growth.startsWith(u'+') && growth.contains(QStringLiteral("1.5 MiB/day")),
                 qPrintable(growth));
        const QString shrink = model.index(1, TableSizesModel::GrowthColumn).data().toString();
        QVERIFY2(shrink.startsWith(QStringLiteral("−")), qPrintable(shrink));
        // No history: empty, and the tooltip says why.
        QCOMPARE(model.index(2, TableSizesModel::GrowthColumn).data().toString(), QString());
        QVERIFY(!model.index(2, TableSizesModel::GrowthColumn)
                     .data(Qt::ToolTipRole)
                     .toString()
                     .isEmpty());
        QCOMPARE(model.index(2, TableSizesModel::RowsColumn).data(Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignRight | Qt::AlignVCenter));
        QCOMPARE(model.headerData(TableSizesModel::TotalColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Total"));
        // Nova is another application's schema: not bold.
        QVERIFY(
            !model.index(4, TableSizesModel::TableColumn).data(Qt::FontRole).value<QFont>().bold());
    }

    // Issue 17: reclaimable space per table. MariaDB's DATA_FREE as the
    // server reports it; PostgreSQL's dead-tuple estimate, marked as one.
    void showsReclaimableSpace()
    {
        TableSizesModel model;
        model.setSizes(mysqlServer());
        QCOMPARE(model.headerData(TableSizesModel::FreeColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Reclaimable"));
        const QModelIndex token = model.index(0, TableSizesModel::FreeColumn);
        QCOMPARE(token.data().toString(), QStringLiteral("7.0 MiB"));
        QVERIFY2(token.data(Qt::ToolTipRole).toString().startsWith(u"7.0 MiB reclaimable"),
                 qPrintable(token.data(Qt::ToolTipRole).toString()));
        QCOMPARE(token.data(TableSizesModel::SortRole).toLongLong(), 7'340'032);

        // PostgreSQL: 1 GiB of heap, a quarter of its tuples dead.
        TableSize t = table(QStringLiteral("public"), QStringLiteral("token"), 300'000,
                            1'073'741'824, 10'000'000);
        t.liveRowsEstimate = 300'000;
        t.deadRowsEstimate = 100'000;
        QCOMPARE(t.reclaimableBytes(), std::optional<qint64>(268'435'456));
        QVERIFY(t.reclaimableIsEstimate());
        TableSize clean = table(QStringLiteral("public"), QStringLiteral("user"), 10, 8192, 8192);
        clean.liveRowsEstimate = 10;
        clean.deadRowsEstimate = 0;
        TableSize never = table(QStringLiteral("public"), QStringLiteral("new"), 0, 8192, 0);
        never.liveRowsEstimate = 0;
        never.deadRowsEstimate = 0;
        QCOMPARE(never.reclaimableBytes(), std::optional<qint64>(0));
        ServerSizes pg;
        pg.schemas = Metric<QList<SchemaSize>>::of(
            {schema(QStringLiteral("public"), true, {t, clean, never})});
        pg.otherDatabases = Metric<QList<DatabaseSize>>::of({});
        model.setSizes(pg);
        const QModelIndex pgToken = model.index(0, TableSizesModel::FreeColumn);
        QCOMPARE(pgToken.data().toString(), QStringLiteral("≈ 256.0 MiB"));
        const QString tip = pgToken.data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.startsWith(u"About 256.0 MiB reclaimable. An estimate") &&
                     tip.contains(QStringLiteral("100,000 dead")) &&
                     tip.contains(QStringLiteral("VACUUM FULL")),
                 qPrintable(tip));
        QCOMPARE(model.index(1, TableSizesModel::FreeColumn).data().toString(),
                 QStringLiteral("≈ 0 bytes"));
        // The schema's line sums its tables' estimates.
        QCOMPARE(model.index(3, TableSizesModel::FreeColumn).data().toString(),
                 QStringLiteral("≈ 256.0 MiB"));
    }
};

QTEST_MAIN(TestTableSizesModel)
#include "tst_tablesizesmodel.moc"
