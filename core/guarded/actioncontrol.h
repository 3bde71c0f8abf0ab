#pragma once

#include "guarded/actionprogress.h"

#include <atomic>
#include <functional>

namespace turnstile {

// The channel between a running action and whoever started it: progress out,
// cancellation in. Progress is called on the action's thread; the GUI turns it
// into a queued signal, the CLI prints it.
class ActionControl
{
public:
    using ProgressFn = std::function<void(const ActionProgress &)>;

    explicit ActionControl(ProgressFn progress = {}) : m_progress(std::move(progress)) {}

    void cancel() { m_cancelled.store(true); }
    bool isCancelled() const { return m_cancelled.load(); }
    void report(const ActionProgress &p) const
    {
        if (m_progress)
            m_progress(p);
    }

private:
    ProgressFn m_progress;
    std::atomic_bool m_cancelled{false};
};

} // namespace turnstile
