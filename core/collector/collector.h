#pragma once

#include "db/inspectorsample.h"
#include "db/inspectorsettings.h"
#include "history/sample.h"
#include "history/serieskey.h"
#include "keys/keystatus.h"
#include "memcached/memcachedstats.h"
#include "probe/proberesult.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QList>
#include <QPair>
#include <QStringList>

#include <memory>
#include <optional>

namespace turnstile {

class HistoryStore;

struct CollectOptions
{
    int intervalSec = 60;
    // Exact figures (full token split, producers, users, schema sizes) run when
    // the last exact sample is older than this, or when forced.
    int exactEverySec = 3600;
    bool forceExact = false;
    // The profile's recent issue/validation timings, kept across cycles by a
    // long-running caller (the window, `collect --interval`); the p50/p95/p99
    // metrics are taken over it. Without one, over this cycle's samples.
    std::shared_ptr<class LatencyWindow> latency;
    // Also read the profile's Fernet key repositories (over ssh, a few hundred
    // ms) into CollectResult::keys: the exporter publishes their consistency.
    // The window reads them itself after the cycle (ProbeScheduler).
    bool readKeys = false;
};

// One sampling cycle of one profile, as values. Written to the history store
// by collectOnce(); the GUI shows the same value.
// memcached's get_hits and get_misses: counters since the server started.
struct MemcachedCounters
{
    double hits = 0;
    double misses = 0;
};

// The hit ratio of the reads between two samples of the counters. A ratio
// over the counters' whole life hides today's problem behind weeks of good
// hits, so with an earlier sample the ratio is that of the difference. The
// lifetime ratio stands in when there is no earlier sample or the counters
// went back (memcached restarted: its lifetime is the interval). nullopt
// when nothing was read in between — there is no ratio of no reads.
std::optional<double> memcachedHitRatio(const MemcachedCounters &now,
                                        const std::optional<MemcachedCounters> &before);

struct CollectResult
{
    QString profile;
    qint64 slot = 0; // the aligned timestamp every sample of this cycle carries
    ProbeResult probe;
    std::optional<FrequentSample> frequent;
    std::optional<ExactSample> exact;
    QList<MemcachedStats> memcached;
    // The hit and miss counters the store held from the previous cycle, so
    // the hit ratio is this interval's, not the lifetime's (see below).
    std::optional<MemcachedCounters> memcachedBefore;
    QList<QPair<SeriesKey, Sample>> samples;
    QStringList unavailable; // "metric: unavailable: reason", one per missing figure
    int written = -1;        // new rows in the store; 0 when another writer had this slot already
    QString storeError;
    // Wall time of the whole cycle, store write included.
    double durationSec = 0;
    // The key repositories, with CollectOptions::readKeys and a profile that
    // lists some (a setup error is in unavailable as "keys: reason").
    std::optional<KeyStatus> keys;
};

// The metric names a cycle writes, flattened from the structured samples.
// Pure: the naming is tested without a server.
QList<QPair<QString, double>> flattenMetrics(const CollectResult &r, QStringList *unavailable);

// The part of a metric name that stands for a schema or table name the
// server reported ("table.<part>.bytes", "schema.<part>.bytes"): lower case,
// [a-z0-9_] only, at most 48 characters. Pages that look a table's history
// up by its name use the same reduction.
QString metricNamePart(const QString &serverName);

// Aligns a time to the sampling grid, so a GUI sampler and a cron collector
// sampling the same profile in the same interval write the same timestamp and
// the store keeps one of them (ON CONFLICT DO NOTHING).
qint64 alignToSlot(qint64 epochSec, int intervalSec);

// Runs one cycle: probe, database inspection (exact figures when due),
// memcached, then writes everything to the store. Blocking; one thread.
CollectResult collectOnce(const Profile &profile, const Secrets &secrets, HistoryStore &store,
                          const CollectOptions &options = {});

// The inspector's settings from the profile's keystone.conf (token lifetime,
// revocation buffer, lockout): the collector's and every other reader's.
InspectorSettings inspectorSettingsFor(const Profile &profile);

// The thresholds verdict of a lone probe (`turnstilectl probe`): its own
// figures over the store's recent ones (store may be null), through the same
// evaluateProfileHealth() as a collector cycle and `turnstilectl thresholds`.
void judgeProbe(ProbeResult &probe, const QJsonObject &thresholds, HistoryStore *store);

} // namespace turnstile
