#pragma once

#include <QBrush>
#include <QGraphicsItem>
#include <QList>
#include <QPolygonF>

namespace turnstile {

// The translucent min-max band behind a curve of ChartView, painted without
// antialiasing. It was a QAreaSeries, whose polygon QtCharts fills
// antialiased and lays out with two stroked hover shapes on every change:
// on a page of 4 charts x 3 regions that band was half of each paint
// (bench_redraw). Its points are one per plot-pixel column, so the band
// drawn without antialiasing covers the same pixels; only its edges lose the
// partial alpha. ChartView keeps the values and maps them to the plot with
// place() whenever the plot or an axis moves.
class BandItem : public QGraphicsItem
{
public:
    explicit BandItem(QGraphicsItem *parent);

    void setBrush(const QBrush &brush);
    // Upper and lower edge at the same x values (chart values, x in ms).
    void setPoints(QList<QPointF> upper, QList<QPointF> lower);
    qsizetype pointCount() const { return m_upper.size(); }
    // Maps the values into plot (item coordinates) for the axes' ranges.
    void place(const QRectF &plot, double xMin, double xMax, double yMin, double yMax);
    QPolygonF polygon() const { return m_polygon; }

    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QList<QPointF> m_upper;
    QList<QPointF> m_lower;
    QRectF m_plot;
    double m_xMin = 0, m_xMax = 1, m_yMin = 0, m_yMax = 1;
    QPolygonF m_polygon;
    QBrush m_brush;
};

} // namespace turnstile
