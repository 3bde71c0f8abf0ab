#pragma once

#include "chartexporter.h"
#include "history/chartdata.h"
#include "history/chartspec.h"
#include "history/historyconfig.h"

#include <QCoreApplication>
#include <QList>
#include <QStringList>
#include <QWidget>

class QDateTime;

namespace turnstile {

class ChartView;

// `turnstilectl report`: the charts of the Growth and Latency pages for one
// or more profiles, one curve per profile and metric, painted through
// ChartExporter like an export from the window. A PDF gets one page per
// window page, a PNG every chart stacked.
//
// load() reads the store and may run on any thread; a ReportRenderer owns
// chart widgets, so construct it and render() on the GUI thread. The two
// are separate so the charts can be set up while a worker reads.
class ReportRenderer
{
    Q_DECLARE_TR_FUNCTIONS(ReportRenderer)
public:
    ReportRenderer();
    ~ReportRenderer();
    ReportRenderer(const ReportRenderer &) = delete;
    ReportRenderer &operator=(const ReportRenderer &) = delete;

    // The report's pages, each the chart specs of one window page.
    static QList<QList<ChartSpec>> pages();
    // Every chart of every page, in order.
    static QList<ChartSpec> specs();
    // Buckets per curve: one per pixel of the widest picture.
    static int pixelBudget() { return ChartExporter::kDefaultChartSize.width(); }

    // Blocking: opens the store, reads every chart of every page, closes it.
    static ChartData load(const HistoryConfig &config, const QStringList &profiles, qint64 from,
                          qint64 to);

    // profiles · range · generated at · Turnstile version.
    static QString caption(const ChartData &load, const QDateTime &generatedAt);
    // The file's bytes (PNG or PDF; SVG and CSV work too), or empty and a
    // sentence in *error.
    QByteArray render(ChartExporter::Format format, const ChartData &load, const QString &caption,
                      QString *error);

    QList<ChartView *> charts() const { return m_charts; }

private:
    QWidget m_holder; // parent of the charts; never shown
    QList<ChartView *> m_charts;
};

} // namespace turnstile
