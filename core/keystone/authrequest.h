#pragma once

#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QJsonObject>

namespace turnstile {

// Builds the body of POST /v3/auth/tokens for a profile. Pure, so the scoping
// rules (project, domain, system, unscoped; application credentials carry their
// own scope) are unit-tested without a server. Returns an empty object and a
// sentence in *error when the profile lacks what its auth method needs.
QJsonObject buildAuthRequest(const Profile &p, const Secrets &s, QString *error);

} // namespace turnstile
