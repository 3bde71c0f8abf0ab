#pragma once

#include "util/iopool.h"
#include "util/whenfinished.h"

#include <QObject>
#include <QtConcurrent/QtConcurrentRun>
#include <QThreadPool>

#include <atomic>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace turnstile {

// "Only the newest result counts", for work an object (a page, the probe
// scheduler) hands to a thread pool: a profile or range chosen while a load
// runs makes that load stale, and its result must not overwrite the newer
// one's. start() runs `work` on the pool (ioPool() unless told otherwise) and
// calls `deliver(result)` on the owner's thread, only if no newer start() or
// cancel() came meanwhile.
//
// The tracker is a member of its owner and goes with it; the work does not:
// a load waiting for a hung database outlives the page that asked. So the
// work holds values, never a pointer into the owner, and its result is then
// dropped: delivery goes through whenFinished() with the owner as context
// (no owner, no call), and through state the tracker marks closed when it
// goes (no tracker, no call). Work that can stop early takes a `Stale`: true
// once its result would be dropped.
//
// Create it, and call everything, on the owner's thread.
template <typename T> class LatestJob
{
public:
    using Ticket = quint64;
    using Stale = std::function<bool()>;

    enum class Policy
    {
        // start() runs the work at once; every job started before is stale.
        Replace,
        // At most one job on the pool, for work that may hang: one stalled
        // region must not pile up a blocked thread per refresh. start() while
        // one runs waits, replacing any request already waiting (which never
        // runs), and runs when the running job ends. Waiting does not make the
        // running job stale: its result is the freshest there is until then.
        // cancel() does.
        OneAtATime,
    };

    explicit LatestJob(QObject *owner, Policy policy = Policy::Replace, QThreadPool *pool = nullptr)
        : m_state(std::make_shared<State>(owner, pool ? pool : ioPool(), policy))
    {
        Q_ASSERT(owner);
    }
    ~LatestJob()
    {
        m_state->closed = true;
        cancel(); // work still running sees it is stale
    }
    LatestJob(const LatestJob &) = delete;
    LatestJob &operator=(const LatestJob &) = delete;

    // Makes every job in flight stale and drops a waiting one; returns the
    // ticket of the request that follows. A page that first waits for
    // something asynchronous on this thread (the keychain) takes one and
    // guard()s that callback with it.
    Ticket next()
    {
        m_state->pending = nullptr;
        return ++m_state->newest;
    }
    void cancel() { next(); }
    bool isCurrent(Ticket ticket) const { return !m_state->closed && m_state->newest == ticket; }
    // Whether a job of this tracker is on the pool, stale or not.
    bool isRunning() const { return m_state->running > 0; }

    // `f`, to be called back on this thread, called only while `ticket` is
    // still the newest (so also only while the tracker exists).
    template <typename F> auto guard(Ticket ticket, F &&f) const
    {
        return [state = m_state, ticket, f = std::forward<F>(f)](auto &&...args) {
            if (!state->closed && state->newest == ticket)
                f(std::forward<decltype(args)>(args)...);
        };
    }
    // `f`, called only while the tracker exists, however many requests came.
    template <typename F> auto guard(F &&f) const
    {
        return [state = m_state, f = std::forward<F>(f)](auto &&...args) {
            if (!state->closed)
                f(std::forward<decltype(args)>(args)...);
        };
    }

    // `work()` or `work(stale)` on the pool, returning a T; `deliver(result)`
    // on the owner's thread if it is still the newest.
    template <typename Work, typename Deliver> void start(Work &&work, Deliver &&deliver)
    {
        if (m_state->policy == Policy::Replace)
            next();
        auto launch = [work = std::forward<Work>(work), deliver = std::forward<Deliver>(deliver)](
                          const std::shared_ptr<State> &state) { run(state, work, deliver); };
        if (m_state->policy == Policy::OneAtATime && m_state->running > 0) {
            m_state->pending = std::move(launch);
            return;
        }
        m_state->pending = nullptr;
        launch(m_state);
    }

private:
    struct State
    {
        State(QObject *o, QThreadPool *p, Policy pol) : owner(o), pool(p), policy(pol) {}
        QObject *const owner;
        QThreadPool *const pool;
        const Policy policy;
        std::atomic<Ticket> newest{0}; // read by Stale on the pool
        int running = 0;
        bool closed = false;
        // OneAtATime: the newest request that waits for the running job.
        std::function<void(const std::shared_ptr<State> &)> pending;
    };

    template <typename Work, typename Deliver>
    static void run(const std::shared_ptr<State> &state, const Work &work, const Deliver &deliver)
    {
        const Ticket ticket = state->newest;
        const Stale stale = [state, ticket] { return state->newest != ticket; };
        ++state->running;
        auto future = QtConcurrent::run(state->pool, [work, stale]() -> T {
            if constexpr (std::is_invocable_v<const Work &, const Stale &>)
                return work(stale);
            else
                return work();
        });
        whenFinished(state->owner, future, [state, ticket, deliver](const T &result) {
            --state->running;
            if (!state->closed && state->newest == ticket)
                deliver(result);
            if (!state->closed && state->running == 0 && state->pending) {
                const auto waiting = std::move(state->pending);
                state->pending = nullptr;
                waiting(state);
            }
        });
    }

    std::shared_ptr<State> m_state;
};

} // namespace turnstile
