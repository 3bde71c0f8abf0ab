#pragma once

#include "history/bucket.h"
#include "history/resolution.h"

#include <QList>

namespace turnstile {

// What HistoryStore::query() returns: at most maxPoints buckets of equal
// width, only the non-empty ones, ordered by time.
struct DecimatedSeries
{
    QList<Bucket> buckets;
    qint64 bucketSeconds = 0; // width of every bucket
    // The table the query preferred; older parts may come from coarser
    // rollups (raw rows past retention) and the newest part from finer
    // tables (not rolled up yet).
    Resolution resolution = Resolution::Raw;
};

} // namespace turnstile
