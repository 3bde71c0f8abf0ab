#pragma once

#include <QString>

namespace turnstile {

// Where a running action is. Delivered by value, after every batch.
struct ActionProgress
{
    qint64 done = 0;
    qint64 total = -1; // the preview's estimate; may be passed when rows arrive meanwhile
    int batches = 0;
    int retries = 0;
    double rowsPerSecond = 0;
    double secondsLeft = -1;
    double elapsedSeconds = 0;
    int currentBatchSize = 0;
    int lastSleepMs = 0;
    double lastBatchMs = 0;
    // What the server says it is doing, for an action that counts no rows
    // and reports done/total as a share (a rebuild's "copy to tmp table").
    QString stage;
    // Why the run is waiting or slow right now, one sentence fragment ("throttled: Galera flow
    // control 40 %"); empty when it runs at its own pace. Appended to describe().
    QString throttled;

    // "1,000 of 5,000 rows · 800 rows/s · 5 s left · batch of 1000", or
    // "Step 2 of 5 · 3.1 s" for an action that counts no rows (a rotation),
    // "Rebuilding · 37 % · 3.1 s" when it names its stage.
    QString describe(bool rowsCounted) const;
};

} // namespace turnstile
