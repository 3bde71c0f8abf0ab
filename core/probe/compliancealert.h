#pragma once

#include "compliance/compliancesummary.h"

#include <QList>

namespace turnstile {

struct ComplianceReport;
struct Profile;
struct ProbeResult;
struct ThresholdRule;

// Folds a profile's compliance summary into the Overview verdict: a locked
// service account is critical (anyone who knows a service user's name can
// lock it and take a service down), more locked users than the
// "users.locked" rule allows is a warning or critical. The sentence names the
// service accounts and when they unlock by themselves. Pure; unit-tested.
void applyComplianceAlert(ProbeResult &result, const ComplianceSummary &summary,
                          const QList<ThresholdRule> &rules);

// The profile's own account as the database sees it: when it is locked,
// result.authLockedUntil/authUserId are set and the token sentence says until
// when; after a rejected login the sentence counts the attempts left from
// its failed_auth_count. Pure; unit-tested.
void applyOwnAccountState(ProbeResult &result, const ComplianceReport &report,
                          const Profile &profile);

// "admin is locked until 05:38 (30 min lockout)."
QString authLockedSentence(const ProbeResult &result);

} // namespace turnstile
