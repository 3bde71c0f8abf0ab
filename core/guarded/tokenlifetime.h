#pragma once

#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QString>

#include <optional>

namespace turnstile {

// Keystone's token lifetime as its API shows it: expires_at - issued_at of a
// token issued now. Keystone computes expires_at from [token] expiration, so
// this is the value the cloud really uses, whatever a local copy of
// keystone.conf says. nullopt (with *error) when the profile has no
// credentials or Keystone does not answer. Blocks; call on a worker thread.
std::optional<qint64> liveTokenLifetime(const Profile &profile, const Secrets &secrets,
                                        QString *error = nullptr);

} // namespace turnstile
