// What an Overview tile reads from a real SQLite history store: sparklines
// decimated to the pixels there are, the raw keystone.up samples, and no
// file created where nothing was collected.
#include "history/historystore.h"
#include "history/tilehistory.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

class TestTileHistory : public QObject
{
    Q_OBJECT
private slots:
    void sparklinesAreDecimatedToTheWidth()
    {
        QTemporaryDir dir;
        HistoryConfig config;
        config.sqlitePath = dir.filePath(QStringLiteral("h.sqlite"));
        const qint64 now = 1699920000;
        {
            HistoryStore store;
            QVERIFY2(store.open(config), qPrintable(store.error()));
            QList<Sample> p99, up, old;
            for (qint64 t = now - 6 * 3600; t <= now; t += 30) {
                p99.append({t, 40.0 + double(t % 600) / 10});
                up.append({t, t == now - 600 ? 0.0 : 1.0});
            }
            old.append({now - 3 * 86400, 1.0}); // before the day: not read
            QVERIFY(store.append({QStringLiteral("a"), QStringLiteral("validate.p99.ms")}, p99) >
                    0);
            QVERIFY(store.append({QStringLiteral("a"), QStringLiteral("keystone.up")}, old + up) >
                    0);
        }
        const TileHistory h = TileHistory::load(config, QStringLiteral("a"), now, 48);
        QVERIFY2(h.error.isEmpty(), qPrintable(h.error));
        QCOMPARE(h.sparklines.size(), TileHistory::sparklineMetrics().size());
        QVERIFY(!h.sparklines.at(0).isEmpty());
        QVERIFY(h.sparklines.at(0).size() <= 48);
        // No such series: an empty sparkline, not an error.
        QVERIFY(h.sparklines.at(1).isEmpty());
        QCOMPARE(h.up.size(), 6 * 120 + 1); // every raw sample of the day, the newest included
        QCOMPARE(h.from, now - 24 * 3600);
    }

    void aMissingStoreIsNotCreated()
    {
        QTemporaryDir dir;
        HistoryConfig config;
        config.sqlitePath = dir.filePath(QStringLiteral("absent.sqlite"));
        const TileHistory h = TileHistory::load(config, QStringLiteral("a"), 1699920000, 48);
        QVERIFY(h.noStore);
        QVERIFY(h.error.isEmpty());
        QVERIFY(!QFileInfo::exists(config.sqlitePath));
    }
};

QTEST_GUILESS_MAIN(TestTileHistory)
#include "tst_tilehistory.moc"
