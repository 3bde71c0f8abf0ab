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
// The Overview's and the collector's sentence for rejected credentials
// (r.authRejected): who, that Turnstile stopped trying, and, when the
// profile's keystone.conf says, after how many failures the account locks and
// how many attempts are left given `failedSoFar` failures (at least ours).
QString authRejectedSentence(const ProbeResult &r, int failedSoFar = 1);

ProbeResult runProbe(const Profile &profile, const Secrets &secrets, int validations = 3,
                     LatencyWindow *window = nullptr);

} // namespace turnstile
