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
    QString error;
    double queryMs = 0; // database time, so sampling cost stays visible
};

// Exact COUNT(*) of one Keystone table.
RowCount countRows(DbConnection &db, KeystoneTable table);

} // namespace turnstile
