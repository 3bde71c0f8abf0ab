#pragma once

#include "compliance/complianceuser.h"

namespace turnstile {

// A user on one compliance list, with the date that list is about: when the
// lockout ends, when the last failure was, the day inactivity disables (or
// disabled) the account, or when the password expires (or expired).
struct ComplianceEntry
{
    ComplianceUser user;
    QDateTime at;          // an instant (UTC) for the lockout and password lists
    QDate day;             // a day (UTC) for the inactivity lists, where Keystone counts days
    int daysInactive = -1; // inactivity lists only

    // The list's date as text for CSV and JSON: ISO 8601 UTC, or yyyy-MM-dd.
    QString dateText() const
    {
        if (at.isValid())
            return at.toUTC().toString(Qt::ISODate);
        return day.isValid() ? day.toString(Qt::ISODate) : QString();
    }
};

} // namespace turnstile
