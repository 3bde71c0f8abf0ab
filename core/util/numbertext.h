#pragma once

#include <QLocale>
#include <QString>

namespace turnstile {

// A figure as text for a script or a person: every digit of a count
// (1938245, not the 6 significant digits of "%1", QTextStream or
// QLocale::toString(double) that turn it into "1.93825e+06"), and a
// fractional value such as milliseconds in as few digits as read back to the
// same double, never in exponent notation. The C locale (the default) is for
// CSV and other machine-read output; a person's locale adds digit grouping.
QString exactNumber(double value, const QLocale &locale = QLocale::c());

// A tick label of a chart axis whose ticks are `step` apart, for a person:
// SI prefixes from a thousand on ("250 k", "1.5 M", "2 G"), the locale's
// decimal point ("1,5 M" in German), and as many decimals as the step needs
// to tell neighbouring ticks apart ("1.25 M" beside "1.5 M", "0.5" beside
// "1"), never exponent notation. A slide reads "2.5 M", not "2500000".
QString axisNumber(double value, double step, const QLocale &locale = QLocale());

// A millisecond figure with its unit, for an axis whose ticks are `step` ms
// apart and reach `largest` ms: "250 ms" while the axis stays below a
// second, else seconds for every tick ("0.5 s", "1.5 s"), so a latency axis
// reads "1.5 s", not "1.5 k ms". A threshold label passes its own value as
// `largest`.
QString millisecondsText(double ms, double step, double largest, const QLocale &locale = QLocale());

// A count in two significant figures for a sentence: "1.9 M", "40", "12 k".
QString roundedCount(double value, const QLocale &locale = QLocale());

} // namespace turnstile
