#include "chartview.h"

#include "util/numbertext.h"
#include "util/timetext.h"

#include <QApplication>
#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QCursor>
#include <QDateTimeAxis>
#include <QGraphicsScene>
#include <QGraphicsSimpleTextItem>
#include <QLegend>
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

// Sets [lo, hi] widened to whole multiples of a 1-2-2.5-5 step, with at
// most five intervals, so tick labels read 0, 10, 20 (QValueAxis::
// applyNiceNumbers made 0, 13.3333, 26.6667, 40 of a 0-21 range). The labels
// are categories placed on the tick values, because a QValueAxis only
// knows printf formats: no locale, no "1.5 M" (axisNumber does both).
void setNiceRange(QCategoryAxis *axis, double lo, double hi)
{
    constexpr int kMaxIntervals = 5;
    if (!(hi > lo))
        hi = lo + 1;
    const double raw = (hi - lo) / kMaxIntervals;
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * magnitude;
    for (const double m : {1.0, 2.0, 2.5, 5.0})
        if (m * magnitude >= raw) {
            step = m * magnitude;
            break;
        }
    const double niceLo = std::floor(lo / step) * step;
    const double niceHi = std::ceil(hi / step) * step;
    // Tick count first: QtCharts lays the labels out on the range change and
    // did not redo them for a tick count set after it.
    const int ticks = int(std::lround((niceHi - niceLo) / step)) + 1;
    for (const QString &label : axis->categoriesLabels())
        axis->remove(label);
    axis->setStartValue(niceLo);
    for (int i = 0; i < ticks; ++i) {
        const double v = niceLo + i * step;
        axis->append(axisNumber(v, step), v);
    }
    axis->setTickCount(ticks);
    axis->setRange(niceLo, niceHi);
}
} // namespace

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
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
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
    // Marker labels are plain scene items, so they move with the plot area
    // on resizes and in exports rendered at another size.
    connect(m_chart, &QChart::plotAreaChanged, this, &ChartView::placeMarkerLabels);
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

void ChartView::rebuildCurves()
{
    for (const Curve &c : std::as_const(m_curves)) {
        m_chart->removeSeries(c.band);
        m_chart->removeSeries(c.line);
        delete c.band;
        delete c.line;
    }
    m_curves.clear();
    for (const NamedSeries &s : std::as_const(m_series)) {
        Curve c;
        // The band is added first so the line is drawn on top of it.
        c.band = new QAreaSeries;
        auto *upper = new QLineSeries(c.band);
        auto *lower = new QLineSeries(c.band);
        c.band->setUpperSeries(upper);
        c.band->setLowerSeries(lower);
        m_chart->addSeries(c.band);
        attach(c.band);
        const qsizetype index = m_curves.size();
        const QColor colour = seriesColour(index, m_chart->theme() == QChart::ChartThemeDark);
        QColor fill = colour;
        fill.setAlpha(60);
        c.band->setColor(fill);
        c.band->setBorderColor(Qt::transparent);
        c.band->setPen(Qt::NoPen);
        for (QLegendMarker *m : m_chart->legend()->markers(c.band))
            m->setVisible(false);

        c.line = new QLineSeries;
        c.line->setName(s.name);
        m_chart->addSeries(c.line);
        attach(c.line);
        QPen pen(colour);
        pen.setWidthF(1.6);
        pen.setStyle(seriesLineStyle(index));
        c.line->setPen(pen);
        m_curves.append(c);
    }
}

void ChartView::setSeries(const QList<NamedSeries> &series)
{
    if (m_kind != Kind::Time)
        return;
    bool sameShape = series.size() == m_series.size();
    for (qsizetype i = 0; sameShape && i < series.size(); ++i)
        sameShape = series[i].name == m_series[i].name;
    m_series = series;
    if (!sameShape)
        rebuildCurves();

    for (qsizetype i = 0; i < m_series.size(); ++i) {
        const QList<Bucket> &buckets = m_series[i].buckets;
        QList<QPointF> avg, upper, lower;
        avg.reserve(buckets.size());
        upper.reserve(buckets.size());
        lower.reserve(buckets.size());
        for (const Bucket &b : buckets) {
            const double x = msecs(b.ts);
            avg.append(QPointF(x, b.avg()));
            upper.append(QPointF(x, b.max));
            lower.append(QPointF(x, b.min));
        }
        // One replace() per series: appending point by point repaints and
        // re-lays-out the chart once per point.
        m_curves[i].line->replace(avg);
        m_curves[i].band->upperSeries()->replace(upper);
        m_curves[i].band->lowerSeries()->replace(lower);
    }
    updateAxes();
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
    setNiceRange(m_xValueAxis, xlo >= 0 ? std::max(0.0, xlo - xpad) : xlo - xpad, xhi + xpad);
    if (ylo >= 0)
        ylo = 0;
    if (yhi <= ylo)
        yhi = ylo + 1;
    setNiceRange(m_yAxis, ylo, yhi + (yhi - ylo) * 0.05);
}

void ChartView::setAnnotations(const QList<Annotation> &annotations)
{
    m_annotations = annotations;
    // A scatter chart has no time axis to put them on.
    if (m_kind == Kind::Time)
        updateMarkers();
}

void ChartView::setTimeRange(qint64 from, qint64 to)
{
    m_from = from;
    m_to = to;
    if (m_kind == Kind::Time)
        updateAxes();
}

void ChartView::updateAxes()
{
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
    const int ticks = timeTicks(m_tickWidth > 0 ? m_tickWidth : width(), to - from);
    m_xAxis->setTickCount(ticks);
    m_xAxis->setFormat(axisTimeFormat(from, to, ticks, QDateTime::currentDateTime()));
    m_xAxis->setRange(QDateTime::fromMSecsSinceEpoch(qint64(msecs(from))),
                      QDateTime::fromMSecsSinceEpoch(qint64(msecs(to))));

    if (!std::isfinite(lo) || !std::isfinite(hi)) {
        lo = 0;
        hi = 1;
    }
    // Counts start at zero: a table's growth reads honestly only against
    // its absolute size, not against a zoomed-in band.
    if (lo >= 0)
        lo = 0;
    if (hi <= lo)
        hi = lo + 1;
    setNiceRange(m_yAxis, lo, hi + (hi - lo) * 0.05);
    updateMarkers();
}

void ChartView::updateMarkers()
{
    for (QLineSeries *m : std::as_const(m_markers)) {
        m_chart->removeSeries(m);
        delete m;
    }
    m_markers.clear();
    qDeleteAll(m_markerLabels);
    m_markerLabels.clear();
    for (const Annotation &a : std::as_const(m_annotations)) {
        auto *marker = new QLineSeries;
        marker->setName(a.text);
        marker->replace(
            {QPointF(msecs(a.ts), m_yAxis->min()), QPointF(msecs(a.ts), m_yAxis->max())});
        m_chart->addSeries(marker);
        attach(marker);
        QPen pen(QColor(0xd0, 0x70, 0x10));
        pen.setStyle(Qt::DashLine);
        pen.setWidthF(1.2);
        marker->setPen(pen);
        for (QLegendMarker *m : m_chart->legend()->markers(marker))
            m->setVisible(false);
        const QString text =
            QDateTime::fromSecsSinceEpoch(a.ts).toString(Qt::ISODate) + u' ' + a.text;
        connect(marker, &QLineSeries::hovered, this, [text](const QPointF &, bool state) {
            if (state)
                QToolTip::showText(QCursor::pos(), text);
        });
        m_markers.append(marker);

        // Only a short label on the chart; the whole text is in the tooltip.
        constexpr int kLabelChars = 32;
        auto *label = new QGraphicsSimpleTextItem(
            a.text.size() > kLabelChars ? a.text.left(kLabelChars - 1) + QChar(0x2026) : a.text,
            m_chart);
        QFont f = label->font();
        f.setPointSizeF(f.pointSizeF() * 0.85);
        label->setFont(f);
        label->setBrush(pen.color().darker(120));
        label->setZValue(10);
        m_markerLabels.append(label);
    }
    placeMarkerLabels();
}

void ChartView::placeMarkerLabels()
{
    const QRectF plot = m_chart->plotArea();
    // Actions close in time (a purge and its resume) would print their
    // labels over each other: a label that would overlap one already placed
    // goes one line lower.
    QList<QRectF> placed;
    for (qsizetype i = 0; i < m_markerLabels.size() && i < m_markers.size(); ++i) {
        const QPointF at = m_chart->mapToPosition(
            QPointF(msecs(m_annotations[i].ts), m_yAxis->max()), m_markers[i]);
        QGraphicsSimpleTextItem *label = m_markerLabels[i];
        // Left of the marker when the label would run past the plot's right edge.
        const QRectF box = label->boundingRect();
        const qreal x =
            at.x() + 3 + box.width() > plot.right() ? at.x() - 3 - box.width() : at.x() + 3;
        const bool visible = plot.contains(QPointF(at.x(), plot.center().y()));
        QRectF r(x, plot.top() + 2, box.width(), box.height());
        for (int line = 0; visible && line < 8; ++line) {
            const bool clash = std::any_of(placed.cbegin(), placed.cend(),
                                           [&r](const QRectF &p) { return p.intersects(r); });
            if (!clash)
                break;
            r.translate(0, box.height() + 1);
        }
        label->setPos(r.topLeft());
        label->setVisible(visible);
        if (visible)
            placed.append(r);
    }
}

void ChartView::fitTimeTicks(qreal width)
{
    if (!m_xAxis)
        return;
    m_tickWidth = width;
    const qint64 span = m_xAxis->min().secsTo(m_xAxis->max());
    const int ticks = timeTicks(width, span);
    if (ticks == m_xAxis->tickCount())
        return;
    // Set before the chart is laid out at that width: QtCharts lays the
    // labels out on a resize or a range change, not on these setters.
    m_xAxis->setTickCount(ticks);
    m_xAxis->setFormat(axisTimeFormat(m_xAxis->min().toSecsSinceEpoch(),
                                      m_xAxis->max().toSecsSinceEpoch(), ticks,
                                      QDateTime::currentDateTime()));
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
        updateMarkers();
    }
    m_chart->setBackgroundBrush(p.color(QPalette::Base));
    m_chart->setTitleBrush(p.color(QPalette::Text));
    m_chart->legend()->setLabelColor(p.color(QPalette::Text));
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
    // A legend beside the plot (an export's long legend) takes its width
    // from the time axis: fewer ticks, so no date label is cut.
    const QLegend *legend = m_chart->legend();
    const bool beside =
        legend->isVisible() && (legend->alignment() & (Qt::AlignLeft | Qt::AlignRight));
    fitTimeTicks(target.width() -
                 (beside ? legend->effectiveSizeHint(Qt::PreferredSize).width() : 0));
    m_chart->resize(target.size());
    m_chart->scene()->render(painter, target, QRectF(m_chart->pos(), target.size()),
                             Qt::IgnoreAspectRatio);
    fitTimeTicks(width());
    m_chart->resize(shown);
    if (dark)
        applyPalette();
}

void ChartView::setLegendAlignment(Qt::Alignment alignment)
{
    m_chart->legend()->setAlignment(alignment);
}

Qt::Alignment ChartView::legendAlignment() const
{
    return m_chart->legend()->alignment();
}

QPen ChartView::linePen(int index) const
{
    return index >= 0 && index < m_curves.size() ? m_curves[index].line->pen() : QPen();
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
    return index >= 0 && index < m_curves.size() ? int(m_curves[index].line->count()) : -1;
}

int ChartView::scatterPointCount(int index) const
{
    return index >= 0 && index < m_clouds.size() ? int(m_clouds[index]->count()) : -1;
}

int ChartView::bandPointCount(int index) const
{
    return index >= 0 && index < m_curves.size() ? int(m_curves[index].band->upperSeries()->count())
                                                 : -1;
}

} // namespace turnstile
