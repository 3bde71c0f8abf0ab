#include "compliance/compliancesettings.h"

#include "profiles/keystoneconf.h"
#include "profiles/profile.h"
#include "util/duration.h"

#include <QCoreApplication>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ComplianceSettings)
};
} // namespace

ComplianceSettings ComplianceSettings::fromConf(const KeystoneConf &conf)
{
    ComplianceSettings s;
    s.lockoutFailureAttempts = conf.lockoutFailureAttempts;
    s.lockoutDurationSec = conf.lockoutDuration;
    s.disableInactiveDays = conf.disableUserAccountDaysInactive;
    s.passwordExpiresDays = conf.passwordExpiresDays;
    s.passwordExpiresIgnoreUserIds = conf.passwordExpiresIgnoreUserIds;
    s.uniqueLastPasswordCount = conf.uniqueLastPasswordCount;
    s.minimumPasswordAgeDays = conf.minimumPasswordAge;
    s.passwordRegex = conf.passwordRegex;
    s.passwordRegexDescription = conf.passwordRegexDescription;
    s.sourcePath = conf.sourcePath;
    return s;
}

ComplianceSettings ComplianceSettings::forProfile(const Profile &profile, QString *error)
{
    if (error)
        error->clear();
    if (profile.keystoneConfPath.isEmpty())
        return {};
    QString why;
    const KeystoneConf conf = KeystoneConf::load(profile.keystoneConfPath, &why);
    if (!why.isEmpty()) {
        if (error)
            *error = Tr::tr("The compliance settings of profile %1 cannot be read: %2")
                         .arg(profile.name, why);
        return {};
    }
    ComplianceSettings s = fromConf(conf);
    s.sourcePath = profile.keystoneConfPath;
    return s;
}

QString ComplianceSettings::sourceDescription() const
{
    if (!sourcePath.isEmpty())
        return sourcePath;
    return Tr::tr("Keystone's defaults (the profile names no keystone.conf)");
}

QList<ComplianceSettings::Row> ComplianceSettings::describe() const
{
    QList<Row> rows;
    auto add = [&](const char *option, const QString &value) {
        rows.append({QLatin1String(option), value});
    };
    add("lockout_failure_attempts",
        lockoutEnabled() ? Tr::tr("%n failed attempt(s)", nullptr, *lockoutFailureAttempts)
                         : Tr::tr("not set: accounts are never locked"));
    add("lockout_duration",
        lockoutEnabled()
            ? Tr::tr("%1 (%2 s)").arg(formatDuration(lockoutDurationSec)).arg(lockoutDurationSec)
            : Tr::tr("%1 s (unused while lockout is off)").arg(lockoutDurationSec));
    add("disable_user_account_days_inactive",
        inactivityEnabled() ? Tr::tr("%n day(s)", nullptr, *disableInactiveDays)
                            : Tr::tr("not set: inactive accounts stay enabled"));
    add("password_expires_days", passwordExpiresDays
                                     ? Tr::tr("%n day(s)", nullptr, *passwordExpiresDays)
                                     : Tr::tr("not set: new passwords do not expire"));
    add("password_expires_ignore_user_ids",
        passwordExpiresIgnoreUserIds.isEmpty()
            ? Tr::tr("not set")
            : Tr::tr("%1 (no longer read by Keystone; use the ignore_password_expiry user "
                     "option)")
                  .arg(passwordExpiresIgnoreUserIds.join(QStringLiteral(", "))));
    add("unique_last_password_count",
        uniqueLastPasswordCount > 0
            ? Tr::tr("%n password(s)", nullptr, uniqueLastPasswordCount)
            : Tr::tr("%1 (no history is enforced)").arg(uniqueLastPasswordCount));
    add("minimum_password_age",
        minimumPasswordAgeDays > 0
            ? Tr::tr("%n day(s)", nullptr, minimumPasswordAgeDays)
            : Tr::tr("%1 (passwords can be changed at once)").arg(minimumPasswordAgeDays));
    add("password_regex", passwordRegex ? *passwordRegex : Tr::tr("not set"));
    add("password_regex_description",
        passwordRegexDescription ? *passwordRegexDescription : Tr::tr("not set"));
    return rows;
}

} // namespace turnstile
