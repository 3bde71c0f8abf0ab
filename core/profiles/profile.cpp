#include "profiles/profile.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QJsonArray>

namespace turnstile {

QString authMethodToString(AuthMethod m)
{
    switch (m) {
    case AuthMethod::Password:
        return QStringLiteral("password");
    case AuthMethod::ApplicationCredential:
        return QStringLiteral("application_credential");
    case AuthMethod::Token:
        return QStringLiteral("token");
    }
    return QStringLiteral("password");
}

AuthMethod authMethodFromString(const QString &s, bool *ok)
{
    const QString v = s.trimmed().toLower();
    if (ok)
        *ok = true;
    // openstacksdk spells these "v3password", "v3applicationcredential", "v3token"
    if (v == u"password" || v == u"v3password")
        return AuthMethod::Password;
    if (v == u"application_credential" || v == u"v3applicationcredential")
        return AuthMethod::ApplicationCredential;
    if (v == u"token" || v == u"v3token")
        return AuthMethod::Token;
    if (ok)
        *ok = false;
    return AuthMethod::Password;
}

namespace {
QJsonArray toArray(const QStringList &l)
{
    QJsonArray a;
    for (const QString &s : l)
        a.append(s);
    return a;
}
QStringList toStringList(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &e : v.toArray())
        out.append(e.toString());
    return out;
}
} // namespace

QJsonObject Profile::toJson() const
{
    QJsonObject o;
    o[u"name"] = name;
    o[u"auth_url"] = authUrl.toString();
    o[u"auth_type"] = authMethodToString(authMethod);
    o[u"username"] = username;
    o[u"user_id"] = userId;
    o[u"user_domain_name"] = userDomainName;
    o[u"user_domain_id"] = userDomainId;
    o[u"project_name"] = projectName;
    o[u"project_id"] = projectId;
    o[u"project_domain_name"] = projectDomainName;
    o[u"project_domain_id"] = projectDomainId;
    o[u"domain_name"] = domainName;
    o[u"domain_id"] = domainId;
    o[u"system_scope"] = systemScope;
    o[u"application_credential_id"] = applicationCredentialId;
    o[u"application_credential_name"] = applicationCredentialName;
    o[u"region_name"] = regionName;
    o[u"interface"] = interface;
    o[u"verify"] = verifyTls;
    o[u"cacert"] = caCertFile;
    o[u"cert"] = clientCertFile;
    o[u"key"] = clientKeyFile;
    o[u"timeout_ms"] = timeoutMs;
    o[u"database_url"] = databaseUrl;
    o[u"key_repositories"] = toArray(keyRepositories);
    o[u"memcached_servers"] = toArray(memcachedServers);
    if (!galeraNodes.isEmpty())
        o[u"galera_nodes"] = toArray(galeraNodes);
    o[u"keystone_conf"] = keystoneConfPath;
    if (!notificationUrl.isEmpty())
        o[u"notification_url"] = notificationUrl;
    if (!brokerManagementUrl.isEmpty())
        o[u"broker_management_url"] = brokerManagementUrl;
    if (eventQueueMaxLength != 100000)
        o[u"event_queue_max_length"] = eventQueueMaxLength;
    if (!serviceAccounts.isEmpty())
        o[u"service_accounts"] = toArray(serviceAccounts);
    if (!thresholds.isEmpty())
        o[u"thresholds"] = thresholds;
    o[u"read_only"] = readOnly;
    o[u"production"] = production;
    if (galeraSingleWriter)
        o[u"galera_single_writer"] = true;
    o[u"allow_plaintext_secrets"] = allowPlaintextSecrets;
    return o;
}

QString Profile::cleartextWarning(const QUrl &authUrl)
{
    if (authUrl.scheme().compare(u"http", Qt::CaseInsensitive) != 0 || authUrl.host().isEmpty())
        return {};
    const QHostAddress address(authUrl.host());
    if ((!address.isNull() && address.isLoopback()) ||
        authUrl.host().compare(u"localhost", Qt::CaseInsensitive) == 0)
        return {};
    return QCoreApplication::translate("Profile",
                                       "The auth URL uses http://: the password or secret "
                                       "crosses the network to %1 in clear text; use https://.")
        .arg(authUrl.host());
}

Profile Profile::fromJson(const QJsonObject &o)
{
    Profile p;
    p.name = o[u"name"].toString();
    p.authUrl = QUrl(o[u"auth_url"].toString());
    p.authMethod = authMethodFromString(o[u"auth_type"].toString(QStringLiteral("password")));
    p.username = o[u"username"].toString();
    p.userId = o[u"user_id"].toString();
    p.userDomainName = o[u"user_domain_name"].toString();
    p.userDomainId = o[u"user_domain_id"].toString();
    p.projectName = o[u"project_name"].toString();
    p.projectId = o[u"project_id"].toString();
    p.projectDomainName = o[u"project_domain_name"].toString();
    p.projectDomainId = o[u"project_domain_id"].toString();
    p.domainName = o[u"domain_name"].toString();
    p.domainId = o[u"domain_id"].toString();
    p.systemScope = o[u"system_scope"].toBool();
    p.applicationCredentialId = o[u"application_credential_id"].toString();
    p.applicationCredentialName = o[u"application_credential_name"].toString();
    p.regionName = o[u"region_name"].toString();
    p.interface = o[u"interface"].toString(QStringLiteral("public"));
    p.verifyTls = o[u"verify"].toBool(true);
    p.caCertFile = o[u"cacert"].toString();
    p.clientCertFile = o[u"cert"].toString();
    p.clientKeyFile = o[u"key"].toString();
    p.timeoutMs = o[u"timeout_ms"].toInt(15000);
    p.databaseUrl = o[u"database_url"].toString();
    p.keyRepositories = toStringList(o[u"key_repositories"]);
    p.memcachedServers = toStringList(o[u"memcached_servers"]);
    p.galeraNodes = toStringList(o[u"galera_nodes"]);
    p.keystoneConfPath = o[u"keystone_conf"].toString();
    p.notificationUrl = o[u"notification_url"].toString();
    p.brokerManagementUrl = o[u"broker_management_url"].toString();
    p.eventQueueMaxLength = qMax(1, o[u"event_queue_max_length"].toInt(100000));
    p.serviceAccounts = toStringList(o[u"service_accounts"]);
    p.thresholds = o[u"thresholds"].toObject();
    p.readOnly = o[u"read_only"].toBool();
    p.production = o[u"production"].toBool();
    p.galeraSingleWriter = o[u"galera_single_writer"].toBool();
    p.allowPlaintextSecrets = o[u"allow_plaintext_secrets"].toBool();
    return p;
}

} // namespace turnstile
