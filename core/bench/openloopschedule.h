#pragma once

#include <QtGlobal>

#include <cmath>
#include <limits>

namespace turnstile {

// The send times of an open-loop run: request i is due at
// start + i / rate, whatever happened to the requests before it. Worker w of
// W takes the requests i = w, w + W, w + 2W, ..., so the workers together
// keep the whole schedule. Pure arithmetic, unit-tested.
class OpenLoopSchedule
{
public:
    // rate > 0 requests per second; total = 0 means unbounded.
    OpenLoopSchedule(double rate, qint64 total = 0, qint64 windowNs = 0)
        : m_rate(rate), m_total(total), m_windowNs(windowNs)
    {}

    // Nanoseconds after the start at which request i is due.
    qint64 dueNs(qint64 i) const { return qint64(std::llround(double(i) * 1e9 / m_rate)); }

    // Requests in the run: `total`, or as many as are due within the window.
    qint64 size() const
    {
        if (m_total > 0)
            return m_total;
        if (m_windowNs <= 0)
            return std::numeric_limits<qint64>::max();
        // Due strictly before the end of the window.
        qint64 n = qint64(std::ceil(double(m_windowNs) * m_rate / 1e9));
        while (n > 0 && dueNs(n - 1) >= m_windowNs)
            --n;
        while (dueNs(n) < m_windowNs)
            ++n;
        return n;
    }

    // How many requests are due at `elapsedNs` (the ones with dueNs <= elapsed).
    qint64 dueCount(qint64 elapsedNs) const
    {
        if (elapsedNs < 0)
            return 0;
        qint64 n = qint64(std::floor(double(elapsedNs) * m_rate / 1e9)) + 1;
        // Correct the floating-point estimate against dueNs() itself.
        while (n > 0 && dueNs(n - 1) > elapsedNs)
            --n;
        while (dueNs(n) <= elapsedNs)
            ++n;
        return std::min(n, size());
    }

    // The i-th request of worker w among `workers`.
    static qint64 indexFor(int worker, int workers, qint64 i) { return worker + i * workers; }

private:
    double m_rate;
    qint64 m_total;
    qint64 m_windowNs;
};

} // namespace turnstile
