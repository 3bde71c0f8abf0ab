#pragma once

#include "probe/proberesult.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

namespace turnstile {

class LatencyWindow;

// Runs one probe of a profile: version discovery, issue one token, validate it
// a few times, count the token and revocation tables. Blocking; call it on a
// worker thread (QtConcurrent::run) or from turnstilectl.
// The timings go into `window` (the profile's recent samples, kept by the
// caller across probes) and the result's p50/p95/p99 are taken over it;
// without a window, over this probe's own samples. The probe stays light:
// one token and `validations` validations per cycle, whatever the window.
ProbeResult runProbe(const Profile &profile, const Secrets &secrets, int validations = 3,
                     LatencyWindow *window = nullptr);

} // namespace turnstile
