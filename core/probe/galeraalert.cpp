#include "probe/galeraalert.h"

#include "probe/alertfold.h"
#include "probe/proberesult.h"

namespace turnstile {

void applyGaleraAlert(ProbeResult &result)
{
    if (result.galera)
        foldAlert(result, result.galera->level, result.galera->reason, QStringLiteral("galera"));
}

} // namespace turnstile
