#pragma once

#include "db/keystonetables.h"

#include <QString>

#include <optional>

namespace turnstile {

class DbConnection;

// A figure that is either a value or "unavailable: reason" - one failing table
// never hides the others.
struct RowCount
{
    std::optional<qint64> rows;
    bool estimated = false; // rows is the server's estimate, not a COUNT(*)
    QString error;
    double queryMs = 0; // database time, so sampling cost stays visible
};

// The row count of one Keystone table, as cheap as the table allows: an exact
// COUNT(*) when the server's estimate says the table is small, else the
// estimate (information_schema.TABLES / pg_class.reltuples). The COUNT runs
// with a server-side statement limit of limitMs, so a probe never leaves a
// long scan behind on a busy database: an unbounded COUNT(*) of a 2M-row
// token table under a purge took minutes, and one per probe cycle piled up
// until the server crawled. A COUNT that hits the limit falls back to the
// estimate.
RowCount countRows(DbConnection &db, KeystoneTable table, qint64 exactBelow = 200000,
                   int limitMs = 3000);

} // namespace turnstile
