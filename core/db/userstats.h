#pragma once

#include "db/metric.h"

#include <QDateTime>

namespace turnstile {

// Account figures as Keystone's identity backend would judge them
// (keystone/identity/backends/sql.py and sql_model.py), including the
// per-user exemptions from user_option.
struct UserStats
{
    QDateTime at;
    Metric<qint64> total;
    Metric<qint64> enabled;  // user.enabled set
    Metric<qint64> inactive; // enabled, but disabled by disable_user_account_days_inactive
    Metric<qint64> locked;   // failed_auth_count >= attempts within lockout_duration
    Metric<qint64> passwordsExpiringSoon; // current password expires within the warning window
    Metric<qint64> passwordsExpired;      // current password already expired
    double queryMs = 0;
};

} // namespace turnstile
