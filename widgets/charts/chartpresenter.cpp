#include "chartpresenter.h"

#include "chartview.h"

namespace turnstile {

void ChartPresenter::show(const ChartData &data, const QList<ChartSpec> &specs,
                          const QList<ChartView *> &charts)
{
    for (qsizetype c = 0; c < charts.size() && c < specs.size(); ++c) {
        ChartView *chart = charts[c];
        if (specs[c].kind == ChartSpec::Kind::Scatter) {
            chart->setScatter(data.scatter.value(c));
            continue;
        }
        // One layout of the chart for all of it, not one per setter.
        const ChartView::Batch batch(chart);
        chart->setTimeRange(data.from, data.to);
        // A region keeps its colour on every chart of the page.
        chart->setProfileOrder(data.profiles);
        chart->setThresholds(data.thresholds.value(c));
        chart->setSeries(data.series.value(c));
        // Each chart only the actions that concern it: a purge on the token
        // chart, not on the latency charts.
        chart->setAnnotations(ChartData::annotationsFor(specs[c], data.annotations));
    }
}

QList<ChartView *> ChartPresenter::createCharts(const QList<ChartSpec> &specs, QWidget *parent)
{
    QList<ChartView *> charts;
    for (const ChartSpec &spec : specs) {
        auto *chart = new ChartView(spec.kind == ChartSpec::Kind::Scatter ? ChartView::Kind::Scatter
                                                                          : ChartView::Kind::Time,
                                    parent);
        chart->setTitle(spec.title);
        // A time chart's x axis is dates, titled by its labels.
        chart->setAxisTitles(spec.xTitle, spec.yTitle);
        chart->setValueUnit(spec.unit);
        charts.append(chart);
    }
    return charts;
}

} // namespace turnstile
