#pragma once

#include "compliance/compliancereport.h"

namespace turnstile {

struct Profile;
struct Secrets;

struct ComplianceRunOptions
{
    int withinDays = 7;
    QDateTime now; // invalid = the database server's clock
    // Complete names, domains and service accounts the database lacks
    // through the profile's Keystone API.
    bool useApi = true;
    // What makes an account a service account (see ComplianceInspector).
    QString serviceProject = QStringLiteral("service");
    QString serviceRole = QStringLiteral("service");
};

// One compliance report for a profile: the settings from its keystone.conf
// (or Keystone's defaults), the lists from its database, names completed
// through the API where needed. Blocking; the CLI calls it directly, the GUI
// from QtConcurrent::run. A configuration that makes the report meaningless
// (no database, an unreadable keystone.conf) comes back in *configError with
// every list unavailable.
ComplianceReport runComplianceReport(const Profile &profile, const Secrets &secrets,
                                     const ComplianceRunOptions &options,
                                     QString *configError = nullptr);

} // namespace turnstile
