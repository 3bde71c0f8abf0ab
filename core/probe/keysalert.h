#pragma once

namespace turnstile {

struct KeyStatus;
struct ProbeResult;

// Folds the key repositories' consistency into the Overview verdict, the way
// compliancealert.h does for locked accounts: nodes that disagree (or cannot
// be read) are critical, because tokens then fail at random depending on
// which node validates them; a mode or owner problem is a warning. The key
// sentence leads when it is the worst news. Pure; unit-tested.
void applyKeysAlert(ProbeResult &result, const KeyStatus &status);

} // namespace turnstile
