#pragma once

#include <QDateTime>
#include <QString>

namespace turnstile {

// The one way a person reads an instant or a run time in turnstilectl and the
// GUI alike (the copies drifted: "-" here, "–" there, C decimals here, the
// locale's there).

// "2026-03-01 14:05:09 UTC"; "–" for an unknown time.
QString formatUtcTime(const QDateTime &t);

// A measured or estimated run time: "?" when unknown (< 0), "4.2 s" (the
// default locale's decimal point) below ten seconds, else formatDuration()'s
// "1h 30m".
QString formatRunTime(double seconds);

} // namespace turnstile
