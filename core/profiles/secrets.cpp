#include "profiles/secrets.h"

namespace turnstile {

QString Secrets::get(SecretKind k) const
{
    switch (k) {
    case SecretKind::Password:
        return password;
    case SecretKind::ApplicationCredentialSecret:
        return applicationCredentialSecret;
    case SecretKind::Token:
        return token;
    case SecretKind::DatabasePassword:
        return databasePassword;
    case SecretKind::NotificationPassword:
        return notificationPassword;
    }
    return {};
}

void Secrets::set(SecretKind k, const QString &v)
{
    switch (k) {
    case SecretKind::Password:
        password = v;
        break;
    case SecretKind::ApplicationCredentialSecret:
        applicationCredentialSecret = v;
        break;
    case SecretKind::Token:
        token = v;
        break;
    case SecretKind::DatabasePassword:
        databasePassword = v;
        break;
    case SecretKind::NotificationPassword:
        notificationPassword = v;
        break;
    }
}

} // namespace turnstile
