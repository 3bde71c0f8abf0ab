#pragma once

#include "compliance/complianceentry.h"
#include "compliance/compliancesettings.h"
#include "db/metric.h"

#include <QList>

namespace turnstile {

// The six compliance lists. Machine names (listName) are part of the CLI's
// JSON and CSV output and never change.
enum class ComplianceList
{
    Locked,           // locked out now; unlocks by itself at `at`
    Failing,          // failed attempts recorded, not (yet) locked
    InactiveSoon,     // inactivity disables the account on `day`, within the window
    InactiveDisabled, // inactivity has disabled the account (since `day`)
    PasswordExpiring, // the current password expires at `at`, within the window
    PasswordExpired,  // the current password expired at `at`
};

QList<ComplianceList> allComplianceLists();
QString complianceListName(ComplianceList list);  // "locked", "failing", ...
QString complianceListTitle(ComplianceList list); // translated heading

// What one look at a Keystone database found. Each list is a Metric: a list
// whose columns or grants are missing says why, and the others still show.
struct ComplianceReport
{
    QString profile;
    QDateTime at; // the instant every rule was judged against (UTC)
    int withinDays = 7;
    ComplianceSettings settings;

    Metric<QList<ComplianceEntry>> locked;
    Metric<QList<ComplianceEntry>> failing;
    Metric<QList<ComplianceEntry>> inactiveSoon;
    Metric<QList<ComplianceEntry>> inactiveDisabled;
    Metric<QList<ComplianceEntry>> passwordExpiring;
    Metric<QList<ComplianceEntry>> passwordExpired;

    // Set when service accounts could not be recognised (no assignment
    // tables, no grant, no API); every user's serviceAccount is then unknown.
    QString serviceAccountsError;
    // Every user recognised as a service account (any list or none), sorted
    // by name: the lockout early warning's stronger wording, and the check
    // for ignore_lockout_failure_attempts.
    QList<ComplianceUser> serviceAccounts;
    // Notes that do not stop a list (no user_option table: no exemptions).
    QStringList notes;
    double databaseMs = 0;

    const Metric<QList<ComplianceEntry>> &list(ComplianceList which) const;
    Metric<QList<ComplianceEntry>> &list(ComplianceList which);
};

} // namespace turnstile
