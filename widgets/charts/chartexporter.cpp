#include "chartexporter.h"

#include "chartview.h"
#include "util/atomicfile.h"
#include "util/iopool.h"
#include "util/timetext.h"
#include "util/whenfinished.h"

#include <QBuffer>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QFontMetricsF>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QPageLayout>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QSet>
#include <QSvgGenerator>
#include <QtConcurrent/QtConcurrentRun>

#include <cmath>

namespace turnstile {

namespace {
QString csvField(const QString &s)
{
    if (!s.contains(u',') && !s.contains(u'"') && !s.contains(u'\n'))
        return s;
    QString quoted = s;
    quoted.replace(u'"', QStringLiteral("\"\""));
    return u'"' + quoted + u'"';
}

// Whether a chart's legend fits in one row below a plot this wide: each
// entry is its marker, its name and the spacing around them (QtCharts'
// light theme writes legends in the application font).
bool legendFitsBelow(const ChartView *chart, qreal width)
{
    constexpr qreal kEntryExtra = 40; // marker, gaps
    QStringList names;
    if (chart->kind() == ChartView::Kind::Scatter)
        for (const ScatterSeries &s : chart->scatter())
            names.append(s.name);
    else
        for (const NamedSeries &s : chart->series())
            names.append(s.name);
    const QFontMetricsF metrics{QFont()};
    qreal needed = 0;
    for (const QString &name : std::as_const(names))
        needed += metrics.horizontalAdvance(name) + kEntryExtra;
    return needed <= width * 0.85;
}

// Every export paints a chart through here. QtCharts cuts legend names that
// do not fit in one row below the plot ("Obsolete revocation …", "de… lab…"):
// such a legend goes beside the plot, one name a line, for the picture only.
void renderChart(ChartView *chart, QPainter *painter, const QRectF &target)
{
    const Qt::Alignment shown = chart->legendAlignment();
    chart->setLegendAlignment(legendFitsBelow(chart, target.width()) ? Qt::AlignBottom
                                                                     : Qt::AlignRight);
    chart->render(painter, target);
    chart->setLegendAlignment(shown);
}

QString number(double v)
{
    return QString::number(v, 'g', 15);
}
} // namespace

std::optional<ChartExporter::Format> ChartExporter::formatOf(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == u"png")
        return Format::Png;
    if (suffix == u"svg")
        return Format::Svg;
    if (suffix == u"pdf")
        return Format::Pdf;
    if (suffix == u"csv")
        return Format::Csv;
    if (suffix == u"json")
        return Format::Json;
    return std::nullopt;
}

QString ChartExporter::unsupportedFormat(const QString &path)
{
    return tr("Could not export to %1: choose a file name ending in .png, .svg, .pdf, .csv or "
              ".json.")
        .arg(QDir::toNativeSeparators(path));
}

QSize ChartExporter::pictureSize(int charts, QSize chartSize)
{
    return QSize(chartSize.width(), std::max(charts, 1) * chartSize.height() + kCaptionHeight);
}

QString ChartExporter::caption(const QStringList &profiles, qint64 from, qint64 to,
                               const QDateTime &generatedAt)
{
    const QLocale locale;
    const auto when = [&locale](qint64 secs) {
        return locale.toString(QDateTime::fromSecsSinceEpoch(secs), QLocale::ShortFormat);
    };
    // Local times, so the caption names their zone: a report mailed to a
    // team in another one must not read as its own time.
    return tr("%1 · %2 – %3 (%4) · generated %5 · Turnstile %6")
        .arg(profiles.join(QStringLiteral(", ")), when(from), when(to), timeZoneText(from, to),
             locale.toString(generatedAt, QLocale::ShortFormat), QStringLiteral(TURNSTILE_VERSION));
}

void ChartExporter::paint(QPainter *painter, const QRectF &page, const QList<ChartView *> &charts,
                          const QString &caption)
{
    const qreal chartsHeight = page.height() - kCaptionHeight;
    const qreal each = charts.isEmpty() ? chartsHeight : chartsHeight / qreal(charts.size());
    for (qsizetype i = 0; i < charts.size(); ++i)
        renderChart(charts[i], painter,
                    QRectF(page.left(), page.top() + qreal(i) * each, page.width(), each));
    painter->save();
    painter->setPen(Qt::black);
    QFont f = painter->font();
    f.setPixelSize(13);
    painter->setFont(f);
    painter->drawText(
        QRectF(page.left() + 8, page.top() + chartsHeight, page.width() - 16, kCaptionHeight),
        Qt::AlignLeft | Qt::AlignVCenter, caption);
    painter->restore();
}

namespace {
QPageLayout pdfPageLayout()
{
    return QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Landscape, QMarginsF(10, 10, 10, 10),
                       QPageLayout::Millimeter);
}

QFont footerFont()
{
    QFont f;
    f.setPixelSize(12);
    return f;
}

constexpr qreal kFooterGap = 10; // between the content and the footer's rule
constexpr qreal kPageNumberWidth = 110;
constexpr qreal kChartGap = 16;    // between two charts of a page
constexpr qreal kFramePadding = 6; // between a chart's frame and the chart
// The frame around each chart of a PDF page: a quiet slate blue that no
// curve, grid line or label uses, so a test finds the charts in the raster.
constexpr QRgb kFrameColour = 0x8fa3bf;

QRectF footerTextRect(const QRectF &page, qreal footerHeight)
{
    return QRectF(page.left(), page.bottom() - footerHeight + kFooterGap,
                  page.width() - kPageNumberWidth, footerHeight - kFooterGap);
}

qreal footerHeight(const QRectF &page, const QString &caption)
{
    const QRectF text = QFontMetricsF(footerFont())
                            .boundingRect(QRectF(0, 0, page.width() - kPageNumberWidth, 1e6),
                                          Qt::AlignLeft | Qt::TextWordWrap, caption);
    return kFooterGap + std::ceil(text.height()) + 4;
}

void paintFooter(QPainter *painter, const QRectF &page, qreal height, const QString &caption,
                 int number, int count)
{
    painter->save();
    painter->setFont(footerFont());
    painter->setPen(QPen(QColor(0xc8, 0xcc, 0xd2), 1));
    const qreal rule = page.bottom() - height + kFooterGap / 2;
    painter->drawLine(QPointF(page.left(), rule), QPointF(page.right(), rule));
    painter->setPen(QColor(0x40, 0x40, 0x44));
    painter->drawText(footerTextRect(page, height), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                      caption);
    painter->drawText(QRectF(page.right() - kPageNumberWidth, page.bottom() - height + kFooterGap,
                             kPageNumberWidth, height - kFooterGap),
                      Qt::AlignRight | Qt::AlignTop,
                      ChartExporter::tr("page %1 of %2").arg(number).arg(count));
    painter->restore();
}
} // namespace

QRectF ChartExporter::pdfContentRect(const QString &caption)
{
    const QRectF page(QPointF(0, 0),
                      QSizeF(pdfPageLayout().paintRectPixels(kPdfResolution).size()));
    return QRectF(page.topLeft(),
                  QSizeF(page.width(), page.height() - footerHeight(page, caption)));
}

QList<QRectF> ChartExporter::pdfChartRects(const QRectF &area, int charts)
{
    const int shown = std::clamp(charts, 0, kChartsPerPdfPage);
    // Always the same height, also for a page's last, lone chart: the
    // charts of a report keep one scale.
    const qreal each = (area.height() - kChartGap * (kChartsPerPdfPage - 1)) / kChartsPerPdfPage;
    QList<QRectF> rects;
    for (int i = 0; i < shown; ++i)
        rects.append(QRectF(area.left(), area.top() + i * (each + kChartGap), area.width(), each));
    return rects;
}

QList<ChartExporter::PagePainter>
ChartExporter::pdfChartPages(const QList<QList<ChartView *>> &groups)
{
    QList<PagePainter> pages;
    for (const QList<ChartView *> &group : groups)
        for (qsizetype first = 0; first < group.size(); first += kChartsPerPdfPage) {
            const QList<ChartView *> charts = group.mid(first, kChartsPerPdfPage);
            pages.append([charts](QPainter *painter, const QRectF &area) {
                const QList<QRectF> rects = pdfChartRects(area, int(charts.size()));
                for (qsizetype i = 0; i < rects.size(); ++i) {
                    const QRectF frame = rects[i].adjusted(1, 1, -1, -1);
                    renderChart(charts[i], painter,
                                frame.adjusted(kFramePadding, kFramePadding, -kFramePadding,
                                               -kFramePadding));
                    painter->save();
                    painter->setBrush(Qt::NoBrush);
                    painter->setPen(QPen(QColor::fromRgb(kFrameColour), 2));
                    painter->drawRoundedRect(frame, 4, 4);
                    painter->restore();
                }
            });
        }
    return pages;
}

QByteArray ChartExporter::pdf(const QList<PagePainter> &pages, const QString &caption,
                              QString *error)
{
    const auto failed = [error] {
        if (error)
            *error = tr("The chart could not be encoded as PDF.");
        return QByteArray();
    };
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter pdf(&buffer);
    pdf.setTitle(caption);
    pdf.setCreator(QStringLiteral("Turnstile " TURNSTILE_VERSION));
    pdf.setPageLayout(pdfPageLayout());
    // Screen-like units, so fonts and pens match the PNG and the window.
    pdf.setResolution(kPdfResolution);
    QPainter p;
    if (!p.begin(&pdf))
        return failed();
    p.setRenderHint(QPainter::Antialiasing);
    const QRectF page(0, 0, pdf.width(), pdf.height());
    const QRectF area = pdfContentRect(caption);
    const qreal footer = page.height() - area.height();
    for (qsizetype i = 0; i < pages.size(); ++i) {
        if (i > 0 && !pdf.newPage())
            return failed();
        p.save();
        pages[i](&p, area);
        p.restore();
        paintFooter(&p, page, footer, caption, int(i + 1), int(pages.size()));
    }
    p.end();
    return bytes;
}

QByteArray ChartExporter::csv(const QList<NamedSeries> &series)
{
    // series is the legend's human name; metric and profile, appended so the
    // earlier columns keep their places, are the keys a script joins on.
    QString out = QStringLiteral("time,series,min,max,avg,count,metric,profile\n");
    for (const NamedSeries &s : series)
        for (const Bucket &b : s.buckets)
            out += QDateTime::fromSecsSinceEpoch(b.ts, Qt::UTC).toString(Qt::ISODate) + u',' +
                   csvField(s.name) + u',' + number(b.min) + u',' + number(b.max) + u',' +
                   number(b.avg()) + u',' + QString::number(b.count) + u',' + csvField(s.metric) +
                   u',' + csvField(s.profile) + u'\n';
    return out.toUtf8();
}

QByteArray ChartExporter::csvOfCharts(const QList<ChartView *> &charts)
{
    // A stored series is identified by profile and metric (two metrics could
    // share a translated name), anything else by its name; the first chart
    // that shows a series has it at the finest resolution (the widest chart
    // comes first).
    QList<NamedSeries> all;
    QSet<QString> seen;
    for (const ChartView *c : charts)
        for (const NamedSeries &s : c->series()) {
            const QString id = s.metric.isEmpty() ? u'\n' + s.name : s.profile + u'\n' + s.metric;
            if (!seen.contains(id)) {
                seen.insert(id);
                all.append(s);
            }
        }
    return csv(all);
}

QByteArray ChartExporter::jsonOfCharts(const QList<ChartView *> &charts, const QString &caption)
{
    const auto time = [](qint64 secs) {
        return QDateTime::fromSecsSinceEpoch(secs, Qt::UTC).toString(Qt::ISODate);
    };
    // NaN is not JSON: a bucket always has count > 0, but stay safe.
    const auto number = [](double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); };
    QJsonArray chartsJson;
    for (const ChartView *c : charts) {
        QJsonArray seriesJson;
        for (const NamedSeries &s : c->series()) {
            QJsonArray buckets;
            for (const Bucket &b : s.buckets)
                buckets.append(QJsonObject{{QStringLiteral("time"), time(b.ts)},
                                           {QStringLiteral("min"), number(b.min)},
                                           {QStringLiteral("max"), number(b.max)},
                                           {QStringLiteral("avg"), number(b.avg())},
                                           {QStringLiteral("count"), b.count}});
            seriesJson.append(QJsonObject{{QStringLiteral("name"), s.name},
                                          {QStringLiteral("metric"), s.metric},
                                          {QStringLiteral("profile"), s.profile},
                                          {QStringLiteral("buckets"), buckets}});
        }
        QJsonArray annotations;
        for (const Annotation &a : c->annotations())
            annotations.append(QJsonObject{{QStringLiteral("time"), time(a.ts)},
                                           {QStringLiteral("profile"), a.profile},
                                           {QStringLiteral("kind"), a.kind},
                                           {QStringLiteral("text"), a.text}});
        chartsJson.append(QJsonObject{{QStringLiteral("title"), c->title()},
                                      {QStringLiteral("kind"), c->kind() == ChartView::Kind::Scatter
                                                                   ? QStringLiteral("scatter")
                                                                   : QStringLiteral("time")},
                                      {QStringLiteral("series"), seriesJson},
                                      {QStringLiteral("annotations"), annotations}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("caption"), caption},
                                     {QStringLiteral("generator"),
                                      QStringLiteral("Turnstile " TURNSTILE_VERSION)},
                                     {QStringLiteral("charts"), chartsJson}})
        .toJson(QJsonDocument::Indented);
}

QImage ChartExporter::image(const QList<ChartView *> &charts, const QString &caption,
                            QSize chartSize)
{
    const QSize size = pictureSize(int(charts.size()), chartSize);
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    paint(&p, QRectF(QPointF(0, 0), QSizeF(size)), charts, caption);
    return image;
}

QByteArray ChartExporter::encode(Format format, const QList<ChartView *> &charts,
                                 const QString &caption, QSize chartSize, QString *error)
{
    return encodePages(format, {charts}, caption, chartSize, error);
}

QByteArray ChartExporter::encodePages(Format format, const QList<QList<ChartView *>> &pages,
                                      const QString &caption, QSize chartSize, QString *error)
{
    const auto failed = [error](const QString &message) {
        if (error)
            *error = message;
        return QByteArray();
    };
    QList<ChartView *> all;
    for (const QList<ChartView *> &page : pages)
        all += page;
    if (format == Format::Csv)
        return csvOfCharts(all);
    if (format == Format::Json)
        return jsonOfCharts(all, caption);
    if (format == Format::Pdf)
        return pdf(pdfChartPages(pages), caption, error);
    const QSize size = pictureSize(int(all.size()), chartSize);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    switch (format) {
    case Format::Png: {
        if (!image(all, caption, chartSize).save(&buffer, "PNG"))
            return failed(tr("The chart could not be encoded as PNG."));
        break;
    }
    case Format::Svg: {
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(size);
        svg.setViewBox(QRect(QPoint(0, 0), size));
        svg.setTitle(caption);
        QPainter p;
        if (!p.begin(&svg))
            return failed(tr("The chart could not be encoded as SVG."));
        paint(&p, QRectF(QPointF(0, 0), QSizeF(size)), all, caption);
        p.end();
        break;
    }
    case Format::Pdf:
    case Format::Csv:
    case Format::Json:
        break;
    }
    return bytes;
}

QString ChartExporter::write(const QString &path, const QByteArray &data)
{
    return writeFileAtomically(path, data);
}

void ChartExporter::exportAsync(QObject *context, const QString &path,
                                const QList<ChartView *> &charts, const QString &caption,
                                std::function<void(const QString &error)> done)
{
    const std::optional<Format> format = formatOf(path);
    if (!format) {
        done(unsupportedFormat(path));
        return;
    }
    // Painting needs this (the GUI) thread; the file is written on a worker.
    QString error;
    const QByteArray bytes = encode(*format, charts, caption, kDefaultChartSize, &error);
    if (!error.isEmpty() || bytes.isEmpty()) {
        done(error.isEmpty() ? tr("Nothing to export.") : error);
        return;
    }
    whenFinished(
        context,
        QtConcurrent::run(ioPool(), [path, bytes] { return writeFileAtomically(path, bytes); }),
        std::move(done));
}

QString ChartExporter::exportTo(const QString &path, const QList<ChartView *> &charts,
                                const QString &caption, QSize chartSize)
{
    const std::optional<Format> format = formatOf(path);
    if (!format)
        return unsupportedFormat(path);
    QString error;
    const QByteArray bytes = encode(*format, charts, caption, chartSize, &error);
    if (!error.isEmpty())
        return error;
    return write(path, bytes);
}

} // namespace turnstile
