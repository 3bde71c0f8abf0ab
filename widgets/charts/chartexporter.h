#pragma once

#include "history/namedseries.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QSize>
#include <QString>

#include <functional>
#include <optional>

class QDateTime;
class QImage;
class QPainter;
class QRectF;

namespace turnstile {

class ChartView;

// Turns charts into files: PNG, SVG and PDF are painted through
// ChartView::render() with a caption under the charts (profiles, time range
// with its time zone, when, which Turnstile), CSV and JSON hold the numbers
// the charts show (JSON with the caption and each chart's title). A PDF is
// A4 landscape, two framed charts to a page, the caption and the page
// number in every page's footer; a legend that one row below the plot would
// cut goes beside it, in every format.
//
// Rendering needs the GUI thread (it paints widgets); writing the file does
// not, so encode() and write() are separate and write() may run on a worker.
// Every failure is one translated sentence, never silence.
class ChartExporter
{
    Q_DECLARE_TR_FUNCTIONS(ChartExporter)
public:
    enum class Format
    {
        Png,
        Svg,
        Pdf,
        Csv,
        Json
    };

    static constexpr int kCaptionHeight = 28;
    static constexpr QSize kDefaultChartSize{1200, 420};
    // PDF pages are A4 landscape, painted in the window's pixels (96 dpi) so
    // fonts and pens look as on screen, with at most this many charts to a
    // page: each gets half the page, tall enough that no axis label is
    // elided and a slide can take it as it is.
    static constexpr int kPdfResolution = 96;
    static constexpr int kChartsPerPdfPage = 2;

    // Paints one PDF page's content into `area` (the page less its margins
    // and its footer, in px).
    using PagePainter = std::function<void(QPainter *painter, const QRectF &area)>;

    // By the file name's suffix; nullopt for anything else.
    static std::optional<Format> formatOf(const QString &path);
    // The sentence for a file name formatOf() does not know.
    static QString unsupportedFormat(const QString &path);
    // PNG and SVG: charts stacked, each chartSize, plus the caption line.
    static QSize pictureSize(int charts, QSize chartSize = kDefaultChartSize);

    static QString caption(const QStringList &profiles, qint64 from, qint64 to,
                           const QDateTime &generatedAt);
    // The one painter path: the charts stacked in page, the caption under them.
    static void paint(QPainter *painter, const QRectF &page, const QList<ChartView *> &charts,
                      const QString &caption);

    // A PDF page's content area in px: A4 landscape less the margins and a
    // footer holding `caption`, wrapped, never cut.
    static QRectF pdfContentRect(const QString &caption);
    // Where the charts of one PDF page go in its content area: stacked from
    // the top, each the same half of it, at most kChartsPerPdfPage.
    static QList<QRectF> pdfChartRects(const QRectF &area, int charts);
    // Chart groups (a window page's charts) as PDF pages: each group starts
    // a page, kChartsPerPdfPage charts to a page, each in a frame.
    static QList<PagePainter> pdfChartPages(const QList<QList<ChartView *>> &groups);
    // A PDF of these pages, each with a footer: the caption and "page n of m".
    static QByteArray pdf(const QList<PagePainter> &pages, const QString &caption,
                          QString *error = nullptr);
    // time,series,min,max,avg,count,metric,profile; time in ISO 8601 UTC,
    // series the human name, metric and profile the keys.
    static QByteArray csv(const QList<NamedSeries> &series);

    // time,series,min,max,avg,count,metric,profile of every chart; a series that two
    // charts share (a scatter chart's y is often a time chart's curve) once,
    // as the first chart showing it has it.
    static QByteArray csvOfCharts(const QList<ChartView *> &charts);

    // {"caption", "generator", "charts": [{"title", "series": [{"name",
    // "metric", "profile", "buckets": [{"time", "min", "max", "avg", "count"}]}], "annotations"}]}:
    // every chart as shown, each with its own title, and the caption, so a
    // script gets what a person sees.
    static QByteArray jsonOfCharts(const QList<ChartView *> &charts, const QString &caption);

    // The picture a PNG export holds: the charts stacked, the caption under
    // them, on white. Also what "Copy image" puts on the clipboard.
    static QImage image(const QList<ChartView *> &charts, const QString &caption,
                        QSize chartSize = kDefaultChartSize);

    // The file's bytes, or an empty array and a sentence in *error.
    static QByteArray encode(Format format, const QList<ChartView *> &charts,
                             const QString &caption, QSize chartSize = kDefaultChartSize,
                             QString *error = nullptr);
    // Several groups of charts (a report's sections): a PDF gets
    // pdfChartPages() of them, each page with the caption; PNG and SVG stack
    // every chart in one picture, pictureSize(all charts) large; CSV holds
    // them all.
    static QByteArray encodePages(Format format, const QList<QList<ChartView *>> &pages,
                                  const QString &caption, QSize chartSize = kDefaultChartSize,
                                  QString *error = nullptr);
    // Writes atomically (QSaveFile). Empty on success, else one sentence.
    // Touches no widget: safe on a worker thread.
    static QString write(const QString &path, const QByteArray &data);
    // The asynchronous export every chart view uses: encode() on this (the
    // GUI) thread, write() on a worker; `done` gets the error (empty on
    // success) on `context`'s thread, at once when nothing can be encoded,
    // never when context is gone.
    static void exportAsync(QObject *context, const QString &path, const QList<ChartView *> &charts,
                            const QString &caption, std::function<void(const QString &error)> done);
    // encode() then write(), on the calling thread. Empty on success.
    static QString exportTo(const QString &path, const QList<ChartView *> &charts,
                            const QString &caption, QSize chartSize = kDefaultChartSize);
};

} // namespace turnstile
