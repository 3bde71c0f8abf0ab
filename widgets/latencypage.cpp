#include "latencypage.h"

#include "chartview.h"
#include "pagecharts.h"

#include <QGridLayout>

namespace turnstile {

LatencyPage::LatencyPage(QWidget *parent) : HistoryChartsPage(PageCharts::latency(), parent)
{
    // What the percentiles are taken over (prober.h, LatencyWindow), so
    // nobody reads a p99 of a few probes as a p99 of all traffic.
    setNote(tr("Each probe issues one token and validates it three times; p50, p95 and p99 are "
               "nearest-rank percentiles over the profile's last 200 timings of the last hour "
               "(validate.p99.ms, issue.p99.ms, …). Lines are the mean per time bucket, bands the "
               "lowest to highest value in it; each scatter point is one time bucket of the "
               "per-probe median (validate.ms). Benchmark runs add their p50 and p99, one point "
               "per measurement."));
    QGridLayout *grid = chartGrid();
    const QList<ChartView *> all = charts();
    // Validation is what every OpenStack API call waits for: full width on top.
    grid->addWidget(all[0], 0, 0, 1, 2);
    grid->addWidget(all[1], 1, 0);
    grid->addWidget(all[2], 1, 1);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 2);
}

QString LatencyPage::noProfileText() const
{
    return tr("No profile yet: add one to see how fast its Keystone answers.");
}

QString LatencyPage::exportTitle() const
{
    return tr("Export latency charts");
}

QString LatencyPage::exportStem() const
{
    return QStringLiteral("latency");
}

} // namespace turnstile
