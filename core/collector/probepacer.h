#pragma once

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <algorithm>
#include <functional>

namespace turnstile {

// When ProbeScheduler starts the probes it was asked for, without clocks or
// threads (the scheduler passes its clock), so the pacing is tested step by
// step (tst_probescheduler).
//
// A refresh asks for every profile at once; 200 profiles must not become 200
// keychain reads and 200 probes in the same instant, yet each must still be
// refreshed once per round. So:
//  - at most maxConcurrent probes run at a time (keychain read and pool run);
//  - starts are spread with a token bucket: a burst of up to `burst` at once
//    (a few profiles all start at once, as before), then at a rate that
//    starts every profile asked for within the last round in spreadFraction
//    of the round, and never below `burst` a second;
//  - requests wait in the order they were first made (the longest-waiting
//    profile goes first); asking again for a waiting profile keeps its
//    place; a profile whose previous probe still runs keeps its place and
//    the ones behind it go first.
struct ProbePacing
{
    int maxConcurrent = 16;
    int burst = 8;
    qint64 roundMs = 30000; // the refresh interval
    double spreadFraction = 0.5;
};

class ProbePacer
{
public:
    ProbePacer() = default;
    explicit ProbePacer(const ProbePacing &settings) : m_settings(settings) {}
    ProbePacing settings() const { return m_settings; }
    void setRoundMs(qint64 ms) { m_settings.roundMs = std::max<qint64>(1, ms); }

    // Asks for a probe of `profile` at `nowMs`.
    void request(const QString &profile, qint64 nowMs);
    // Drops a waiting request.
    void forget(const QString &profile);
    bool isWaiting(const QString &profile) const { return m_waiting.contains(profile); }
    qsizetype waiting() const { return m_queue.size(); }

    // The profile to start now, or an empty string: `running` probes run now
    // and `busy(profile)` says whether one of that profile runs.
    QString takeNext(qint64 nowMs, int running, const std::function<bool(const QString &)> &busy);
    // Milliseconds until the bucket holds a start again (0: now), -1 with
    // nothing waiting.
    qint64 msUntilNextStart(qint64 nowMs) const;
    // Starts per second the bucket refills at now: the profiles asked for
    // within the last round, over spreadFraction of it; at least `burst`.
    double ratePerSecond(qint64 nowMs) const;

private:
    void refill(qint64 nowMs);

    ProbePacing m_settings;
    QList<QString> m_queue;  // in the order first asked for
    QSet<QString> m_waiting; // the same names, to look up
    qint64 m_prunedAt = 0;
    QHash<QString, qint64> m_lastAsked; // profile -> its newest request
    double m_tokens = -1;               // < 0: full bucket on first use
    qint64 m_refilledAt = 0;
};

} // namespace turnstile
