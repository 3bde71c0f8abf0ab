#pragma once

#include "history/annotation.h"
#include "namedseries.h"
#include "scatterseries.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace turnstile {

// What HistoryLoader read for a list of ChartSpecs: a value, made on a
// worker thread and handed to the GUI thread.
struct HistoryLoad
{
    quint64 generation = 0; // set by the page that asked, to drop stale loads
    QStringList profiles;
    qint64 from = 0;
    qint64 to = 0;
    // Parallel to the specs. A time chart has one series per profile and
    // metric (profile by profile); a scatter chart one ScatterSeries per
    // profile.
    QList<QList<NamedSeries>> series;
    QList<QList<ScatterSeries>> scatter;
    QList<Annotation> annotations;
    // Profiles with no series at all in the store (not only none in range).
    QStringList unknownProfiles;
    QString error;
    bool noStore = false; // SQLite file absent: nothing was collected yet

    // Buckets over every chart: 0 means there is nothing to draw.
    int bucketCount() const
    {
        qsizetype n = 0;
        for (const QList<NamedSeries> &chart : series)
            for (const NamedSeries &s : chart)
                n += s.buckets.size();
        for (const QList<ScatterSeries> &chart : scatter)
            for (const ScatterSeries &s : chart)
                n += s.x.buckets.size() + s.y.buckets.size();
        return int(n);
    }
};

} // namespace turnstile
