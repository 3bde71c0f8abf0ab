#include "reportrenderer.h"

#include "chartpresenter.h"
#include "chartview.h"
#include "pagecharts.h"

#include <QDateTime>

namespace turnstile {

ReportRenderer::ReportRenderer() : m_charts(ChartPresenter::createCharts(specs(), &m_holder)) {}

ReportRenderer::~ReportRenderer() = default;

QList<QList<ChartSpec>> ReportRenderer::pages()
{
    return {PageCharts::growth(), PageCharts::latency()};
}

QList<ChartSpec> ReportRenderer::specs()
{
    QList<ChartSpec> all;
    for (const QList<ChartSpec> &page : pages())
        all += page;
    return all;
}

ChartData ReportRenderer::load(const HistoryConfig &config, const QStringList &profiles,
                               qint64 from, qint64 to)
{
    const QList<ChartSpec> all = specs();
    return ChartData::load(config, profiles, from, to, all, QList<int>(all.size(), pixelBudget()));
}

QString ReportRenderer::caption(const ChartData &load, const QDateTime &generatedAt)
{
    return ChartExporter::caption(load.profiles, load.from, load.to, generatedAt);
}

QByteArray ReportRenderer::render(ChartExporter::Format format, const ChartData &load,
                                  const QString &caption, QString *error)
{
    ChartPresenter::show(load, specs(), m_charts);
    QList<QList<ChartView *>> pageCharts;
    qsizetype next = 0;
    for (const QList<ChartSpec> &page : pages()) {
        pageCharts.append(m_charts.mid(next, page.size()));
        next += page.size();
    }
    return ChartExporter::encodePages(format, pageCharts, caption, ChartExporter::kDefaultChartSize,
                                      error);
}

} // namespace turnstile
