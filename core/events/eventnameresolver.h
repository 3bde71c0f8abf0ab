#pragma once

#include "events/keystoneevent.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QElapsedTimer>
#include <QHash>
#include <QString>

#include <memory>
#include <optional>

namespace turnstile {

class HistoryStore;
class KeystoneClient;

// Gives an event the names behind its ids while they still exist: the
// target (user, project, group, domain, role) and the initiator, through
// Keystone's API with a cache. A deletion arrives after the row is gone, so
// its name comes from the cache or from the newest stored event about the
// same id. Blocking (KeystoneClient): the consumer's thread only.
class EventNameResolver
{
public:
    EventNameResolver(const Profile &profile, const Secrets &secrets);
    ~EventNameResolver();

    void resolve(KeystoneEvent &event, HistoryStore &store, const QString &profileName);

    static constexpr int kMaxCached = 20000;

private:
    // "users", "projects", ... for a CADF target type; empty: not a resource.
    static QString collectionFor(const QString &typeUri);
    std::optional<QString> lookup(const QString &collection, const QString &id);
    bool loggedIn();

    Profile m_profile;
    Secrets m_secrets;
    std::unique_ptr<KeystoneClient> m_client;
    bool m_haveToken = false;
    QElapsedTimer m_loginFailedAt;   // valid: wait before the next try
    QHash<QString, QString> m_cache; // "users/<id>" -> name
};

} // namespace turnstile
