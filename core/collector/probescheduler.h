#pragma once

#include "collector/probepacer.h"
#include "probe/proberesult.h"
#include "profiles/profile.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <map>
#include <memory>

namespace turnstile {

class SecretStore;

// Probes profiles off the GUI thread: secrets come from the keychain
// (asynchronously, on this thread), the probe itself runs on the thread pool,
// and the value-type result comes back through one LatestJob per profile. An
// edited profile makes the figures of its probe in flight stale; they are
// dropped instead of showing the old settings' figures.
//
// At most one probe per profile runs at a time (LatestJob's OneAtATime). A
// request while one runs is kept (the newest only) and starts when it ends: a
// profile whose database hangs must not pile up one blocked pool thread per
// refresh and starve the other profiles' probes. The running probe's figures
// are still shown: they are the freshest there are until the next one ends.
//
// Requests are paced (ProbePacer): a refresh of hundreds of profiles starts
// a few at once, then spreads the rest over half the refresh interval, with
// at most a bounded number running (keychain read and probe), the
// longest-waiting profile first. probeStarted() is emitted when a probe
// really starts, not when it is asked for.
class ProbeScheduler : public QObject
{
    Q_OBJECT
public:
    explicit ProbeScheduler(SecretStore *secrets, QObject *parent = nullptr,
                            ProbePacing pacing = {});
    ~ProbeScheduler() override;

    // Asks for a probe; it starts when the pacing allows.
    void probe(const Profile &profile);
    // A profile removed from the window: a waiting request is dropped and a
    // running probe's figures are stale.
    void forget(const QString &profile);
    // The user's "Retry" after rejected credentials: forgets that Keystone
    // rejected them (AuthBackoff) and probes, which tries them once more.
    void retryAuthentication(const Profile &profile);
    // When set, every probe is a full collector cycle that also writes the
    // history store (each pool thread keeps its own connection). Rows are
    // keyed by aligned slot, so a cron collector and this window never
    // duplicate a sample.
    void setHistory(const struct HistoryConfig &config);
    // Probes on the pool now.
    int inFlight() const;
    // Probes started and not finished: reading the keychain or on the pool.
    int running() const;
    // Requests waiting for their turn.
    int waiting() const { return int(m_pacer.waiting()); }
    // Seconds between the window's refreshes (its refresh-interval setting):
    // the collector cycle's slot, so a sample stands for its interval, and
    // the pacing's round: every profile asked for within one is started
    // within half of it.
    void setInterval(int seconds);
    int interval() const { return m_intervalSec; }

signals:
    void probeStarted(const QString &profile);
    void probeFinished(const turnstile::ProbeResult &result);

private:
    struct Slot;
    Slot &slotFor(const QString &profile);
    bool isBusy(const QString &profile) const;
    void dispatch();
    void dispatchSoon();
    void start(const QString &profile);
    void launch(const Profile &profile, const struct Secrets &secrets);

    SecretStore *m_secrets;
    ProbePacer m_pacer;
    QElapsedTimer m_clock;
    // Runs while requests wait: the next start, or a look whether a probe
    // that turned stale (and reported nothing) has ended.
    QTimer m_dispatchTimer;
    // Probes wait on the network, not the CPU: a pool of their own keeps one
    // unreachable region (a 15 s timeout) from delaying every other region,
    // which the 2-thread global pool on a 2-core box would do.
    QThreadPool m_pool;
    std::shared_ptr<const struct HistoryConfig> m_history;
    int m_intervalSec = 30;
    // Each profile's recent issue/validation timings (p50/p95/p99 across
    // probes); used on the pool, owned here on this object's thread.
    QHash<QString, std::shared_ptr<class LatencyWindow>> m_latency;
    // Per profile name: its newest request and its probe on the pool. After
    // m_pool, so the trackers go (and their probes turn stale) first.
    std::map<QString, std::unique_ptr<Slot>> m_slots;
};

} // namespace turnstile
