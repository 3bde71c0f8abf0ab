#pragma once

#include "health/thresholds.h"
#include "history/rangechange.h"

#include <QJsonObject>
#include <QList>
#include <QLocale>
#include <QString>
#include <QStringList>

namespace turnstile {

class HistoryStore;

// One headline figure of a profile over a report's range.
struct HeadlineFigure
{
    QString metric;
    RangeChange change;
    int group = 0; // the index of its pattern in headlineMetrics()
};

// What the first page of a report says about one profile: its verdict at
// the end of the range (evaluateProfileHealth, the Overview's verdict) and
// how its headline figures moved over the range. A value, read on a worker.
struct ProfileSummary
{
    QString profile;
    HealthVerdict verdict;
    // In headlineMetrics() order (a wildcard's tables biggest first), only
    // the figures with a value in the range.
    QList<HeadlineFigure> figures;

    // Blocking: reads `store` on the calling thread. The verdict is judged
    // at `to` with the profile's threshold overrides.
    static ProfileSummary read(HistoryStore &store, const QString &profile,
                               const QJsonObject &thresholdOverrides, qint64 from, qint64 to);
};

// The metrics a capacity review looks at first, in the order a summary
// lists them; "table.*.bytes" stands for every table the collector sizes.
QStringList headlineMetrics();

// A headline figure for a person, in its unit: "2.51 M" (counts, three
// significant digits), "45 ms" / "1.7 s" (formatLatency, in the default
// locale), "1.4 GiB".
QString headlineValue(const QString &metric, double value, const QLocale &locale = QLocale());
// Its change over the range: "+512 k (+24.4%)", "-3 ms (-6.3%)",
// "+1.2 k" when the first value was 0, "unchanged".
QString headlineChange(const QString &metric, const RangeChange &change,
                       const QLocale &locale = QLocale());

} // namespace turnstile
