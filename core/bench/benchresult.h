#pragma once

#include "bench/benchconfig.h"
#include "bench/benchsample.h"
#include "bench/latencysummary.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

namespace turnstile {

// What one validation measurement found. A value type, built by summarize()
// from the raw samples, so the figures are unit-tested without a server.
struct BenchResult
{
    BenchConfig config;
    QString profile;
    QDateTime startedAt; // UTC
    QDateTime finishedAt;
    int workers = 0;
    int tokens = 0;       // distinct subject tokens validated
    double elapsedS = 0;  // the measured window
    qint64 sent = 0;      // handed to the network
    qint64 completed = 0; // answered with any HTTP status
    qint64 ok = 0;        // 2xx
    qint64 errors = 0;    // non-2xx, timeouts, network errors
    // "404", "500", "timeout", "network" -> count.
    QMap<QString, qint64> errorsByStatus;
    double targetRate = 0;   // open loop; 0 for closed loop
    double achievedRate = 0; // answers per second over the window
    // From the intended send time (open loop) or the send time (closed loop)
    // to the answer; over every request that got an answer or timed out.
    LatencySummary latency;
    LatencySummary wire;     // handed to Qt -> answer
    LatencySummary queue;    // intended -> handed to Qt: time waiting in the client
    QList<qint64> perSecond; // answers completed in each second of the run
    bool incomplete = false;
    QString stopReason; // why it stopped early; empty when it ran to the end
    QString error;      // set when nothing could be measured (auth failed, ...)
    // Filled by the revocation-impact experiment: events Keystone listed just
    // before this measurement, and of which kind the experiment adds.
    qint64 revocationEvents = -1;
    qint64 revocationStep = -1;
    QString eventKind;

    bool failed() const { return !error.isEmpty(); }
    // Aggregates samples. startNs..endNs is the measured window (the run's
    // clock, in ns): closed loop the requested duration, open loop until the
    // last answer.
    static BenchResult summarize(const BenchConfig &config, const QList<BenchSample> &samples,
                                 qint64 windowNs);
    QJsonObject toJson() const;
    static BenchResult fromJson(const QJsonObject &o);
    // One line for a terminal or an annotation.
    QString oneLine() const;
};

} // namespace turnstile
