#pragma once

#include "history/bucket.h"

#include <QList>
#include <QWidget>

namespace turnstile {

// A figure's last day in a few dozen pixels: the min/max band of each bucket
// and the line of their means, painted with QPainter (QtCharts stays behind
// ChartView; a tile has no axes, no legend, no zoom). The buckets come
// decimated to pixelBudget() by core (TileHistory::load).
class Sparkline : public QWidget
{
    Q_OBJECT
public:
    explicit Sparkline(QWidget *parent = nullptr);

    // [from, to) is the time the width stands for: a gap stays a gap.
    void setBuckets(const QList<Bucket> &buckets, qint64 from, qint64 to);
    const QList<Bucket> &buckets() const { return m_buckets; }
    // Something to draw: two buckets or more make a trend.
    bool hasTrend() const { return m_buckets.size() >= 2; }
    // The buckets worth asking core for: one per pixel column.
    int pixelBudget() const { return width(); }

    QSize sizeHint() const override { return {96, 20}; }
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(class QPaintEvent *e) override;

private:
    QList<Bucket> m_buckets;
    qint64 m_from = 0;
    qint64 m_to = 0;
};

} // namespace turnstile
