#pragma once

#include "history/annotation.h"
#include "history/chartspec.h"
#include "history/namedseries.h"
#include "history/scatterseries.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace turnstile {

class HistoryStore;
struct HistoryConfig;
struct PrometheusSourceSettings;

// What a list of ChartSpecs shows, read from the history store: already
// decimated to each chart's pixel budget, plus the annotations (audit log
// and store) of the same profiles and range. A value, made on a worker
// thread and handed to the GUI thread. One code path for the Growth and
// Latency pages and `turnstilectl report`.
struct ChartData
{
    QStringList profiles;
    qint64 from = 0;
    qint64 to = 0;
    // Parallel to the specs. A time chart has one series per profile and
    // metric (profile by profile); a scatter chart one ScatterSeries per
    // profile.
    QList<QList<NamedSeries>> series;
    QList<QList<ScatterSeries>> scatter;
    QList<Annotation> annotations;
    // Profiles with no series at all in the store (not only none in range).
    QStringList unknownProfiles;
    QString error;
    bool noStore = false; // SQLite file absent: nothing was collected yet

    // Buckets over every chart: 0 means there is nothing to draw.
    int bucketCount() const;

    // Blocking: opens, uses and closes its store on the calling thread, so
    // call it on a worker (ioPool()). Does not create a missing SQLite file
    // (noStore instead): reading must not leave an empty store where a
    // collector is about to write.
    static ChartData load(const HistoryConfig &config, const QStringList &profiles, qint64 from,
                          qint64 to, const QList<ChartSpec> &specs, const QList<int> &budgets);
    // The same from a Prometheus-compatible query API (HistoryConfig::
    // prometheus; load() takes this path when it is set): the metrics the
    // exporter serves, at each chart's budget; annotations from the audit log.
    static ChartData loadFromPrometheus(const PrometheusSourceSettings &settings,
                                        const QStringList &profiles, qint64 from, qint64 to,
                                        const QList<ChartSpec> &specs, const QList<int> &budgets);
    // Same with a store that is already open on this thread.
    static ChartData load(HistoryStore &store, const QStringList &profiles, qint64 from, qint64 to,
                          const QList<ChartSpec> &specs, const QList<int> &budgets);

    // The legend name of a curve: the metric's human name alone for one
    // profile ("Live tokens"), "Live tokens — RegionTwo" when several
    // profiles share a chart (metricnames.h).
    static QString seriesName(const QString &profile, const QString &metric, bool severalProfiles);
};

} // namespace turnstile
