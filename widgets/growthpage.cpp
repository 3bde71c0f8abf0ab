#include "growthpage.h"

#include "chartview.h"
#include "pagecharts.h"

#include <QGridLayout>

namespace turnstile {

GrowthPage::GrowthPage(QWidget *parent) : HistoryChartsPage(PageCharts::growth(), parent)
{
    QGridLayout *grid = chartGrid();
    const QList<ChartView *> all = charts();
    for (qsizetype i = 0; i < all.size(); ++i) {
        // The token chart is the one that matters most: full width on top.
        if (i == 0)
            grid->addWidget(all[i], 0, 0, 1, int(all.size() - 1));
        else
            grid->addWidget(all[i], 1, int(i - 1));
    }
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 2);
}

QString GrowthPage::noProfileText() const
{
    return tr("No profile yet: add one to see how its tables grow.");
}

QString GrowthPage::exportTitle() const
{
    return tr("Export growth charts");
}

QString GrowthPage::exportStem() const
{
    return QStringLiteral("growth");
}

} // namespace turnstile
