#pragma once

#include "history/bucket.h"
#include "history/historyconfig.h"
#include "history/sample.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace turnstile {

// What an Overview tile draws from the history store for one profile: a
// sparkline per figure that has history (validation p99, live tokens,
// revocation events), decimated to the sparkline's pixel width by
// HistoryStore::query, and the keystone.up samples of the availability strip
// (Availability::fromSamples). A value, made on a worker and handed to the
// GUI thread.
struct TileHistory
{
    // The sparkline metrics, in the order of `sparklines`.
    static QStringList sparklineMetrics();
    static constexpr qint64 kWindowSeconds = 24 * 3600;

    QString profile;
    qint64 from = 0;
    qint64 to = 0;
    QList<QList<Bucket>> sparklines; // parallel to sparklineMetrics()
    QList<Sample> up;                // keystone.up, raw
    QString error;                   // the store could not be read
    bool noStore = false;            // SQLite file absent: nothing collected yet

    // Blocking: opens, reads and closes a store on the calling thread, so
    // call it on a worker (ioPool()). The last kWindowSeconds before `now`;
    // `width` buckets at most per sparkline. Like ChartData::load, it never
    // creates a missing SQLite file.
    static TileHistory load(const HistoryConfig &config, const QString &profile, qint64 now,
                            int width);
};

} // namespace turnstile
