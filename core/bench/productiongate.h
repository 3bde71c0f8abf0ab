#pragma once

#include "profiles/profile.h"

namespace turnstile {

// A benchmark changes nothing, but on a profile marked production it is
// load: it runs only when the operator typed the profile's name. One rule for
// `turnstilectl bench validate --confirm NAME` and the GUI's name field.
// Empty when the benchmark may run; else the sentence that says why not
// (each front-end adds how to confirm).
QString benchmarkLoadRefusal(const Profile &profile, const QString &typedName);

} // namespace turnstile
