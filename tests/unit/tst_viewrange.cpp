#include "history/viewrange.h"

#include <QTest>

#include <limits>

using namespace turnstile;

class TestViewRange : public QObject
{
    Q_OBJECT
private slots:
    void zoomKeepsTheAnchorInPlace()
    {
        const ViewRange r{1000, 1000 + 86400};
        // Anchor in the middle: both edges move in by a quarter each.
        QCOMPARE(zoomRange(r, 0.5, 0.5), (ViewRange{1000 + 21600, 1000 + 64800}));
        // Anchor at the left edge: the left edge stays.
        QCOMPARE(zoomRange(r, 0.5, 0.0), (ViewRange{1000, 1000 + 43200}));
        // Anchor at the right edge: the right edge stays.
        QCOMPARE(zoomRange(r, 0.5, 1.0), (ViewRange{1000 + 43200, 1000 + 86400}));
        // The time under a 30 % anchor is the same before and after.
        const ViewRange z = zoomRange(r, 0.25, 0.3);
        QCOMPARE(z.from + qint64(0.3 * double(z.span())), r.from + qint64(0.3 * double(r.span())));
        // Zooming out is the inverse.
        QCOMPARE(zoomRange(zoomRange(r, 0.5, 0.5), 2.0, 0.5), r);
    }
    void zoomIsClamped()
    {
        const ViewRange r{0, 600};
        QCOMPARE(zoomRange(r, 0.001, 0.5).span(), kMinViewSpan);
        QCOMPARE(zoomRange(ViewRange{0, kMaxViewSpan}, 10, 0.5).span(), kMaxViewSpan);
        // Anchors outside the plot count as its edges.
        QCOMPARE(zoomRange(r, 0.5, -3), zoomRange(r, 0.5, 0));
        QCOMPARE(zoomRange(r, 0.5, 7), zoomRange(r, 0.5, 1));
    }
    void zoomRejectsNonsense()
    {
        const ViewRange r{100, 200};
        QCOMPARE(zoomRange(r, 0, 0.5), r);
        QCOMPARE(zoomRange(r, -2, 0.5), r);
        QCOMPARE(zoomRange(r, std::numeric_limits<double>::quiet_NaN(), 0.5), r);
        QCOMPARE(zoomRange(r, std::numeric_limits<double>::infinity(), 0.5), r);
        QCOMPARE(zoomRange(ViewRange{200, 100}, 0.5, 0.5), (ViewRange{200, 100}));
    }
    void panKeepsTheSpan()
    {
        const ViewRange r{10'000, 13'600};
        QCOMPARE(panRange(r, -0.5, 1'000'000), (ViewRange{8'200, 11'800}));
        QCOMPARE(panRange(r, 0.25, 1'000'000), (ViewRange{10'900, 14'500}));
        QCOMPARE(panRange(r, 0, 1'000'000), r);
    }
    void panStopsAtNow()
    {
        const ViewRange r{10'000, 13'600};
        QCOMPARE(panRange(r, 1.0, 14'000), (ViewRange{10'400, 14'000}));
        // A range that already reaches past now is not pulled back by a
        // forward pan; a backward pan still works.
        const ViewRange late{10'000, 20'000};
        QCOMPARE(panRange(late, 0.5, 15'000), late);
        QCOMPARE(panRange(late, -0.5, 15'000), (ViewRange{5'000, 15'000}));
    }
    void panSurvivesHugeFractions()
    {
        const ViewRange r{0, 3600};
        const ViewRange back = panRange(r, -1e300, 1'000'000);
        QCOMPARE(back.span(), r.span());
        QVERIFY(back.from < 0);
        QCOMPARE(panRange(r, std::numeric_limits<double>::quiet_NaN(), 1'000'000), r);
    }
};

QTEST_APPLESS_MAIN(TestViewRange)
#include "tst_viewrange.moc"
