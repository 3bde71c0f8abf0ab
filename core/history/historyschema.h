#pragma once

#include <QStringList>

#include <optional>

namespace turnstile::historyschema {

// Bumped whenever a table changes; a store refuses a file written by a newer
// schema instead of misreading it.
// 2: Keystone's audit events (history_events, history_auth_failures).
// 3: PostgreSQL's history_samples partitioned by month, with a BRIN index on
//    ts (SQLite: no change; its file only records the number).
constexpr int kVersion = 3;

// CREATE statements for an empty database, in order. The two dialects hold
// the same tables and columns, so every other statement of HistoryStore is
// shared between SQLite and PostgreSQL.
QStringList createStatements(bool postgres);

// What brings a database of schema `from` to kVersion (tables only; the
// caller updates schema_version in the same transaction).
QStringList upgradeStatements(int from, bool postgres);

// The tables createStatements() makes, for existence checks.
QStringList tableNames();

// PostgreSQL's history_samples is partitioned by month of ts (UTC), one
// table per month, named history_samples_YYYYMM, holding [month, next month).
// The store creates a month before the first sample of it is written and
// drops it whole once retention has cut every series past its end.
qint64 monthStart(qint64 ts);
qint64 nextMonth(qint64 monthStart);
QString partitionName(qint64 monthStart);
// The month a partition of ours holds; nullopt for any other name.
std::optional<qint64> partitionMonth(const QString &name);
QString createPartitionStatement(qint64 monthStart);
// The partitions of history_samples, by name.
QString listPartitionsStatement();

// Migration of a schema-2 PostgreSQL history_samples (one table) to the
// partitioned one, all inside the caller's transaction: rename the old table,
// create the partitioned one (these statements); the caller then creates the
// partitions of the months legacyMonthsStatement() lists and runs
// legacyCopyStatements().
QStringList legacyRenameStatements();
QString legacyMonthsStatement();
QStringList legacyCopyStatements();

} // namespace turnstile::historyschema
