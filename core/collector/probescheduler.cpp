#include "collector/probescheduler.h"
#include "util/whenfinished.h"

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

#include <QCoreApplication>
#include <QFuture>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>

namespace turnstile {

ProbeScheduler::ProbeScheduler(SecretStore *secrets, QObject *parent)
    : QObject(parent), m_secrets(secrets)
{
    m_pool.setMaxThreadCount(8);
}

ProbeScheduler::~ProbeScheduler() = default;

void ProbeScheduler::probe(const Profile &profile)
{
    const quint64 generation = ++m_generation[profile.name];
    emit probeStarted(profile.name);
    QPointer<ProbeScheduler> self(this);
    m_secrets->readAll(profile.name,
                       [self, profile, generation](const Secrets &s, const QString &error) {
                           if (!self)
                               return;
                           if (!error.isEmpty() && s == Secrets{}) {
                               // No keychain: still probe. Discovery and the database (if it
                               // needs no password) keep working; the token figure says why not.
                               Secrets none;
                               self->launch(profile, generation, none);
                               return;
                           }
                           self->launch(profile, generation, s);
                       });
}

void ProbeScheduler::retryAuthentication(const Profile &profile)
{
    m_retryAuth.insert(profile.name);
    probe(profile);
}

void ProbeScheduler::setHistory(const HistoryConfig &config)
{
    m_history = std::make_shared<const HistoryConfig>(config);
}

namespace {
ProbeResult probeAndRecord(const Profile &profile, const Secrets &secrets,
                           const std::shared_ptr<const HistoryConfig> &history,
                           const std::shared_ptr<LatencyWindow> &latency)
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
    options.intervalSec = 30;
    options.latency = latency;
    return collectOnce(profile, secrets, *store, options).probe;
}
} // namespace

struct ProbeScheduler::Pending
{
    Profile profile;
    quint64 generation = 0;
    Secrets secrets;
    bool retryAuth = false;
};

void ProbeScheduler::launch(const Profile &profile, quint64 generation, const Secrets &secrets,
                            bool retryAuth)
{
    retryAuth = m_retryAuth.remove(profile.name) || retryAuth;
    if (m_running.contains(profile.name)) {
        // Replaces an older waiting request: only the newest matters (but a
        // retry the user asked for stays asked for).
        if (const auto older = m_pending.value(profile.name))
            retryAuth = retryAuth || older->retryAuth;
        m_pending.insert(profile.name, std::make_shared<Pending>(
                                           Pending{profile, generation, secrets, retryAuth}));
        return;
    }
    m_running.insert(profile.name, profile);
    ++m_inFlight;
    // Keyed by the endpoint too: an edited profile pointing elsewhere starts afresh.
    std::shared_ptr<LatencyWindow> &latency =
        m_latency[profile.name + u'\n' + profile.authUrl.toString()];
    if (!latency)
        latency = std::make_shared<LatencyWindow>();
    whenFinished(
        this,
        QtConcurrent::run(&m_pool,
                          [profile, secrets, history = m_history, latency, retryAuth]() {
                              if (retryAuth)
                                  AuthBackoff::clear(profile.name);
                              ProbeResult r = probeAndRecord(profile, secrets, history, latency);
                              if (!profile.databaseUrl.isEmpty()) {
                                  // Locked accounts, from the database only: names of local users
                                  // are there, and the Overview must not add API load every cycle.
                                  ComplianceRunOptions options;
                                  options.useApi = false;
                                  const ComplianceReport report =
                                      runComplianceReport(profile, secrets, options);
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
                          }),
        [this, name = profile.name, generation](const ProbeResult &r) {
            --m_inFlight;
            const Profile ran = m_running.take(name);
            const std::shared_ptr<Pending> next = m_pending.take(name);
            // A newer request makes these figures stale, unless it only waited
            // for this probe of the same profile: then they are the freshest
            // there are, and the waiting probe follows.
            const bool current = m_generation.value(name) == generation;
            if (current || (next && next->profile == ran))
                emit probeFinished(r);
            if (next)
                launch(next->profile, next->generation, next->secrets, next->retryAuth);
        });
}

} // namespace turnstile
