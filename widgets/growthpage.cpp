#include "growthpage.h"

#include "chartview.h"

#include <QGridLayout>

namespace turnstile {

GrowthPage::GrowthPage(QWidget *parent) : HistoryChartsPage(chartSpecs(), parent)
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

QList<ChartSpec> GrowthPage::chartSpecs()
{
    return {
        ChartSpec::time(tr("Token rows"),
                        {QStringLiteral("token.live"), QStringLiteral("token.expired")}),
        // Obsolete beside all: the gap is what a prune would remove.
        ChartSpec::time(tr("Revocation events"), {QStringLiteral("revocation_event.rows"),
                                                  QStringLiteral("revocation_event.obsolete")}),
        ChartSpec::time(tr("Trusts"), {QStringLiteral("table.trust.rows")}),
        // Every schema on the server (data + indexes), as the exact cycle
        // measures it.
        ChartSpec::time(tr("Schema sizes (MiB)"), {QStringLiteral("schema.*.bytes")})
            .scaled(1.0 / (1024 * 1024)),
    };
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
