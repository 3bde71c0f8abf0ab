#pragma once

#include "health/thresholds.h"

#include <QHash>
#include <QJsonObject>
#include <QString>

namespace turnstile {

class HistoryStore;

// The one verdict of a profile's thresholds, wherever it is shown: the
// Overview (collector cycle), `turnstilectl probe --json` and
// `turnstilectl thresholds` all call this, so they cannot disagree.
//
// Latest values: `fresh` (figures measured right now) over the store's newest
// sample of each metric no older than 3 h (hourly figures such as
// users.locked come from the last exact sample). Growth: over the history
// actually observed in the last day, only from an hour of it on
// (observedGrowth). Without a store, `fresh` alone. The top token producer
// of the last hour (auth.top_user.hour, auth.success.hour) comes from the
// store's authenticate events (HistoryStore::authSuccesses).
struct ProfileVerdict
{
    HealthVerdict verdict;
    QHash<QString, double> latest; // what the rules were judged on
    // Whom a figure is about (auth.top_user.hour -> the user's name).
    QHash<QString, QString> subjects;
};

ProfileVerdict evaluateProfileHealth(const QJsonObject &thresholdOverrides, const QString &profile,
                                     HistoryStore *store, qint64 now,
                                     const QHash<QString, double> &fresh = {});

} // namespace turnstile
