#include "chartview.h"

#include <QAbstractScrollArea>
#include <QImage>
#include <QMouseEvent>
#include <QPainter>
#include <QSet>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

using namespace turnstile;

namespace {
QList<Bucket> buckets(int n, qint64 start, qint64 step)
{
    QList<Bucket> out;
    for (int i = 0; i < n; ++i)
        out.append(Bucket{start + i * step, double(i), double(i + 10), double(2 * i + 10), 2});
    return out;
}
} // namespace

class TestChartView : public QObject
{
    Q_OBJECT
private slots:
    void everyBucketBecomesOnePoint()
    {
        ChartView v;
        v.resize(800, 400);
        v.setSeries({{QStringLiteral("token.live"), buckets(250, 1'700'000'000, 60)},
                     {QStringLiteral("token.expired"), buckets(17, 1'700'000'000, 600)}});
        QCOMPARE(v.linePointCount(0), 250);
        QCOMPARE(v.bandPointCount(0), 250);
        QCOMPARE(v.linePointCount(1), 17);
        QCOMPARE(v.linePointCount(2), -1);

        // Same curves, new data: replaced in place, no stale points left.
        v.setSeries({{QStringLiteral("token.live"), buckets(3, 1'700'000'000, 60)},
                     {QStringLiteral("token.expired"), {}}});
        QCOMPARE(v.linePointCount(0), 3);
        QCOMPARE(v.linePointCount(1), 0);

        v.setSeries({});
        QCOMPARE(v.linePointCount(0), -1);
    }
    void annotationsAreMarkers()
    {
        ChartView v;
        v.setTimeRange(1'700'000'000, 1'700'003'600);
        v.setAnnotations(
            {Annotation{1'700'001'000, QStringLiteral("p"), QStringLiteral("purge.tokens"),
                        QStringLiteral("purged 1.2M expired tokens")},
             Annotation{1'700'002'000, QStringLiteral("p"), QStringLiteral("keys.rotate"),
                        QStringLiteral("rotated")}});
        QCOMPARE(v.markerCount(), 2);
        // Markers follow the value axis when data arrives later: moved, at
        // their time, from the bottom to the top of the new axis.
        v.setSeries({{QStringLiteral("x"), buckets(5, 1'700'000'000, 60)}});
        QCOMPARE(v.markerCount(), 2);
        const QStringList axis = v.valueAxisLabels();
        QCOMPARE(v.markerLine(1).x1(), 1'700'002'000'000.0);
        QCOMPARE(v.markerLine(1).x2(), 1'700'002'000'000.0);
        QCOMPARE(v.markerLine(1).y1(), 0.0);
        QCOMPARE(QString::number(v.markerLine(1).y2()), axis.last());
        v.setSeries({{QStringLiteral("x"), buckets(5000, 1'700'000'000, 1)}});
        QCOMPARE(v.markerCount(), 2);
        QVERIFY(v.valueAxisLabels() != axis);
        QCOMPARE(v.markerLine(0).x1(), 1'700'001'000'000.0);
        QVERIFY2(v.markerLine(0).y2() > 5000, qPrintable(v.valueAxisLabels().join(u'|')));
        v.setAnnotations({});
        QCOMPARE(v.markerCount(), 0);
    }
    void scatterPairsBucketsByTime()
    {
        ScatterSeries s;
        s.name = QStringLiteral("lab");
        s.x = {QStringLiteral("revocation_event.rows"),
               {Bucket{0, 10, 10, 10, 1}, Bucket{60, 20, 20, 20, 1}, Bucket{120, 30, 30, 30, 1},
                Bucket{240, 50, 50, 50, 1}}};
        s.y = {QStringLiteral("validate.ms"),
               {Bucket{0, 1, 3, 4, 2}, Bucket{120, 5, 5, 5, 1}, Bucket{180, 9, 9, 9, 1},
                Bucket{240, 7, 7, 0, 0}}};
        // Only the buckets both sides have, with a finite mean on both.
        QCOMPARE(s.points(), (QList<QPointF>{QPointF(10, 2), QPointF(30, 5)}));
        QCOMPARE(s.times(), (QList<qint64>{0, 120}));
    }
    void scatterChart()
    {
        ChartView v(ChartView::Kind::Scatter);
        QCOMPARE(v.kind(), ChartView::Kind::Scatter);
        v.setAxisTitles(QStringLiteral("events"), QStringLiteral("ms"));
        const QList<Bucket> x = buckets(40, 1'700'000'000, 60);
        const QList<Bucket> y = buckets(30, 1'700'000'000, 60);
        v.setScatter(
            {ScatterSeries{
                 QStringLiteral("east"), {QStringLiteral("x"), x}, {QStringLiteral("y"), y}},
             ScatterSeries{
                 QStringLiteral("west"), {QStringLiteral("x2"), x}, {QStringLiteral("y2"), {}}}});
        QCOMPARE(v.scatterPointCount(0), 30);
        QCOMPARE(v.scatterPointCount(1), 0);
        QCOMPARE(v.scatterPointCount(2), -1);
        // What a CSV export writes: both sides of every cloud.
        QCOMPARE(v.series().size(), 4);
        QCOMPARE(v.series().first().name, QStringLiteral("x"));
        // Time-series calls do not apply to a scatter chart.
        v.setSeries({{QStringLiteral("token.live"), x}});
        QCOMPARE(v.linePointCount(0), -1);
        v.setAnnotations({Annotation{1'700'000'100, QStringLiteral("p"),
                                     QStringLiteral("purge.tokens"), QStringLiteral("purged")}});
        QCOMPARE(v.markerCount(), 0);
        v.setScatter({});
        QCOMPARE(v.scatterPointCount(0), -1);
    }
    void wheelZoomsAroundThePointerAndDragPans()
    {
        ChartView v;
        v.resize(800, 400);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        const qint64 t0 = 1'700'000'000;
        v.setTimeRange(t0, t0 + 86400);
        v.setSeries({{QStringLiteral("token.live"), buckets(288, t0, 300)}});
        QSignalSpy asked(&v, &ChartView::timeRangeRequested);
        QWidget *viewport = v.findChild<QAbstractScrollArea *>()->viewport();

        // One notch away from the user over the left edge of the plot: 20 %
        // narrower, and the left edge stays.
        QWheelEvent wheel(QPointF(0, 200), viewport->mapToGlobal(QPointF(0, 200)), QPoint(),
                          QPoint(0, 120), Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QCoreApplication::sendEvent(viewport, &wheel);
        QCOMPARE(asked.count(), 1);
        const qint64 from = asked.last().at(0).toLongLong();
        const qint64 to = asked.last().at(1).toLongLong();
        QCOMPARE(to - from, qint64(86400 * 0.8));
        QCOMPARE(from, t0); // the pointer was left of the plot: the left edge is the anchor
        QCOMPARE(v.shownTimeRange(), (ViewRange{from, to}));

        // Drag 200 px to the left: later in time, same span, asked once on release.
        QTest::mousePress(viewport, Qt::LeftButton, Qt::NoModifier, QPoint(500, 200));
        QMouseEvent move(QEvent::MouseMove, QPointF(300, 200),
                         viewport->mapToGlobal(QPointF(300, 200)), Qt::NoButton, Qt::LeftButton,
                         Qt::NoModifier);
        QCoreApplication::sendEvent(viewport, &move);
        QCOMPARE(asked.count(), 1);
        QTest::mouseRelease(viewport, Qt::LeftButton, Qt::NoModifier, QPoint(300, 200));
        QCOMPARE(asked.count(), 2);
        QCOMPARE(asked.last().at(1).toLongLong() - asked.last().at(0).toLongLong(), to - from);
        QVERIFY(asked.last().at(0).toLongLong() > from);

        QSignalSpy reset(&v, &ChartView::timeRangeResetRequested);
        QTest::mouseDClick(viewport, Qt::LeftButton, Qt::NoModifier, QPoint(300, 200));
        QCOMPARE(reset.count(), 1);
    }
    void scatterChartsDoNotZoom()
    {
        ChartView v(ChartView::Kind::Scatter);
        QSignalSpy asked(&v, &ChartView::timeRangeRequested);
        v.zoomBy(0.5);
        v.panBy(0.5);
        QCOMPARE(asked.count(), 0);
    }
    void followsADarkPalette()
    {
        ChartView v;
        v.resize(400, 300);
        v.setSeries({{QStringLiteral("x"), buckets(5, 1'700'000'000, 60)}});
        // What the window shows (grab paints the widget as the screen does).
        const auto background = [&v] {
            // Inside the plot area, above the band, off the grid lines.
            return v.grab().toImage().pixelColor(150, 40).lightness();
        };
        // What an export paints.
        const auto exported = [&v] {
            QImage img(400, 300, QImage::Format_ARGB32);
            img.fill(Qt::magenta);
            QPainter p(&img);
            v.render(&p, QRectF(0, 0, 400, 300));
            p.end();
            return img.pixelColor(150, 40).lightness();
        };
        QVERIFY2(background() > 200, "a light palette paints a light chart");
        QPalette dark;
        dark.setColor(QPalette::Window, QColor(0x20, 0x20, 0x24));
        dark.setColor(QPalette::Base, QColor(0x18, 0x18, 0x1c));
        dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
        dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
        v.setPalette(dark);
        QVERIFY2(background() < 80, "a dark palette paints a dark chart");
        // Exports stay light for reports and paper, and the window stays dark.
        QVERIFY2(exported() > 200, "an export of a dark chart is light");
        QVERIFY2(background() < 80, "the window is dark again after an export");
        // The curve survived the theme change.
        QCOMPARE(v.linePointCount(0), 5);
    }
    void rendersAtTargetSizeAndKeepsWidgetSize()
    {
        ChartView v;
        v.resize(640, 300);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        v.setTitle(QStringLiteral("Tokens"));
        v.setSeries({{QStringLiteral("token.live"), buckets(50, 1'700'000'000, 60)}});
        QCOMPARE(v.title(), QStringLiteral("Tokens"));
        QVERIFY(v.pixelBudget() >= 50);
        QVERIFY(v.pixelBudget() <= 640);

        QImage img(1000, 500, QImage::Format_ARGB32_Premultiplied);
        img.fill(Qt::white);
        {
            QPainter p(&img);
            v.render(&p, QRectF(0, 0, 1000, 500));
        }
        // The curve reaches the right part of the target: the chart was laid
        // out at the target size, not drawn at widget size into a corner.
        int blue = 0;
        for (int x = 700; x < 1000; ++x)
            for (int y = 0; y < 500; ++y) {
                const QColor c = img.pixelColor(x, y);
                blue += c.blue() > c.red() + 60;
            }
        QVERIFY2(blue > 100, qPrintable(QString::number(blue)));
        QCOMPARE(v.size(), QSize(640, 300));
    }

    // A slide reads "2.5 M", not "2500000", in the reader's language.
    void valueAxisReadsInSiPrefixes()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        ChartView v;
        v.resize(800, 400);
        QList<Bucket> big;
        for (int i = 0; i < 10; ++i)
            big.append(Bucket{1'700'000'000 + i * 60, 2'000'000.0, 2'300'000.0, 4'400'000.0, 2});
        v.setSeries({{QStringLiteral("Live tokens"), big}});
        const QStringList labels = v.valueAxisLabels();
        QCOMPARE(labels.first(), QStringLiteral("0"));
        QVERIFY2(labels.contains(QStringLiteral("1 M")), qPrintable(labels.join(u'|')));
        QVERIFY2(labels.contains(QStringLiteral("2.5 M")), qPrintable(labels.join(u'|')));
        for (const QString &l : labels)
            QVERIFY2(!l.contains(QStringLiteral("000")), qPrintable(l));

        QLocale::setDefault(QLocale(QLocale::German));
        v.setSeries({{QStringLiteral("Live tokens"), big}});
        QVERIFY2(v.valueAxisLabels().contains(QStringLiteral("1,5 M")),
                 qPrintable(v.valueAxisLabels().join(u'|')));
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }

    // "All profiles side by side": twelve curves, no two drawn alike, and
    // the first eight told apart by colour alone.
    void twelveCurvesAreAllDistinct()
    {
        ChartView v;
        v.resize(800, 400);
        QList<NamedSeries> series;
        for (int i = 0; i < 12; ++i)
            series.append(
                {QStringLiteral("Live tokens — region%1").arg(i), buckets(5, 1'700'000'000, 60)});
        v.setSeries(series);
        QSet<QPair<QRgb, int>> looks;
        QSet<QRgb> firstEight;
        for (int i = 0; i < 12; ++i) {
            const QPen pen = v.linePen(i);
            looks.insert({pen.color().rgb(), int(pen.style())});
            if (i < 8) {
                firstEight.insert(pen.color().rgb());
                QCOMPARE(pen.style(), Qt::SolidLine);
            }
        }
        QCOMPARE(looks.size(), 12);
        QCOMPARE(firstEight.size(), 8);
        QVERIFY(v.linePen(8).style() != Qt::SolidLine);
    }

    // Twelve regions with a profile each: no colour means two regions, every
    // curve looks different and the legend names each in full.
    void twelveRegionsAreAllDistinct()
    {
        ChartView v;
        v.resize(800, 400);
        QList<NamedSeries> series;
        for (int i = 0; i < 12; ++i)
            series.append({QStringLiteral("Live tokens — region%1").arg(i),
                           buckets(5, 1'700'000'000, 60), QStringLiteral("token.live"),
                           QStringLiteral("region%1").arg(i)});
        v.setSeries(series);
        QSet<QPair<QRgb, int>> looks;
        for (int i = 0; i < 12; ++i)
            looks.insert({v.linePen(i).color().rgb(), int(v.linePen(i).style())});
        QCOMPARE(looks.size(), 12);
        QCOMPARE(v.legendTexts().size(), 12);
        QCOMPARE(v.legendTexts().first(), QStringLiteral("Live tokens — region0"));
    }

    // Data of another year says which year.
    void timeAxisNamesTheYearOfAnotherYear()
    {
        ChartView v;
        v.resize(800, 400);
        // November 2023, a week: never the current year on this machine.
        v.setTimeRange(1'700'000'000 - 7 * 86400, 1'700'000'000);
        v.setSeries({{QStringLiteral("Live tokens"), buckets(50, 1'700'000'000 - 86400, 600)}});
        QVERIFY2(v.timeAxisFormat().contains(QStringLiteral("yyyy")),
                 qPrintable(v.timeAxisFormat()));
    }

    // A collector that was down leaves a hole, not a straight line.
    void gapYieldsTwoSegments()
    {
        ChartView v;
        v.resize(800, 400);
        NamedSeries s{QStringLiteral("Live tokens"), buckets(20, 1'700'000'000, 60)};
        for (int i = 10; i < 20; ++i)
            s.buckets[i].ts += 3600;
        s.breaks = {10};
        v.setSeries({s});
        QCOMPARE(v.segmentCount(0), 2);
        QCOMPARE(v.linePointCount(0), 20);
        QCOMPARE(v.bandPointCount(0), 20);
        // One legend entry for the curve, whatever its segments.
        QCOMPARE(v.legendTexts(), QStringList{QStringLiteral("Live tokens")});
        // The next load without the gap: one segment, nothing left over.
        s.breaks.clear();
        v.setSeries({s});
        QCOMPARE(v.segmentCount(0), 1);
        QCOMPARE(v.linePointCount(0), 20);
    }

    // Thresholded metrics show their levels, labelled with the unit.
    void thresholdLinesAreDrawnAndLabelled()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        ChartView v;
        v.resize(800, 400);
        v.setValueUnit(ChartSpec::Unit::Milliseconds);
        QList<Bucket> ms;
        for (int i = 0; i < 10; ++i)
            ms.append(Bucket{1'700'000'000 + i * 60, 100, 250, 350, 2});
        v.setThresholds({ThresholdLine{300, false, {}}, ThresholdLine{1500, true, {}}});
        v.setSeries({{QStringLiteral("Validation p99"), ms}});
        // The warning is close above the data and drawn; the critical level
        // six times the data's top would press the curve flat: no line, but
        // named in the corner.
        QCOMPARE(v.thresholdLabels(),
                 (QStringList{QStringLiteral("warning 300 ms"),
                              QStringLiteral("critical 1.5 s, above the chart")}));
        QVERIFY(v.valueAxisLabels().last().endsWith(QStringLiteral(" ms")));

        // From a second on the axis and the labels read seconds.
        for (Bucket &b : ms) {
            b.max = 1400;
            b.sum = 2000;
        }
        v.setSeries({{QStringLiteral("Validation p99"), ms}});
        QVERIFY2(v.thresholdLabels().contains(QStringLiteral("critical 1.5 s")) &&
                     v.thresholdLabels().contains(QStringLiteral("warning 300 ms")),
                 qPrintable(v.thresholdLabels().join(u'|')));
        QVERIFY2(v.valueAxisLabels().contains(QStringLiteral("1 s")),
                 qPrintable(v.valueAxisLabels().join(u'|')));
        for (const QString &l : v.valueAxisLabels())
            QVERIFY2(!l.contains(QStringLiteral("k ms")), qPrintable(l));
    }

    // No "0.25 trusts": a count axis over a tiny range ticks in whole numbers.
    void countAxesTickInWholeNumbers()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        ChartView v;
        v.resize(800, 400);
        v.setValueUnit(ChartSpec::Unit::Count);
        v.setSeries({{QStringLiteral("Trust table rows"),
                      {Bucket{1'700'000'000, 1, 1, 1, 1}, Bucket{1'700'000'060, 1, 1, 1, 1}}}});
        for (const QString &l : v.valueAxisLabels())
            QVERIFY2(!l.contains(u'.'), qPrintable(v.valueAxisLabels().join(u'|')));
        QVERIFY(v.valueAxisLabels().size() >= 2);
    }

    // Regions side by side: a colour per region, a line style per metric,
    // a legend of both that names only what has data, and is never elided.
    void severalProfilesOneColourEachAndNoEmptyEntries()
    {
        ChartView v;
        v.resize(360, 300); // a third of the Growth page
        const auto curve = [](const char *metric, const char *profile, int n) {
            return NamedSeries{
                QStringLiteral("%1 — %2").arg(QLatin1String(metric), QLatin1String(profile)),
                buckets(n, 1'700'000'000, 60), QLatin1String(metric), QLatin1String(profile)};
        };
        v.setSeries({curve("token.live", "RegionOne", 5), curve("token.expired", "RegionOne", 5),
                     curve("token.live", "RegionTwo", 5), curve("token.expired", "RegionTwo", 5),
                     curve("token.live", "empty", 0), curve("token.expired", "empty", 0)});
        // Same region, same colour; same metric, same style.
        QCOMPARE(v.linePen(0).color(), v.linePen(1).color());
        QVERIFY(v.linePen(0).color() != v.linePen(2).color());
        QCOMPARE(v.linePen(0).style(), v.linePen(2).style());
        QVERIFY(v.linePen(0).style() != v.linePen(1).style());
        // Patterned curves are one pixel wide (the raster engine's cheap
        // dashes), solid ones 1.6.
        QCOMPARE(v.linePen(0).style(), Qt::SolidLine);
        QCOMPARE(v.linePen(0).widthF(), 1.6);
        QCOMPARE(v.linePen(1).widthF(), 1.0);
        QCOMPARE(v.legendTexts(),
                 (QStringList{QStringLiteral("RegionOne"), QStringLiteral("RegionTwo"),
                              QStringLiteral("Live tokens"), QStringLiteral("Expired tokens")}));
        // Rendered narrow: every entry whole (wrapped, not "Re… Re…").
        QImage img(360, 300, QImage::Format_ARGB32);
        img.fill(Qt::white);
        QPainter p(&img);
        v.render(&p, QRectF(0, 0, 360, 300));
        p.end();
        for (const QString &t : v.legendTexts())
            QVERIFY(!t.contains(QChar(0x2026)));
        if (const QByteArray dir = qgetenv("TURNSTILE_TEST_GRAB_DIR"); !dir.isEmpty())
            img.save(QString::fromLocal8Bit(dir) + QStringLiteral("/chartview-narrow-legend.png"));
    }

    // Several actions close together: staggered, and past three lines folded
    // into "+N" rather than printed over each other.
    void curveAndBandAreDrawn()
    {
        // The min-max band (our own item, not antialiased) is drawn where
        // the data's min and max are, over the background, with the curve
        // visible in it: down one pixel column through the plot's middle,
        // band tint above and below the line, the line in its own colour in
        // the middle of the band.
        ChartView v;
        v.resize(800, 400);
        QList<Bucket> flat;
        for (int i = 0; i < 200; ++i)
            flat.append(Bucket{1'700'000'000 + i * 60, 20, 80, 50 * 2, 2}); // avg 50
        v.setSeries({{QStringLiteral("Live tokens"), flat}});
        QImage image(800, 400, QImage::Format_ARGB32);
        image.fill(Qt::white);
        {
            QPainter p(&image);
            v.render(&p, QRectF(0, 0, 800, 400));
        }
        const QColor line = v.linePen(0).color();
        QColor tint = line;
        tint.setAlpha(60);
        const auto blend = [](QColor c) { // over white
            const double a = c.alphaF();
            return QColor(int(c.red() * a + 255 * (1 - a) + 0.5),
                          int(c.green() * a + 255 * (1 - a) + 0.5),
                          int(c.blue() * a + 255 * (1 - a) + 0.5));
        };
        const QColor band = blend(tint);
        const auto near = [](QColor a, QColor b) {
            return std::abs(a.red() - b.red()) + std::abs(a.green() - b.green()) +
                       std::abs(a.blue() - b.blue()) <=
                   12;
        };
        int firstBand = -1, lastBand = -1, lineAt = -1, bandPixels = 0;
        for (int y = 0; y < image.height(); ++y) {
            const QColor c = image.pixelColor(400, y);
            if (near(c, band)) {
                if (firstBand < 0)
                    firstBand = y;
                lastBand = y;
                ++bandPixels;
            } else if (near(c, line)) {
                lineAt = y;
            }
        }
        if (const QByteArray dir = qgetenv("TURNSTILE_TEST_GRAB_DIR"); !dir.isEmpty())
            image.save(QString::fromLocal8Bit(dir) + QStringLiteral("/chartview-band.png"));
        QVERIFY2(bandPixels > 60, qPrintable(QString::number(bandPixels)));
        QVERIFY(lineAt > firstBand && lineAt < lastBand);
        // About the middle of the band: avg 50 between 20 and 80.
        QVERIFY(std::abs(lineAt - (firstBand + lastBand) / 2) <= 3);
        QCOMPARE(v.bandPointCount(0), 200);
    }

    void aBatchLaysTheChartOutOnceAtTheEnd()
    {
        ChartView v;
        v.resize(800, 400);
        v.setTimeRange(1'700'000'000, 1'700'003'600);
        v.setSeries({{QStringLiteral("Live tokens"), buckets(60, 1'700'000'000, 60)}});
        {
            // A zoom step as ChartPresenter::show does it: the range waits
            // for the data, so the old points are not laid out at the new
            // range first.
            const ChartView::Batch batch(&v);
            v.setTimeRange(1'700'000'600, 1'700'001'800);
            QCOMPARE(v.shownTimeRange(), (ViewRange{1'700'000'000, 1'700'003'600}));
            v.setSeries({{QStringLiteral("Live tokens"), buckets(20, 1'700'000'600, 60)}});
            QCOMPARE(v.shownTimeRange(), (ViewRange{1'700'000'600, 1'700'001'800}));
            QCOMPARE(v.linePointCount(0), 20);
            // The value axis from the new data (max 29: 0 … 40), not the old (max 69).
            QCOMPARE(v.valueAxisLabels().last(), QStringLiteral("40"));
        }
        // Only a range in a batch (no data): applied when the batch ends,
        // also through nested batches.
        {
            const ChartView::Batch outer(&v);
            {
                const ChartView::Batch inner(&v);
                v.setTimeRange(1'700'000'000, 1'700'007'200);
            }
            QCOMPARE(v.shownTimeRange(), (ViewRange{1'700'000'600, 1'700'001'800}));
        }
        QCOMPARE(v.shownTimeRange(), (ViewRange{1'700'000'000, 1'700'007'200}));
        QCOMPARE(v.linePointCount(0), 20);
    }

    void longAnnotationLabelsWrapInsteadOfBeingCut()
    {
        // An action in words is longer than 32 characters ("Purged 1.9 M
        // expired tokens of …"): on a chart with room it is shown whole,
        // on two lines if it is wider than 40 % of the plot; only a chart too
        // narrow for two lines elides, and says so with "…".
        const QString text = QStringLiteral(
            "Purged 1.9 M expired tokens of project admin-demo in RegionTwo after the backup");
        const auto labelOn = [](int width, const QString &what) {
            ChartView v;
            v.resize(width, 400);
            v.setTimeRange(1'700'000'000, 1'700'003'600);
            v.setSeries({{QStringLiteral("Live tokens"), buckets(60, 1'700'000'000, 60)}});
            v.show();
            if (!QTest::qWaitForWindowExposed(&v))
                return QStringList();
            v.setAnnotations({Annotation{1'700'000'600, QStringLiteral("p"),
                                         QStringLiteral("purge.tokens"), what}});
            return v.markerLabelTexts();
        };
        const QStringList wide = labelOn(800, text);
        QCOMPARE(wide.size(), 1);
        QCOMPARE(QString(wide[0]).replace(u'\n', u' '), text); // every word
        QCOMPARE(wide[0].count(u'\n'), 1);                     // on two lines
        const QStringList narrow = labelOn(360, text);
        QCOMPARE(narrow.size(), 1);
        QVERIFY2(narrow[0].count(u'\n') <= 1, qPrintable(narrow[0]));
        QVERIFY2(narrow[0].startsWith(QStringLiteral("Purged 1.9 M expired")),
                 qPrintable(narrow[0]));
        QVERIFY2(narrow[0].endsWith(QChar(0x2026)), qPrintable(narrow[0]));
        QCOMPARE(narrow[0].count(QChar(0x2026)), 1);
        // A short one stays one line, uncut.
        QCOMPARE(labelOn(800, QStringLiteral("Rotated the Fernet keys")),
                 QStringList{QStringLiteral("Rotated the Fernet keys")});
    }

    void overlappingAnnotationLabelsStayReadable()
    {
        ChartView v;
        v.resize(800, 400);
        v.setTimeRange(1'700'000'000, 1'700'003'600);
        QList<Annotation> many;
        for (int i = 0; i < 5; ++i)
            many.append(Annotation{1'700'001'000 + i * 10, QStringLiteral("p"),
                                   QStringLiteral("purge.tokens"),
                                   QStringLiteral("Purged %1 expired tokens").arg(i + 1)});
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        v.setAnnotations(many);
        v.setSeries({{QStringLiteral("Live tokens"), buckets(60, 1'700'000'000, 60)}});
        QCOMPARE(v.markerCount(), 5);
        const QStringList shown = v.markerLabelTexts();
        QCOMPARE(shown.size(), 3);
        QVERIFY2(shown.join(u'|').contains(QStringLiteral("+2")), qPrintable(shown.join(u'|')));
    }
};

QTEST_MAIN(TestChartView)
#include "tst_chartview.moc"
