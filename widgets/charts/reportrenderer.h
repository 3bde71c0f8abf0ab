#pragma once

#include "chartexporter.h"
#include "health/profilesummary.h"
#include "history/chartdata.h"
#include "history/chartspec.h"
#include "history/historyconfig.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QSizeF>
#include <QStringList>
#include <QWidget>

#include <memory>

class QDateTime;
class QTextDocument;

namespace turnstile {

class ChartView;

// `turnstilectl report`: a summary of the profiles (each one's verdict with
// its reasons, and how the headline figures moved over the range), then the
// charts of the Growth and Latency pages, one curve per profile and metric,
// painted through ChartExporter like an export from the window. A PDF is A4
// landscape: the summary on the first page (the slide of a capacity
// review), then two charts to a page (ChartExporter::pdfChartPages). A PNG
// holds every chart stacked.
//
// load() reads the store and may run on any thread; a ReportRenderer owns
// chart widgets, so construct it and render() on the GUI thread. The two
// are separate so the charts can be set up while a worker reads.
class ReportRenderer
{
    Q_DECLARE_TR_FUNCTIONS(ReportRenderer)
public:
    // What load() read: the charts' data and one summary per profile.
    struct Data
    {
        ChartData charts;
        QList<ProfileSummary> summary; // empty when charts.error is set
    };

    ReportRenderer();
    ~ReportRenderer();
    ReportRenderer(const ReportRenderer &) = delete;
    ReportRenderer &operator=(const ReportRenderer &) = delete;

    // The report's chart sections, each the chart specs of one window page.
    static QList<QList<ChartSpec>> pages();
    // Every chart of every page, in order.
    static QList<ChartSpec> specs();
    // Buckets per curve: one per pixel of the widest picture.
    static int pixelBudget() { return ChartExporter::kDefaultChartSize.width(); }

    // Blocking: opens the store, reads every chart of every page and each
    // profile's summary (judged with its threshold overrides, by name),
    // closes it.
    static Data load(const HistoryConfig &config, const QStringList &profiles,
                     const QHash<QString, QJsonObject> &thresholds, qint64 from, qint64 to);

    // profiles · range (time zone) · generated at · Turnstile version.
    static QString caption(const ChartData &load, const QDateTime &generatedAt);

    // The summary as a document laid out in pages of `pageSize` (a PDF
    // page's content area); its pages are the report's first.
    static std::unique_ptr<QTextDocument> summaryDocument(const Data &data, const QSizeF &pageSize);

    // The file's bytes (PDF or PNG; SVG and CSV work too), or empty and a
    // sentence in *error.
    QByteArray render(ChartExporter::Format format, const Data &data, const QString &caption,
                      QString *error);

    QList<ChartView *> charts() const { return m_charts; }

private:
    QWidget m_holder; // parent of the charts; never shown
    QList<ChartView *> m_charts;
};

} // namespace turnstile
