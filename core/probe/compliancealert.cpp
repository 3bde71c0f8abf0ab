#include "probe/compliancealert.h"

#include "compliance/compliancereport.h"
#include "health/thresholds.h"
#include "probe/alertfold.h"
#include "probe/prober.h"
#include "probe/proberesult.h"
#include "profiles/profile.h"

#include <QCoreApplication>
#include <QLocale>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ComplianceAlert)
};

const ComplianceEntry *ownEntry(const Metric<QList<ComplianceEntry>> &list, const Profile &p)
{
    if (!list.value)
        return nullptr;
    for (const ComplianceEntry &e : *list.value) {
        const bool byId = !p.userId.isEmpty() && e.user.id == p.userId;
        const bool byName = p.userId.isEmpty() && !p.username.isEmpty() &&
                            e.user.name == p.username &&
                            (p.userDomainId.isEmpty() || e.user.domainId == p.userDomainId) &&
                            (p.userDomainName.isEmpty() ||
                             e.user.domainName.compare(p.userDomainName, Qt::CaseInsensitive) == 0);
        if (byId || byName)
            return &e;
    }
    return nullptr;
}
} // namespace

QString authLockedSentence(const ProbeResult &r)
{
    const QString who = r.authUser.isEmpty() ? Tr::tr("The account") : r.authUser;
    const QString until =
        QLocale().toString(r.authLockedUntil.toLocalTime().time(), QLocale::ShortFormat);
    if (r.lockoutDurationSec > 0)
        return Tr::tr("%1 is locked until %2 (%3 min lockout).")
            .arg(who, until)
            .arg(r.lockoutDurationSec / 60);
    return Tr::tr("%1 is locked until %2.").arg(who, until);
}

void applyOwnAccountState(ProbeResult &result, const ComplianceReport &report,
                          const Profile &profile)
{
    if (profile.authMethod != AuthMethod::Password)
        return;
    if (const ComplianceEntry *e = ownEntry(report.locked, profile); e && e->at.isValid()) {
        result.authLockedUntil = e->at;
        result.authUserId = e->user.id;
        result.tokenError = authLockedSentence(result);
        return;
    }
    if (!result.authRejected)
        return;
    if (const ComplianceEntry *e = ownEntry(report.failing, profile))
        result.tokenError = authRejectedSentence(result, e->user.failedAuthCount);
}

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
    // The tile highlights the locked users row (OverviewModel::columnOfMetric).
    foldAlert(result, level, summary.sentence(), QStringLiteral("users.locked"));
}

} // namespace turnstile
