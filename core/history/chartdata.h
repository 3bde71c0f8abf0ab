#pragma once

#include "history/annotation.h"
#include "history/chartspec.h"
#include "history/namedseries.h"
#include "history/scatterseries.h"
#include "history/thresholdline.h"

#include <QHash>
#include <QJsonObject>

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
    // Parallel to the specs: the warning and critical levels of the metrics a
    // time chart shows, for the loaded profiles (thresholdLines).
    QList<QList<ThresholdLine>> thresholds;
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
    // thresholdOverrides: each profile's Profile::thresholds; a profile
    // without an entry has the defaults.
    static ChartData load(const HistoryConfig &config, const QStringList &profiles, qint64 from,
                          qint64 to, const QList<ChartSpec> &specs, const QList<int> &budgets,
                          const QHash<QString, QJsonObject> &thresholdOverrides = {});
    // The same from a Prometheus-compatible query API (HistoryConfig::
    // prometheus; load() takes this path when it is set): the metrics the
    // exporter serves, at each chart's budget; annotations from the audit log.
    static ChartData loadFromPrometheus(const PrometheusSourceSettings &settings,
                                        const QStringList &profiles, qint64 from, qint64 to,
                                        const QList<ChartSpec> &specs, const QList<int> &budgets,
                                        const QHash<QString, QJsonObject> &thresholdOverrides = {});
    // Same with a store that is already open on this thread.
    static ChartData load(HistoryStore &store, const QStringList &profiles, qint64 from, qint64 to,
                          const QList<ChartSpec> &specs, const QList<int> &budgets,
                          const QHash<QString, QJsonObject> &thresholdOverrides = {});

    // The lines a time chart of `spec` draws: every profile's effective warn
    // and critical level (effectiveThresholds) of an Above/Below rule on a
    // metric the chart shows, or on the metric its percentiles are of
    // (validate.ms on validate.p99.ms), scaled like the values. One line per
    // level: every profile's is unnamed, others name theirs ("dc2, dc3").
    // `load` passes the profiles and metrics with data on the chart. Growth
    // and share rules are no level of the plotted value and draw nothing.
    static QList<ThresholdLine> thresholdLines(const ChartSpec &spec, const QStringList &profiles,
                                               const QHash<QString, QJsonObject> &overrides);
    // Same with each profile's own metrics on the chart (those it has data
    // of) instead of the spec's.
    static QList<ThresholdLine> thresholdLines(const ChartSpec &spec, const QStringList &profiles,
                                               const QHash<QString, QStringList> &metricsOf,
                                               const QHash<QString, QJsonObject> &overrides);
    // thresholdLines for the curves a chart draws: only the profiles and
    // metrics with data.
    static QList<ThresholdLine> linesOfDrawnSeries(const ChartSpec &spec,
                                                   const QList<NamedSeries> &series,
                                                   const QHash<QString, QJsonObject> &overrides);
    // The annotations that concern a chart of `spec` (annotationConcerns):
    // a purge on the token chart, not on the latency charts.
    static QList<Annotation> annotationsFor(const ChartSpec &spec,
                                            const QList<Annotation> &annotations);

    // The legend name of a curve: the metric's human name alone for one
    // profile ("Live tokens"), "Live tokens — RegionTwo" when several
    // profiles share a chart (metricnames.h).
    static QString seriesName(const QString &profile, const QString &metric, bool severalProfiles);
};

} // namespace turnstile
