#pragma once

#include "profiles/importedsecrets.h"
#include "profiles/profile.h"

namespace turnstile {

// One profile produced by an importer together with the secrets that belong to
// it. The two travel together until the caller has saved the profile and
// written the secrets to the keychain; then the secrets should be dropped.
struct ImportedCloud
{
    Profile profile;
    ImportedSecrets secrets;
};

} // namespace turnstile
