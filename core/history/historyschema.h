#pragma once

#include <QStringList>

namespace turnstile::historyschema {

// Bumped whenever a table changes; a store refuses a file written by a newer
// schema instead of misreading it.
constexpr int kVersion = 1;

// CREATE statements for an empty database, in order. The two dialects hold
// the same tables and columns, so every other statement of HistoryStore is
// shared between SQLite and PostgreSQL.
QStringList createStatements(bool postgres);

// The tables createStatements() makes, for existence checks.
QStringList tableNames();

} // namespace turnstile::historyschema
