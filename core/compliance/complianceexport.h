#pragma once

#include "compliance/compliancereport.h"

#include <QJsonObject>

namespace turnstile {

// The compliance lists as files for other programs: CSV for a mail merge and
// JSON for scripts. Column and key names are part of the CLI's contract.
//
// CSV (RFC 4180, CRLF, UTF-8): list,name,domain,email,date,user_id,failures,
// service_account - one row per user and list, in the lists' order. `date`
// is the list's date (unlock time, last failure, the day inactivity disables
// the account, password expiry). A field that a spreadsheet would run as a
// formula (starting with = + - @ or a tab/CR) gets a leading apostrophe.
QString complianceCsv(const ComplianceReport &report, const QList<ComplianceList> &lists);

// {"profile", "at", "within_days", "settings": {...}, "lists": {"locked":
// [...], ...}, "errors": {"locked": "unavailable: ..."}, "notes": [...]}
QJsonObject complianceJson(const ComplianceReport &report, const QList<ComplianceList> &lists);
QJsonObject complianceEntryJson(const ComplianceEntry &entry);

// One CSV field, quoted when needed and defused against formula injection.
QString csvField(const QString &value);

} // namespace turnstile
