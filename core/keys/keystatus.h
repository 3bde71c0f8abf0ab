#pragma once

#include "keys/keyconsistency.h"
#include "keys/keylocation.h"
#include "keys/keyrepository.h"
#include "keys/rotationpreflight.h"
#include "keys/sshoptions.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace turnstile {

struct Profile;

// Which repositories belong together and the settings to judge them by.
struct KeySetup
{
    QString profile; // empty for ad-hoc repositories
    QList<KeyLocation> fernet;
    QList<KeyLocation> credential;
    RotationSettings settings;
    SshOptions ssh;

    // From a profile: its key repositories (one per node) and, when the
    // profile names a keystone.conf, [token]/[fernet_tokens] from it and the
    // credential repository ([credential] key_repository) on the same nodes.
    static std::optional<KeySetup> fromProfile(const Profile &profile, QString *error);
};

// Everything the Keys page, the Overview tile and `turnstilectl keys status`
// show. Value type, built off the GUI thread.
struct KeyStatus
{
    QString profile;
    QDateTime readAt;
    double durationMs = 0;
    QList<RepositoryState> fernet;
    QList<RepositoryState> credential;
    KeyConsistency fernetConsistency;
    KeyConsistency credentialConsistency;
    // The next rotation on the node with the newest primary.
    std::optional<RotationPreflight> preflight;
    RotationSettings settings;

    // Worst of both repositories.
    KeyConsistency::Level level() const;
    QString summary() const;
    QJsonObject toJson() const;
};

// Reads all repositories of the setup at once (blocking; call off the GUI thread).
KeyStatus readKeyStatus(const KeySetup &setup, const NodeCancel &cancelled = {});

} // namespace turnstile
