#include "chartview.h"

#include "segmentitem.h"

#include "history/metricnames.h"
#include "util/numbertext.h"
#include "util/timetext.h"

#include <QApplication>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QDateTimeAxis>
#include <QFontMetricsF>
#include <QGraphicsEllipseItem>
#include <QGraphicsLayout>
#include <QGraphicsLineItem>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMouseEvent>
#include <QPainter>
#include <QScatterSeries>
#include <QStyle>
#include <QToolTip>
#include <QVBoxLayout>
#include <QWheelEvent>

#include <cmath>
#include <limits>

namespace turnstile {

namespace {
double msecs(qint64 secs)
{
    return double(secs) * 1000.0;
}

// Eight colours that stay apart for colour-blind readers (Okabe-Ito, with
// Tol's olive and wine for seven and eight); QtCharts' themes have five, so
// "all profiles side by side" gave two curves one colour. Past eight, the
// colours repeat with another line style: no colour and style pair means
// two curves.
constexpr QRgb kPalette[] = {0x0072B2, 0xE69F00, 0x009E73, 0xD55E00,
                             0x56B4E9, 0xCC79A7, 0x999933, 0x882255};
constexpr qreal kPatternedWidth = 1.0; // see rebuildCurves
constexpr Qt::PenStyle kLineStyles[] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine, Qt::DashDotLine};

QColor seriesColour(qsizetype index, bool dark)
{
    const QColor c = QColor::fromRgb(kPalette[index % std::size(kPalette)]);
    // The darker hues vanish on a dark background.
    return dark && c.lightness() < 110 ? c.lighter(160) : c;
}

Qt::PenStyle seriesLineStyle(qsizetype index)
{
    return kLineStyles[(index / std::size(kPalette)) % std::size(kLineStyles)];
}

// How many ticks a time axis this wide gets: a date label needs ~130 px, so
// a half-width chart gets fewer ticks rather than elided labels. A range of
// whole days gets whole-day steps where the width allows (8 ticks for
// 7 days, 7 for 30 days) so no date seems to be skipped.
int timeTicks(qreal width, qint64 span)
{
    const int most = std::clamp(int((width - 80) / 130) + 1, 3, 8);
    if (span >= 2 * 86400 && span % 86400 == 0)
        for (int n = most; n >= 3; --n)
            if ((span / 86400) % (n - 1) == 0)
                return n;
    return std::min(most, 7);
}

// Tick count and format of a time axis this wide over [from, to): as many
// ticks as timeTicks allows while the widest label of the format fits
// between two of them with room to spare. QtCharts elides a label well
// before it touches its neighbour ("11/14/2023 2…" at 3 ticks in 360 px,
// where the label measured 115 px of 140); 1.4 times the label was the
// factor that kept it whole.
std::pair<int, QString> timeAxisLayout(qreal width, qint64 from, qint64 to, const QFont &font)
{
    const QFontMetricsF metrics(font);
    const QLocale locale;
    // Two-digit day, month and hour: the widest of each format.
    const QDateTime widest(QDate(2000, 12, 28), QTime(23, 58, 58));
    int ticks = timeTicks(width, to - from);
    QString format;
    for (;; --ticks) {
        format = axisTimeFormat(from, to, ticks, QDateTime::currentDateTime());
        const qreal label = metrics.horizontalAdvance(locale.toString(widest, format));
        if (ticks <= 2 || (width - 80) / (ticks - 1) >= label * 1.4)
            break;
    }
    return {ticks, format};
}

// Thresholds and annotation markers are grey, told apart by their dashes
// and labels: amber or red lines read as one more region's curve beside
// the palette's orange and vermillion (seen on the side-by-side page). The
// grey is mid-tone, legible on the light and the dark theme.
constexpr QRgb kWarningColour = 0x808080;
constexpr QRgb kCriticalColour = 0x5A5A5A;
constexpr QRgb kMarkerColour = 0x8C7A99;
// Staggered annotation labels; a label that needs a fourth line is folded
// into its neighbour's "+N".
constexpr int kMarkerLines = 3;
// An annotation label may take this share of the plot's width (at least
// kMinLabelWidth px) before it wraps: "Purged 1.9 M expired tokens" stays
// one line, a longer action two.
constexpr qreal kLabelShare = 0.4;
constexpr qreal kMinLabelWidth = 110;

// text within maxWidth: whole on one line if it fits, else broken at the
// space that gives the most even two lines; only what does not fit on two
// lines is elided, at the end. The old fixed cut at 32 characters lost the object of
// most actions ("Purged 1.9 M expired tokens of…") on charts with room.
QString fittedLabel(const QString &text, const QFont &font, qreal maxWidth)
{
    const QFontMetricsF metrics(font);
    if (metrics.horizontalAdvance(text) <= maxWidth)
        return text;
    qsizetype best = -1;
    qreal bestWidth = 0;
    for (qsizetype i = 1; i + 1 < text.size(); ++i) {
        if (text[i] != u' ')
            continue;
        const qreal w = std::max(metrics.horizontalAdvance(text.left(i)),
                                 metrics.horizontalAdvance(text.mid(i + 1)));
        if (best < 0 || w < bestWidth) {
            best = i;
            bestWidth = w;
        }
    }
    if (best >= 0 && bestWidth <= maxWidth)
        return text.left(best) + u'\n' + text.mid(best + 1);
    // Too long for two whole lines: the first as full as it can be, the
    // rest elided, so the label reads from its start.
    qsizetype cut = -1;
    for (qsizetype i = 1; i + 1 < text.size(); ++i)
        if (text[i] == u' ' && metrics.horizontalAdvance(text.left(i)) <= maxWidth)
            cut = i;
    if (cut < 0)
        return metrics.elidedText(text, Qt::ElideRight, maxWidth);
    return text.left(cut) + u'\n' + metrics.elidedText(text.mid(cut + 1), Qt::ElideRight, maxWidth);
}

// The last tick's label is centred on the plot's right edge: room for half
// of "1.25 k" (the scatter's x axis was cut to "1.25 l").
constexpr int kRightMargin = 18;
} // namespace

// Sets [lo, hi] widened to whole multiples of a 1-2-2.5-5 step, with at
// most five intervals, so tick labels read 0, 10, 20 (QValueAxis::
// applyNiceNumbers made 0, 13.3333, 26.6667, 40 of a 0-21 range). The labels
// are categories placed on the tick values, because a QValueAxis only
// knows printf formats: no locale, no "1.5 M" (axisNumber does both), no
// units ("1.5 s"). Counts get whole steps: there is no quarter of a trust.
void ChartView::setNiceRange(QCategoryAxis *axis, double lo, double hi, ChartSpec::Unit unit)
{
    constexpr int kMaxIntervals = 5;
    if (!(hi > lo))
        hi = lo + 1;
    const bool whole = unit == ChartSpec::Unit::Count;
    if (whole)
        hi = std::max(hi, lo + 1);
    const double raw = (hi - lo) / kMaxIntervals;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * magnitude;
    for (const double m : {1.0, 2.0, 2.5, 5.0}) {
        const double candidate = m * magnitude;
        if (whole && (candidate < 1 || candidate != std::floor(candidate)))
            continue;
        if (candidate >= raw) {
            step = candidate;
            break;
        }
    }
    if (whole)
        step = std::max(1.0, std::ceil(step));
    const double niceLo = std::floor(lo / step) * step;
    const double niceHi = std::ceil(hi / step) * step;
    // Tick count first: QtCharts lays the labels out on the range change and
    // did not redo them for a tick count set after it.
    const int ticks = int(std::lround((niceHi - niceLo) / step)) + 1;
    QStringList labels;
    for (int i = 0; i < ticks; ++i) {
        const double v = niceLo + i * step;
        labels.append(unit == ChartSpec::Unit::Milliseconds ? millisecondsText(v, step, niceHi)
                                                            : axisNumber(v, step));
    }
    // Every remove() and append() lays the axis out again; a pan that keeps
    // the value range (the usual case) must not pay for it.
    if (axis->startValue() == niceLo && axis->min() == niceLo && axis->max() == niceHi &&
        axis->categoriesLabels() == labels)
        return;
    for (const QString &label : axis->categoriesLabels())
        axis->remove(label);
    axis->setStartValue(niceLo);
    for (int i = 0; i < ticks; ++i)
        axis->append(labels[i], niceLo + i * step);
    axis->setTickCount(ticks);
    axis->setRange(niceLo, niceHi);
}

ChartView::ChartView(QWidget *parent) : ChartView(Kind::Time, parent) {}

ChartView::ChartView(Kind kind, QWidget *parent)
    : QWidget(parent), m_kind(kind), m_chart(new QChart), m_view(new QChartView(m_chart, this)),
      m_yAxis(new QCategoryAxis)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(180);
    // Our own legend (rebuildLegend): QLegend has one row and elides.
    m_chart->legend()->setVisible(false);
    m_chart->setMargins(QMargins(4, 4, kRightMargin, 4));
    m_yAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    if (m_kind == Kind::Time) {
        m_xAxis = new QDateTimeAxis;
        m_chart->addAxis(m_xAxis, Qt::AlignBottom);
    } else {
        m_xValueAxis = new QCategoryAxis;
        m_xValueAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        m_chart->addAxis(m_xValueAxis, Qt::AlignBottom);
    }
    m_chart->addAxis(m_yAxis, Qt::AlignLeft);
    // Labels and the legend are plain scene items, so they move with the
    // plot area on resizes and in exports rendered at another size.
    connect(m_chart, &QChart::plotAreaChanged, this, &ChartView::placeOverlays);
    if (m_kind == Kind::Time) {
        m_view->viewport()->installEventFilter(this);
        m_view->setToolTip(tr("Wheel: zoom · drag: pan · double click: back to the chosen range"));
        updateAxes();
    } else {
        updateScatterAxes();
    }
    applyPalette();
}

ChartView::~ChartView() = default;

void ChartView::setTitle(const QString &title)
{
    m_chart->setTitle(title);
}

QString ChartView::title() const
{
    return m_chart->title();
}

void ChartView::setAxisTitles(const QString &x, const QString &y)
{
    if (m_xValueAxis)
        m_xValueAxis->setTitleText(x);
    m_yAxis->setTitleText(y);
}

void ChartView::setValueUnit(ChartSpec::Unit unit)
{
    if (unit == m_unit)
        return;
    m_unit = unit;
    if (m_kind == Kind::Time)
        updateAxes();
    else
        updateScatterAxes();
}

void ChartView::setProfileOrder(const QStringList &profiles)
{
    if (profiles == m_profileOrder)
        return;
    m_profileOrder = profiles;
    m_restyle = true;
}

QList<NamedSeries> ChartView::series() const
{
    if (m_kind == Kind::Time)
        return m_series;
    QList<NamedSeries> out;
    for (const ScatterSeries &s : m_scatter)
        out << s.x << s.y;
    return out;
}

void ChartView::attach(QAbstractSeries *s)
{
    s->attachAxis(m_xAxis ? static_cast<QAbstractAxis *>(m_xAxis) : m_xValueAxis);
    s->attachAxis(m_yAxis);
}

ChartView::Segment ChartView::addSegment(const QPen &pen)
{
    Segment seg;
    seg.item = new SegmentItem(m_chart);
    QColor fill = pen.color();
    fill.setAlpha(60);
    seg.item->setStyle(pen, fill);
    // Over the grid and axes, under the threshold lines and annotation
    // markers: QtCharts puts its grid at z 2, axes at 3 and series at 4
    // (ChartPresenter::ZValues, private); tst_chartview curveAndBandAreDrawn
    // looks at the pixels.
    seg.item->setZValue(3.5);
    return seg;
}

void ChartView::rebuildCurves()
{
    for (const Curve &c : std::as_const(m_curves))
        for (const Segment &seg : c.segments) {
            delete seg.item;
        }
    m_curves.clear();
    const bool dark = m_chart->theme() == QChart::ChartThemeDark;
    // Several profiles: a colour per profile, a line style per metric, so a
    // colour always means one region. Order of first appearance: ChartData
    // lists every profile's curves, empty ones too, so a region keeps its
    // colour on every chart of the page.
    QStringList profiles = m_profileOrder, metrics;
    for (const NamedSeries &s : std::as_const(m_series)) {
        if (!s.profile.isEmpty() && !profiles.contains(s.profile))
            profiles.append(s.profile);
        const QString metric = s.metric.isEmpty() ? s.name : s.metric;
        if (!metrics.contains(metric))
            metrics.append(metric);
    }
    // Past eight regions a colour would mean two of them: then every curve
    // is styled on its own and named in full (the twelve-curve scheme).
    const bool byProfile = profiles.size() > 1 && profiles.size() <= qsizetype(std::size(kPalette));
    for (qsizetype i = 0; i < m_series.size(); ++i) {
        const NamedSeries &s = m_series[i];
        QPen pen;
        pen.setWidthF(1.6);
        if (byProfile) {
            const qsizetype p = std::max<qsizetype>(0, profiles.indexOf(s.profile));
            const qsizetype m = metrics.indexOf(s.metric.isEmpty() ? s.name : s.metric);
            pen.setColor(seriesColour(p, dark));
            pen.setStyle(kLineStyles[m % qsizetype(std::size(kLineStyles))]);
        } else {
            pen.setColor(seriesColour(i, dark));
            pen.setStyle(seriesLineStyle(i));
        }
        // A dashed or dotted curve 1.6 px wide goes through the dash stroker
        // and an antialiased fill on every paint: 12 of them cost a page
        // about 8 ms of CPU a step (bench_redraw --metrics 2). One pixel
        // wide, the raster engine draws the dashes directly, as cheaply as a
        // solid curve; the style (what tells the metrics apart) is unchanged.
        if (pen.style() != Qt::SolidLine)
            pen.setWidthF(kPatternedWidth);
        Curve c;
        c.pen = pen;
        c.segments.append(addSegment(pen));
        m_curves.append(c);
    }
    m_legendKey.clear();
}

void ChartView::setSeries(const QList<NamedSeries> &series)
{
    if (m_kind != Kind::Time)
        return;
    bool sameShape = series.size() == m_series.size();
    for (qsizetype i = 0; sameShape && i < series.size(); ++i)
        sameShape = series[i].name == m_series[i].name;
    m_series = series;
    if (!sameShape || m_restyle)
        rebuildCurves();
    m_restyle = false;

    // The axes first, from the new data, with the segments emptied (the old
    // points are not mapped to the new axes), then each segment filled and
    // placed once.
    for (const Curve &curve : std::as_const(m_curves))
        for (const Segment &seg : curve.segments)
            if (seg.item->pointCount() > 0)
                seg.item->setPoints({}, {}, {});
    updateAxes();

    for (qsizetype i = 0; i < m_series.size(); ++i) {
        const QList<Bucket> &buckets = m_series[i].buckets;
        // Stretches between gaps: [starts[k], starts[k + 1]).
        QList<qsizetype> starts{0};
        for (const qsizetype b : m_series[i].breaks)
            if (b > starts.last() && b < buckets.size())
                starts.append(b);
        starts.append(buckets.size());
        Curve &curve = m_curves[i];
        const qsizetype needed = std::max<qsizetype>(1, starts.size() - 1);
        while (curve.segments.size() < needed)
            curve.segments.append(addSegment(curve.pen));
        for (qsizetype k = 0; k < curve.segments.size(); ++k) {
            const Segment &seg = curve.segments[k];
            if (k >= starts.size() - 1)
                continue; // a segment of an earlier load with more gaps: stays empty
            QList<QPointF> avg, upper, lower;
            const qsizetype n = starts[k + 1] - starts[k];
            avg.reserve(n);
            upper.reserve(n);
            lower.reserve(n);
            for (qsizetype b = starts[k]; b < starts[k + 1]; ++b) {
                const Bucket &bucket = buckets[b];
                const double x = msecs(bucket.ts);
                avg.append(QPointF(x, bucket.avg()));
                upper.append(QPointF(x, bucket.max));
                lower.append(QPointF(x, bucket.min));
            }
            // One replace() per series: appending point by point repaints
            // and re-lays-out the chart once per point.
            seg.item->setPoints(std::move(avg), std::move(upper), std::move(lower));
        }
    }
    placeSegments();
    rebuildLegend();
}

void ChartView::rebuildClouds()
{
    for (QScatterSeries *c : std::as_const(m_clouds)) {
        m_chart->removeSeries(c);
        delete c;
    }
    m_clouds.clear();
    for (qsizetype i = 0; i < m_scatter.size(); ++i) {
        auto *cloud = new QScatterSeries;
        cloud->setName(m_scatter[i].name);
        m_chart->addSeries(cloud);
        attach(cloud);
        // Translucent points: where a cloud is dense, it shows as darker.
        QColor colour = seriesColour(i, m_chart->theme() == QChart::ChartThemeDark);
        colour.setAlpha(150);
        cloud->setColor(colour);
        cloud->setBorderColor(Qt::transparent);
        cloud->setMarkerSize(7);
        connect(cloud, &QScatterSeries::hovered, this, [this, i](const QPointF &p, bool state) {
            if (!state || i >= m_scatter.size())
                return;
            const QList<QPointF> points = m_scatter[i].points();
            const QList<qint64> times = m_scatter[i].times();
            const qsizetype at = points.indexOf(p);
            if (at < 0)
                return;
            QToolTip::showText(
                QCursor::pos(),
                QStringLiteral("%1\n%2: %3\n%4: %5")
                    .arg(QDateTime::fromSecsSinceEpoch(times[at]).toString(Qt::ISODate),
                         m_xValueAxis->titleText(), QString::number(p.x(), 'g', 6),
                         m_yAxis->titleText(), QString::number(p.y(), 'g', 6)));
        });
        m_clouds.append(cloud);
    }
    m_legendKey.clear();
}

void ChartView::setScatter(const QList<ScatterSeries> &scatter)
{
    if (m_kind != Kind::Scatter)
        return;
    bool sameShape = scatter.size() == m_scatter.size();
    for (qsizetype i = 0; sameShape && i < scatter.size(); ++i)
        sameShape = scatter[i].name == m_scatter[i].name;
    m_scatter = scatter;
    if (!sameShape)
        rebuildClouds();
    for (qsizetype i = 0; i < m_scatter.size(); ++i)
        m_clouds[i]->replace(m_scatter[i].points());
    updateScatterAxes();
    rebuildLegend();
}

void ChartView::updateScatterAxes()
{
    double xlo = std::numeric_limits<double>::infinity();
    double xhi = -xlo, ylo = xlo, yhi = -xlo;
    for (const ScatterSeries &s : std::as_const(m_scatter))
        for (const QPointF &p : s.points()) {
            xlo = std::min(xlo, p.x());
            xhi = std::max(xhi, p.x());
            ylo = std::min(ylo, p.y());
            yhi = std::max(yhi, p.y());
        }
    if (!std::isfinite(xlo)) {
        xlo = 0;
        xhi = 1;
        ylo = 0;
        yhi = 1;
    }
    // x is zoomed to the data: the question is how latency moves while the
    // count moves, not how the count compares with zero. y starts at zero
    // like every latency chart, so a small rise does not look like a cliff.
    const double xpad = xhi > xlo ? (xhi - xlo) * 0.05 : std::max(1.0, std::abs(xhi) * 0.05);
    // Counts are never negative: no axis that starts at -200 events.
    setNiceRange(m_xValueAxis, xlo >= 0 ? std::max(0.0, xlo - xpad) : xlo - xpad, xhi + xpad,
                 ChartSpec::Unit::None);
    if (ylo >= 0)
        ylo = 0;
    if (yhi <= ylo)
        yhi = ylo + 1;
    setNiceRange(m_yAxis, ylo, yhi + (yhi - ylo) * 0.05, m_unit);
}

void ChartView::setAnnotations(const QList<Annotation> &annotations)
{
    // A scatter chart has no time axis to put them on.
    if (m_kind != Kind::Time || annotations == m_annotations)
        return;
    m_annotations = annotations;
    rebuildMarkers();
}

void ChartView::setThresholds(const QList<ThresholdLine> &thresholds)
{
    if (m_kind != Kind::Time || thresholds == m_thresholds)
        return;
    m_thresholds = thresholds;
    rebuildThresholds();
    if (m_batch > 0)
        m_axesDue = true;
    else
        updateAxes();
}

void ChartView::rebuildThresholds()
{
    for (QLineSeries *l : std::as_const(m_thresholdLines)) {
        m_chart->removeSeries(l);
        delete l;
    }
    m_thresholdLines.clear();
    qDeleteAll(m_thresholdLabels);
    m_thresholdLabels.clear();
    const bool dark = m_chart->theme() == QChart::ChartThemeDark;
    for (const ThresholdLine &t : std::as_const(m_thresholds)) {
        auto *line = new QLineSeries;
        m_chart->addSeries(line);
        attach(line);
        // On a dark chart the darker grey is the one that vanishes.
        const QColor colour = QColor::fromRgb(t.critical ? kCriticalColour : kWarningColour);
        QPen pen(dark ? colour.lighter(t.critical ? 220 : 130) : colour);
        pen.setStyle(t.critical ? Qt::DashDotLine : Qt::DashLine);
        pen.setWidthF(t.critical ? 1.6 : 1.3);
        line->setPen(pen);
        m_thresholdLines.append(line);
        auto *label = new QGraphicsSimpleTextItem(m_chart);
        QFont f = label->font();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        label->setFont(f);
        f.setBold(t.critical);
        label->setFont(f);
        label->setBrush(pen.color());
        label->setZValue(10);
        m_thresholdLabels.append(label);
    }
}

void ChartView::updateThresholds()
{
    const double x0 = double(m_xAxis->min().toMSecsSinceEpoch());
    const double x1 = double(m_xAxis->max().toMSecsSinceEpoch());
    const double step = m_yAxis->max() - m_yAxis->min();
    for (qsizetype i = 0; i < m_thresholds.size() && i < m_thresholdLines.size(); ++i) {
        const ThresholdLine &t = m_thresholds[i];
        const bool inside = t.value >= m_yAxis->min() && t.value <= m_yAxis->max();
        m_thresholdLines[i]->replace(
            inside ? QList<QPointF>{QPointF(x0, t.value), QPointF(x1, t.value)} : QList<QPointF>());
        // "warning 300 ms", "critical 10 k events", "warning 1.5 s — lab".
        QString value = m_unit == ChartSpec::Unit::Milliseconds
                            ? millisecondsText(t.value, t.value / 100, t.value)
                            : axisNumber(t.value, std::max(std::abs(t.value) / 100, step / 1000));
        if (m_unit != ChartSpec::Unit::Milliseconds && !m_yAxis->titleText().isEmpty())
            value += u' ' + m_yAxis->titleText();
        QString text = t.critical ? tr("critical %1").arg(value) : tr("warning %1").arg(value);
        if (!t.profile.isEmpty())
            text = tr("%1 — %2", "threshold — profile").arg(text, t.profile);
        // A level beyond the axis has no line but is still named, in the
        // top right corner: "far from its warning level" is an answer too.
        const bool above = t.value > m_yAxis->max();
        m_thresholdLabels[i]->setText(
            inside ? text : tr("%1, above the chart", "threshold beyond the value axis").arg(text));
        m_thresholdLabels[i]->setVisible(inside || above);
    }
}

void ChartView::setTimeRange(qint64 from, qint64 to)
{
    m_from = from;
    m_to = to;
    if (m_kind != Kind::Time)
        return;
    if (m_batch > 0)
        m_axesDue = true;
    else
        updateAxes();
}

ChartView::Batch::Batch(ChartView *view) : m_view(view)
{
    ++m_view->m_batch;
}

ChartView::Batch::~Batch()
{
    if (--m_view->m_batch == 0 && m_view->m_axesDue)
        m_view->updateAxes();
}

void ChartView::updateAxes()
{
    m_axesDue = false;
    const bool fixedRange = m_to > m_from;
    qint64 from = fixedRange ? m_from : std::numeric_limits<qint64>::max();
    qint64 to = fixedRange ? m_to : std::numeric_limits<qint64>::min();
    double lo = std::numeric_limits<double>::infinity();
    double hi = -std::numeric_limits<double>::infinity();
    for (const NamedSeries &s : std::as_const(m_series))
        for (const Bucket &b : s.buckets) {
            lo = std::min(lo, b.min);
            hi = std::max(hi, b.max);
            if (!fixedRange) {
                from = std::min(from, b.ts);
                to = std::max(to, b.ts);
            }
        }
    if (from > to) {
        // Neither a range nor data: the last hour, so the axis reads sensibly.
        to = QDateTime::currentSecsSinceEpoch();
        from = to - 3600;
    }
    if (to <= from)
        to = from + 1;
    // Ticks and format before the range: the labels are laid out on the
    // range change.
    const auto [ticks, format] =
        timeAxisLayout(m_tickWidth > 0 ? m_tickWidth : width(), from, to, m_xAxis->labelsFont());
    m_xAxis->setTickCount(ticks);
    m_xAxis->setFormat(format);
    m_xAxis->setRange(QDateTime::fromMSecsSinceEpoch(qint64(msecs(from))),
                      QDateTime::fromMSecsSinceEpoch(qint64(msecs(to))));

    const bool data = std::isfinite(lo) && std::isfinite(hi);
    if (!data) {
        lo = 0;
        hi = 1;
    }
    // A threshold close above the data is worth the room: how far the curve
    // is from its warning level is the question. One far above (500 ms over
    // a 20 ms curve) would press the curve flat; it is left out.
    if (data)
        for (const ThresholdLine &t : std::as_const(m_thresholds))
            if (t.value > hi && t.value <= 2 * hi)
                hi = t.value;
    // Counts start at zero: a table's growth reads honestly only against
    // its absolute size, not against a zoomed-in band.
    if (lo >= 0)
        lo = 0;
    if (hi <= lo)
        hi = lo + 1;
    setNiceRange(m_yAxis, lo, hi + (hi - lo) * 0.05, m_unit);
    updateThresholds();
    updateMarkers();
    placeSegments();
}

void ChartView::placeSegments()
{
    if (!m_xAxis)
        return;
    const QRectF plot = m_chart->plotArea();
    const double x0 = double(m_xAxis->min().toMSecsSinceEpoch());
    const double x1 = double(m_xAxis->max().toMSecsSinceEpoch());
    for (const Curve &curve : std::as_const(m_curves))
        for (const Segment &seg : curve.segments)
            seg.item->place(plot, x0, x1, m_yAxis->min(), m_yAxis->max());
}

// Marker lines span the value axis: moved, not re-created, when it changes
// (a new series per marker and zoom step was a chart layout each).
void ChartView::updateMarkers()
{
    for (qsizetype i = 0; i < m_markers.size() && i < m_annotations.size(); ++i) {
        const double x = msecs(m_annotations[i].ts);
        m_markers[i]->replace({QPointF(x, m_yAxis->min()), QPointF(x, m_yAxis->max())});
    }
    placeMarkerLabels();
}

void ChartView::rebuildMarkers()
{
    for (QLineSeries *m : std::as_const(m_markers)) {
        m_chart->removeSeries(m);
        delete m;
    }
    m_markers.clear();
    qDeleteAll(m_markerLabels);
    m_markerLabels.clear();
    m_markerTexts.clear();
    for (const Annotation &a : std::as_const(m_annotations)) {
        auto *marker = new QLineSeries;
        marker->setName(a.text);
        m_chart->addSeries(marker);
        attach(marker);
        const bool dark = m_chart->theme() == QChart::ChartThemeDark;
        QPen pen(dark ? QColor::fromRgb(kMarkerColour).lighter(140)
                      : QColor::fromRgb(kMarkerColour));
        pen.setStyle(Qt::DotLine);
        pen.setWidthF(1.4);
        marker->setPen(pen);
        const QString text =
            QDateTime::fromSecsSinceEpoch(a.ts).toString(Qt::ISODate) + u' ' + a.text;
        connect(marker, &QLineSeries::hovered, this, [text](const QPointF &, bool state) {
            if (state)
                QToolTip::showText(QCursor::pos(), text);
        });
        m_markers.append(marker);

        // The whole text; placeMarkerLabels fits it to the plot's width.
        auto *label = new QGraphicsSimpleTextItem(a.text, m_chart);
        QFont f = label->font();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        label->setFont(f);
        label->setBrush(dark ? pen.color() : pen.color().darker(120));
        label->setZValue(10);
        m_markerLabels.append(label);
        m_markerTexts.append(a.text);
    }
    updateMarkers();
}

void ChartView::placeOverlays()
{
    placeLegend();
    placeMarkerLabels();
    placeSegments();
}

void ChartView::placeMarkerLabels()
{
    const QRectF plot = m_chart->plotArea();
    // Threshold labels: right-aligned just above their line; those of
    // levels above the axis stacked in the top right corner, where the
    // annotation labels then make way for them.
    QList<QRectF> placed;
    QList<qsizetype> placedIndex; // -1: a threshold's note, nothing to fold into
    qreal corner = plot.top() + 2;
    int cornerNotes = 0;
    for (qsizetype i = 0; i < m_thresholdLabels.size() && i < m_thresholdLines.size(); ++i) {
        QGraphicsSimpleTextItem *label = m_thresholdLabels[i];
        const QRectF box = label->boundingRect();
        if (m_thresholds[i].value > m_yAxis->max()) {
            const QRectF r(plot.right() - box.width() - 4, corner, box.width(), box.height());
            label->setPos(r.topLeft());
            placed.append(r);
            placedIndex.append(-1);
            corner += box.height() + 1;
            ++cornerNotes;
            continue;
        }
        const QPointF at = m_chart->mapToPosition(QPointF(msecs(m_from), m_thresholds[i].value),
                                                  m_thresholdLines[i]);
        label->setPos(plot.right() - box.width() - 4, at.y() - box.height());
    }
    // Actions close in time (a purge and its resume) would print their
    // labels over each other: a label that would overlap one already placed
    // goes one line lower; past kMarkerLines lines it is not drawn and the
    // label it ran into says "+1" (the marker and its tooltip stay).
    QList<int> folded(m_markerLabels.size(), 0);
    QStringList shown;
    for (qsizetype i = 0; i < m_markerLabels.size() && i < m_markers.size(); ++i) {
        const QPointF at = m_chart->mapToPosition(
            QPointF(msecs(m_annotations[i].ts), m_yAxis->max()), m_markers[i]);
        QGraphicsSimpleTextItem *label = m_markerLabels[i];
        shown.append(fittedLabel(m_markerTexts[i], label->font(),
                                 std::max<qreal>(kMinLabelWidth, plot.width() * kLabelShare)));
        label->setText(shown[i]);
        // Left of the marker when the label would run past the plot's right edge.
        const QRectF box = label->boundingRect();
        const qreal x =
            at.x() + 3 + box.width() > plot.right() ? at.x() - 3 - box.width() : at.x() + 3;
        bool visible = plot.contains(QPointF(at.x(), plot.center().y()));
        QRectF r(x, plot.top() + 2, box.width(), box.height());
        qsizetype clashWith = -1;
        for (int line = 0; visible; ++line) {
            const auto clash = std::find_if(placed.cbegin(), placed.cend(),
                                            [&r](const QRectF &p) { return p.intersects(r); });
            if (clash == placed.cend())
                break;
            // The corner's threshold notes do not count against the lines.
            if (line + 1 >= kMarkerLines + cornerNotes) {
                clashWith = placedIndex[clash - placed.cbegin()];
                visible = false;
                break;
            }
            r.translate(0, box.height() + 1);
        }
        if (clashWith >= 0)
            ++folded[clashWith];
        label->setPos(r.topLeft());
        label->setVisible(visible);
        if (visible) {
            placed.append(r);
            placedIndex.append(i);
        }
    }
    for (qsizetype i = 0; i < shown.size(); ++i)
        if (folded[i] > 0)
            m_markerLabels[i]->setText(
                tr("%1 +%2", "annotation label, further actions folded into it")
                    .arg(shown[i])
                    .arg(folded[i]));
}

// Legend entries from what is drawn: per curve its name; with several
// profiles, one entry per profile (its colour) and one per metric (its line
// style) instead of every pair, so "Live tokens — RegionTwo" × 8 does not
// need eight elided boxes. Curves without data have no entry.
void ChartView::rebuildLegend()
{
    struct Entry
    {
        QPen pen;
        QColor dot; // scatter clouds: a dot instead of a line
        QString text;
    };
    QList<Entry> entries;
    const QColor neutral = m_chart->legend()->labelColor();
    if (m_kind == Kind::Scatter) {
        for (qsizetype i = 0; i < m_scatter.size() && i < m_clouds.size(); ++i)
            if (!m_scatter[i].points().isEmpty())
                entries.append({QPen(Qt::NoPen), m_clouds[i]->color(), m_scatter[i].name});
    } else {
        QStringList profiles = m_profileOrder;
        for (const NamedSeries &s : std::as_const(m_series))
            if (!s.profile.isEmpty() && !profiles.contains(s.profile))
                profiles.append(s.profile);
        if (profiles.size() > 1 && profiles.size() <= qsizetype(std::size(kPalette))) {
            QStringList metricsDone;
            QList<Entry> metricEntries;
            QStringList profilesDone;
            for (qsizetype i = 0; i < m_series.size() && i < m_curves.size(); ++i) {
                const NamedSeries &s = m_series[i];
                if (s.buckets.isEmpty())
                    continue;
                if (!profilesDone.contains(s.profile)) {
                    profilesDone.append(s.profile);
                    QPen pen = m_curves[i].pen;
                    pen.setStyle(Qt::SolidLine);
                    pen.setWidthF(3);
                    entries.append({pen, QColor(), s.profile});
                }
                const QString metric = s.metric.isEmpty() ? s.name : s.metric;
                if (!metricsDone.contains(metric)) {
                    metricsDone.append(metric);
                    QPen pen = m_curves[i].pen;
                    pen.setColor(neutral);
                    metricEntries.append(
                        {pen, QColor(), s.metric.isEmpty() ? s.name : metricDisplayName(s.metric)});
                }
            }
            // One metric: the title names it, the profiles are the legend.
            if (metricEntries.size() > 1)
                entries += metricEntries;
        } else {
            for (qsizetype i = 0; i < m_series.size() && i < m_curves.size(); ++i)
                if (!m_series[i].buckets.isEmpty())
                    entries.append({m_curves[i].pen, QColor(), m_series[i].name});
        }
    }
    QString key;
    for (const Entry &e : std::as_const(entries))
        key += e.text + u'\x1f' + e.pen.color().name() + QString::number(int(e.pen.style())) +
               e.dot.name() + u'\x1e';
    if (key == m_legendKey && !m_legendEntries.isEmpty() == !entries.isEmpty())
        return;
    m_legendKey = key;
    for (const QList<QGraphicsItem *> &items : std::as_const(m_legendEntries))
        qDeleteAll(items);
    m_legendEntries.clear();
    for (const Entry &e : std::as_const(entries)) {
        QGraphicsItem *marker;
        if (e.dot.isValid()) {
            auto *dot = new QGraphicsEllipseItem(0, 0, 8, 8, m_chart);
            dot->setBrush(e.dot);
            dot->setPen(Qt::NoPen);
            marker = dot;
        } else {
            auto *line = new QGraphicsLineItem(0, 0, 24, 0, m_chart);
            line->setPen(e.pen);
            marker = line;
        }
        auto *text = new QGraphicsSimpleTextItem(e.text, m_chart);
        text->setBrush(m_chart->legend()->labelColor());
        m_legendEntries.append({marker, text});
    }
    placeLegend();
}

void ChartView::placeLegend()
{
    // Rows as wide as the chart; an entry that does not fit starts the next
    // row. Nothing is elided.
    const QRectF area = m_chart->rect();
    const qreal left = area.left() + 12;
    const qreal right = area.right() - 8;
    constexpr qreal kMarkerWidth = 24, kGap = 6, kSpacing = 16;
    QList<QList<qsizetype>> rows{{}};
    qreal x = left;
    qreal rowHeight = 0;
    for (qsizetype i = 0; i < m_legendEntries.size(); ++i) {
        const auto *text = static_cast<QGraphicsSimpleTextItem *>(m_legendEntries[i][1]);
        const QRectF box = text->boundingRect();
        rowHeight = std::max(rowHeight, box.height());
        const qreal w = kMarkerWidth + kGap + box.width();
        if (x > left && x + w > right) {
            rows.append(QList<qsizetype>());
            x = left;
        }
        rows.last().append(i);
        x += w + kSpacing;
    }
    const int height =
        m_legendEntries.isEmpty() ? 0 : int(std::ceil(rows.size() * (rowHeight + 2)) + 4);
    qreal y = area.bottom() - height + 2;
    for (const QList<qsizetype> &row : std::as_const(rows)) {
        x = left;
        for (const qsizetype i : row) {
            QGraphicsItem *marker = m_legendEntries[i][0];
            auto *text = static_cast<QGraphicsSimpleTextItem *>(m_legendEntries[i][1]);
            const qreal mid = y + rowHeight / 2;
            if (auto *line = dynamic_cast<QGraphicsLineItem *>(marker))
                line->setPos(x, mid);
            else
                marker->setPos(x + 8, mid - 4);
            text->setPos(x + kMarkerWidth + kGap, y);
            x += kMarkerWidth + kGap + text->boundingRect().width() + kSpacing;
        }
        y += rowHeight + 2;
    }
    if (height != m_legendHeight) {
        m_legendHeight = height;
        // Room under the time axis: the layout shrinks the plot and calls
        // back here (plotAreaChanged) with the same height.
        m_chart->setMargins(QMargins(4, 4, kRightMargin, 4 + height));
    }
}

void ChartView::fitTimeTicks(qreal width)
{
    if (!m_xAxis)
        return;
    m_tickWidth = width;
    const auto [ticks, format] =
        timeAxisLayout(width, m_xAxis->min().toSecsSinceEpoch(), m_xAxis->max().toSecsSinceEpoch(),
                       m_xAxis->labelsFont());
    if (ticks == m_xAxis->tickCount() && format == m_xAxis->format())
        return;
    // Set before the chart is laid out at that width: QtCharts lays the
    // labels out on a resize or a range change, not on these setters.
    m_xAxis->setTickCount(ticks);
    m_xAxis->setFormat(format);
}

void ChartView::resizeEvent(QResizeEvent *e)
{
    QWidget::resizeEvent(e);
    fitTimeTicks(width());
}

ViewRange ChartView::shownTimeRange() const
{
    if (!m_xAxis)
        return {};
    return ViewRange{m_xAxis->min().toSecsSinceEpoch(), m_xAxis->max().toSecsSinceEpoch()};
}

void ChartView::zoomBy(double factor, double anchor)
{
    if (m_kind != Kind::Time)
        return;
    const ViewRange r = zoomRange(shownTimeRange(), factor, anchor);
    setTimeRange(r.from, r.to);
    emit timeRangeRequested(r.from, r.to);
}

void ChartView::panBy(double fraction)
{
    if (m_kind != Kind::Time)
        return;
    const ViewRange r = panRange(shownTimeRange(), fraction, QDateTime::currentSecsSinceEpoch());
    setTimeRange(r.from, r.to);
    emit timeRangeRequested(r.from, r.to);
}

double ChartView::plotFraction(qreal x) const
{
    const QRectF plot = m_chart->plotArea();
    // plotArea is in chart coordinates; the chart sits at the scene origin
    // and the view does not scroll, so view x is chart x.
    return plot.width() > 0 ? (x - plot.left()) / plot.width() : 0.5;
}

bool ChartView::eventFilter(QObject *watched, QEvent *e)
{
    if (watched != m_view->viewport() || m_kind != Kind::Time)
        return QWidget::eventFilter(watched, e);
    switch (e->type()) {
    case QEvent::Wheel: {
        auto *w = static_cast<QWheelEvent *>(e);
        const int steps = w->angleDelta().y() / 120;
        if (steps == 0)
            return true;
        // One notch zooms by 20 %, in when rolled away from the user.
        zoomBy(std::pow(0.8, steps), plotFraction(w->position().x()));
        return true;
    }
    case QEvent::MouseButtonPress: {
        auto *m = static_cast<QMouseEvent *>(e);
        if (m->button() != Qt::LeftButton)
            break;
        m_dragging = true;
        m_dragStartX = m->position().x();
        m_dragStartRange = shownTimeRange();
        m_view->viewport()->setCursor(Qt::ClosedHandCursor);
        return true;
    }
    case QEvent::MouseMove: {
        if (!m_dragging)
            break;
        // While dragging only the axis moves; the data is asked for once, on
        // release, so a drag does not queue a load per mouse event.
        const double width = m_chart->plotArea().width();
        if (width <= 0)
            return true;
        const ViewRange r =
            panRange(m_dragStartRange,
                     -(static_cast<QMouseEvent *>(e)->position().x() - m_dragStartX) / width,
                     QDateTime::currentSecsSinceEpoch());
        setTimeRange(r.from, r.to);
        return true;
    }
    case QEvent::MouseButtonRelease: {
        if (!m_dragging)
            break;
        m_dragging = false;
        m_view->viewport()->unsetCursor();
        const ViewRange r = shownTimeRange();
        if (r != m_dragStartRange)
            emit timeRangeRequested(r.from, r.to);
        return true;
    }
    case QEvent::MouseButtonDblClick:
        m_dragging = false;
        emit timeRangeResetRequested();
        return true;
    default:
        break;
    }
    return QWidget::eventFilter(watched, e);
}

void ChartView::changeEvent(QEvent *e)
{
    QWidget::changeEvent(e);
    if (e->type() == QEvent::PaletteChange)
        applyPalette();
}

// The chart follows the window's palette: light or dark, as the desktop
// (or turnstile --color-scheme) chose, so a dark window has no white boxes.
void ChartView::applyPalette()
{
    applyPalette(palette());
}

void ChartView::applyPalette(const QPalette &p)
{
    const bool dark = p.color(QPalette::Window).lightness() < 128;
    const QChart::ChartTheme theme = dark ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    if (m_chart->theme() != theme) {
        // A theme change recolours the series and resets their pens: redo them.
        m_chart->setTheme(theme);
        if (m_kind == Kind::Time) {
            const QList<NamedSeries> series = m_series;
            m_series.clear();
            rebuildCurves();
            setSeries(series);
        } else {
            const QList<ScatterSeries> scatter = m_scatter;
            m_scatter.clear();
            rebuildClouds();
            setScatter(scatter);
        }
        rebuildThresholds();
        if (m_kind == Kind::Time) {
            updateAxes();
            rebuildMarkers(); // their pens follow the theme
        }
    }
    m_chart->setBackgroundBrush(p.color(QPalette::Base));
    m_chart->setTitleBrush(p.color(QPalette::Text));
    m_chart->legend()->setLabelColor(p.color(QPalette::Text));
    // The legend's text and the metric styles' neutral line follow.
    m_legendKey.clear();
    rebuildLegend();
    for (QAbstractAxis *axis : m_chart->axes()) {
        axis->setLabelsColor(p.color(QPalette::Text));
        axis->setTitleBrush(p.color(QPalette::Text));
    }
    m_view->setBackgroundBrush(p.color(QPalette::Window));
}

int ChartView::pixelBudget() const
{
    const int plot = int(m_chart->plotArea().width());
    return std::clamp(plot > 0 ? plot : width(), 50, 4000);
}

void ChartView::render(QPainter *painter, const QRectF &target)
{
    // Lay the chart out at the target size so labels and lines keep their
    // on-screen size instead of being scaled with the picture, then put it
    // back the way the window shows it.
    const QSizeF shown = m_chart->size();
    // Exports go into reports and onto paper: always the light look, also
    // from a dark window.
    const bool dark = m_chart->theme() == QChart::ChartThemeDark;
    if (dark)
        applyPalette(QApplication::style()->standardPalette());
    fitTimeTicks(target.width());
    m_chart->resize(target.size());
    // The legend wraps to the target's width; a changed height changes the
    // margins, which the layout has to apply before painting.
    placeLegend();
    m_chart->layout()->activate();
    placeOverlays();
    m_chart->scene()->render(painter, target, QRectF(m_chart->pos(), target.size()),
                             Qt::IgnoreAspectRatio);
    fitTimeTicks(width());
    m_chart->resize(shown);
    placeLegend();
    m_chart->layout()->activate();
    placeOverlays();
    if (dark)
        applyPalette();
}

void ChartView::setLegendAlignment(Qt::Alignment alignment)
{
    m_legendAlignment = alignment;
}

Qt::Alignment ChartView::legendAlignment() const
{
    return m_legendAlignment;
}

QPen ChartView::linePen(int index) const
{
    return index >= 0 && index < m_curves.size() ? m_curves[index].segments.first().item->pen()
                                                 : QPen();
}

int ChartView::segmentCount(int index) const
{
    if (index < 0 || index >= m_curves.size())
        return -1;
    const QList<Segment> &segments = m_curves[index].segments;
    return int(std::count_if(segments.cbegin(), segments.cend(),
                             [](const Segment &s) { return s.item->pointCount() > 0; }));
}

QLineF ChartView::markerLine(int index) const
{
    if (index < 0 || index >= m_markers.size() || m_markers[index]->count() != 2)
        return {};
    return QLineF(m_markers[index]->at(0), m_markers[index]->at(1));
}

QStringList ChartView::legendTexts() const
{
    QStringList out;
    for (const QList<QGraphicsItem *> &items : m_legendEntries)
        out.append(static_cast<const QGraphicsSimpleTextItem *>(items[1])->text());
    return out;
}

QStringList ChartView::thresholdLabels() const
{
    QStringList out;
    for (const QGraphicsSimpleTextItem *label : m_thresholdLabels)
        if (label->isVisible())
            out.append(label->text());
    return out;
}

QStringList ChartView::markerLabelTexts() const
{
    QStringList out;
    for (const QGraphicsSimpleTextItem *label : m_markerLabels)
        if (label->isVisible())
            out.append(label->text());
    return out;
}

QStringList ChartView::valueAxisLabels() const
{
    return m_yAxis->categoriesLabels();
}

QString ChartView::timeAxisFormat() const
{
    return m_xAxis ? m_xAxis->format() : QString();
}

int ChartView::linePointCount(int index) const
{
    if (index < 0 || index >= m_curves.size())
        return -1;
    qsizetype n = 0;
    for (const Segment &seg : m_curves[index].segments)
        n += seg.item->pointCount();
    return int(n);
}

int ChartView::scatterPointCount(int index) const
{
    return index >= 0 && index < m_clouds.size() ? int(m_clouds[index]->count()) : -1;
}

int ChartView::bandPointCount(int index) const
{
    if (index < 0 || index >= m_curves.size())
        return -1;
    qsizetype n = 0;
    for (const Segment &seg : m_curves[index].segments)
        n += seg.item->bandPointCount();
    return int(n);
}

} // namespace turnstile
