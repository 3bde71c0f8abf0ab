#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace turnstile {

struct KeystoneConf;
struct Profile;

// The [security_compliance] options the compliance lists are judged by, as
// Keystone would apply them: read from the profile's keystone.conf, or
// Keystone's own defaults (keystone/conf/security_compliance.py) when the
// profile names none. Options Keystone leaves off by default stay empty, and
// the lists that depend on them say "not configured" instead of guessing.
struct ComplianceSettings
{
    std::optional<int> lockoutFailureAttempts; // lockout_failure_attempts
    int lockoutDurationSec = 1800;             // lockout_duration (min 1)
    std::optional<int> disableInactiveDays;    // disable_user_account_days_inactive
    std::optional<int> passwordExpiresDays;    // password_expires_days
    // Removed from Keystone (the ignore_password_expiry user option replaced
    // it); shown when an old keystone.conf still sets it, never applied.
    QStringList passwordExpiresIgnoreUserIds;
    int uniqueLastPasswordCount = 0;
    int minimumPasswordAgeDays = 0;
    std::optional<QString> passwordRegex;
    std::optional<QString> passwordRegexDescription;

    // Where the values come from: the keystone.conf path, or empty for
    // Keystone's defaults.
    QString sourcePath;

    bool lockoutEnabled() const { return lockoutFailureAttempts.value_or(0) > 0; }
    bool inactivityEnabled() const { return disableInactiveDays.value_or(0) > 0; }

    static ComplianceSettings fromConf(const KeystoneConf &conf);
    // The profile's keystone.conf, or the defaults when it names none. A file
    // that is named but cannot be read is an error (*error set, defaults
    // returned): judging a cloud by the wrong rules would be worse than
    // stopping.
    static ComplianceSettings forProfile(const Profile &profile, QString *error);

    // One translated line per option, "name", "effective value", in
    // keystone.conf order, for the CLI and the Compliance page.
    struct Row
    {
        QString option; // keystone.conf option name, untranslated
        QString value;  // translated, "3 attempts", "not set (no lockout)"
    };
    QList<Row> describe() const;
    // Translated: "/etc/keystone/keystone.conf" or "Keystone's defaults (…)".
    QString sourceDescription() const;
};

} // namespace turnstile
