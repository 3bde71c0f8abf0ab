#pragma once

#include <QDateTime>
#include <QLocale>
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

// A latency in milliseconds, the one way every surface writes it (the
// Overview's figures and the threshold sentences said "1,640 ms" and "1.6 s"
// for the same p99): "4.8 ms" below ten, "640 ms" below a second, from there
// formatRunTime()'s "1.6 s". "n/a"-style absence is the caller's business.
QString formatLatency(double milliseconds);

// The QDateTime format of a chart's time axis over [from, to) (seconds
// since the epoch, local time) with `ticks` labels: hours within one date,
// dates where ticks are a day or more apart, both in between, and the year
// whenever the range spans two years or is not in the year of `now`, so a
// slide never reads "07.11." without saying which November.
// Dates follow the locale's short date order ("dd.MM." in German, "M/d" in
// American English, "dd/MM" in British), clock times are 24-hour.
QString axisTimeFormat(qint64 from, qint64 to, int ticks, const QDateTime &now,
                       const QLocale &locale = QLocale());

// The time zone local times in [from, to] (seconds since the epoch) are
// shown in, for the caption of an export or a report that a reader in
// another zone gets: "UTC", "Europe/Berlin, UTC+01:00", and both offsets when
// daylight saving time changes within the range ("Europe/Berlin,
// UTC+02:00/UTC+01:00").
QString timeZoneText(qint64 from, qint64 to);

} // namespace turnstile
