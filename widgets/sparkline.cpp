#include "sparkline.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace turnstile {

Sparkline::Sparkline(QWidget *parent) : QWidget(parent)
{
    setFixedSize(sizeHint());
}

void Sparkline::setBuckets(const QList<Bucket> &buckets, qint64 from, qint64 to)
{
    m_buckets = buckets;
    m_from = from;
    m_to = to;
    update();
}

void Sparkline::paintEvent(QPaintEvent *)
{
    if (!hasTrend() || m_to <= m_from)
        return;
    double lo = m_buckets.first().min, hi = m_buckets.first().max;
    for (const Bucket &b : std::as_const(m_buckets)) {
        lo = std::min(lo, b.min);
        hi = std::max(hi, b.max);
    }
    // A flat series sits in the middle rather than on an edge.
    if (hi - lo < 1e-9) {
        lo -= 1;
        hi += 1;
    }
    const QRectF area = QRectF(rect()).adjusted(1, 2, -2, -2);
    const double span = double(m_to - m_from);
    const auto x = [&](qint64 ts) {
        return area.left() + area.width() * double(ts - m_from) / span;
    };
    const auto y = [&](double v) { return area.bottom() - area.height() * (v - lo) / (hi - lo); };
    // A bucket's width: gaps wider than two of them are not bridged.
    qint64 step = m_to - m_from;
    for (qsizetype i = 1; i < m_buckets.size(); ++i)
        step = std::min(step, m_buckets[i].ts - m_buckets[i - 1].ts);
    step = std::max<qint64>(step, 1);

    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QColor line = palette().color(QPalette::Highlight);
    QColor band = line;
    band.setAlphaF(0.25);
    for (const Bucket &b : std::as_const(m_buckets)) {
        const QRectF r(QPointF(x(b.ts), y(b.max)), QPointF(x(b.ts + step), y(b.min)));
        p.fillRect(r.normalized().adjusted(0, -0.5, 0, 0.5), band);
    }
    QPainterPath path;
    for (qsizetype i = 0; i < m_buckets.size(); ++i) {
        const Bucket &b = m_buckets[i];
        const QPointF pt(x(b.ts) + area.width() * double(step) / span / 2, y(b.avg()));
        if (i == 0 || b.ts - m_buckets[i - 1].ts > 2 * step)
            path.moveTo(pt);
        else
            path.lineTo(pt);
    }
    p.setPen(QPen(line, 1.2));
    p.drawPath(path);
    // The newest value, where the eye lands.
    p.setBrush(line);
    p.setPen(Qt::NoPen);
    p.drawEllipse(path.currentPosition(), 1.8, 1.8);
}

} // namespace turnstile
