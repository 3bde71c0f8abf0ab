#include "probe/galeraalert.h"

#include "probe/proberesult.h"

#include <algorithm>

namespace turnstile {

void applyGaleraAlert(ProbeResult &result)
{
    if (!result.galera)
        return;
    const int level = result.galera->level;
    const QString &sentence = result.galera->reason;
    if (level <= 1 || sentence.isEmpty())
        return;
    if (result.thresholdReason.contains(sentence))
        return; // already folded in (applied twice)
    if (level >= result.thresholdLevel) {
        const QString other = result.thresholdLevel >= 2 ? result.thresholdReason : QString();
        result.thresholdReason = other.isEmpty() ? sentence : sentence + u' ' + other;
    } else {
        result.thresholdReason += u' ' + sentence;
    }
    result.thresholdLevel = std::max(result.thresholdLevel, level);
    result.thresholdTriggered.append(QStringLiteral("galera"));
    if (level >= 3)
        result.thresholdCritical.append(QStringLiteral("galera"));
}

} // namespace turnstile
