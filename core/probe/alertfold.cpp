#include "probe/alertfold.h"

#include "probe/proberesult.h"

#include <algorithm>

namespace turnstile {

void foldAlert(ProbeResult &result, int level, const QString &sentence, const QString &row)
{
    if (level <= 1 || sentence.isEmpty() || result.thresholdReason.contains(sentence))
        return;
    if (level >= result.thresholdLevel) {
        const QString other = result.thresholdLevel >= 2 ? result.thresholdReason : QString();
        result.thresholdReason = other.isEmpty() ? sentence : sentence + u' ' + other;
    } else {
        result.thresholdReason += u' ' + sentence;
    }
    result.thresholdLevel = std::max(result.thresholdLevel, level);
    if (!result.thresholdTriggered.contains(row))
        result.thresholdTriggered.append(row);
    if (level >= 3 && !result.thresholdCritical.contains(row))
        result.thresholdCritical.append(row);
}

} // namespace turnstile
