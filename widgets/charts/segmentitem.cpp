#include "segmentitem.h"

#include <QPainter>

namespace turnstile {

SegmentItem::SegmentItem(QGraphicsItem *parent) : QGraphicsItem(parent) {}

void SegmentItem::setStyle(const QPen &line, const QBrush &band)
{
    m_pen = line;
    m_brush = band;
    update();
}

void SegmentItem::setPoints(QList<QPointF> mean, QList<QPointF> upper, QList<QPointF> lower)
{
    m_mean = std::move(mean);
    m_upper = std::move(upper);
    m_lower = std::move(lower);
    place(m_plot, m_xMin, m_xMax, m_yMin, m_yMax);
}

void SegmentItem::place(const QRectF &plot, double xMin, double xMax, double yMin, double yMax)
{
    prepareGeometryChange();
    m_plot = plot;
    m_xMin = xMin;
    m_xMax = xMax;
    m_yMin = yMin;
    m_yMax = yMax;
    m_band.clear();
    m_line.clear();
    // One point is a line and a column of no length, which the QtCharts
    // series did not draw either.
    if (m_mean.size() < 2 || !(xMax > xMin) || !(yMax > yMin) || plot.isEmpty())
        return;
    const double sx = plot.width() / (xMax - xMin);
    const double sy = plot.height() / (yMax - yMin);
    const auto map = [&](const QPointF &p) {
        return QPointF(plot.left() + (p.x() - xMin) * sx, plot.bottom() - (p.y() - yMin) * sy);
    };
    m_line.reserve(m_mean.size());
    for (const QPointF &p : std::as_const(m_mean))
        m_line.append(map(p));
    if (m_upper.size() == m_mean.size() && m_lower.size() == m_mean.size()) {
        m_band.reserve(2 * m_upper.size());
        for (const QPointF &p : std::as_const(m_upper))
            m_band.append(map(p));
        for (qsizetype i = m_lower.size() - 1; i >= 0; --i)
            m_band.append(map(m_lower[i]));
    }
    update();
}

QRectF SegmentItem::boundingRect() const
{
    return m_plot;
}

void SegmentItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    if (m_line.isEmpty())
        return;
    painter->save();
    painter->setClipRect(m_plot);
    if (!m_band.isEmpty()) {
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->setPen(Qt::NoPen);
        painter->setBrush(m_brush);
        painter->drawPolygon(m_band);
    }
    painter->setRenderHint(QPainter::Antialiasing, true);
    painter->setPen(m_pen);
    painter->setBrush(Qt::NoBrush);
    if (m_pen.style() == Qt::SolidLine) {
        // Separate lines, as QtCharts draws a solid series: no joins to
        // compute, which is what makes a 1.6 px polyline expensive.
        QList<QLineF> lines;
        lines.reserve(m_line.size() - 1);
        for (qsizetype i = 1; i < m_line.size(); ++i)
            lines.append(QLineF(m_line[i - 1], m_line[i]));
        painter->drawLines(lines);
    } else {
        // One polyline, so the dash pattern runs on across the points.
        painter->drawPolyline(m_line);
    }
    painter->restore();
}

} // namespace turnstile
