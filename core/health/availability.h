#pragma once

#include "history/sample.h"

#include <QList>
#include <QLocale>
#include <QString>
#include <QTimeZone>

namespace turnstile {

// Whether Keystone answered over a window of time, from the collector's
// keystone.up samples (1 answered, 0 did not): the Overview's availability
// strip and its "down 4m at 02:13".
//
// A sample speaks for the time until the next one, but only as long as the
// samples' own cadence makes plausible (twice the median spacing, at least a
// minute, at most an hour): a laptop that slept or a collector that stopped
// leaves a gap, and a gap is Unknown, never Down (nor Up).
struct Availability
{
    enum class State
    {
        Unknown,
        Up,
        Down
    };
    struct Span
    {
        qint64 from = 0; // seconds since the epoch, [from, to)
        qint64 to = 0;
        State state = State::Unknown;
        qint64 seconds() const { return to - from; }
        bool operator==(const Span &) const = default;
    };

    qint64 from = 0;
    qint64 to = 0;
    // [from, to) in order, neighbours never in the same state.
    QList<Span> spans;

    qint64 secondsIn(State s) const;
    QList<Span> outages() const;
    bool hasSamples() const;

    // Pure. Samples outside [from, to) and non-finite values (a failed write,
    // NaN) are ignored; the samples need not be sorted.
    static Availability fromSamples(const QList<Sample> &samples, qint64 from, qint64 to);

    // One sentence for a person, times in `zone` written the `locale`'s way:
    // "Down 4m at 02:13.", "Down since 02:13 (4m).", "Down 3 times, 12m in
    // all; the longest 8m at 02:13.", "No outage in the last 24 h.", "No
    // outage in the last 24 h (3h not measured).", "No availability
    // samples yet." Durations as formatDuration() writes them.
    QString text(const QLocale &locale = QLocale(),
                 const QTimeZone &zone = QTimeZone::systemTimeZone()) const;
};

} // namespace turnstile
