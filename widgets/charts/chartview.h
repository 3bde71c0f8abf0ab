#pragma once

#include "history/annotation.h"
#include "history/chartspec.h"
#include "history/namedseries.h"
#include "history/scatterseries.h"
#include "history/thresholdline.h"
#include "history/viewrange.h"

#include <QDateTime>
#include <QLineF>
#include <QList>
#include <QPen>
#include <QWidget>

class QAbstractSeries;
class QChart;
class QChartView;
class QDateTimeAxis;
class QGraphicsItem;
class QGraphicsSimpleTextItem;
class QLineSeries;
class QPainter;
class QScatterSeries;
class QCategoryAxis;

namespace turnstile {

class SegmentItem;

// Our chart interface. QtCharts is deprecated upstream, so this is the only
// class that includes its headers: replacing the backend later means
// rewriting one file, not every page.
//
// Each NamedSeries is drawn as its bucket average with a translucent
// min-max band behind it, so a spike that decimation kept stays visible.
// Where the history has a gap (NamedSeries::breaks) the curve is drawn as
// separate segments: QLineSeries cannot leave a hole, so a curve is one
// line and band per segment, one legend entry, one replace() per series.
// Annotations are dashed vertical markers on the time axis with a short
// label; labels that would overlap are staggered, and past three lines
// folded into "+2" on a neighbour (the tooltip has them all). Threshold
// lines are horizontal, labelled "warning 300 ms".
//
// Several profiles on one chart: one colour per profile, one line style per
// metric, and a legend of the profiles' colours and the metrics' styles.
// The legend is our own, wrapped over as many lines as it needs (QLegend
// elides to "de… lab…"), and names only curves that have data.
//
// Time charts zoom with the mouse wheel (around the pointer) and pan by
// dragging; the axis moves at once, on the data already there, and
// timeRangeRequested() asks the owner for data decimated to the new range.
// A double click asks to go back (timeRangeResetRequested()).
//
// A scatter chart (Kind::Scatter) plots one series against another instead,
// one point per time bucket (ScatterSeries), on two value axes.
class ChartView : public QWidget
{
    Q_OBJECT
public:
    enum class Kind
    {
        Time,
        Scatter
    };

    explicit ChartView(QWidget *parent = nullptr);
    // The kind is fixed for the view's life: the axes differ.
    explicit ChartView(Kind kind, QWidget *parent = nullptr);
    ~ChartView() override;

    Kind kind() const { return m_kind; }

    void setTitle(const QString &title);
    QString title() const;
    // Time charts. Replaces every curve; each underlying series gets one
    // replace() call.
    void setSeries(const QList<NamedSeries> &series);
    // What the chart shows as time series; for a scatter chart the x and y
    // series of every point cloud (what a CSV export writes).
    QList<NamedSeries> series() const;
    // Scatter charts: replaces every point cloud, one replace() each.
    void setScatter(const QList<ScatterSeries> &scatter);
    QList<ScatterSeries> scatter() const { return m_scatter; }
    // Scatter charts: what the axes measure.
    void setAxisTitles(const QString &x, const QString &y);
    void setAnnotations(const QList<Annotation> &annotations);
    // Time charts: horizontal warning and critical levels. A level far above
    // the data (more than twice its top) gets no line, which would squash
    // the curves to the floor, only its label in the top right corner.
    void setThresholds(const QList<ThresholdLine> &thresholds);
    QList<ThresholdLine> thresholds() const { return m_thresholds; }
    // What the value axis counts: whole ticks for counts, "1.5 s" for
    // milliseconds. Default: plain numbers with SI prefixes.
    void setValueUnit(ChartSpec::Unit unit);
    // The profiles of the page, in its order: with two or more, each keeps
    // one colour on every chart of the page (a chart where only some have
    // data included). Without it, the order the curves name them.
    void setProfileOrder(const QStringList &profiles);
    QList<Annotation> annotations() const { return m_annotations; }
    // The time axis spans [from, to) (seconds since the epoch); without it
    // (or with to <= from), the span of the data.
    void setTimeRange(qint64 from, qint64 to);

    // Setters in a row (ChartPresenter::show: range, thresholds, data,
    // annotations) lay the chart out once. QtCharts lays every series out
    // again on each axis change, so setTimeRange followed by setSeries paid
    // for the old data at the new range and then for the new data. Inside a
    // Batch, setTimeRange and setThresholds only note the change; setSeries
    // sets the axes with its data, and whatever is still pending is done
    // when the (outermost) Batch ends.
    class Batch
    {
    public:
        explicit Batch(ChartView *view);
        ~Batch();
        Q_DISABLE_COPY_MOVE(Batch)

    private:
        ChartView *m_view;
    };

    // What the time axis shows now, also after a zoom or pan whose data is
    // still loading.
    ViewRange shownTimeRange() const;
    // Zoom and pan as the wheel and a drag do: factor < 1 zooms in around
    // anchor (0 = left edge of the plot, 1 = right edge); fraction moves by
    // that part of the span (positive = later). Both emit
    // timeRangeRequested().
    void zoomBy(double factor, double anchor = 0.5);
    void panBy(double fraction);

    // How many buckets are worth asking for: one per pixel of the plot area.
    int pixelBudget() const;

    // Paints the chart into target at target's size. Every export (PNG,
    // SVG, PDF) goes through this one path, so they all look alike.
    void render(QPainter *painter, const QRectF &target);
    // Kept for callers of the QLegend days (ChartExporter::renderChart put
    // a long legend beside the plot so QtCharts would not cut it). The
    // legend is now our own, wrapped below the plot over as many rows as it
    // needs and never cut, so the alignment is remembered and not used.
    void setLegendAlignment(Qt::Alignment alignment);
    Qt::Alignment legendAlignment() const;

    // Test accessors: points in the average line of curve i (all its
    // segments), in its band (upper edge), and the number of annotation
    // markers drawn.
    int linePointCount(int index) const;
    int bandPointCount(int index) const;
    int markerCount() const { return int(m_markers.size()); }
    // Marker i in chart values (x in ms since the epoch), for tests.
    QLineF markerLine(int index) const;
    // Segments of curve i that hold points: 2 for a curve with one gap.
    int segmentCount(int index) const;
    // The legend's entries as shown, in order.
    QStringList legendTexts() const;
    // Labels of the threshold lines drawn, then of levels above the value
    // axis ("critical 1.5 s, above the chart"; no line).
    QStringList thresholdLabels() const;
    // Annotation labels as placed: visible ones only, with their "+N".
    QStringList markerLabelTexts() const;
    // The value axis' tick labels, bottom to top, and the time axis' format.
    QStringList valueAxisLabels() const;
    // The pen of curve i's average line (colour and line style).
    QPen linePen(int index) const;
    QString timeAxisFormat() const;
    // Points of scatter cloud i; -1 when there is no such cloud.
    int scatterPointCount(int index) const;

signals:
    void timeRangeRequested(qint64 from, qint64 to);
    void timeRangeResetRequested();

protected:
    void resizeEvent(QResizeEvent *e) override;
    void changeEvent(QEvent *e) override;
    bool eventFilter(QObject *watched, QEvent *e) override;

private:
    struct Segment
    {
        SegmentItem *item = nullptr; // band and mean line, a child of m_chart
    };
    // One curve: a segment per stretch of history without a gap.
    struct Curve
    {
        QList<Segment> segments;
        QPen pen;
    };
    Segment addSegment(const QPen &pen);
    void rebuildCurves();
    void rebuildThresholds();
    void updateThresholds();
    void rebuildLegend();
    void placeLegend();
    void placeOverlays();
    void rebuildClouds();
    void updateAxes();
    void updateScatterAxes();
    void updateMarkers();
    void rebuildMarkers();
    void placeMarkerLabels();
    void placeSegments();
    void attach(QAbstractSeries *s);
    void setNiceRange(QCategoryAxis *axis, double lo, double hi, ChartSpec::Unit unit);
    void fitTimeTicks(qreal width);
    void applyPalette();
    void applyPalette(const QPalette &palette);
    // Where x (view coordinates) lies across the plot area, 0..1.
    double plotFraction(qreal x) const;

    Kind m_kind;
    QChart *m_chart;
    QChartView *m_view;
    QDateTimeAxis *m_xAxis = nullptr; // Time
    // Value axes: categories on the tick values carry our labels (1.5 M).
    QCategoryAxis *m_xValueAxis = nullptr; // Scatter
    QCategoryAxis *m_yAxis;
    QList<NamedSeries> m_series;
    QList<ScatterSeries> m_scatter;
    QList<QScatterSeries *> m_clouds;
    QList<Annotation> m_annotations;
    QList<Curve> m_curves;
    QList<QLineSeries *> m_markers;
    QList<QGraphicsSimpleTextItem *> m_markerLabels; // children of m_chart
    QList<QString> m_markerTexts;                    // the whole texts, before fitting
    QList<ThresholdLine> m_thresholds;
    QList<QLineSeries *> m_thresholdLines; // parallel to m_thresholds
    QList<QGraphicsSimpleTextItem *> m_thresholdLabels;
    ChartSpec::Unit m_unit = ChartSpec::Unit::None;
    QStringList m_profileOrder;
    bool m_restyle = false; // the next setSeries rebuilds the curves
    // The legend: items in the chart's scene (so exports have it), laid out
    // under the plot in rows; the chart's bottom margin leaves it room.
    QList<QList<QGraphicsItem *>> m_legendEntries; // marker + text per entry
    QString m_legendKey;                           // what it was built from
    int m_legendHeight = 0;
    Qt::Alignment m_legendAlignment = Qt::AlignBottom; // see setLegendAlignment
    qint64 m_from = 0;
    qint64 m_to = 0;
    int m_batch = 0;        // open Batches
    bool m_axesDue = false; // a Batch holds back updateAxes()
    qreal m_tickWidth = 0;  // the width the time axis' ticks are chosen for
    // A drag in progress: where it started and the range shown then.
    bool m_dragging = false;
    qreal m_dragStartX = 0;
    ViewRange m_dragStartRange;
};

} // namespace turnstile
