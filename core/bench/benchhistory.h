#pragma once

#include "bench/benchresult.h"
#include "history/historyconfig.h"

#include <QList>
#include <QString>

#include <optional>

namespace turnstile {

class HistoryStore;

// Benchmark results in the history store, as ordinary series of the
// profile (bench.rps, bench.p99_ms, bench.revocation_events, ...), one
// sample per measurement at the second it finished. Series keep them
// comparable run against run with the same tools as every other metric, and
// the Latency page's scatter draws them next to the probe's points. A run
// id (the run's start, seconds since the epoch) ties the measurements of
// one revocation-impact experiment together.
class BenchHistory
{
public:
    enum class Kind
    {
        Validate = 0, // a plain `bench validate`
        Audit = 1,    // revocation-impact with per-token events
        User = 2,
        Project = 3
    };

    // One stored measurement.
    struct Point
    {
        qint64 ts = 0;
        qint64 runId = 0;
        Kind kind = Kind::Validate;
        bool openLoop = false;
        bool incomplete = false;
        double rps = 0;
        double p50Ms = 0;
        double p90Ms = 0;
        double p99Ms = 0;
        double p999Ms = 0;
        double maxMs = 0;
        double errors = 0;
        double concurrency = 0;
        double targetRps = 0;
        double revocationEvents = -1; // -1: not measured
    };
    // The measurements of one run, in time order.
    struct Run
    {
        qint64 runId = 0;
        Kind kind = Kind::Validate;
        QList<Point> points;
        QString label() const; // "2026-11-23 21:40 · per-user events"
    };

    // The metric names; bench.revocation_events and bench.p50_ms/p99_ms are
    // what the Latency page's scatter reads.
    static QStringList metrics();
    static QString kindName(Kind k); // "validate", "audit", "user", "project"
    static std::optional<Kind> kindFromName(const QString &name);
    static QString kindTitle(Kind k); // translated

    // Writes one measurement; returns the timestamp used (the finish second,
    // moved on by a second or two if a measurement is already stored there),
    // or -1 with store.error().
    static qint64 save(HistoryStore &store, const BenchResult &r, qint64 runId, Kind kind);
    // Adds the annotation that marks a run on the time charts.
    static bool annotate(HistoryStore &store, const QString &profile, qint64 ts, Kind kind,
                         const QString &text);
    // The one "save and annotate" of a finished validation run, for
    // turnstilectl and the GUI: opens the store, saves the measurement and
    // marks it on the time charts. Returns the sentence of the step that
    // failed (nothing is lost silently), empty when it is stored. A run that
    // sent nothing stores nothing. Blocking: call on a worker thread.
    static QString saveValidation(const HistoryConfig &history, const BenchResult &r);
    // Every stored run of a profile, oldest first.
    static std::optional<QList<Run>> runs(HistoryStore &store, const QString &profile);
};

} // namespace turnstile
