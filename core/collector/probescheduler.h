#pragma once

#include "probe/proberesult.h"
#include "profiles/profile.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QThreadPool>

#include <memory>

namespace turnstile {

class SecretStore;

// Probes profiles off the GUI thread: secrets come from the keychain
// (asynchronously, on this thread), the probe itself runs on the thread pool,
// and the value-type result comes back through a queued continuation. A newer
// request for the same profile makes older in-flight results stale; they are
// dropped instead of overwriting fresher figures.
//
// At most one probe per profile runs at a time. A request while one runs is
// kept (the newest only) and starts when it ends: a profile whose database
// hangs must not pile up one blocked pool thread per refresh and starve the
// other profiles' probes.
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
    int inFlight() const { return m_inFlight; }

signals:
    void probeStarted(const QString &profile);
    void probeFinished(const turnstile::ProbeResult &result);

private:
    void launch(const Profile &profile, quint64 generation, const struct Secrets &secrets,
                bool retryAuth = false);
    struct Pending;

    SecretStore *m_secrets;
    QHash<QString, quint64> m_generation;
    // Probes wait on the network, not the CPU: a pool of their own keeps one
    // unreachable region (a 15 s timeout) from delaying every other region,
    // which the 2-thread global pool on a 2-core box would do.
    QThreadPool m_pool;
    std::shared_ptr<const struct HistoryConfig> m_history;
    // Each profile's recent issue/validation timings (p50/p95/p99 across
    // probes); used on the pool, owned here on this object's thread.
    QHash<QString, std::shared_ptr<class LatencyWindow>> m_latency;
    int m_inFlight = 0;
    // Profiles with a probe on the pool, as they were when it started.
    QHash<QString, Profile> m_running;
    QHash<QString, std::shared_ptr<Pending>> m_pending;
    // Profiles whose next probe forgets an earlier rejection first.
    QSet<QString> m_retryAuth;
};

} // namespace turnstile
