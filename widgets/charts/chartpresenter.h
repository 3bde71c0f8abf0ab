#pragma once

#include "history/chartdata.h"
#include "history/chartspec.h"

#include <QList>

class QWidget;

namespace turnstile {

class ChartView;

// The widget half of the chart data path: ChartViews made for a list of
// ChartSpecs, and a ChartData (read on a worker) put on them. GUI thread
// only. One code path for the Growth and Latency pages and `turnstilectl
// report`.
class ChartPresenter
{
public:
    // One ChartView per spec, titled, of the spec's kind.
    static QList<ChartView *> createCharts(const QList<ChartSpec> &specs, QWidget *parent);
    // Puts a load on charts made for the same specs (parallel lists).
    static void show(const ChartData &data, const QList<ChartSpec> &specs,
                     const QList<ChartView *> &charts);
};

} // namespace turnstile
