#pragma once

#include <QStringList>

namespace turnstile::historyschema {

// Bumped whenever a table changes; a store refuses a file written by a newer
// schema instead of misreading it.
// 2: Keystone's audit events (history_events, history_auth_failures).
constexpr int kVersion = 2;

// CREATE statements for an empty database, in order. The two dialects hold
// the same tables and columns, so every other statement of HistoryStore is
// shared between SQLite and PostgreSQL.
QStringList createStatements(bool postgres);

// What brings a database of schema `from` to kVersion (tables only; the
// caller updates schema_version in the same transaction).
QStringList upgradeStatements(int from, bool postgres);

// The tables createStatements() makes, for existence checks.
QStringList tableNames();

} // namespace turnstile::historyschema
