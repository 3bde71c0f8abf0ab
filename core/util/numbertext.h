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

} // namespace turnstile
