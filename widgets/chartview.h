#pragma once

#include "history/annotation.h"
#include "namedseries.h"

#include <QDateTime>
#include <QList>
#include <QWidget>

class QAreaSeries;
class QChart;
class QChartView;
class QDateTimeAxis;
class QGraphicsSimpleTextItem;
class QLineSeries;
class QPainter;
class QValueAxis;

namespace turnstile {

// Our chart interface. QtCharts is deprecated upstream, so this is the only
// class that includes its headers: replacing the backend later means
// rewriting one file, not every page.
//
// Each NamedSeries is drawn as its bucket average with a translucent
// min-max band behind it, so a spike that decimation kept stays visible.
// Annotations are dashed vertical markers on the time axis.
class ChartView : public QWidget
{
    Q_OBJECT
public:
    explicit ChartView(QWidget *parent = nullptr);
    ~ChartView() override;

    void setTitle(const QString &title);
    QString title() const;
    // Replaces every curve; each underlying series gets one replace() call.
    void setSeries(const QList<NamedSeries> &series);
    QList<NamedSeries> series() const { return m_series; }
    void setAnnotations(const QList<Annotation> &annotations);
    QList<Annotation> annotations() const { return m_annotations; }
    // The time axis spans [from, to) (seconds since the epoch); without it
    // (or with to <= from), the span of the data.
    void setTimeRange(qint64 from, qint64 to);

    // How many buckets are worth asking for: one per pixel of the plot area.
    int pixelBudget() const;

    // Paints the chart into target at target's size. Every export (PNG,
    // SVG, PDF) goes through this one path, so they all look alike.
    void render(QPainter *painter, const QRectF &target);

    // Test accessors: points in the average line of curve i, in its band
    // (upper edge), and the number of annotation markers drawn.
    int linePointCount(int index) const;
    int bandPointCount(int index) const;
    int markerCount() const { return int(m_markers.size()); }

private:
    struct Curve
    {
        QLineSeries *line = nullptr;
        QAreaSeries *band = nullptr;
    };
    void rebuildCurves();
    void updateAxes();
    void updateMarkers();
    void placeMarkerLabels();
    void attach(QLineSeries *s);

    QChart *m_chart;
    QChartView *m_view;
    QDateTimeAxis *m_xAxis;
    QValueAxis *m_yAxis;
    QList<NamedSeries> m_series;
    QList<Annotation> m_annotations;
    QList<Curve> m_curves;
    QList<QLineSeries *> m_markers;
    QList<QGraphicsSimpleTextItem *> m_markerLabels; // children of m_chart
    qint64 m_from = 0;
    qint64 m_to = 0;
};

} // namespace turnstile
