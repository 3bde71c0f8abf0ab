#pragma once

#include "probe/proberesult.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

namespace turnstile {

// Runs one probe of a profile: version discovery, issue one token, validate it
// a few times, count the token and revocation tables. Blocking; call it on a
// worker thread (QtConcurrent::run) or from turnstilectl.
ProbeResult runProbe(const Profile &profile, const Secrets &secrets, int validations = 3);

} // namespace turnstile
