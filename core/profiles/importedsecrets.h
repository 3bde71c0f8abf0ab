#pragma once

#include "profiles/secrets.h"

namespace turnstile {

// What an importer (clouds.yaml, openrc, keystone.conf) found that must go to
// the keychain rather than into the Profile. It is the same shape as Secrets on
// purpose, so the caller can hand it to SecretStore unchanged; the separate name
// only marks "came from a file or the environment, not yet stored".
using ImportedSecrets = Secrets;

} // namespace turnstile
