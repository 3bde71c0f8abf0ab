#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace turnstile {

// How a profile authenticates against Keystone. Application credentials are the
// recommended choice for a monitoring tool: they are revocable, can be limited
// with access rules and never expose a human's password.
enum class AuthMethod
{
    Password,
    ApplicationCredential,
    Token
};

QString authMethodToString(AuthMethod m);
AuthMethod authMethodFromString(const QString &s, bool *ok = nullptr);

// A connection profile: everything needed to reach one Keystone deployment
// (one region), except secrets. Secrets live in the keychain (see SecretStore),
// never in this value, so a Profile can be written to QSettings or printed.
struct Profile
{
    QString name;

    // Identity endpoint and auth
    QUrl authUrl; // e.g. http://127.0.0.1:5000/v3
    AuthMethod authMethod = AuthMethod::Password;
    QString username;
    QString userId;
    QString userDomainName;
    QString userDomainId;
    QString projectName;
    QString projectId;
    QString projectDomainName;
    QString projectDomainId;
    QString domainName; // domain scope
    QString domainId;
    bool systemScope = false;
    QString applicationCredentialId;
    QString applicationCredentialName;
    QString regionName;
    QString interface = QStringLiteral("public");

    // TLS: verified by default; turning verification off is an explicit choice.
    bool verifyTls = true;
    QString caCertFile;
    QString clientCertFile;
    QString clientKeyFile;
    int timeoutMs = 15000;

    // Optional database, SQLAlchemy URL as in keystone.conf, *without* password.
    QString databaseUrl;
    // Optional key repositories, one per Keystone node: local path or ssh://host/path
    QStringList keyRepositories;
    // Optional memcached servers, host:port
    QStringList memcachedServers;
    // Optional Galera nodes, host:port, each reached with the database URL's user and
    // password (profile key galera_nodes). Empty: discovered from the database's
    // wsrep_incoming_addresses when it is a Galera node.
    QStringList galeraNodes;
    // Optional keystone.conf location on this workstation
    QString keystoneConfPath;
    // Optional RabbitMQ that Keystone notifies (TransportUrl::toString(): no
    // password; that is the keychain's SecretKind::NotificationPassword). Empty:
    // read transport_url from keystone.conf when the consumer starts.
    QString notificationUrl;
    // The most messages Turnstile's own event queue keeps while nobody reads
    // it (x-max-length, oldest dropped), so a week away cannot fill the disk.
    int eventQueueMaxLength = 100000;
    // Optional RabbitMQ management API of that broker (http[s]://host:port),
    // for the depth of Keystone's notifications.info. Empty: the plugin's
    // usual port on the broker's host (managementUrlFor).
    QString brokerManagementUrl;
    // Users the lockout early warning treats as service accounts besides
    // those with a role on the service project (names or ids).
    QStringList serviceAccounts;

    // Per-profile threshold overrides: {"metric": {"warn": x, "critical": y}}
    // (growth rules are keyed "metric/day"; either level may be missing).
    // Defaults in health/thresholds; read and checked by
    // parseThresholdLevels (health/thresholdoverrides); ProfileStore keeps
    // them in a section of their own, not in the profile's JSON.
    QJsonObject thresholds;

    // Guards
    bool readOnly = false;   // no guarded action may run against this profile
    bool production = false; // benchmarks ask for a typed confirmation
    // A Galera cluster whose writes all go through the node the database URL
    // names (one writer, e.g. HAProxy with backups): the copy-and-swap purge's
    // triggers then see every write, so it may swap there.
    bool galeraSingleWriter = false;
    // The user explicitly accepted storing secrets in plain text when no keychain exists.
    bool allowPlaintextSecrets = false;

    QJsonObject toJson() const;
    static Profile fromJson(const QJsonObject &o);

    // One sentence when an auth URL is http:// to another machine (the
    // password or secret would cross the network in clear text), else empty.
    // Loopback is exempt: nobody sits between a process and 127.0.0.1.
    static QString cleartextWarning(const QUrl &authUrl);

    bool operator==(const Profile &other) const = default;
};

} // namespace turnstile
