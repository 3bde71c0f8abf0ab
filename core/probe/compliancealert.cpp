#include "probe/compliancealert.h"

#include "health/thresholds.h"
#include "probe/proberesult.h"

namespace turnstile {

void applyComplianceAlert(ProbeResult &result, const ComplianceSummary &summary,
                          const QList<ThresholdRule> &rules)
{
    result.compliance = summary;
    if (!summary.available())
        return;
    int level = 1;
    if (!summary.lockedServiceAccounts.isEmpty()) {
        level = 3;
    } else {
        for (const ThresholdRule &r : rules) {
            if (r.metric != u"users.locked" || r.kind != ThresholdRule::Kind::Above)
                continue;
            if (summary.locked > r.critical)
                level = 3;
            else if (summary.locked > r.warn)
                level = 2;
        }
    }
    if (level <= 1)
        return;
    // The compliance sentence leads: it is the one an on-call engineer can act on.
    if (level >= result.thresholdLevel) {
        const QString other = result.thresholdLevel >= 2 ? result.thresholdReason : QString();
        result.thresholdReason =
            other.isEmpty() ? summary.sentence() : summary.sentence() + u' ' + other;
    } else {
        result.thresholdReason += u' ' + summary.sentence();
    }
    result.thresholdLevel = std::max(result.thresholdLevel, level);
}

} // namespace turnstile
