#pragma once

#include "keystone/responses.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QDateTime>
#include <QString>

#include <optional>

namespace turnstile {

class KeystoneClient;

// Keystone counts every rejected password towards
// [security_compliance] lockout_failure_attempts. A monitor that logs in on
// every refresh with a wrong password locks the very account it watches
// within seconds, so after one rejection (401) a profile stops
// authenticating until its credentials change or the user asks for a retry:
// at most one failed attempt per credential change.
//
// The state is kept in a small file (0600) shared by the window and every
// `turnstilectl` run (cron's `collect` included), keyed by profile name and a
// salted PBKDF2 fingerprint of the credentials, never the secret itself.
// $TURNSTILE_AUTH_STATE overrides the file's path (tests).
class AuthBackoff
{
public:
    struct Stop
    {
        QDateTime at;    // when Keystone rejected these credentials (UTC)
        QString message; // Keystone's answer then, one sentence
    };

    static QString path();
    // Set when these very credentials of this profile were rejected before.
    static std::optional<Stop> stopped(const Profile &profile, const Secrets &secrets);
    static void recordRejected(const Profile &profile, const Secrets &secrets,
                               const QString &message);
    // After a successful login, or when the user asks for a retry.
    static void clear(const QString &profileName);

    // The one way a periodic caller (probe, collector, benchmark) logs in:
    // refuses without a request when the credentials were rejected before,
    // records a 401, clears the state on success. `refused` tells a refusal
    // without a request from a fresh rejection.
    static TokenInfo issueToken(KeystoneClient &client, const Profile &profile,
                                const Secrets &secrets, bool withCatalog = false,
                                bool *refused = nullptr);
};

} // namespace turnstile
