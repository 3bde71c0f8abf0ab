#include "bench/benchworker.h"

#include "bench/openloopschedule.h"

#include <QTimer>

#include <chrono>
#include <cmath>

namespace turnstile {

qint64 BenchShared::nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

BenchWorker::BenchWorker(Plan plan, BenchShared *shared)
    : m_plan(std::move(plan)), m_shared(shared), m_tokenCursor(m_plan.index)
{}

BenchWorker::~BenchWorker() = default;

void BenchWorker::start()
{
    // Created here, on the worker's thread: a socket belongs to its thread.
    m_requests.reserve(m_plan.tokens.size());
    for (const QByteArray &t : std::as_const(m_plan.tokens))
        m_requests.append(BenchConnection::buildRequest(m_plan.url, m_plan.authToken, t));
    for (int i = 0; i < m_plan.maxInFlight; ++i) {
        auto *conn = new BenchConnection(m_plan.endpoint, this);
        conn->setCallback([this, conn](const BenchConnection::Reply &r) { onFinished(conn, r); });
        m_idle.append(conn);
    }
    m_house = new QTimer(this);
    m_house->setInterval(20);
    connect(m_house, &QTimer::timeout, this, &BenchWorker::housekeeping);
    m_house->start();
    const BenchConfig &c = m_plan.config;
    if (c.mode == BenchConfig::Mode::Closed) {
        for (int i = 0; i < m_plan.maxInFlight; ++i)
            send(m_shared->elapsedNs());
        finishIfIdle();
        return;
    }
    m_scheduleSize = OpenLoopSchedule(c.rate, c.count, c.durationMs * 1000000).size();
    m_tick = new QTimer(this);
    m_tick->setSingleShot(true);
    m_tick->setTimerType(Qt::PreciseTimer);
    connect(m_tick, &QTimer::timeout, this, &BenchWorker::tick);
    tick();
}

bool BenchWorker::scheduleDone() const
{
    return OpenLoopSchedule::indexFor(m_plan.index, m_plan.workers, m_next) >= m_scheduleSize;
}

void BenchWorker::tick()
{
    if (m_draining || m_done)
        return;
    const BenchConfig &c = m_plan.config;
    const OpenLoopSchedule schedule(c.rate, c.count, c.durationMs * 1000000);
    const qint64 now = m_shared->elapsedNs();
    // Everything due by now joins the queue with its intended time, whether
    // or not a slot is free: that is what keeps stalls visible.
    while (!scheduleDone()) {
        const qint64 due =
            schedule.dueNs(OpenLoopSchedule::indexFor(m_plan.index, m_plan.workers, m_next));
        if (due > now)
            break;
        m_waiting.push_back(due);
        ++m_next;
    }
    fillSlots();
    if (scheduleDone()) {
        finishIfIdle();
        return;
    }
    const qint64 next =
        schedule.dueNs(OpenLoopSchedule::indexFor(m_plan.index, m_plan.workers, m_next));
    const qint64 waitMs = std::max<qint64>(0, (next - m_shared->elapsedNs()) / 1000000);
    m_tick->start(int(std::min<qint64>(waitMs, 1000)));
}

void BenchWorker::fillSlots()
{
    while (!m_waiting.empty() && m_inFlight.size() < m_plan.maxInFlight && !m_draining) {
        const qint64 intended = m_waiting.front();
        m_waiting.pop_front();
        send(intended);
    }
}

void BenchWorker::send(qint64 intendedNs)
{
    if (m_draining || m_shared->stop.load())
        return;
    const BenchConfig &c = m_plan.config;
    if (c.mode == BenchConfig::Mode::Closed) {
        if (c.count > 0) {
            if (m_shared->tickets.fetch_sub(1) <= 0)
                return;
        } else if (m_shared->elapsedNs() >= c.durationMs * 1000000) {
            return;
        }
    }
    if (m_idle.isEmpty())
        return; // cannot happen: callers keep at most maxInFlight requests out
    // HTTP/1.1 like wrk: one request per connection at a time.
    const QByteArray &request = m_requests.at(qsizetype(m_tokenCursor % m_requests.size()));
    m_tokenCursor += m_plan.workers;
    BenchConnection *conn = m_idle.takeLast();
    InFlight f;
    f.intendedNs = intendedNs;
    f.sentNs = m_shared->elapsedNs();
    m_inFlight.insert(conn, f);
    m_shared->sent.fetch_add(1);
    conn->send(request);
}

void BenchWorker::onFinished(BenchConnection *conn, const BenchConnection::Reply &reply)
{
    const qint64 done = m_shared->elapsedNs();
    const auto it = m_inFlight.find(conn);
    if (it == m_inFlight.end())
        return;
    const InFlight f = it.value();
    m_inFlight.erase(it);
    m_idle.append(conn);
    BenchSample s;
    s.intendedNs = f.intendedNs;
    s.sentNs = f.sentNs;
    s.doneNs = done;
    if (reply.outcome == BenchConnection::Reply::Outcome::Http)
        s.status = reply.status;
    else
        s.outcome = BenchSample::Outcome::Network; // refused, reset, TLS, not HTTP
    m_samples.append(s);
    if (s.outcome == BenchSample::Outcome::Http)
        m_shared->answered.fetch_add(1);
    if (s.ok()) {
        m_shared->consecutiveErrors.store(0);
    } else {
        m_shared->errors.fetch_add(1);
        if (s.status == 401) {
            // Our own token is not accepted: every further request would be
            // a 401 too.
            m_shared->unauthorized.fetch_add(1);
            m_shared->stop.store(true);
        } else if (s.status == 404) {
            m_shared->notFound.fetch_add(1);
        }
        if (m_shared->consecutiveErrors.fetch_add(1) + 1 >= m_shared->maxConsecutiveErrors)
            m_shared->stop.store(true);
    }
    if (m_shared->stop.load()) {
        housekeeping();
        return;
    }
    if (m_plan.config.mode == BenchConfig::Mode::Closed)
        send(m_shared->elapsedNs());
    else
        fillSlots();
    finishIfIdle();
}

void BenchWorker::housekeeping()
{
    if (m_done)
        return;
    const BenchConfig &c = m_plan.config;
    const qint64 now = m_shared->elapsedNs();
    if (m_shared->stop.load()) {
        m_draining = true;
        m_waiting.clear();
        abortAll();
        finishIfIdle();
        return;
    }
    // Requests older than the timeout are given up and recorded as such.
    const qint64 limit = qint64(c.timeoutMs) * 1000000;
    QList<BenchConnection *> late;
    for (auto it = m_inFlight.cbegin(); it != m_inFlight.cend(); ++it)
        if (now - it.value().sentNs > limit)
            late.append(it.key());
    for (BenchConnection *conn : std::as_const(late)) {
        const InFlight f = m_inFlight.take(conn);
        conn->abort(); // no callback follows
        m_idle.append(conn);
        BenchSample s;
        s.intendedNs = f.intendedNs;
        s.sentNs = f.sentNs;
        s.doneNs = now;
        s.outcome = BenchSample::Outcome::Timeout;
        m_samples.append(s);
        m_shared->errors.fetch_add(1);
        if (m_shared->consecutiveErrors.fetch_add(1) + 1 >= m_shared->maxConsecutiveErrors)
            m_shared->stop.store(true);
    }
    if (!late.isEmpty() && m_shared->stop.load()) {
        housekeeping();
        return;
    }
    if (!late.isEmpty()) {
        // The freed connections take the next requests.
        if (c.mode == BenchConfig::Mode::Closed)
            for (qsizetype i = 0; i < late.size(); ++i)
                send(m_shared->elapsedNs());
        else
            fillSlots();
    }
    if (c.mode == BenchConfig::Mode::Closed && c.count == 0 && now >= c.durationMs * 1000000) {
        // The window is over: what is still in flight is not counted, as wrk does.
        m_draining = true;
        abortAll();
    }
    finishIfIdle();
}

void BenchWorker::abortAll()
{
    // Aborted by us at the end of the window or on stop: not a measurement.
    for (auto it = m_inFlight.cbegin(); it != m_inFlight.cend(); ++it) {
        it.key()->abort();
        m_idle.append(it.key());
    }
    m_inFlight.clear();
}

void BenchWorker::finishIfIdle()
{
    if (m_done || !m_inFlight.isEmpty())
        return;
    const BenchConfig &c = m_plan.config;
    bool idle = m_draining || m_shared->stop.load();
    if (!idle) {
        if (c.mode == BenchConfig::Mode::Closed)
            idle = c.count > 0 ? m_shared->tickets.load() <= 0
                               : m_shared->elapsedNs() >= c.durationMs * 1000000;
        else
            idle = scheduleDone() && m_waiting.empty();
    }
    if (idle)
        finish();
}

void BenchWorker::finish()
{
    m_done = true;
    m_house->stop();
    if (m_tick)
        m_tick->stop();
    if (m_plan.output)
        *m_plan.output = std::move(m_samples);
    // Deleted on this thread when its event loop ends (QThread processes
    // deferred deletes on exit), together with its connections.
    deleteLater();
    m_shared->finished.fetch_add(1);
}

} // namespace turnstile
