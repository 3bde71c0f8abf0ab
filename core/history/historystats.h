#pragma once

#include <QtGlobal>

namespace turnstile {

// How much room the history takes; bytes are -1 where the backend cannot say.
struct HistoryStats
{
    qint64 series = 0;
    qint64 samples = 0;      // raw rows
    qint64 sampleBytes = -1; // raw table (SQLite: its b-tree pages; PostgreSQL: table + index)
    qint64 rollupBytes = -1; // both rollup tables
    qint64 totalBytes = -1;  // SQLite: the whole file; PostgreSQL: all history tables
};

} // namespace turnstile
