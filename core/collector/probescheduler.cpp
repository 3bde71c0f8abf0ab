#include "collector/probescheduler.h"
#include "util/latestjob.h"

#include "collector/collector.h"
#include "compliance/compliancerun.h"
#include "health/thresholds.h"
#include "history/historyconfig.h"
#include "history/historystore.h"
#include "keys/keystatus.h"
#include "keystone/authbackoff.h"
#include "probe/compliancealert.h"
#include "probe/keysalert.h"
#include "probe/latencywindow.h"
#include "probe/prober.h"
#include "profiles/secrets.h"
#include "profiles/secretstore.h"

#include <algorithm>
#include <atomic>
#include <optional>

namespace turnstile {

ProbeScheduler::ProbeScheduler(SecretStore *secrets, QObject *parent)
    : QObject(parent), m_secrets(secrets)
{
    m_pool.setMaxThreadCount(8);
}

struct ProbeScheduler::Slot
{
    Slot(ProbeScheduler *owner, QThreadPool *pool)
        : job(owner, LatestJob<ProbeResult>::Policy::OneAtATime, pool)
    {}
    LatestJob<ProbeResult> job;
    // The newest request, to tell an edited profile from a repeated one.
    std::optional<Profile> requested;
    // Set by retryAuthentication(); the next probe that runs clears it (and
    // the remembered rejection) on the pool, so a request that waited and
    // was replaced does not lose the user's retry.
    std::shared_ptr<std::atomic_bool> retryAuth = std::make_shared<std::atomic_bool>(false);
};

ProbeScheduler::~ProbeScheduler() = default;

ProbeScheduler::Slot &ProbeScheduler::slotFor(const QString &profile)
{
    std::unique_ptr<Slot> &slot = m_slots[profile];
    if (!slot)
        slot = std::make_unique<Slot>(this, &m_pool);
    return *slot;
}

int ProbeScheduler::inFlight() const
{
    int n = 0;
    for (const auto &[name, slot] : m_slots)
        n += slot->job.isRunning() ? 1 : 0;
    return n;
}

void ProbeScheduler::probe(const Profile &profile)
{
    Slot &slot = slotFor(profile.name);
    emit probeStarted(profile.name);
    // An edited profile (another endpoint, other credentials) makes the
    // figures of the probe still running stale; a repeated request does not.
    if (slot.requested && !(*slot.requested == profile))
        slot.job.cancel();
    slot.requested = profile;
    // Without a keychain (an error, empty secrets) still probe: discovery and
    // the database (if it needs no password) keep working; the token figure
    // says why not.
    m_secrets->readAll(
        profile.name,
        slot.job.guard([this, profile](const Secrets &s, const QString &) { launch(profile, s); }));
}

void ProbeScheduler::retryAuthentication(const Profile &profile)
{
    slotFor(profile.name).retryAuth->store(true);
    probe(profile);
}

void ProbeScheduler::setInterval(int seconds)
{
    m_intervalSec = std::max(1, seconds);
}

void ProbeScheduler::setHistory(const HistoryConfig &config)
{
    m_history = std::make_shared<const HistoryConfig>(config);
}

namespace {
ProbeResult probeAndRecord(const Profile &profile, const Secrets &secrets,
                           const std::shared_ptr<const HistoryConfig> &history,
                           const std::shared_ptr<LatencyWindow> &latency, int intervalSec)
{
    if (!history)
        return runProbe(profile, secrets, 3, latency.get());
    // One history connection per pool thread, opened on first use.
    thread_local std::unique_ptr<HistoryStore> store;
    thread_local std::shared_ptr<const HistoryConfig> openedWith;
    if (!store || openedWith != history) {
        store = std::make_unique<HistoryStore>();
        openedWith = history;
        if (!store->open(*history)) {
            ProbeResult r = runProbe(profile, secrets, 3, latency.get());
            r.warnings.append(store->error());
            store.reset();
            return r;
        }
    }
    CollectOptions options;
    options.intervalSec = intervalSec;
    options.latency = latency;
    return collectOnce(profile, secrets, *store, options).probe;
}
} // namespace

void ProbeScheduler::launch(const Profile &profile, const Secrets &secrets)
{
    Slot &slot = slotFor(profile.name);
    // The keychain answered for a request whose profile was edited since.
    if (!(slot.requested == profile))
        return;
    // Keyed by the endpoint too: an edited profile pointing elsewhere starts afresh.
    std::shared_ptr<LatencyWindow> &latency =
        m_latency[profile.name + u'\n' + profile.authUrl.toString()];
    if (!latency)
        latency = std::make_shared<LatencyWindow>();
    slot.job.start(
        [profile, secrets, history = m_history, latency, retryAuth = slot.retryAuth,
         interval = m_intervalSec]() {
            if (retryAuth->exchange(false))
                AuthBackoff::clear(profile.name);
            ProbeResult r = probeAndRecord(profile, secrets, history, latency, interval);
            if (!profile.databaseUrl.isEmpty()) {
                // Locked accounts, from the database only: names of local users
                // are there, and the Overview must not add API load every cycle.
                ComplianceRunOptions options;
                options.useApi = false;
                const ComplianceReport report = runComplianceReport(profile, secrets, options);
                applyComplianceAlert(r, summarizeCompliance(report),
                                     effectiveThresholds(profile.thresholds));
                applyOwnAccountState(r, report, profile);
            }
            if (!profile.keyRepositories.isEmpty()) {
                // Over ssh with shared connections: a few hundred ms per cycle.
                QString error;
                if (const auto setup = KeySetup::fromProfile(profile, &error)) {
                    applyKeysAlert(r, readKeyStatus(*setup));
                } else {
                    r.keysLevel = 3;
                    r.keysSummary = error;
                }
            }
            return r;
        },
        [this](const ProbeResult &r) { emit probeFinished(r); });
}

} // namespace turnstile
