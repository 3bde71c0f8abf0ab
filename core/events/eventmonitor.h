#pragma once

#include "events/eventconsumer.h"
#include "events/eventtile.h"
#include "events/keystoneevent.h"
#include "events/lockoutwarning.h"
#include "history/historyconfig.h"
#include "profiles/profile.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <memory>

class QTimer;

namespace turnstile {

class SecretStore;

// The window's event consumers: one EventConsumer (its own QThread) per
// profile that has a broker (Profile::notificationUrl, or transport_url in
// its keystone.conf), storing into the window's history store as
// `turnstilectl collect` does (the consumer writes the store itself). Keeps
// each profile's recent logins in memory for the lockout early warning and
// hands the Overview a ProfileEvents per profile.
//
// Lives on the GUI thread. Secrets come from the keychain asynchronously;
// keystone.conf and the store's recent logins are read on ioPool(). A
// profile that changed or went away has its consumer stopped (which waits
// for its thread: at most a batch and a socket timeout, about a second).
class EventMonitor : public QObject
{
    Q_OBJECT
public:
    // `secrets` may be null (tests): empty secrets then.
    explicit EventMonitor(SecretStore *secrets, QObject *parent = nullptr);
    ~EventMonitor() override;

    void setHistory(const HistoryConfig &history);
    // Starts consumers for new profiles with a broker, restarts changed
    // ones, stops those that are gone.
    void setProfiles(const QList<Profile> &profiles);
    // The service accounts of a profile as the compliance inspector found
    // them (a role on the service project), besides Profile::serviceAccounts.
    void setServiceAccounts(const QString &profile, const QStringList &namesAndIds);

    ProfileEvents events(const QString &profile) const;
    // Profiles with a consumer, started or starting.
    QStringList consumingProfiles() const;
    // The lockout policy read from the profile's keystone.conf (0 attempts: unknown or off).
    LockoutPolicy policy(const QString &profile) const;

signals:
    // New events the profile's consumer stored (names resolved), in order.
    void eventsArrived(const QString &profile, const QList<turnstile::KeystoneEvent> &events);
    // The profile's status line or lockout findings changed.
    void eventsChanged(const QString &profile, const turnstile::ProfileEvents &events);

private:
    struct Entry
    {
        Profile profile;
        std::unique_ptr<EventConsumer> consumer;
        EventConsumerStatus status;
        LockoutPolicy policy;
        QList<KeystoneEvent> recentLogins;
        QStringList serviceAccounts; // from compliance
        QString transportWarning;
        ProfileEvents last;
        quint64 generation = 0;
    };
    void start(const Profile &profile);
    void stop(const QString &name);
    void received(const QString &name, const QList<KeystoneEvent> &events);
    void reevaluate(const QString &name);
    void reevaluateAll();
    // A burst of batches (thousands of events a second) is judged once per
    // kCoalesceMs: evaluateLockout over the window's logins is not free.
    void scheduleReevaluate(const QString &name);

    SecretStore *m_secrets;
    HistoryConfig m_history;
    bool m_historyKnown = false;
    QList<Profile> m_profiles;
    QHash<QString, std::shared_ptr<Entry>> m_entries;
    QTimer *m_tick;
    QTimer *m_coalesce;
    QSet<QString> m_dirty;
    quint64 m_generation = 0;
};

} // namespace turnstile
