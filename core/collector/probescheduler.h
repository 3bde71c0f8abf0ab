#pragma once

#include "probe/proberesult.h"
#include "profiles/profile.h"

#include <QHash>
#include <QObject>
#include <QThreadPool>

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
class ProbeScheduler : public QObject
{
    Q_OBJECT
public:
    explicit ProbeScheduler(SecretStore *secrets, QObject *parent = nullptr);
    ~ProbeScheduler() override;

    void probe(const Profile &profile);
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
    // Seconds between the window's refreshes (its refresh-interval setting):
    // the collector cycle's slot, so a sample stands for its interval.
    void setInterval(int seconds);
    int interval() const { return m_intervalSec; }

signals:
    void probeStarted(const QString &profile);
    void probeFinished(const turnstile::ProbeResult &result);

private:
    struct Slot;
    Slot &slotFor(const QString &profile);
    void launch(const Profile &profile, const struct Secrets &secrets);

    SecretStore *m_secrets;
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
