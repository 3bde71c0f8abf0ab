#pragma once

#include <QDateTime>
#include <QtGlobal>

namespace turnstile {

// The time span a chart shows, [from, to) in seconds since the epoch, and
// how zoom and pan move it. Pure functions, so the chart view only maps mouse
// positions to fractions and the arithmetic is tested on its own.
struct ViewRange
{
    qint64 from = 0;
    qint64 to = 0;

    qint64 span() const { return to - from; }
    bool operator==(const ViewRange &) const = default;
};

// The exclusive end of a range that reaches "now". A range is [from, to), so
// `to` must lie past this very second, or the sample a collector stamped a
// moment ago stays hidden until the clock ticks on (`history` missed it).
inline qint64 rangeEndNow()
{
    return QDateTime::currentSecsSinceEpoch() + 1;
}

// Narrowest span a zoom may reach: a history sample is a minute apart at the
// finest, so closer than this only magnifies one line segment.
inline constexpr qint64 kMinViewSpan = 60;
// Widest: the longest retention the history store keeps (about two years).
inline constexpr qint64 kMaxViewSpan = 2 * 366 * 86400;

// Zooms by `factor` (< 1 zooms in, > 1 out) around the point at `anchor`
// (0 = left edge, 1 = right edge), which stays where it is on screen. The
// span is clamped to [kMinViewSpan, kMaxViewSpan]; a range with to <= from,
// or a factor that is not a positive finite number, comes back unchanged.
ViewRange zoomRange(const ViewRange &range, double factor, double anchor);

// Moves the range by `fraction` of its span (positive = later in time),
// keeping the span. A pan never ends later than `latest` (now): the future
// holds no samples; the range then stops with its right edge at `latest`.
ViewRange panRange(const ViewRange &range, double fraction, qint64 latest);

} // namespace turnstile
