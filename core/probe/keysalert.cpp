#include "probe/keysalert.h"

#include "keys/keystatus.h"
#include "probe/alertfold.h"
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
    // The tile highlights the Fernet keys row (OverviewModel::columnOfMetric).
    foldAlert(result, level, Tr::tr("Fernet keys: %1").arg(result.keysSummary),
              QStringLiteral("keys"));
}

} // namespace turnstile
