#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

namespace turnstile {

// Measures how responsive the event loop of the thread it lives on is: a
// precise timer ticks every `intervalMs` and each tick records the time since
// the previous one. A gap much longer than the interval is a stall — the
// loop was busy (or blocked) and could not have painted or taken input.
// On Linux each gap is also split by the thread's scheduler statistics
// (/proc/thread-self/schedstat): time the thread ran (it was busy: painting,
// building a page) and time it waited for a CPU (a loaded machine); the rest
// it slept — blocked in a call, which is what work on the GUI thread that
// waits for a database or network looks like.
// Used by the GUI-responsiveness test and bench/guistall; QtCore only.
class StallWatchdog : public QObject
{
    Q_OBJECT
public:
    explicit StallWatchdog(int intervalMs = 5, QObject *parent = nullptr);

    void start();
    void stop();
    int intervalMs() const { return m_interval; }
    // Gaps between consecutive ticks since start(), in ms.
    QList<double> gapsMs() const { return m_gaps; }
    // Per gap: ms the thread ran, and ms it was runnable but waited for a
    // CPU; empty where the kernel gives no scheduler statistics.
    QList<double> gapsCpuMs() const { return m_cpu; }
    QList<double> gapsRunQueueMs() const { return m_queue; }
    double longestGapMs() const { return m_longest; }
    // When the longest gap ended, in ms after start().
    double longestGapEndedAtMs() const { return m_longestAt; }
    int gapsLongerThan(double ms) const;
    // Wall time from start() to the last tick (or now while running).
    double runMs() const;

private:
    void tick();
    bool readSchedStat(qint64 *cpuNs, qint64 *queueNs) const;

    int m_interval;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    qint64 m_stoppedNs = -1;
    QList<double> m_gaps;
    QList<double> m_cpu;
    QList<double> m_queue;
    qint64 m_lastCpuNs = 0;
    qint64 m_lastQueueNs = 0;
    bool m_schedStat = false;
    double m_longest = 0;
    double m_longestAt = 0;
};

} // namespace turnstile
