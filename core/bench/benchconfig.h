#pragma once

#include <QJsonObject>
#include <QString>

namespace turnstile {

// What one token-validation measurement does. A value type: the CLI and the
// Benchmark dialog fill it, validationError() judges it before any request.
struct BenchConfig
{
    enum class Mode
    {
        // `concurrency` requests in flight; each sends the next as soon as its
        // answer arrives. Simple, but a stalled server also stalls the load
        // generator, so stalls hide (coordinated omission).
        Closed,
        // `rate` requests per second on a fixed schedule; latency counts from
        // the intended send time, so time spent waiting behind a stall counts.
        Open
    };

    Mode mode = Mode::Closed;
    // Closed: requests in flight. Open: the most requests in flight (and
    // connections) the client may use to keep the schedule.
    int concurrency = 20;
    double rate = 0;           // open loop only, requests per second
    qint64 durationMs = 15000; // 0: run `count` requests instead
    qint64 count = 0;          // 0: run for `durationMs`
    int poolSize = 50;         // distinct subject tokens validated in turn
    int issueConcurrency = 4;  // issue phase
    int timeoutMs = 10000;     // per request
    // Stop instead of hammering a failing endpoint.
    int maxConsecutiveErrors = 20;

    static constexpr int kMaxConcurrency = 1000;
    static constexpr double kMaxRate = 20000;
    static constexpr int kMaxPool = 10000;
    static constexpr qint64 kMaxDurationMs = 3600 * 1000;
    static constexpr qint64 kMaxCount = 10000000;
    // Connections (one request in flight each) per worker thread. Each
    // thread's event loop drives its own BenchConnections; 6 keeps a thread
    // per ~6 slots as with the former QNetworkAccessManager client (which
    // could not open more per host), so C = 20 still runs on 4 threads.
    static constexpr int kPerWorker = 6;

    // Empty when the configuration can run, else one translated sentence.
    QString validationError() const;
    // Worker threads (kPerWorker connections each at most) for `concurrency`.
    int workerCount() const;
    QJsonObject toJson() const;
    static BenchConfig fromJson(const QJsonObject &o);
    static QString modeName(Mode m);
};

} // namespace turnstile
