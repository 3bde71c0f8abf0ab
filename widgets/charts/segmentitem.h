#pragma once

#include <QBrush>
#include <QGraphicsItem>
#include <QList>
#include <QPen>
#include <QPolygonF>

namespace turnstile {

// One stretch of a ChartView curve between two gaps: the translucent
// min-max band and the mean line over it, drawn by us instead of by a
// QAreaSeries and a QLineSeries. QtCharts re-lays-out a series on every
// replace() and axis change and strokes a hover shape for each of them (a
// band's area has two): that, and its antialiased fill of the band, were
// most of a zoom step on a page of charts (bench_redraw). The band's
// points are one per plot-pixel column, so it is filled without
// antialiasing and covers the same pixels; the line is antialiased as
// before. ChartView keeps the values and maps them to the plot with
// place() whenever the plot or an axis moves.
class SegmentItem : public QGraphicsItem
{
public:
    explicit SegmentItem(QGraphicsItem *parent);

    void setStyle(const QPen &line, const QBrush &band);
    QPen pen() const { return m_pen; }
    // Mean, upper and lower edge at the same x values (chart values, x in
    // ms since the epoch).
    void setPoints(QList<QPointF> mean, QList<QPointF> upper, QList<QPointF> lower);
    qsizetype pointCount() const { return m_mean.size(); }
    qsizetype bandPointCount() const { return m_upper.size(); }
    // Maps the values into plot (item coordinates) for the axes' ranges;
    // the axes are linear (time in ms, values), as QtCharts maps them.
    void place(const QRectF &plot, double xMin, double xMax, double yMin, double yMax);

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QList<QPointF> m_mean;
    QList<QPointF> m_upper;
    QList<QPointF> m_lower;
    QRectF m_plot;
    double m_xMin = 0, m_xMax = 1, m_yMin = 0, m_yMax = 1;
    QPolygonF m_band; // in item coordinates
    QPolygonF m_line;
    QPen m_pen;
    QBrush m_brush;
};

} // namespace turnstile
