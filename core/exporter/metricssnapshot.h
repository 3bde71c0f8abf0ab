#pragma once

#include "collector/collector.h"

#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace turnstile {

// One profile as /metrics shows it: the collector's last cycle, unchanged
// (the exporter never recomputes a figure), plus what only a long-running
// process knows: errors counted across cycles and the last exact figures.
struct ExportedProfile
{
    QString region; // the profile's region name, a label
    CollectResult cycle;
    qint64 finishedAtMs = 0; // when the cycle ended: the figures' age is measured from here
    // The exact figures (locked users, exact token split) run once an hour;
    // the cycles in between carry the last ones so they do not vanish from
    // the scrape for 59 minutes out of 60. Their own age is exported.
    std::optional<ExactSample> exact;
    qint64 exactAtMs = 0;
    QMap<QString, qint64> errorsTotal; // by stage, since the process started
    qint64 cycles = 0;
};

// What a scrape renders. Immutable once published: the collector builds the
// next one and swaps it in (MetricsEndpoint::publish), so a scrape never
// waits for a cycle and never sees half of one.
struct MetricsSnapshot
{
    QList<ExportedProfile> profiles;
};

// The stages whose failure collect_errors_total counts, always exported
// (a counter that appears only after its first error breaks rate()).
const QStringList &collectErrorStages();

// The stages that failed in this cycle, each once however many of its
// figures were missing. Pure; unit-tested.
QStringList failedStages(const CollectResult &r);

// The next snapshot: prev with r's profile replaced (or added), its error
// counters advanced, the exact figures carried over when r has none. Pure.
MetricsSnapshot advanceSnapshot(const MetricsSnapshot &prev, const CollectResult &r,
                                const QString &region, qint64 finishedAtMs);

} // namespace turnstile
