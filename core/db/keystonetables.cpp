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
    case KeystoneTable::AlembicVersion:
        return QStringLiteral("alembic_version");
    case KeystoneTable::MigrateVersion:
        return QStringLiteral("migrate_version");
    case KeystoneTable::UserOption:
        return QStringLiteral("user_option");
    case KeystoneTable::NonLocalUser:
        return QStringLiteral("nonlocal_user");
    case KeystoneTable::Project:
        return QStringLiteral("project");
    case KeystoneTable::Role:
        return QStringLiteral("role");
    case KeystoneTable::Assignment:
        return QStringLiteral("assignment");
    case KeystoneTable::UserGroupMembership:
        return QStringLiteral("user_group_membership");
    case KeystoneTable::TrustRole:
        return QStringLiteral("trust_role");
    case KeystoneTable::ApplicationCredential:
        return QStringLiteral("application_credential");
    }
    return {};
}

QList<KeystoneTable> allKeystoneTables()
{
    return {KeystoneTable::Token,          KeystoneTable::RevocationEvent,
            KeystoneTable::Trust,          KeystoneTable::Password,
            KeystoneTable::LocalUser,      KeystoneTable::User,
            KeystoneTable::AlembicVersion, KeystoneTable::MigrateVersion,
            KeystoneTable::UserOption,     KeystoneTable::NonLocalUser,
            KeystoneTable::Project,        KeystoneTable::Role,
            KeystoneTable::Assignment,     KeystoneTable::UserGroupMembership,
            KeystoneTable::TrustRole,      KeystoneTable::ApplicationCredential};
}

} // namespace turnstile
