#pragma once

namespace turnstile {

struct ProbeResult;

// Folds the Galera verdict (ProbeResult::galera, from evaluateGalera) into the Overview
// verdict, the way keysalert.h does for the Fernet keys: the Galera sentence leads when it
// is the worst news, and the tile highlights its Galera row ("galera"). Call it again after
// anything that recomputes the threshold verdict (the collector, judgeProbe). Pure.
void applyGaleraAlert(ProbeResult &result);

} // namespace turnstile
