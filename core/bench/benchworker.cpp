#include "bench/benchworker.h"

#include "bench/openloopschedule.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
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
    // Created here, on the worker's thread: a manager belongs to its thread.
    m_nam = new QNetworkAccessManager(this);
    m_nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_house = new QTimer(this);
    m_house->setInterval(20);
    connect(m_house, &QTimer::timeout, this, &BenchWorker::housekeeping);
    m_house->start();
    connect(m_nam, &QNetworkAccessManager::finished, this, &BenchWorker::onFinished);
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
    QNetworkRequest req(m_plan.url);
    req.setRawHeader("Accept", "application/json");
    req.setRawHeader("User-Agent", "turnstile-bench/" TURNSTILE_VERSION);
    req.setRawHeader("X-Auth-Token", m_plan.authToken);
    req.setRawHeader("X-Subject-Token",
                     m_plan.tokens.at(qsizetype(m_tokenCursor % m_plan.tokens.size())));
    // HTTP/1.1 like wrk: one request per connection at a time.
    req.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    m_tokenCursor += m_plan.workers;
    InFlight f;
    f.intendedNs = intendedNs;
    f.sentNs = m_shared->elapsedNs();
    QNetworkReply *reply = m_nam->get(req);
    m_inFlight.insert(reply, f);
    m_shared->sent.fetch_add(1);
}

void BenchWorker::onFinished(QNetworkReply *reply)
{
    const qint64 done = m_shared->elapsedNs();
    reply->deleteLater();
    const auto it = m_inFlight.find(reply);
    if (it == m_inFlight.end())
        return;
    const InFlight f = it.value();
    m_inFlight.erase(it);
    // Aborted by us at the end of the window or on stop: not a measurement.
    const bool abortedByUs = reply->error() == QNetworkReply::OperationCanceledError;
    if (abortedByUs && !f.timedOut)
        return;
    reply->readAll(); // received like any client would; not kept
    BenchSample s;
    s.intendedNs = f.intendedNs;
    s.sentNs = f.sentNs;
    s.doneNs = done;
    s.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (f.timedOut)
        s.outcome = BenchSample::Outcome::Timeout;
    else if (s.status == 0)
        s.outcome = BenchSample::Outcome::Network;
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
        const auto replies = m_inFlight.keys();
        for (QNetworkReply *r : replies)
            r->abort(); // finished() arrives synchronously; onFinished drops it
        finishIfIdle();
        return;
    }
    // Requests older than the timeout are given up and recorded as such.
    const qint64 limit = qint64(c.timeoutMs) * 1000000;
    QList<QNetworkReply *> late;
    for (auto it = m_inFlight.begin(); it != m_inFlight.end(); ++it)
        if (now - it.value().sentNs > limit) {
            it.value().timedOut = true;
            late.append(it.key());
        }
    for (QNetworkReply *r : late)
        r->abort();
    if (c.mode == BenchConfig::Mode::Closed && c.count == 0 && now >= c.durationMs * 1000000) {
        // The window is over: what is still in flight is not counted, as wrk does.
        m_draining = true;
        const auto replies = m_inFlight.keys();
        for (QNetworkReply *r : replies)
            r->abort();
    }
    finishIfIdle();
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
    // deferred deletes on exit), together with the manager and its replies.
    deleteLater();
    m_shared->finished.fetch_add(1);
}

} // namespace turnstile
