// The Overview's memcached hit ratio: that of the reads since the previous
// cycle, not of memcached's whole life (core/collector/collector.h).
#include "collector/collector.h"

#include <QTest>

using namespace turnstile;

namespace {
std::optional<double> ratioMetric(const CollectResult &c)
{
    for (const auto &[name, value] : flattenMetrics(c, nullptr))
        if (name == u"memcached.hit_ratio")
            return value;
    return std::nullopt;
}

MemcachedStats stats(qint64 hits, qint64 misses)
{
    MemcachedStats s;
    s.server = QStringLiteral("127.0.0.1:11211");
    s.getHits = hits;
    s.getMisses = misses;
    return s;
}
} // namespace

class TestMemcachedHitRatio : public QObject
{
    Q_OBJECT
private slots:
    void intervalNotLifetime()
    {
        // A million good hits last month, then an hour of mostly misses:
        // the lifetime ratio still says 99 %, the interval says 10 %.
        const MemcachedCounters before{1'000'000, 10'000};
        const MemcachedCounters now{1'000'100, 10'900};
        QCOMPARE(memcachedHitRatio(now, before).value_or(-1), 0.1);
        QVERIFY(memcachedHitRatio(now, std::nullopt).value_or(-1) > 0.98);
    }

    void noEarlierSampleIsLifetime()
    {
        QCOMPARE(memcachedHitRatio({90, 10}, std::nullopt).value_or(-1), 0.9);
    }

    void restartFallsBackToTheNewLifetime()
    {
        // The counters went back: memcached restarted, its life is the interval.
        QCOMPARE(memcachedHitRatio({30, 10}, MemcachedCounters{5000, 100}).value_or(-1), 0.75);
        QCOMPARE(memcachedHitRatio({6000, 10}, MemcachedCounters{5000, 100}).value_or(-1),
                 6000.0 / 6010.0);
    }

    void noReadsNoRatio()
    {
        QVERIFY(!memcachedHitRatio({0, 0}, std::nullopt));
        QVERIFY(!memcachedHitRatio({500, 20}, MemcachedCounters{500, 20}));
    }

    void flattenedAcrossServers()
    {
        CollectResult c;
        c.memcached = {stats(100, 0), stats(0, 100)};
        QCOMPARE(ratioMetric(c).value_or(-1), 0.5);
        c.memcachedBefore = MemcachedCounters{60, 20}; // 40 hits and 80 misses since
        QCOMPARE(ratioMetric(c).value_or(-1), 40.0 / 120.0);
        c.memcachedBefore = MemcachedCounters{100, 100};
        QVERIFY(!ratioMetric(c)); // idle cache: no ratio, the tile says n/a
        // The counters themselves are written either way, for the next cycle.
        bool hits = false;
        for (const auto &[name, value] : flattenMetrics(c, nullptr))
            hits |= name == u"memcached.hits" && value == 100;
        QVERIFY(hits);
    }
};

QTEST_GUILESS_MAIN(TestMemcachedHitRatio)
#include "tst_memcachedhitratio.moc"
