#include "probe/keysalert.h"

#include "keys/keystatus.h"
#include "probe/proberesult.h"

#include <QCoreApplication>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(KeysAlert)
};
} // namespace

void applyKeysAlert(ProbeResult &result, const KeyStatus &status)
{
    const int level = int(status.level());
    result.keysLevel = level;
    result.keysSummary = status.summary();
    if (level <= 1)
        return;
    const QString sentence = Tr::tr("Fernet keys: %1").arg(result.keysSummary);
    if (level >= result.thresholdLevel) {
        const QString other = result.thresholdLevel >= 2 ? result.thresholdReason : QString();
        result.thresholdReason = other.isEmpty() ? sentence : sentence + u' ' + other;
    } else {
        result.thresholdReason += u' ' + sentence;
    }
    result.thresholdLevel = std::max(result.thresholdLevel, level);
    // The tile highlights the Fernet keys row (OverviewModel::columnOfMetric).
    result.thresholdTriggered.append(QStringLiteral("keys"));
    if (level >= 3)
        result.thresholdCritical.append(QStringLiteral("keys"));
}

} // namespace turnstile
