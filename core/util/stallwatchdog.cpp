#include "util/stallwatchdog.h"

#include <QFile>

namespace turnstile {

StallWatchdog::StallWatchdog(int intervalMs, QObject *parent)
    : QObject(parent), m_interval(std::max(1, intervalMs))
{
    // PreciseTimer: a coarse timer may fire 5 % late by design, which would
    // read as a stall that never happened.
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(m_interval);
    connect(&m_timer, &QTimer::timeout, this, &StallWatchdog::tick);
}

void StallWatchdog::start()
{
    m_gaps.clear();
    m_cpu.clear();
    m_queue.clear();
    m_schedStat = readSchedStat(&m_lastCpuNs, &m_lastQueueNs);
    m_longest = 0;
    m_longestAt = 0;
    m_stoppedNs = -1;
    m_clock.start();
    m_lastNs = 0;
    m_timer.start();
}

void StallWatchdog::stop()
{
    m_timer.stop();
    m_stoppedNs = m_lastNs;
}

void StallWatchdog::tick()
{
    const qint64 now = m_clock.nsecsElapsed();
    const double gap = double(now - m_lastNs) / 1e6;
    m_lastNs = now;
    m_gaps.append(gap);
    qint64 cpu = 0, queue = 0;
    if (m_schedStat && readSchedStat(&cpu, &queue)) {
        m_cpu.append(double(cpu - m_lastCpuNs) / 1e6);
        m_queue.append(double(queue - m_lastQueueNs) / 1e6);
        m_lastCpuNs = cpu;
        m_lastQueueNs = queue;
    }
    if (gap > m_longest) {
        m_longest = gap;
        m_longestAt = double(now) / 1e6;
    }
}

bool StallWatchdog::readSchedStat(qint64 *cpuNs, qint64 *queueNs) const
{
    // "<ns on a CPU> <ns waiting on a run queue> <time slices>" of the
    // calling thread (Linux, CONFIG_SCHED_INFO).
    QFile f(QStringLiteral("/proc/thread-self/schedstat"));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QList<QByteArray> parts = f.readAll().simplified().split(' ');
    if (parts.size() < 2)
        return false;
    bool ok1 = false, ok2 = false;
    *cpuNs = parts.at(0).toLongLong(&ok1);
    *queueNs = parts.at(1).toLongLong(&ok2);
    return ok1 && ok2;
}

int StallWatchdog::gapsLongerThan(double ms) const
{
    int n = 0;
    for (double g : m_gaps)
        n += g > ms;
    return n;
}

double StallWatchdog::runMs() const
{
    if (!m_clock.isValid())
        return 0;
    return double(m_stoppedNs >= 0 ? m_stoppedNs : m_clock.nsecsElapsed()) / 1e6;
}

} // namespace turnstile
