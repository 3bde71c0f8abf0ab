#pragma once

#include <QElapsedTimer>
#include <QFuture>
#include <QList>
#include <QtConcurrent/QtConcurrentRun>
#include <QThread>
#include <QThreadPool>

#include <type_traits>

namespace turnstile {

// Splits `n` items as evenly as possible across `threads` workers of a
// private pool, each running work(share), and calls tick(elapsedSeconds) on
// the calling thread every `pollMs` until all have finished — the shape of
// the benchmark's token issuing and the revocation experiment's event
// generation. Blocking: call it on a worker. A private pool, so these
// workers neither wait for nor hold up anybody else's. Returns each
// worker's future (finished).
template <typename Work, typename Tick>
auto splitWork(qint64 n, int threads, int pollMs, Work work, Tick tick)
{
    using Result = std::invoke_result_t<Work, qint64>;
    QThreadPool pool;
    pool.setMaxThreadCount(threads);
    QList<QFuture<Result>> futures;
    for (int t = 0; t < threads; ++t) {
        const qint64 share = n / threads + (t < n % threads ? 1 : 0);
        if (share > 0)
            futures.append(QtConcurrent::run(&pool, work, share));
    }
    QElapsedTimer since;
    since.start();
    for (;;) {
        bool all = true;
        for (const auto &f : futures)
            all = all && f.isFinished();
        if (all)
            break;
        QThread::msleep(pollMs);
        tick(since.elapsed() / 1000.0);
    }
    return futures;
}

} // namespace turnstile
