#pragma once

#include <QString>

#include <array>

namespace turnstile {

enum class SecretKind
{
    Password,
    ApplicationCredentialSecret,
    Token,
    DatabasePassword
};
inline constexpr std::array<SecretKind, 4> kAllSecretKinds{
    SecretKind::Password, SecretKind::ApplicationCredentialSecret, SecretKind::Token,
    SecretKind::DatabasePassword};

// The secrets of one profile, in memory only. Passed by value to worker
// threads; never serialised, never logged.
struct Secrets
{
    QString password;
    QString applicationCredentialSecret;
    QString token;
    QString databasePassword;

    QString get(SecretKind k) const;
    void set(SecretKind k, const QString &v);
    bool operator==(const Secrets &) const = default;
};

} // namespace turnstile
