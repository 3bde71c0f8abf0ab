#pragma once

#include <QString>

namespace turnstile {

// The Keystone tables Turnstile reads. SQL identifiers come only from this
// closed list, never from user input.
enum class KeystoneTable { Token, RevocationEvent, Trust, Password, LocalUser, User };

QString tableName(KeystoneTable t);

} // namespace turnstile
