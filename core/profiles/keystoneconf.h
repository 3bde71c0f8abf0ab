#pragma once

#include "db/databaseurl.h"
#include "profiles/importedsecrets.h"
#include "profiles/profile.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace turnstile {

// An INI file read the way oslo.config reads it (oslo_config/iniparser.py), so
// Turnstile sees exactly what Keystone sees:
//  - "[section]" headers; section names are lower-cased except "DEFAULT"
//    (oslo.config normalises them the same way, so [Token] is [token]);
//  - "key = value" or "key: value", whichever separator comes first;
//  - a value wrapped in matching quotes loses them;
//  - "#" or ";" at the start of a line is a comment (not after a value);
//  - an indented line continues the previous value, joined with "\n";
//    a blank line or any other line ends it;
//  - a repeated key keeps every occurrence (multi-valued options); a
//    single-valued option uses the last one.
struct IniFile
{
    QString sourceName;
    // normalised section -> key -> every value, in file order
    QMap<QString, QMap<QString, QStringList>> sections;
    // Same shape as sections: the 1-based line of each value, for messages.
    QMap<QString, QMap<QString, QList<int>>> lines;

    // Last occurrence in the section, else the last one in [DEFAULT], else
    // defaultValue. Note that oslo.config itself does *not* fall back to
    // [DEFAULT] for options registered in a group; KeystoneConf therefore
    // reads grouped options without this fallback.
    QString value(const QString &section, const QString &key,
                  const QString &defaultValue = {}) const;
    // Every occurrence in the section, else every occurrence in [DEFAULT].
    QStringList values(const QString &section, const QString &key) const;
    bool contains(const QString &section, const QString &key) const;

    // Returns an empty IniFile and sets *error (file name and line) when the
    // text is not an oslo.config INI file.
    static IniFile parse(const QByteArray &data, const QString &sourceName,
                         QString *error = nullptr);
    static QString normalizeSection(const QString &section);
};

// The keystone.conf options Turnstile uses, with Keystone's defaults.
// Options Keystone leaves unset by default are std::optional.
struct KeystoneConf
{
    QString sourcePath;

    // [token]
    int tokenExpiration = 3600;
    int allowExpiredWindow = 172800;
    // [fernet_tokens]
    int fernetMaxActiveKeys = 3;
    QString fernetKeyRepository = QStringLiteral("/etc/keystone/fernet-keys/");
    // [credential]
    QString credentialKeyRepository = QStringLiteral("/etc/keystone/credential-keys/");
    // [security_compliance]
    std::optional<int> lockoutFailureAttempts;
    int lockoutDuration = 1800;
    std::optional<int> disableUserAccountDaysInactive;
    std::optional<int> passwordExpiresDays;
    QStringList passwordExpiresIgnoreUserIds; // removed in newer Keystone; read if present
    int uniqueLastPasswordCount = 0;
    int minimumPasswordAge = 0;
    std::optional<QString> passwordRegex;
    std::optional<QString> passwordRegexDescription;
    // [database]
    // The raw connection string *includes the password*: never log or store it.
    std::optional<QString> databaseConnection;
    DatabaseUrl database;  // parsed; invalid when absent or unparsable
    QString databaseError; // why `database` is invalid although a connection is set
    // [revoke]
    int revokeExpirationBuffer = 1800;
    QString revokeDriver = QStringLiteral("sql");
    bool revokeCaching = true;
    // [cache] (oslo.cache)
    bool cacheEnabled = false;
    QString cacheBackend = QStringLiteral("dogpile.cache.null");
    QStringList memcacheServers = {QStringLiteral("localhost:11211")};
    // True when memcache_servers was written in the file (not just the default).
    bool memcacheServersSet = false;
    // Notifications (oslo.messaging). transport_url *includes the password*:
    // never log or store it. [oslo_messaging_notifications] transport_url,
    // else [DEFAULT] transport_url (oslo.messaging's fallback).
    std::optional<QString> transportUrl;
    QStringList notificationDrivers; // [oslo_messaging_notifications] driver (multi); empty = noop
    QStringList notificationTopics = {QStringLiteral("notifications")};
    QString controlExchange = QStringLiteral("keystone"); // [DEFAULT] control_exchange
    QString notificationFormat = QStringLiteral("cadf");  // [DEFAULT]
    // [DEFAULT] notification_opt_out (multi); Keystone's default list unless
    // written. An empty value ("notification_opt_out =") opts nothing out.
    QStringList notificationOptOut = {QStringLiteral("identity.authenticate.success"),
                                      QStringLiteral("identity.authenticate.pending"),
                                      QStringLiteral("identity.authenticate.failed")};
    bool notificationOptOutSet = false; // written in the file, not Keystone's default

    // Fails (with section, key and file in *error) on a value Keystone would
    // refuse: not a number, below the option's minimum, not a boolean.
    static KeystoneConf fromIni(const IniFile &ini, QString *error = nullptr);
    static KeystoneConf load(const QString &path, QString *error = nullptr);
};

// Fills the profile from keystone.conf: database URL (password removed),
// keystone.conf path, the Fernet key repository and, when caching is on or
// servers are listed, the memcached servers. Returns the database password,
// which belongs in the keychain, not in the Profile.
ImportedSecrets applyKeystoneConf(Profile &profile, const KeystoneConf &conf,
                                  const QString &confPath);

} // namespace turnstile
