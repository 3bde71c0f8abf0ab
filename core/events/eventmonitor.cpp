#include "events/eventmonitor.h"

#include "history/historystore.h"
#include "profiles/keystoneconf.h"
#include "profiles/secretstore.h"
#include "util/iopool.h"
#include "util/whenfinished.h"

#include <QDateTime>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>
#include <QTimer>

namespace turnstile {

namespace {

// How much login history the early warning keeps: a lockout window back,
// twice over (a failure at the start of it still counts at its end).
qint64 keepMs(const LockoutPolicy &policy)
{
    return 2 * qint64(std::max(policy.durationSeconds, 60)) * 1000;
}

// Whether the profile may name a broker at all; the others get no consumer
// and no keychain read.
bool mayHaveBroker(const Profile &p)
{
    return !p.notificationUrl.isEmpty() || !p.keystoneConfPath.isEmpty();
}

struct Prepared
{
    EventConsumerConfig config;
    QString error;
    LockoutPolicy policy;
    QList<KeystoneEvent> recentLogins;
};

} // namespace

EventMonitor::EventMonitor(SecretStore *secrets, QObject *parent)
    : QObject(parent), m_secrets(secrets), m_tick(new QTimer(this)), m_coalesce(new QTimer(this))
{
    m_coalesce->setSingleShot(true);
    m_coalesce->setInterval(250);
    connect(m_coalesce, &QTimer::timeout, this, [this] {
        const QSet<QString> dirty = std::exchange(m_dirty, {});
        for (const QString &name : dirty)
            reevaluate(name);
    });
    qRegisterMetaType<ProfileEvents>();
    // An amber warning ends when its window passes, without a new event.
    m_tick->setInterval(30 * 1000);
    connect(m_tick, &QTimer::timeout, this, &EventMonitor::reevaluateAll);
    m_tick->start();
}

EventMonitor::~EventMonitor()
{
    // Consumers stop (and join their threads) as the entries go; their last
    // "stopped" status must not reach a half-destroyed monitor.
    for (const auto &e : std::as_const(m_entries))
        if (e->consumer)
            disconnect(e->consumer.get(), nullptr, this, nullptr);
    m_entries.clear();
}

void EventMonitor::setHistory(const HistoryConfig &history)
{
    const bool changed = !m_historyKnown || !(history == m_history);
    m_history = history;
    m_historyKnown = true;
    if (!changed)
        return;
    // Consumers write the store: restart them on the new one.
    const QList<Profile> profiles = m_profiles;
    for (const Profile &p : profiles)
        if (m_entries.contains(p.name)) {
            stop(p.name);
            start(p);
        }
    setProfiles(profiles);
}

void EventMonitor::setProfiles(const QList<Profile> &profiles)
{
    m_profiles = profiles;
    if (!m_historyKnown)
        return; // started once the window knows its store
    QStringList keep;
    for (const Profile &p : profiles) {
        if (!mayHaveBroker(p))
            continue;
        keep << p.name;
        const auto it = m_entries.constFind(p.name);
        if (it != m_entries.cend() && (*it)->profile == p)
            continue;
        if (it != m_entries.cend())
            stop(p.name);
        start(p);
    }
    for (const QString &name : m_entries.keys())
        if (!keep.contains(name))
            stop(name);
}

void EventMonitor::setServiceAccounts(const QString &profile, const QStringList &namesAndIds)
{
    const auto it = m_entries.constFind(profile);
    if (it == m_entries.cend() || (*it)->serviceAccounts == namesAndIds)
        return;
    (*it)->serviceAccounts = namesAndIds;
    reevaluate(profile);
}

ProfileEvents EventMonitor::events(const QString &profile) const
{
    const auto it = m_entries.constFind(profile);
    return it == m_entries.cend() ? ProfileEvents{} : (*it)->last;
}

QStringList EventMonitor::consumingProfiles() const
{
    return m_entries.keys();
}

LockoutPolicy EventMonitor::policy(const QString &profile) const
{
    const auto it = m_entries.constFind(profile);
    return it == m_entries.cend() ? LockoutPolicy{} : (*it)->policy;
}

void EventMonitor::start(const Profile &profile)
{
    auto entry = std::make_shared<Entry>();
    entry->profile = profile;
    entry->generation = ++m_generation;
    m_entries.insert(profile.name, entry);
    const quint64 generation = entry->generation;
    const HistoryConfig history = m_history;
    auto prepare = [this, profile, history, generation](const Secrets &secrets) {
        // keystone.conf and the store are files (or a server): not on this thread.
        whenFinished(this,
                     QtConcurrent::run(
                         ioPool(),
                         [profile, secrets, history] {
                             Prepared p;
                             p.config = EventConsumerConfig::forProfile(profile, secrets, history,
                                                                        &p.error);
                             if (!profile.keystoneConfPath.isEmpty()) {
                                 QString confError;
                                 const KeystoneConf conf =
                                     KeystoneConf::load(profile.keystoneConfPath, &confError);
                                 if (confError.isEmpty() && conf.lockoutFailureAttempts) {
                                     p.policy.failureAttempts = *conf.lockoutFailureAttempts;
                                     p.policy.durationSeconds = conf.lockoutDuration;
                                 }
                             }
                             if (!p.error.isEmpty())
                                 return p;
                             // The logins already stored (by an earlier window or a
                             // collector) count towards the warning too.
                             HistoryStore store;
                             if (store.open(history)) {
                                 EventQuery q;
                                 q.profile = profile.name;
                                 q.fromMs = QDateTime::currentMSecsSinceEpoch() - keepMs(p.policy);
                                 q.actions = {QStringLiteral("authenticate")};
                                 q.limit = 100000;
                                 if (const auto recent = store.events(q))
                                     p.recentLogins = *recent;
                             }
                             return p;
                         }),
                     [this, name = profile.name, generation](const Prepared &p) {
                         const auto it = m_entries.constFind(name);
                         if (it == m_entries.cend() || (*it)->generation != generation)
                             return; // changed or removed meanwhile
                         Entry &e = **it;
                         e.policy = p.policy;
                         e.recentLogins = p.recentLogins;
                         if (!p.error.isEmpty()) {
                             // No broker named anywhere: nothing to consume, say nothing.
                             if (e.profile.notificationUrl.isEmpty()) {
                                 m_entries.remove(name);
                                 emit eventsChanged(name, ProfileEvents{});
                                 return;
                             }
                             e.status.state = EventConsumerStatus::State::Failed;
                             e.status.error = p.error;
                             reevaluate(name);
                             return;
                         }
                         e.transportWarning = p.config.transport.cleartextWarning();
                         e.consumer = std::make_unique<EventConsumer>();
                         // Both signals come from the consumer's thread: queued here.
                         connect(e.consumer.get(), &EventConsumer::statusChanged, this,
                                 [this, name, generation](const EventConsumerStatus &s) {
                                     const auto it = m_entries.constFind(name);
                                     if (it == m_entries.cend() || (*it)->generation != generation)
                                         return;
                                     (*it)->status = s;
                                     scheduleReevaluate(name);
                                 });
                         connect(e.consumer.get(), &EventConsumer::eventsStored, this,
                                 [this, name, generation](const QList<KeystoneEvent> &events) {
                                     const auto it = m_entries.constFind(name);
                                     if (it == m_entries.cend() || (*it)->generation != generation)
                                         return;
                                     received(name, events);
                                 });
                         e.consumer->start(p.config);
                         e.status = e.consumer->status();
                         reevaluate(name);
                     });
    };
    if (!m_secrets) {
        prepare(Secrets{});
        return;
    }
    QPointer<EventMonitor> self(this);
    m_secrets->readAll(profile.name, [self, prepare](const Secrets &secrets, const QString &) {
        if (self)
            prepare(secrets);
    });
}

void EventMonitor::stop(const QString &name)
{
    std::shared_ptr<Entry> entry = m_entries.take(name);
    if (!entry)
        return;
    // The consumer stops and joins its thread in its destructor; its last
    // "stopped" status is not news for a profile that is gone.
    if (entry->consumer)
        disconnect(entry->consumer.get(), nullptr, this, nullptr);
    entry.reset();
    emit eventsChanged(name, ProfileEvents{});
}

void EventMonitor::received(const QString &name, const QList<KeystoneEvent> &events)
{
    Entry &e = *m_entries.value(name);
    bool logins = false;
    for (const KeystoneEvent &ev : events)
        if (ev.isAuthentication()) {
            e.recentLogins.append(ev);
            logins = true;
        }
    if (logins) {
        const qint64 oldest = QDateTime::currentMSecsSinceEpoch() - keepMs(e.policy);
        e.recentLogins.removeIf(
            [oldest](const KeystoneEvent &ev) { return ev.eventTimeMs < oldest; });
        scheduleReevaluate(name);
    }
    emit eventsArrived(name, events);
}

void EventMonitor::reevaluate(const QString &name)
{
    const auto it = m_entries.constFind(name);
    if (it == m_entries.cend())
        return;
    Entry &e = **it;
    ProfileEvents now;
    now.consuming = true;
    now.status = e.status;
    now.transportWarning = e.transportWarning;
    now.lockout = evaluateLockout(e.recentLogins, e.policy, QDateTime::currentMSecsSinceEpoch(),
                                  e.serviceAccounts + e.profile.serviceAccounts);
    if (now == e.last)
        return;
    e.last = now;
    emit eventsChanged(name, now);
}

void EventMonitor::scheduleReevaluate(const QString &name)
{
    m_dirty.insert(name);
    if (!m_coalesce->isActive())
        m_coalesce->start();
}

void EventMonitor::reevaluateAll()
{
    for (const QString &name : m_entries.keys())
        reevaluate(name);
}

} // namespace turnstile
