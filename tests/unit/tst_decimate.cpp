// The pure min/max decimation behind every history chart.
#include "history/decimate.h"
#include "history/segmentbreaks.h"

#include <QRandomGenerator>
#include <QTest>

#include <cmath>
#include <limits>

using namespace turnstile;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr qint64 kMin = std::numeric_limits<qint64>::min();
constexpr qint64 kMax = std::numeric_limits<qint64>::max();

Bucket single(qint64 ts, double v)
{
    return Bucket{ts, v, v, v, 1};
}

// The pyramid's promise: the flat scan's columns exactly (ts, min, max,
// count); the sum only up to the order of addition.
bool sameColumns(const QList<Bucket> &pyramid, const QList<Bucket> &flat, QString *why)
{
    if (pyramid.size() != flat.size()) {
        *why = QStringLiteral("%1 columns, the flat scan %2").arg(pyramid.size()).arg(flat.size());
        return false;
    }
    for (qsizetype i = 0; i < flat.size(); ++i) {
        const Bucket &p = pyramid[i], &f = flat[i];
        const double tolerance = 1e-9 * std::max(1.0, std::abs(f.sum) + double(f.count));
        if (p.ts != f.ts || p.min != f.min || p.max != f.max || p.count != f.count ||
            std::abs(p.sum - f.sum) > tolerance) {
            *why = QStringLiteral("column %1: ts %2/%3 min %4/%5 max %6/%7 count %8/%9 sum %10/%11")
                       .arg(i)
                       .arg(p.ts)
                       .arg(f.ts)
                       .arg(p.min)
                       .arg(f.min)
                       .arg(p.max)
                       .arg(f.max)
                       .arg(p.count)
                       .arg(f.count)
                       .arg(p.sum)
                       .arg(f.sum);
            return false;
        }
    }
    return true;
}

#define COMPARE_TO_FLAT(samples, pyramid, from, to, budget)                                        \
    do {                                                                                           \
        QString why;                                                                               \
        QVERIFY2(                                                                                  \
            sameColumns((pyramid).decimate(from, to, budget),                                      \
                        decimateMinMax(samples, from, to, budget), &why),                          \
            qPrintable(QStringLiteral("[%1, %2) in %3: ").arg(from).arg(to).arg(budget) + why));   \
    } while (false)
} // namespace

class TestDecimate : public QObject
{
    Q_OBJECT
private slots:
    void emptyInputGivesNoBuckets()
    {
        QVERIFY(decimateMinMax(QList<Sample>{}, 0, 1000, 100).isEmpty());
        QVERIFY(decimateMinMax(QList<Bucket>{}, 0, 1000, 100).isEmpty());
    }

    void degenerateRangeOrBudgetGivesNoBuckets()
    {
        const QList<Sample> s{{5, 1.0}};
        QVERIFY(decimateMinMax(s, 10, 10, 100).isEmpty());
        QVERIFY(decimateMinMax(s, 10, 0, 100).isEmpty());
        QVERIFY(decimateMinMax(s, 0, 10, 0).isEmpty());
        QVERIFY(decimateMinMax(s, 0, 10, -3).isEmpty());
        QCOMPARE(decimationWidth(0, 10, 0), 0);
    }

    void fewerSamplesThanBucketsKeepsEverySample()
    {
        const QList<Sample> s{{0, 1.5}, {10, -2.0}, {500, 7.25}};
        const QList<Bucket> b = decimateMinMax(s, 0, 1000, 1000); // width 1 s
        QCOMPARE(b.size(), 3);
        QCOMPARE(b[0], single(0, 1.5));
        QCOMPARE(b[1], single(10, -2.0));
        QCOMPARE(b[2], single(500, 7.25));
    }

    void widthIsCeilingAndNeverBelowOneSecond()
    {
        QCOMPARE(decimationWidth(0, 1000, 100), 10);
        QCOMPARE(decimationWidth(0, 1001, 100), 11);
        QCOMPARE(decimationWidth(0, 10, 1000), 1); // more pixels than seconds
        QCOMPARE(decimationWidth(0, 30 * 86400, 1600), 1620);
    }

    void aSingleSpikeSurvives()
    {
        // A day of flat one-second samples with one spike and one dip:
        // 86,400 samples into 100 columns must keep both extremes.
        QList<Sample> s;
        s.reserve(86400);
        for (qint64 t = 0; t < 86400; ++t)
            s.append({t, 10.0});
        s[40000].value = 1e6;
        s[70001].value = -5;
        const QList<Bucket> b = decimateMinMax(s, 0, 86400, 100);
        QCOMPARE(b.size(), 100);
        double hi = -kInf, lo = kInf;
        qint64 total = 0;
        for (const Bucket &x : b) {
            hi = std::max(hi, x.max);
            lo = std::min(lo, x.min);
            total += x.count;
            QVERIFY(x.min <= x.avg() && x.avg() <= x.max);
        }
        QCOMPARE(hi, 1e6);
        QCOMPARE(lo, -5.0);
        QCOMPARE(total, qint64(86400));
        // ... in the right column (width 864 s)
        QCOMPARE(b[40000 / 864].max, 1e6);
        QCOMPARE(b[70001 / 864].min, -5.0);
    }

    void bucketBoundaries()
    {
        // [0, 100) in 10 columns of 10 s: a sample at 9 is column 0, at 10
        // column 1, at 99 column 9; from is inclusive, to exclusive.
        const QList<Sample> s{{-1, 100}, {0, 1}, {9, 2}, {10, 3}, {99, 4}, {100, 200}};
        const QList<Bucket> b = decimateMinMax(s, 0, 100, 10);
        QCOMPARE(b.size(), 3);
        QCOMPARE(b[0], (Bucket{0, 1, 2, 3, 2}));
        QCOMPARE(b[1], single(10, 3));
        QCOMPARE(b[2], single(90, 4));
    }

    void columnStartsFollowFrom()
    {
        // Column starts are from + i * width, also for a negative or odd from.
        const QList<Sample> s{{-7, 1}, {-3, 2}, {5, 3}};
        const QList<Bucket> b = decimateMinMax(s, -7, 8, 3); // width 5: [-7,-2) [-2,3) [3,8)
        QCOMPARE(b.size(), 2);
        QCOMPARE(b[0], (Bucket{-7, 1, 2, 3, 2}));
        QCOMPARE(b[1], single(3, 3));
    }

    void unsortedInputIsHandled()
    {
        QList<Sample> sorted;
        for (int i = 0; i < 5000; ++i)
            sorted.append({qint64(i) * 3, std::sin(i / 50.0) * 100});
        QList<Sample> shuffled = sorted;
        QRandomGenerator rng(42);
        for (qsizetype i = shuffled.size() - 1; i > 0; --i)
            shuffled.swapItemsAt(i, qsizetype(rng.bounded(quint32(i + 1))));
        QVERIFY(shuffled != sorted);
        const QList<Bucket> a = decimateMinMax(sorted, 0, 15000, 77);
        const QList<Bucket> b = decimateMinMax(shuffled, 0, 15000, 77);
        QCOMPARE(b.size(), a.size());
        for (qsizetype i = 0; i < a.size(); ++i) {
            QCOMPARE(b[i].ts, a[i].ts);
            QCOMPARE(b[i].min, a[i].min);
            QCOMPARE(b[i].max, a[i].max);
            QCOMPARE(b[i].count, a[i].count);
            QVERIFY(qFuzzyCompare(b[i].sum + 1e9, a[i].sum + 1e9)); // summation order differs
        }
        for (qsizetype i = 1; i < b.size(); ++i)
            QVERIFY(b[i - 1].ts < b[i].ts);
    }

    void nanAndInfinityAreGaps()
    {
        const QList<Sample> s{{0, kNaN},  {1, 5},     {2, kNaN}, {3, -kInf},
                              {10, kNaN}, {11, kInf}, {20, 7}};
        const QList<Bucket> b = decimateMinMax(s, 0, 30, 3);
        QCOMPARE(b.size(), 2); // [10, 20) has nothing finite
        QCOMPARE(b[0], single(0, 5));
        QCOMPARE(b[1], single(20, 7));
        QVERIFY(!std::isnan(b[0].avg()));
        QVERIFY(std::isnan(Bucket{}.avg()));
    }

    void extremeRangesDoNotOverflow()
    {
        const QList<Sample> s{{kMin, 1}, {0, 2}, {kMax - 1, 3}};
        const QList<Bucket> b = decimateMinMax(s, kMin, kMax, 4);
        QCOMPARE(b.size(), 3);
        QCOMPARE(b[0].ts, kMin);
        QCOMPARE(b[0].max, 1.0);
        QCOMPARE(b[1].max, 2.0);
        QCOMPARE(b[2].max, 3.0);
        QVERIFY(b[2].ts <= kMax - 1);
        QCOMPARE(decimateMinMax(s, kMin, kMax, 1).size(), 1);
        QCOMPARE(decimationWidth(kMin, kMax, 1), kMax);
        // A huge budget over a small range: at most one column per second,
        // and no allocation proportional to the budget.
        QCOMPARE(
            decimateMinMax(QList<Sample>{{5, 1}}, 0, 10, std::numeric_limits<int>::max()).size(),
            1);
    }

    void rowsMergeWeightedByCount()
    {
        // Pre-aggregated rows (rollups) merge min/max/sum/count; the mean is
        // weighted by the number of samples, not the number of rows.
        const QList<Bucket> rows{{0, 1, 3, 20, 10}, {60, -4, 2, 0, 2}, {120, 5, 5, 5, 1}};
        const QList<Bucket> b = decimateMinMax(rows, 0, 180, 1);
        QCOMPARE(b.size(), 1);
        QCOMPARE(b[0], (Bucket{0, -4, 5, 25, 13}));
        QCOMPARE(b[0].avg(), 25.0 / 13);
    }

    void emptyOrNonFiniteRowsAreIgnored()
    {
        const QList<Bucket> rows{{0, 1, 1, 1, 0}, {10, kNaN, 2, 2, 1}, {20, 3, 3, 3, 1}};
        const QList<Bucket> b = decimateMinMax(rows, 0, 30, 3);
        QCOMPARE(b.size(), 1);
        QCOMPARE(b[0], single(20, 3));
    }

    void neverMoreThanTheBudget_data()
    {
        QTest::addColumn<qint64>("span");
        QTest::addColumn<int>("budget");
        QTest::newRow("exact") << qint64(1000) << 100;
        QTest::newRow("remainder") << qint64(1001) << 100;
        QTest::newRow("prime") << qint64(9973) << 97;
        QTest::newRow("budget > span") << qint64(50) << 1600;
        QTest::newRow("month/1600") << qint64(30 * 86400) << 1600;
    }
    void neverMoreThanTheBudget()
    {
        QFETCH(qint64, span);
        QFETCH(int, budget);
        QList<Sample> s;
        for (qint64 t = 0; t < span; t += std::max<qint64>(1, span / 20000))
            s.append({t, double(t % 17)});
        const QList<Bucket> b = decimateMinMax(s, 0, span, budget);
        QVERIFY(b.size() <= budget);
        qint64 total = 0;
        for (const Bucket &x : b)
            total += x.count;
        QCOMPARE(total, qint64(s.size()));
    }

    // MinMaxPyramid: decimateMinMax for a series held in memory, without a
    // scan of every sample per zoom.

    void pyramidEqualsTheFlatScanOnRandomData()
    {
        // Irregular spacing (repeated seconds, holes), NaN and infinities,
        // spikes; random ranges inside, across and outside the data, budgets
        // from one column to more columns than seconds.
        QRandomGenerator rng(20261207);
        for (int round = 0; round < 6; ++round) {
            QList<Sample> s;
            qint64 t = qint64(rng.bounded(1000)) - 500;
            const int n = 1 + int(rng.bounded(round < 3 ? 200 : 40000));
            for (int i = 0; i < n; ++i) {
                const quint32 r = rng.bounded(100);
                t += r < 10 ? 0 : r < 97 ? qint64(rng.bounded(20)) : qint64(rng.bounded(5000));
                double v = rng.bounded(2000.0) - 1000.0;
                if (r == 42)
                    v = kNaN;
                else if (r == 43)
                    v = rng.bounded(2) ? kInf : -kInf;
                else if (rng.bounded(500) == 0)
                    v *= 1000; // a spike
                s.append({t, v});
            }
            const MinMaxPyramid pyramid(s);
            const qint64 lo = s.first().ts, hi = s.last().ts;
            for (int q = 0; q < 150; ++q) {
                const qint64 a = lo - 100 + qint64(rng.bounded(quint32(hi - lo + 200)));
                const qint64 b = a + 1 + qint64(rng.bounded(quint32(hi - lo + 200)));
                const int budget = 1 + int(rng.bounded(q % 3 == 0 ? 5000 : 1600));
                COMPARE_TO_FLAT(s, pyramid, a, b, budget);
            }
            COMPARE_TO_FLAT(s, pyramid, lo, hi + 1, 1200); // the whole series
            COMPARE_TO_FLAT(s, pyramid, lo, hi + 1, 1);
        }
    }

    void pyramidEdgeColumnsAndBlockBoundaries()
    {
        // One sample a second, so column and block edges can be placed
        // exactly: ranges starting and ending on, just before and just after
        // a block boundary (kLeaf and its multiples), the first and the last
        // sample, columns narrower and wider than a block.
        const qsizetype leaf = MinMaxPyramid::kLeaf;
        QList<Sample> s;
        for (qint64 t = 0; t < 100 * leaf + 7; ++t)
            s.append({t, double((t * 7919) % 1009) - 500});
        s[3 * leaf - 1].value = 1e9; // last sample of a block
        s[5 * leaf].value = -1e9;    // first sample of a block
        const MinMaxPyramid pyramid(s);
        const qint64 n = s.size();
        for (const qint64 from : {qint64(0), qint64(1), leaf - 1, leaf, leaf + 1, 3 * leaf - 1,
                                  5 * leaf, n - leaf, n - 1})
            for (const qint64 to :
                 {from + 1, from + leaf, from + 2 * leaf + 1, 5 * leaf + 1, n - 1, n, n + 50})
                for (const int budget : {1, 2, 3, 7, 64, 1200})
                    if (to > from)
                        COMPARE_TO_FLAT(s, pyramid, from, to, budget);
        // The two spikes survive a reduction to a single column.
        const QList<Bucket> one = pyramid.decimate(0, n, 1);
        QCOMPARE(one.size(), 1);
        QCOMPARE(one[0].max, 1e9);
        QCOMPARE(one[0].min, -1e9);
        QCOMPARE(one[0].count, n);
    }

    void pyramidKeepsTheFlatScansContract()
    {
        // The cases above, through the pyramid.
        QVERIFY(MinMaxPyramid().decimate(0, 1000, 100).isEmpty());
        const MinMaxPyramid one(QList<Sample>{{5, 1.0}});
        QVERIFY(one.decimate(10, 10, 100).isEmpty());
        QVERIFY(one.decimate(0, 10, 0).isEmpty());
        const QList<Sample> bounds{{-1, 100}, {0, 1}, {9, 2}, {10, 3}, {99, 4}, {100, 200}};
        COMPARE_TO_FLAT(bounds, MinMaxPyramid(bounds), 0, 100, 10);
        const QList<Sample> odd{{-7, 1}, {-3, 2}, {5, 3}};
        COMPARE_TO_FLAT(odd, MinMaxPyramid(odd), -7, 8, 3);
        const QList<Sample> gaps{{0, kNaN},  {1, 5},     {2, kNaN}, {3, -kInf},
                                 {10, kNaN}, {11, kInf}, {20, 7}};
        COMPARE_TO_FLAT(gaps, MinMaxPyramid(gaps), 0, 30, 3);
        const QList<Sample> extreme{{kMin, 1}, {0, 2}, {kMax - 1, 3}};
        const MinMaxPyramid extremes(extreme);
        COMPARE_TO_FLAT(extreme, extremes, kMin, kMax, 4);
        COMPARE_TO_FLAT(extreme, extremes, kMin, kMax, 1);
        COMPARE_TO_FLAT(extreme, extremes, kMin, kMax, std::numeric_limits<int>::max());
        QCOMPARE(MinMaxPyramid(QList<Sample>{{5, 1}})
                     .decimate(0, 10, std::numeric_limits<int>::max())
                     .size(),
                 1);

        // A block of nothing but NaN is a gap, not a zero.
        QList<Sample> blank;
        for (qint64 t = 0; t < 10 * MinMaxPyramid::kLeaf; ++t)
            blank.append(
                {t, t >= 2 * MinMaxPyramid::kLeaf && t < 8 * MinMaxPyramid::kLeaf ? kNaN : 1.0});
        const QList<Bucket> b = MinMaxPyramid(blank).decimate(0, 10 * MinMaxPyramid::kLeaf, 10);
        QCOMPARE(b.size(), 4);
        COMPARE_TO_FLAT(blank, MinMaxPyramid(blank), 0, 10 * MinMaxPyramid::kLeaf, 10);

        // Unsorted input is sorted once, when the pyramid is built.
        QList<Sample> shuffled;
        for (int i = 0; i < 5000; ++i)
            shuffled.append({qint64(i) * 3, std::sin(i / 50.0) * 100});
        const QList<Sample> sorted = shuffled;
        QRandomGenerator rng(42);
        for (qsizetype i = shuffled.size() - 1; i > 0; --i)
            shuffled.swapItemsAt(i, qsizetype(rng.bounded(quint32(i + 1))));
        const MinMaxPyramid fromShuffled(shuffled);
        QCOMPARE(fromShuffled.samples(), sorted);
        COMPARE_TO_FLAT(sorted, fromShuffled, 0, 15000, 77);
    }

    void pyramidKeepsGapsAsGaps()
    {
        // A collector every 10 s for a day with a six-hour hole: the charts
        // break the curve where segmentBreaks says so, and the pyramid's
        // columns must give the same breaks as the flat scan at every zoom.
        QList<Sample> s;
        for (qint64 t = 0; t < 86400; t += 10)
            if (t < 30000 || t >= 30000 + 6 * 3600)
                s.append({t, double(t % 1000)});
        const MinMaxPyramid pyramid(s);
        for (const auto &[from, to, budget] :
             {std::tuple{qint64(0), qint64(86400), 600}, std::tuple{qint64(0), qint64(86400), 60},
              std::tuple{qint64(25000), qint64(60000), 1200},
              std::tuple{qint64(29000), qint64(53000), 300}}) {
            const QList<Bucket> p = pyramid.decimate(from, to, budget);
            const QList<Bucket> f = decimateMinMax(s, from, to, budget);
            QString why;
            QVERIFY2(sameColumns(p, f, &why), qPrintable(why));
            const qint64 width = decimationWidth(from, to, budget);
            const QList<qsizetype> breaks = segmentBreaks(p, width);
            QCOMPARE(breaks, segmentBreaks(f, width));
            QCOMPARE(breaks.size(), 1);
            // The break is at the first column after the hole.
            QVERIFY(p[breaks[0] - 1].ts < 30000);
            QVERIFY(p[breaks[0]].ts + width > 30000 + 6 * 3600);
        }
    }
};

QTEST_GUILESS_MAIN(TestDecimate)
#include "tst_decimate.moc"
