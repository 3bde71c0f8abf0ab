#include "tokenproducersmodel.h"

#include <QAbstractItemModelTester>
#include <QSortFilterProxyModel>
#include <QTest>

using namespace turnstile;

class TestTokenProducersModel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    // Users and trusts with their share; sorted by the raw count, not by
    // the "1,200" text.
    void rowsSortByTheCount()
    {
        TokenProducersModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ProducerRanking r;
        r.source = ProducerRanking::Source::TokenTable;
        r.total = 2000;
        r.rows = {{ProducerRow::Kind::User, QStringLiteral("u-admin"), 300, 0.15, {}},
                  {ProducerRow::Kind::User, QStringLiteral("u-notifier"), 1200, 0.6, {}},
                  {ProducerRow::Kind::Trust, QStringLiteral("t-1"), 500, std::nullopt, {}}};
        model.setRanking(r);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(1, TokenProducersModel::TokensColumn).data().toString(),
                 QStringLiteral("1,200"));
        QCOMPARE(model.index(1, TokenProducersModel::ShareColumn).data().toString(),
                 QStringLiteral("60.0 %"));
        QCOMPARE(model.index(2, TokenProducersModel::KindColumn).data().toString(),
                 QStringLiteral("Trust"));
        QVERIFY(model.index(2, TokenProducersModel::ShareColumn).data().toString().isEmpty());

        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(TokenProducersModel::SortRole);
        proxy.sort(TokenProducersModel::TokensColumn, Qt::DescendingOrder);
        QCOMPARE(proxy.index(0, TokenProducersModel::WhoColumn).data().toString(),
                 QStringLiteral("u-notifier"));
        QCOMPARE(proxy.index(2, TokenProducersModel::WhoColumn).data().toString(),
                 QStringLiteral("u-admin"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTokenProducersModel)
#include "tst_tokenproducersmodel.moc"
