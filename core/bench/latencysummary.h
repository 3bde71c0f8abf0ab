#pragma once

#include <QJsonObject>
#include <QList>

namespace turnstile {

// Order statistics of a set of durations, computed exactly from every
// recorded value (no histogram, no interpolation): the p-th percentile is the
// nearest-rank value, the smallest sample with at least p % of the samples at
// or below it. A run keeps every sample (16-32 bytes each), which stays small
// for the rates a Keystone answers.
struct LatencySummary
{
    qint64 count = 0;
    double minMs = 0;
    double p50Ms = 0;
    double p90Ms = 0;
    double p95Ms = 0;
    double p99Ms = 0;
    double p999Ms = 0;
    double maxMs = 0;
    double meanMs = 0;

    // Sorts a copy. Durations in nanoseconds.
    static LatencySummary fromNanoseconds(QList<qint64> ns);
    // Nearest rank of an ascending list; p in (0, 100]. 0 for an empty list.
    static qint64 percentile(const QList<qint64> &sorted, double p);

    QJsonObject toJson() const;
    static LatencySummary fromJson(const QJsonObject &o);
};

} // namespace turnstile
