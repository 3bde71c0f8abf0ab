#pragma once

#include <QString>

#include <array>

namespace turnstile {

enum class SecretKind
{
    Password,
    ApplicationCredentialSecret,
    Token,
    DatabasePassword,
    NotificationPassword // RabbitMQ, for the Keystone event consumer
};
inline constexpr std::array<SecretKind, 5> kAllSecretKinds{
    SecretKind::Password, SecretKind::ApplicationCredentialSecret, SecretKind::Token,
    SecretKind::DatabasePassword, SecretKind::NotificationPassword};

// The secrets of one profile, in memory only. Passed by value to worker
// threads; never serialised, never logged.
struct Secrets
{
    QString password;
    QString applicationCredentialSecret;
    QString token;
    QString databasePassword;
    QString notificationPassword;

    QString get(SecretKind k) const;
    void set(SecretKind k, const QString &v);
    bool operator==(const Secrets &) const = default;
};

} // namespace turnstile
