#include "collector/collector.h"
#include "history/growthrate.h"
#include "history/historystore.h"

#include <QDateTime>
#include <QTemporaryDir>
#include <QTest>

#include <limits>

using namespace turnstile;

class TestGrowthRate : public QObject
{
    Q_OBJECT
private slots:
    void slopeBetweenFirstAndLastMean()
    {
        // 100 -> 160 over 12 h: 120 a day. Min/max do not matter, means do.
        const QList<Bucket> b = {Bucket{0, 90, 110, 200, 2}, Bucket{21600, 0, 999, 500, 1},
                                 Bucket{43200, 150, 170, 320, 2}};
        QCOMPARE(growthPerDay(b), std::optional<double>(120.0));
        // The change and the span it was measured over, for the tile.
        const std::optional<Growth> g = growthOver(b);
        QVERIFY(g);
        QCOMPARE(g->change, 60.0);
        QCOMPARE(g->spanSec, qint64(43200));
    }
    void shrinkingIsNegative()
    {
        const QList<Bucket> b = {Bucket{0, 500, 500, 500, 1}, Bucket{86400, 100, 100, 100, 1}};
        QCOMPARE(growthPerDay(b), std::optional<double>(-400.0));
    }
    void tooShortOrEmpty()
    {
        QCOMPARE(growthPerDay(QList<Bucket>{}), std::nullopt);
        QCOMPARE(growthPerDay({Bucket{0, 1, 1, 1, 1}}), std::nullopt);
        // Under an hour apart: nothing to say per day.
        QCOMPARE(growthPerDay({Bucket{0, 1, 1, 1, 1}, Bucket{3599, 9, 9, 9, 1}}), std::nullopt);
        // Buckets without a finite mean are skipped, not read as zero.
        const double nan = std::numeric_limits<double>::quiet_NaN();
        QCOMPARE(growthPerDay({Bucket{0, 1, 1, 1, 1}, Bucket{3600, 2, 2, 2, 1},
                               Bucket{7200, nan, nan, nan, 0}}),
                 std::optional<double>(24.0));
    }
    void fromTheStore()
    {
        QTemporaryDir dir;
        HistoryConfig config;
        config.sqlitePath = dir.filePath(QStringLiteral("h.sqlite"));
        HistoryStore store;
        QVERIFY(store.open(config));
        const SeriesKey key{QStringLiteral("lab"), QStringLiteral("table.token.bytes")};
        const qint64 now = 1'700'000'000;
        QList<Sample> s;
        // 7 days every 10 minutes, +1 MiB a day.
        for (qint64 t = now - 7 * 86400; t < now; t += 600)
            s.append(Sample{t, 1048576.0 * double(t - (now - 7 * 86400)) / 86400.0});
        QVERIFY(store.append(key, s) > 0);
        QVERIFY(store.rollup(now));
        const std::optional<double> g = growthPerDay(store, key, now - 7 * 86400, now);
        QVERIFY(g);
        QVERIFY2(std::abs(*g - 1048576.0) < 1048576.0 * 0.01, qPrintable(QString::number(*g)));
        QCOMPARE(growthPerDay(store, SeriesKey{QStringLiteral("lab"), QStringLiteral("nope")},
                              now - 86400, now),
                 std::nullopt);
        QVERIFY(store.error().isEmpty());
    }
    // 15.5: 15 minutes of history in which live tokens went from 0 to
    // 20,000 were shown as "+110,083 in the last 2h": the span was taken
    // between the starts of the hourly buckets the samples fell into. The
    // collector now measures the span first to last sample and gives no rate
    // below an hour, only the span ("collecting (15 min so far)").
    void collectorGrowthOverTheObservedSpanOnly()
    {
        QTemporaryDir dir;
        HistoryConfig config;
        config.sqlitePath = dir.filePath(QStringLiteral("h.sqlite"));
        HistoryStore store;
        QVERIFY(store.open(config));
        // Hourly slots, so the cycle below writes at the same aligned time.
        CollectOptions options;
        options.intervalSec = 3600;
        const qint64 slot = alignToSlot(QDateTime::currentSecsSinceEpoch(), options.intervalSec);
        Profile p;
        p.name = QStringLiteral("growth");
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3")); // refused at once
        p.timeoutMs = 1000;
        QList<Sample> live;
        for (qint64 t = slot - 900; t <= slot; t += 60)
            live.append(Sample{t, 20000.0 * double(t - (slot - 900)) / 900.0});
        QVERIFY(store.append(SeriesKey{p.name, QStringLiteral("token.live")}, live) > 0);

        const CollectResult r = collectOnce(p, Secrets{}, store, options);
        QCOMPARE(r.slot, slot);
        QCOMPARE(r.probe.tokenGrowthSpanSec, std::optional<qint64>(900));
        QCOMPARE(r.probe.tokenGrowthPerDay, std::nullopt);

        const std::optional<Growth> g = observedGrowth(
            store, SeriesKey{p.name, QStringLiteral("token.live")}, slot - 86400, slot + 1);
        QVERIFY(g);
        QCOMPARE(g->change, 20000.0);
        QCOMPARE(g->spanSec, qint64(900));
    }
};

QTEST_MAIN(TestGrowthRate)
#include "tst_growthrate.moc"
