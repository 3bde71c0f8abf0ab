#include "reportrenderer.h"

#include "chartpresenter.h"
#include "chartview.h"
#include "history/historystore.h"
#include "history/metricnames.h"
#include "pagecharts.h"
#include "util/timetext.h"

#include <QAbstractTextDocumentLayout>
#include <QDateTime>
#include <QLocale>
#include <QPainter>
#include <QTextDocument>

#include <algorithm>

namespace turnstile {

namespace {
// At most this many profiles side by side in the figures table; more get a
// table of their own below, so no column is squeezed until it wraps digits.
constexpr int kProfilesPerTable = 3;

int severity(HealthLevel level)
{
    switch (level) {
    case HealthLevel::Critical:
        return 0;
    case HealthLevel::Warning:
        return 1;
    case HealthLevel::Unknown:
        return 2;
    case HealthLevel::Ok:
        break;
    }
    return 3;
}

// The Overview's colours (OverviewModel), with text that reads on them.
QString levelColour(HealthLevel level)
{
    switch (level) {
    case HealthLevel::Critical:
        return QStringLiteral("#c62828");
    case HealthLevel::Warning:
        return QStringLiteral("#ef8f00");
    case HealthLevel::Ok:
        return QStringLiteral("#2e7d32");
    case HealthLevel::Unknown:
        break;
    }
    return QStringLiteral("#757575");
}

QString escaped(const QString &s)
{
    return s.toHtmlEscaped();
}

QString capitalised(QString s)
{
    if (!s.isEmpty())
        s[0] = s[0].toUpper();
    return s;
}
} // namespace

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

ReportRenderer::Data ReportRenderer::load(const HistoryConfig &config, const QStringList &profiles,
                                          const QHash<QString, QJsonObject> &thresholds,
                                          qint64 from, qint64 to)
{
    Data d;
    const QList<ChartSpec> all = specs();
    d.charts =
        ChartData::load(config, profiles, from, to, all, QList<int>(all.size(), pixelBudget()));
    // ChartData::load said whether there is a store; opening one that is
    // not there would create it.
    if (d.charts.noStore || !d.charts.error.isEmpty())
        return d;
    HistoryStore store;
    if (!store.open(config)) {
        d.charts.error = store.error();
        return d;
    }
    for (const QString &p : profiles)
        d.summary.append(ProfileSummary::read(store, p, thresholds.value(p), from, to));
    return d;
}

QString ReportRenderer::caption(const ChartData &load, const QDateTime &generatedAt)
{
    return ChartExporter::caption(load.profiles, load.from, load.to, generatedAt);
}

std::unique_ptr<QTextDocument> ReportRenderer::summaryDocument(const Data &data,
                                                               const QSizeF &pageSize)
{
    const QLocale locale;
    const ChartData &c = data.charts;
    const auto when = [&locale](qint64 secs) {
        return locale.toString(QDateTime::fromSecsSinceEpoch(secs), QLocale::ShortFormat);
    };
    QString html;
    html += QStringLiteral("<h1 style=\"font-size:26px; margin-top:0; margin-bottom:2px\">%1</h1>")
                .arg(escaped(tr("Keystone capacity report")));
    html += QStringLiteral("<p style=\"font-size:15px; color:#404044; margin-top:0; "
                           "margin-bottom:0\">%1</p>")
                .arg(escaped(tr("%1 · %2 – %3 (%4)")
                                 .arg(c.profiles.join(QStringLiteral(", ")), when(c.from),
                                      when(c.to), timeZoneText(c.from, c.to))));

    // Verdicts, worst first like the Overview's tiles; stable within a level.
    QList<ProfileSummary> byLevel = data.summary;
    std::stable_sort(byLevel.begin(), byLevel.end(),
                     [](const ProfileSummary &a, const ProfileSummary &b) {
                         return severity(a.verdict.level) < severity(b.verdict.level);
                     });
    html +=
        QStringLiteral("<h2 style=\"font-size:18px; margin-top:12px; margin-bottom:6px\">%1</h2>")
            .arg(escaped(tr("Health at %1").arg(when(c.to))));
    // Spacing, not collapsed borders: a gap between two profiles' badges.
    html += QStringLiteral("<table width=\"100%\" cellspacing=\"3\" cellpadding=\"4\" "
                           "style=\"font-size:14px\">");
    for (const ProfileSummary &s : std::as_const(byLevel)) {
        const HealthVerdict &v = s.verdict;
        QString level;
        switch (v.level) {
        case HealthLevel::Critical:
            level = tr("Critical");
            break;
        case HealthLevel::Warning:
            level = tr("Warning");
            break;
        case HealthLevel::Ok:
            level = tr("OK");
            break;
        case HealthLevel::Unknown:
            level = tr("Unknown");
            break;
        }
        QStringList reasons;
        for (const QString &f : v.findings)
            reasons.append(escaped(capitalised(f)));
        if (reasons.isEmpty())
            reasons.append(escaped(v.level == HealthLevel::Ok
                                       ? tr("Every figure is within its thresholds.")
                                       : v.reason));
        html += QStringLiteral("<tr><td width=\"96\" align=\"center\" valign=\"middle\" "
                               "bgcolor=\"%1\" style=\"color:%2; "
                               "font-weight:bold\">%3</td><td width=\"130\" valign=\"middle\" "
                               "style=\"font-weight:bold\">%4</td>"
                               "<td>%5</td></tr>")
                    .arg(levelColour(v.level),
                         v.level == HealthLevel::Warning ? QStringLiteral("#1f1f1f")
                                                         : QStringLiteral("#ffffff"),
                         escaped(level), escaped(s.profile), reasons.join(QStringLiteral("<br>")));
    }
    html += QStringLiteral("</table>");

    // Headline figures: one row per figure, two columns per profile.
    struct Row
    {
        QString metric;
        int group;
        double largest;
    };
    QList<Row> rows;
    for (const ProfileSummary &s : data.summary)
        for (const HeadlineFigure &f : s.figures) {
            const auto it = std::find_if(rows.begin(), rows.end(),
                                         [&f](const Row &r) { return r.metric == f.metric; });
            if (it == rows.end())
                rows.append(Row{f.metric, f.group, f.change.last});
            else
                it->largest = std::max(it->largest, f.change.last);
        }
    // The headline order; a family's tables biggest first.
    std::stable_sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
        return a.group != b.group ? a.group < b.group : a.largest > b.largest;
    });
    html +=
        QStringLiteral("<h2 style=\"font-size:18px; margin-top:14px; margin-bottom:6px\">%1</h2>")
            .arg(escaped(tr("Headline figures: first and last value in the range")));
    if (rows.isEmpty())
        html += QStringLiteral("<p style=\"font-size:14px\">%1</p>")
                    .arg(escaped(tr("The history holds none of the headline figures in this "
                                    "range.")));
    for (qsizetype first = 0; first < data.summary.size() && !rows.isEmpty();
         first += kProfilesPerTable) {
        const QList<ProfileSummary> shown = data.summary.mid(first, kProfilesPerTable);
        html += QStringLiteral("<table width=\"100%\" cellspacing=\"0\" cellpadding=\"3\" "
                               "style=\"border-collapse:collapse; font-size:14px; "
                               "margin-bottom:10px\"><thead>");
        html += QStringLiteral("<tr bgcolor=\"#e8ecf2\"><th align=\"left\">%1</th>")
                    .arg(escaped(tr("Figure")));
        for (const ProfileSummary &s : shown)
            html +=
                QStringLiteral("<th colspan=\"2\" align=\"left\">%1</th>").arg(escaped(s.profile));
        html += QStringLiteral("</tr><tr bgcolor=\"#e8ecf2\" style=\"font-size:12px; "
                               "color:#404044\"><th></th>");
        for (qsizetype i = 0; i < shown.size(); ++i)
            html += QStringLiteral("<th align=\"left\">%1</th><th align=\"left\">%2</th>")
                        .arg(escaped(tr("first → last")), escaped(tr("change")));
        html += QStringLiteral("</tr></thead>");
        for (qsizetype r = 0; r < rows.size(); ++r) {
            const QString &metric = rows[r].metric;
            html += QStringLiteral("<tr%1><td>%2</td>")
                        .arg(r % 2 ? QStringLiteral(" bgcolor=\"#f5f7fa\"") : QString(),
                             escaped(metricDisplayName(metric)));
            for (const ProfileSummary &s : shown) {
                const auto f =
                    std::find_if(s.figures.cbegin(), s.figures.cend(),
                                 [&metric](const HeadlineFigure &h) { return h.metric == metric; });
                if (f == s.figures.cend()) {
                    html += QStringLiteral("<td>–</td><td></td>");
                    continue;
                }
                html += QStringLiteral("<td>%1 → <b>%2</b></td><td>%3</td>")
                            .arg(escaped(headlineValue(metric, f->change.first, locale)),
                                 escaped(headlineValue(metric, f->change.last, locale)),
                                 escaped(headlineChange(metric, f->change, locale)));
            }
            html += QStringLiteral("</tr>");
        }
        html += QStringLiteral("</table>");
    }

    auto doc = std::make_unique<QTextDocument>();
    QFont font = doc->defaultFont();
    font.setPixelSize(14);
    doc->setDefaultFont(font);
    doc->setDocumentMargin(0);
    doc->setPageSize(pageSize);
    doc->setHtml(html);
    return doc;
}

QByteArray ReportRenderer::render(ChartExporter::Format format, const Data &data,
                                  const QString &caption, QString *error)
{
    ChartPresenter::show(data.charts, specs(), m_charts);
    QList<QList<ChartView *>> pageCharts;
    qsizetype next = 0;
    for (const QList<ChartSpec> &page : pages()) {
        pageCharts.append(m_charts.mid(next, page.size()));
        next += page.size();
    }
    if (format != ChartExporter::Format::Pdf)
        return ChartExporter::encodePages(format, pageCharts, caption,
                                          ChartExporter::kDefaultChartSize, error);

    // The summary first, in as many pages as it needs, then the charts.
    const QRectF area = ChartExporter::pdfContentRect(caption);
    const std::shared_ptr<QTextDocument> summary = summaryDocument(data, area.size());
    QList<ChartExporter::PagePainter> pdfPages;
    for (int i = 0; i < summary->pageCount(); ++i)
        pdfPages.append([summary, i](QPainter *painter, const QRectF &content) {
            const qreal h = content.height();
            painter->translate(content.left(), content.top() - i * h);
            summary->drawContents(painter, QRectF(0, i * h, content.width(), h));
        });
    pdfPages += ChartExporter::pdfChartPages(pageCharts);
    return ChartExporter::pdf(pdfPages, caption, error);
}

} // namespace turnstile
