// Measures the redraw goal (docs/benchmarks.md, "Chart redraw"):
// after a zoom or pan of a 1,000,000-sample series, the chart is redrawn in
// a median of <= 16 ms.
//
// One ChartView (our chart interface) at 1200x500 holds a series of N raw
// samples, one every 10 s (N = 1M is 116 days) with a random walk and rare
// spikes. A fixed sequence of wheel zooms (in and out, random anchors) and
// drag pans is replayed; each step does what the window does for it:
//   1. the new span (zoomRange/panRange),
//   2. min/max decimation of the raw samples to one bucket per plot pixel
//      column (MinMaxPyramid::decimate, core: decimateMinMax's columns from
//      a pyramid built once per series when the data is loaded; the build
//      time is printed, it is not part of a step),
//   3. setTimeRange() and one setSeries() (one replace() per QtCharts
//      series) in one ChartView::Batch, as ChartPresenter::show does,
//   4. a synchronous paint of the widget (grab()).
// Reported: the median, p90 and max of the whole step and of each part.
//
// For comparison, the same N points go to a bare QLineSeries with one
// replace() and are painted once: what "raw QtCharts" costs without
// decimation (--raw-runs times, median).
//
// --charts C --profiles P measures a page instead: C charts of 600x300 in
// two columns (the Growth page's regions side by side), each with P curves
// (one per region, each its own N-sample series), all moved by each step
// as the page moves them; the step is the whole page's decimation,
// setSeries and one paint of the page. --charts 12 --profiles 1 is a page
// of small multiples (one region per chart). --metrics M gives every chart
// M metrics per region, each its own line style (the second dashed).
#include "chartview.h"
#include "history/decimate.h"
#include "history/metricnames.h"
#include "history/viewrange.h"

#include <QApplication>
#include <QChart>
#include <QChartView>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QGridLayout>
#include <QLineSeries>
#include <QRandomGenerator>

#include <algorithm>
#include <cstdio>

using namespace turnstile;

namespace {

struct Stats
{
    double median = 0, p90 = 0, max = 0;
};

Stats stats(QList<double> v)
{
    if (v.isEmpty())
        return {};
    std::sort(v.begin(), v.end());
    const auto at = [&v](double q) { return v[qsizetype(q * double(v.size() - 1) + 0.5)]; };
    return {at(0.5), at(0.9), v.last()};
}

void print(const char *what, const Stats &s)
{
    std::printf("  %-26s median %8.2f ms   p90 %8.2f ms   max %8.2f ms\n", what, s.median, s.p90,
                s.max);
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    p.addOption({QStringLiteral("samples"), QStringLiteral("Raw samples (default 1000000)."),
                 QStringLiteral("N"), QStringLiteral("1000000")});
    p.addOption({QStringLiteral("steps"), QStringLiteral("Zoom/pan steps (default 60)."),
                 QStringLiteral("N"), QStringLiteral("60")});
    p.addOption({QStringLiteral("raw-runs"), QStringLiteral("Raw QtCharts runs (default 3)."),
                 QStringLiteral("N"), QStringLiteral("3")});
    p.addOption({QStringLiteral("charts"),
                 QStringLiteral("Charts on the page, 600x300 each (default 1: one 1200x500)."),
                 QStringLiteral("N"), QStringLiteral("1")});
    p.addOption({QStringLiteral("profiles"),
                 QStringLiteral("Curves per chart, one per region (default 1)."),
                 QStringLiteral("N"), QStringLiteral("1")});
    p.addOption({QStringLiteral("grab"),
                 QStringLiteral("Save the last step's picture to FILE (to look at it)."),
                 QStringLiteral("FILE")});
    p.addOption({QStringLiteral("metrics"),
                 QStringLiteral("Metrics per chart, each its own line style (default 1; the "
                                "second is dashed)."),
                 QStringLiteral("N"), QStringLiteral("1")});
    p.process(app);
    const int n = p.value(QStringLiteral("samples")).toInt();
    const int steps = p.value(QStringLiteral("steps")).toInt();
    const int rawRuns = p.value(QStringLiteral("raw-runs")).toInt();
    const int chartCount = std::max(1, p.value(QStringLiteral("charts")).toInt());
    const int profileCount = std::max(1, p.value(QStringLiteral("profiles")).toInt());
    const int metricCount = std::max(1, p.value(QStringLiteral("metrics")).toInt());
    const QString kMetrics[] = {QStringLiteral("token.live"), QStringLiteral("token.expired"),
                                QStringLiteral("revocation_event.rows"),
                                QStringLiteral("trust.rows")};

    // A fixed seed: every run replays the same data and the same gestures.
    QRandomGenerator rng(20261123);
    const qint64 step = 10;
    const qint64 end = QDateTime::currentSecsSinceEpoch() / step * step;
    const qint64 start = end - qint64(n) * step;
    QList<Sample> samples;
    samples.reserve(n);
    double v = 100000;
    for (int i = 0; i < n; ++i) {
        v = std::max(0.0, v + rng.bounded(2001) - 1000.0);
        const double spike = rng.bounded(20000) == 0 ? 50000 : 0;
        samples.append(Sample{start + qint64(i) * step, v + spike});
    }

    // Each region's series: the same walk, scaled, so curves differ.
    QList<QList<Sample>> regions{samples};
    for (int k = 1; k < profileCount; ++k) {
        QList<Sample> scaled = samples;
        for (Sample &x : scaled)
            x.value *= 1.0 - 0.1 * k;
        regions.append(scaled);
    }
    // Once per series, when the data is loaded (not per zoom or pan).
    QElapsedTimer buildTimer;
    buildTimer.start();
    QList<MinMaxPyramid> pyramids;
    for (const QList<Sample> &region : std::as_const(regions))
        pyramids.append(MinMaxPyramid(region));
    const double buildMs = double(buildTimer.nsecsElapsed()) / 1e6;
    QWidget page;
    auto *grid = new QGridLayout(&page);
    grid->setContentsMargins(0, 0, 0, 0);
    QList<ChartView *> charts;
    for (int c = 0; c < chartCount; ++c) {
        auto *chart = new ChartView(&page);
        chart->setTitle(QStringLiteral("token.live, %1 samples").arg(n));
        grid->addWidget(chart, c / 2, c % 2);
        charts.append(chart);
    }
    const bool onePage = chartCount > 1;
    if (onePage)
        page.resize(1200, 300 * ((chartCount + 1) / 2));
    else
        page.resize(1200, 500);
    page.show();
    QApplication::processEvents();
    ChartView &chart = *charts.first();

    QList<double> total, decimate, replace, paint;
    ViewRange r{start, end};
    const auto redraw = [&](const ViewRange &next, bool record) {
        QElapsedTimer t;
        t.start();
        QList<QList<NamedSeries>> perChart;
        for (ChartView *c : std::as_const(charts)) {
            QList<NamedSeries> curves;
            for (int m = 0; m < metricCount; ++m)
                for (int k = 0; k < profileCount; ++k) {
                    QList<Bucket> b = pyramids[k].decimate(next.from, next.to, c->pixelBudget());
                    // A second metric: the same walk lower, drawn dashed.
                    for (Bucket &x : b) {
                        x.min *= 1.0 - 0.3 * m;
                        x.max *= 1.0 - 0.3 * m;
                        x.sum *= 1.0 - 0.3 * m;
                    }
                    curves.append(NamedSeries{QStringLiteral("%1 — region%2")
                                                  .arg(metricDisplayName(kMetrics[m % 4]))
                                                  .arg(k),
                                              b, kMetrics[m % 4],
                                              profileCount > 1 ? QStringLiteral("region%1").arg(k)
                                                               : QString()});
                }
            perChart.append(curves);
        }
        const double tDecimate = double(t.nsecsElapsed()) / 1e6;
        for (qsizetype c = 0; c < charts.size(); ++c) {
            // As ChartPresenter::show does it: one layout per chart.
            const ChartView::Batch batch(charts[c]);
            charts[c]->setTimeRange(next.from, next.to);
            charts[c]->setSeries(perChart[c]);
        }
        const double tReplace = double(t.nsecsElapsed()) / 1e6;
        const QPixmap shot = onePage ? page.grab() : chart.grab();
        const double tTotal = double(t.nsecsElapsed()) / 1e6;
        if (!record && p.isSet(QStringLiteral("grab")))
            shot.save(p.value(QStringLiteral("grab")));
        if (record) {
            decimate.append(tDecimate);
            replace.append(tReplace - tDecimate);
            paint.append(tTotal - tReplace);
            total.append(tTotal);
        }
    };
    redraw(r, false); // first layout, fonts, caches
    for (int i = 0; i < steps; ++i) {
        // Zoom in for the first third, pan in the second, zoom out in the last.
        const double anchor = rng.bounded(1000) / 1000.0;
        if (i < steps / 3)
            r = zoomRange(r, 0.8, anchor);
        else if (i < 2 * steps / 3)
            r = panRange(r, (i % 2 ? 0.3 : -0.35), end);
        else
            r = zoomRange(r, 1.25, anchor);
        redraw(r, true);
    }
    if (p.isSet(QStringLiteral("grab")))
        redraw(r, false); // the last step again, saved
    if (onePage)
        std::printf("Page redraw after zoom/pan: %d charts 600x300, %d curves each of %d raw "
                    "samples, %d steps (%s)\n",
                    chartCount, profileCount * metricCount, n, steps,
                    qPrintable(QGuiApplication::platformName()));
    else
        std::printf("Chart redraw after zoom/pan: %d raw samples, %d curve(s), %d steps, chart "
                    "1200x500 (%s)\n",
                    n, profileCount * metricCount, steps,
                    qPrintable(QGuiApplication::platformName()));
    std::printf("  pyramid build, once at load: %.1f ms for %d series\n", buildMs, profileCount);
    const Stats all = stats(total);
    print("whole step", all);
    print("decimate (core)", stats(decimate));
    print("setSeries (replace)", stats(replace));
    print("paint (grab)", stats(paint));

    // Raw QtCharts: every sample a point, one replace(), one paint.
    QList<double> raw;
    QList<QPointF> points;
    points.reserve(n);
    for (const Sample &s : std::as_const(samples))
        points.append(QPointF(double(s.ts) * 1000.0, s.value));
    for (int run = 0; run < rawRuns; ++run) {
        auto *series = new QLineSeries;
        auto *qchart = new QChart;
        qchart->addSeries(series);
        qchart->createDefaultAxes();
        QChartView view(qchart);
        view.resize(1200, 500);
        view.show();
        QApplication::processEvents();
        QElapsedTimer t;
        t.start();
        series->replace(points);
        const QPixmap shot = view.grab();
        Q_UNUSED(shot)
        raw.append(double(t.nsecsElapsed()) / 1e6);
    }
    const Stats rawStats = stats(raw);
    print("raw QtCharts replace+paint", rawStats);
    std::printf("  ratio raw / decimated (medians): %.0fx\n",
                all.median > 0 ? rawStats.median / all.median : 0.0);
    std::printf("  goal: median <= 16 ms -> %s\n", all.median <= 16 ? "met" : "NOT met");
    return all.median <= 16 ? 0 : 1;
}
