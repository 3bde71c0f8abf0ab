#include "events/eventnameresolver.h"

#include "history/historystore.h"
#include "keystone/authbackoff.h"
#include "keystone/keystoneclient.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace turnstile {

namespace {

// A refused or unreachable Keystone is asked again after this long, not for
// every event of a burst.
constexpr qint64 kLoginRetryMs = 60000;

} // namespace

EventNameResolver::EventNameResolver(const Profile &profile, const Secrets &secrets)
    : m_profile(profile), m_secrets(secrets)
{}

EventNameResolver::~EventNameResolver() = default;

QString EventNameResolver::collectionFor(const QString &typeUri)
{
    if (typeUri == u"data/security/account/user")
        return QStringLiteral("users");
    if (typeUri == u"data/security/project")
        return QStringLiteral("projects");
    if (typeUri == u"data/security/group")
        return QStringLiteral("groups");
    if (typeUri == u"data/security/domain")
        return QStringLiteral("domains");
    if (typeUri == u"data/security/role")
        return QStringLiteral("roles");
    return {};
}

bool EventNameResolver::loggedIn()
{
    if (m_haveToken)
        return true;
    if (m_loginFailedAt.isValid() && m_loginFailedAt.elapsed() < kLoginRetryMs)
        return false;
    if (!m_client)
        m_client = std::make_unique<KeystoneClient>(m_profile, m_secrets);
    // AuthBackoff: a rejected password is not tried again (it would count
    // towards the monitoring account's own lockout).
    const TokenInfo token = AuthBackoff::issueToken(*m_client, m_profile, m_secrets);
    m_haveToken = token.ok();
    if (!m_haveToken)
        m_loginFailedAt.start();
    return m_haveToken;
}

std::optional<QString> EventNameResolver::lookup(const QString &collection, const QString &id)
{
    const QString key = collection + u'/' + id;
    if (const auto it = m_cache.constFind(key); it != m_cache.constEnd())
        return *it;
    if (!loggedIn())
        return std::nullopt;
    const HttpResult r = m_client->get(u'/' + key);
    if (r.status == 401) {
        m_haveToken = false; // expired: one new login next time
        return std::nullopt;
    }
    if (r.status != 200)
        return std::nullopt; // 404: gone already; the store may know it
    const QJsonObject item =
        QJsonDocument::fromJson(r.body).object().value(collection.chopped(1)).toObject();
    const QString name = item.value(QStringLiteral("name")).toString();
    if (name.isEmpty())
        return std::nullopt;
    if (m_cache.size() >= kMaxCached)
        m_cache.clear();
    m_cache.insert(key, name);
    return name;
}

void EventNameResolver::resolve(KeystoneEvent &event, HistoryStore &store,
                                const QString &profileName)
{
    const QString collection = collectionFor(event.targetType);
    if (!collection.isEmpty() && !event.targetId.isEmpty() && event.targetName.isEmpty()) {
        const QString key = collection + u'/' + event.targetId;
        std::optional<QString> name = lookup(collection, event.targetId);
        if (!name) {
            const std::optional<QString> stored =
                store.eventTargetName(profileName, event.targetId);
            if (stored && !stored->isEmpty())
                name = *stored;
        }
        if (name) {
            event.targetName = *name;
            if (event.action.startsWith(QLatin1String("deleted.")))
                m_cache.remove(key); // the id will not come back
        }
    }
    if (event.initiatorName.isEmpty() && !event.initiatorId.isEmpty()) {
        if (const std::optional<QString> name = lookup(QStringLiteral("users"), event.initiatorId))
            event.initiatorName = *name;
    }
}

} // namespace turnstile
