#pragma once

#include <QString>

namespace turnstile {

enum class SecretKind { Password, ApplicationCredentialSecret, Token, DatabasePassword };

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
