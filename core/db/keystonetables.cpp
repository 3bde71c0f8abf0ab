#include "db/keystonetables.h"

namespace turnstile {

QString tableName(KeystoneTable t)
{
    switch (t) {
    case KeystoneTable::Token:
        return QStringLiteral("token");
    case KeystoneTable::RevocationEvent:
        return QStringLiteral("revocation_event");
    case KeystoneTable::Trust:
        return QStringLiteral("trust");
    case KeystoneTable::Password:
        return QStringLiteral("password");
    case KeystoneTable::LocalUser:
        return QStringLiteral("local_user");
    case KeystoneTable::User:
        return QStringLiteral("user");
    }
    return {};
}

} // namespace turnstile
