#pragma once

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>

#include <utility>

namespace turnstile {

// Runs `onResult(result)` on `context`'s thread when `future` has finished,
// unless `context` is gone by then. This replaces `future.then(context, …)`:
// Qt 6.4 asserts ("context", qfuture_impl.h) when a continuation's context
// object is destroyed before the future finishes, which happens whenever a
// page or window closes while its worker is still reading. The watcher is a
// child of `context`, so it goes with it and the result is simply dropped.
// Call on `context`'s thread.
//
// For one-off jobs whose every result is reported (an export, an import).
// Where a newer request makes an older result stale (a page's load), use
// LatestJob (util/latestjob.h), which delivers through this.
template <typename T, typename F>
void whenFinished(QObject *context, const QFuture<T> &future, F &&onResult)
{
    auto *watcher = new QFutureWatcher<T>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context,
                     [watcher, onResult = std::forward<F>(onResult)]() mutable {
                         watcher->deleteLater();
                         onResult(watcher->result());
                     });
    watcher->setFuture(future);
}

} // namespace turnstile
