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
    double longestGapMs() const { return m_longest; }
    // When the longest gap ended, in ms after start().
    double longestGapEndedAtMs() const { return m_longestAt; }
    int gapsLongerThan(double ms) const;
    // Wall time from start() to the last tick (or now while running).
    double runMs() const;

private:
    void tick();

    int m_interval;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastNs = 0;
    qint64 m_stoppedNs = -1;
    QList<double> m_gaps;
    double m_longest = 0;
    double m_longestAt = 0;
};

} // namespace turnstile
