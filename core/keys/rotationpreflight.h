#pragma once

#include "keys/keyrepository.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace turnstile {

struct KeystoneConf;

// What the rotation arithmetic needs. Keystone's defaults; keystone.conf,
// the profile or the command line override them.
struct RotationSettings
{
    int tokenExpiration = 3600;      // [token] expiration
    int allowExpiredWindow = 172800; // [token] allow_expired_window
    int maxActiveKeys = 3;           // [fernet_tokens] max_active_keys
    // Seconds between rotations as configured (cron); unset = derived from
    // the key files' mtimes.
    std::optional<qint64> rotationInterval;
    QString source; // "keystone.conf /etc/keystone/keystone.conf", "defaults", ...
    // Run the scripts that change a repository as the repository
    // directory's owner (runuser/sudo -n -u OWNER on the node) instead of
    // the ssh user: the keystone account then only ever acts on its own files.
    bool runAsOwner = false;

    static RotationSettings fromKeystoneConf(const KeystoneConf &conf);
};

// The keys one rotation of a repository removes, and whether live tokens
// still need them.
struct DroppedKey
{
    int index = -1;
    QDateTime primaryUntil; // the last token it signed was issued before this
    QDateTime neededUntil;  // primaryUntil + expiration + allow_expired_window
    bool stillNeeded = false;
};

struct RotationPreflight
{
    // The layout after the rotation: new primary, new staged key, survivors.
    int newPrimary = -1;
    QList<int> keysAfter;
    QList<DroppedKey> dropped;
    // Interval used for the check, and where it came from.
    std::optional<qint64> interval;
    QString intervalBasis;
    // max_active_keys >= (expiration + allow_expired_window) / interval + 2
    std::optional<int> requiredKeys;
    bool enoughKeys = true;
    QStringList sentences; // the check and its consequences, in plain words
    QStringList warnings;
    int stillNeededCount() const;
    QJsonObject toJson() const;
};

// Seconds between rotations from key mtimes: the median of the gaps between
// consecutive keys (a rotation stamps the new staged key; renaming keeps the
// stamp). Unset with fewer than two distinct gaps' worth of keys.
std::optional<qint64> intervalFromMtimes(const RepositoryState &repo);

// The smallest max_active_keys that keeps every key that signed a live token.
int requiredActiveKeys(qint64 expiration, qint64 allowExpiredWindow, qint64 interval);

// The rotation `keystone-manage fernet_rotate` would do on repo at `now`,
// with the consequences for tokens. Pure; unit-tested.
RotationPreflight preflightRotation(const RepositoryState &repo, const RotationSettings &settings,
                                    const QDateTime &now);

} // namespace turnstile
