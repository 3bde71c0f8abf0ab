#pragma once

#include "bench/benchconfig.h"
#include "bench/benchconnection.h"
#include "bench/benchsample.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QUrl>

#include <atomic>
#include <deque>

class QTimer;

namespace turnstile {

// What the workers of one run share with the engine. Counters are atomics so
// the engine can show progress and stop the run without a lock.
struct BenchShared
{
    qint64 startNs = 0; // steady clock, absolute
    std::atomic_bool stop{false};
    std::atomic<qint64> tickets{0}; // closed loop with a count: requests left to hand out
    std::atomic<qint64> sent{0};
    std::atomic<qint64> answered{0};
    std::atomic<qint64> errors{0};
    std::atomic_int consecutiveErrors{0};
    std::atomic_int unauthorized{0};
    std::atomic_int notFound{0};
    std::atomic_int finished{0};
    int maxConsecutiveErrors = 20;

    static qint64 nowNs(); // steady clock
    qint64 elapsedNs() const { return nowNs() - startNs; }
};

// One load-generating thread: owns maxInFlight BenchConnections (at most
// BenchConfig::kPerWorker), one request in flight on each, all driven by this
// thread's event loop. No request waits anywhere it cannot be timed: requests
// that are due while every connection is busy (open loop) wait in this
// worker's queue; that wait is recorded as client queue time and counts into
// the latency.
//
// Lives on its own QThread; start() is invoked there. When done it moves its
// samples to *output, bumps shared->finished and deletes itself (with its
// connections) on its thread.
class BenchWorker : public QObject
{
    Q_OBJECT
public:
    struct Plan
    {
        BenchConfig config;
        int index = 0;       // this worker
        int workers = 1;     // of
        int maxInFlight = 1; // requests in flight at most
        QUrl url;            // <v3>/auth/tokens
        BenchConnection::Endpoint endpoint;
        QByteArray authToken;
        QList<QByteArray> tokens; // the pool
        QList<BenchSample> *output = nullptr;
    };

    BenchWorker(Plan plan, BenchShared *shared);
    ~BenchWorker() override;

public slots:
    void start();

private:
    struct InFlight
    {
        qint64 intendedNs = 0;
        qint64 sentNs = 0;
    };

    void send(qint64 intendedNs);
    void onFinished(BenchConnection *conn, const BenchConnection::Reply &reply);
    void abortAll();
    void housekeeping();
    void tick();
    void fillSlots();
    bool scheduleDone() const;
    void finishIfIdle();
    void finish();

    Plan m_plan;
    BenchShared *m_shared;
    QList<QByteArray> m_requests; // one prebuilt GET per pool token
    QList<BenchConnection *> m_idle;
    QTimer *m_house = nullptr;
    QTimer *m_tick = nullptr;
    QHash<BenchConnection *, InFlight> m_inFlight;
    std::deque<qint64> m_waiting; // open loop: intended times of due requests
    QList<BenchSample> m_samples;
    qint64 m_next = 0;         // open loop: this worker's next schedule index
    qint64 m_scheduleSize = 0; // open loop: requests in the whole schedule
    qint64 m_tokenCursor = 0;
    bool m_draining = false; // no new requests; wait for the ones in flight
    bool m_done = false;
};

} // namespace turnstile
