#pragma once

#include <QString>

namespace turnstile {

struct ProbeResult;

// Folds one alert (the Fernet keys, locked users, the Galera cluster) into a probe's threshold
// verdict, the one way every alert does it: the sentence leads when its level is the worst news
// (it is the one the on-call engineer can act on), else it follows; the level is the worse of
// the two; the tile highlights `row` (OverviewModel::columnOfMetric), in red at level 3. A
// level of 1 or less, or a sentence already folded in (the alert applied twice), changes nothing.
// Pure.
void foldAlert(ProbeResult &result, int level, const QString &sentence, const QString &row);

} // namespace turnstile
