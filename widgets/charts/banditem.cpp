#include "banditem.h"

#include <QPainter>

namespace turnstile {

BandItem::BandItem(QGraphicsItem *parent) : QGraphicsItem(parent) {}

void BandItem::setBrush(const QBrush &brush)
{
    m_brush = brush;
    update();
}

void BandItem::setPoints(QList<QPointF> upper, QList<QPointF> lower)
{
    m_upper = std::move(upper);
    m_lower = std::move(lower);
    place(m_plot, m_xMin, m_xMax, m_yMin, m_yMax);
}

void BandItem::place(const QRectF &plot, double xMin, double xMax, double yMin, double yMax)
{
    prepareGeometryChange();
    m_plot = plot;
    m_xMin = xMin;
    m_xMax = xMax;
    m_yMin = yMin;
    m_yMax = yMax;
    m_polygon.clear();
    // One point: a column of no width, which the area series did not draw
    // either.
    if (m_upper.size() < 2 || m_lower.size() != m_upper.size() || !(xMax > xMin) ||
        !(yMax > yMin) || plot.isEmpty())
        return;
    // The axes are linear (time in ms, values), as QtCharts maps them.
    const double sx = plot.width() / (xMax - xMin);
    const double sy = plot.height() / (yMax - yMin);
    const auto map = [&](const QPointF &p) {
        return QPointF(plot.left() + (p.x() - xMin) * sx, plot.bottom() - (p.y() - yMin) * sy);
    };
    m_polygon.reserve(2 * m_upper.size());
    for (const QPointF &p : std::as_const(m_upper))
        m_polygon.append(map(p));
    for (qsizetype i = m_lower.size() - 1; i >= 0; --i)
        m_polygon.append(map(m_lower[i]));
    update();
}

QRectF BandItem::boundingRect() const
{
    return m_plot;
}

void BandItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *, QWidget *)
{
    if (m_polygon.isEmpty())
        return;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setClipRect(m_plot);
    painter->setPen(Qt::NoPen);
    painter->setBrush(m_brush);
    painter->drawPolygon(m_polygon);
    painter->restore();
}

} // namespace turnstile
