#pragma once

#include "compliance/compliancesummary.h"

#include <QList>

namespace turnstile {

struct ProbeResult;
struct ThresholdRule;

// Folds a profile's compliance summary into the Overview verdict: a locked
// service account is critical (anyone who knows a service user's name can
// lock it and take a service down), more locked users than the
// "users.locked" rule allows is a warning or critical. The sentence names the
// service accounts and when they unlock by themselves. Pure; unit-tested.
void applyComplianceAlert(ProbeResult &result, const ComplianceSummary &summary,
                          const QList<ThresholdRule> &rules);

} // namespace turnstile
