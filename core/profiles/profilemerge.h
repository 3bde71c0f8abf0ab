#pragma once

#include "profiles/profile.h"

namespace turnstile {

// Re-importing a cloud refreshes what the source describes (identity endpoint,
// auth, region, TLS) and keeps what it does not (database, key repositories,
// memcached, keystone.conf, guards) - so a clouds.yaml refresh never drops the
// database a keystone.conf import added.
Profile overlayIdentity(const Profile &base, const Profile &imported);

} // namespace turnstile
