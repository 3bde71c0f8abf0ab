#pragma once

#include "db/keystonetables.h"
#include "db/metric.h"

#include <QString>

#include <optional>

namespace turnstile {

// Size of one table as the server's statistics report it: cheap, never a
// scan, and therefore an estimate (InnoDB samples pages; PostgreSQL updates
// reltuples on VACUUM/ANALYZE).
struct TableSize
{
    QString schema;
    QString name;
    std::optional<qint64>
        rowsEstimate; // TABLE_ROWS / pg_class.reltuples (unknown before the first ANALYZE)
    std::optional<qint64> liveRowsEstimate; // PostgreSQL: pg_stat_user_tables.n_live_tup
    std::optional<qint64>
        deadRowsEstimate;             // PostgreSQL: n_dead_tup, the bloat VACUUM has not reclaimed
    std::optional<qint64> dataBytes;  // DATA_LENGTH / total relation size minus indexes
    std::optional<qint64> indexBytes; // INDEX_LENGTH / pg_indexes_size
    std::optional<qint64> freeBytes;  // MySQL DATA_FREE: space left behind by deletes
};

struct KeystoneTableStats
{
    KeystoneTable table = KeystoneTable::Token;
    Metric<TableSize> size;
};

} // namespace turnstile
