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

    // Space a rebuild would give back. MySQL: DATA_FREE, the server's own
    // figure. PostgreSQL has none, so this is an estimate: the heap's size
    // times the dead share of its tuples (n_dead_tup / (n_live_tup +
    // n_dead_tup)). It ignores fill factor and free space VACUUM already
    // made reusable, so it errs low after a VACUUM and high before an
    // ANALYZE; good enough to tell 1 GiB from 1 MiB, which is what an
    // operator asks.
    std::optional<qint64> reclaimableBytes() const
    {
        if (freeBytes)
            return freeBytes;
        if (!dataBytes || !deadRowsEstimate)
            return std::nullopt;
        const qint64 dead = *deadRowsEstimate;
        const qint64 all = dead + liveRowsEstimate.value_or(0);
        if (all <= 0)
            return qint64(0);
        return qint64(double(*dataBytes) * double(dead) / double(all));
    }
    // True where reclaimableBytes() is the PostgreSQL estimate, not a figure
    // the server reported.
    bool reclaimableIsEstimate() const { return !freeBytes && deadRowsEstimate.has_value(); }
};

struct KeystoneTableStats
{
    KeystoneTable table = KeystoneTable::Token;
    Metric<TableSize> size;
};

} // namespace turnstile
