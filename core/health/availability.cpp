#include "health/availability.h"

#include "util/duration.h"

#include <QCoreApplication>
#include <QDateTime>

#include <algorithm>
#include <cmath>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Availability)
};

using State = Availability::State;

// How long one sample speaks for: twice the usual spacing of the samples
// (the window probes every 30 s, a cron collector maybe every 5 min), so one
// late sample is no gap but a stopped collector is.
qint64 coverOf(const QList<Sample> &sorted)
{
    QList<qint64> gaps;
    for (qsizetype i = 1; i < sorted.size(); ++i)
        if (const qint64 d = sorted[i].ts - sorted[i - 1].ts; d > 0)
            gaps.append(d);
    if (gaps.isEmpty())
        return 60;
    std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
    return std::clamp<qint64>(2 * gaps.at(gaps.size() / 2), 60, 3600);
}

void add(QList<Availability::Span> &spans, qint64 from, qint64 to, State state)
{
    if (to <= from)
        return;
    if (!spans.isEmpty() && spans.last().state == state && spans.last().to == from) {
        spans.last().to = to;
        return;
    }
    spans.append({from, to, state});
}
} // namespace

Availability Availability::fromSamples(const QList<Sample> &samples, qint64 from, qint64 to)
{
    Availability a;
    a.from = from;
    a.to = to;
    if (to <= from)
        return a;
    QList<Sample> sorted;
    for (const Sample &s : samples)
        if (s.ts >= from && s.ts < to && std::isfinite(s.value))
            sorted.append(s);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const Sample &x, const Sample &y) { return x.ts < y.ts; });
    const qint64 cover = coverOf(sorted);
    qint64 at = from;
    for (qsizetype i = 0; i < sorted.size(); ++i) {
        const Sample &s = sorted.at(i);
        add(a.spans, at, s.ts, State::Unknown);
        const qint64 next = i + 1 < sorted.size() ? sorted.at(i + 1).ts : to;
        const qint64 end = std::min(next, s.ts + cover);
        // Two samples in the same second: the later one decides from there.
        if (end > s.ts)
            add(a.spans, std::max(at, s.ts), end, s.value >= 0.5 ? State::Up : State::Down);
        at = std::max(at, end);
    }
    add(a.spans, at, to, State::Unknown);
    return a;
}

qint64 Availability::secondsIn(State s) const
{
    qint64 n = 0;
    for (const Span &span : spans)
        if (span.state == s)
            n += span.seconds();
    return n;
}

QList<Availability::Span> Availability::outages() const
{
    // Down, then nothing measured, then down again: nobody saw Keystone up in
    // between, so it is one outage (the window restarted, a probe was late),
    // not two. Its length runs from the first failed sample to the last.
    QList<Span> out;
    bool upSince = true;
    for (const Span &span : spans) {
        if (span.state == State::Up)
            upSince = true;
        if (span.state != State::Down)
            continue;
        if (!upSince && !out.isEmpty())
            out.last().to = span.to;
        else
            out.append(span);
        upSince = false;
    }
    return out;
}

bool Availability::hasSamples() const
{
    return secondsIn(State::Up) + secondsIn(State::Down) > 0;
}

QString Availability::text(const QLocale &locale, const QTimeZone &zone) const
{
    if (!hasSamples())
        return Tr::tr("No availability samples yet.");
    // The strip shows minutes: the locale's short time without seconds (the
    // C locale's short format has them).
    QString format = locale.timeFormat(QLocale::ShortFormat);
    format.remove(QStringLiteral(":ss"));
    const auto clock = [&](qint64 t) {
        return locale.toString(QDateTime::fromSecsSinceEpoch(t, zone).time(), format);
    };
    const QList<Span> down = outages();
    const qint64 unknown = secondsIn(State::Unknown);
    // "24 h", as the strip's caption says it: no plural to get wrong in a
    // language without a translation file.
    const QString window = Tr::tr("%1 h").arg((to - from + 1800) / 3600);
    if (down.isEmpty()) {
        if (unknown <= 0)
            return Tr::tr("No outage in the last %1.").arg(window);
        return Tr::tr("No outage in the last %1 (%2 not measured).")
            .arg(window, formatDuration(unknown));
    }
    // Still down when the last known state is: the newest span that is not Unknown.
    const Span &last = down.last();
    bool ongoing = true;
    for (const Span &s : spans)
        if (s.from >= last.to && s.state == State::Up)
            ongoing = false;
    if (down.size() == 1) {
        if (ongoing)
            return Tr::tr("Down since %1 (%2).")
                .arg(clock(last.from), formatDuration(last.seconds()));
        return Tr::tr("Down %1 at %2.").arg(formatDuration(last.seconds()), clock(last.from));
    }
    const Span longest =
        *std::max_element(down.begin(), down.end(),
                          [](const Span &a, const Span &b) { return a.seconds() < b.seconds(); });
    qint64 downSeconds = 0;
    for (const Span &o : down)
        downSeconds += o.seconds();
    const QString all =
        Tr::tr("Down %n times, %1 in all; the longest %2 at %3.", nullptr, int(down.size()))
            .arg(formatDuration(downSeconds), formatDuration(longest.seconds()),
                 clock(longest.from));
    if (ongoing)
        return all + u' ' + Tr::tr("Down since %1.").arg(clock(last.from));
    return all;
}

} // namespace turnstile
