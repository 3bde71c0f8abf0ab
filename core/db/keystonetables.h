#pragma once

#include <QList>
#include <QString>

namespace turnstile {

// The Keystone tables Turnstile reads. SQL identifiers come only from this
// closed list, never from user input.
enum class KeystoneTable
{
    Token,
    RevocationEvent,
    Trust,
    Password,
    LocalUser,
    User,
    // Schema bookkeeping and options, read by the database inspectors.
    AlembicVersion, // Yoga and later
    MigrateVersion, // sqlalchemy-migrate, before Yoga
    UserOption,     // per-user exemptions (lockout, password expiry, inactivity)
    // Names and role assignments, read by the compliance lists (user names of
    // LDAP users, domain names, service accounts).
    NonLocalUser,
    Project, // projects and, since Mitaka, domains (is_domain)
    Role,
    Assignment,
    UserGroupMembership,
    // Purged by the guarded actions and sampled for growth.
    TrustRole,
    ApplicationCredential,
};

QString tableName(KeystoneTable t);
// Every value of KeystoneTable, in declaration order.
QList<KeystoneTable> allKeystoneTables();

} // namespace turnstile
