#pragma once

#include "chartspec.h"
#include "history/historyconfig.h"
#include "historyload.h"

#include <QCoreApplication>
#include <QList>
#include <QStringList>

class QWidget;

namespace turnstile {

class ChartView;
class HistoryStore;

// Reads what a list of ChartSpecs shows from the history store, already
// decimated to each chart's pixel budget, plus the annotations (audit log and
// store) of the same profiles and range; and puts such a load on the charts.
// One code path for the Growth and Latency pages and `turnstilectl report`.
//
// load() is blocking and opens, uses and closes its store on the calling
// thread: call it on a worker. show() touches widgets: GUI thread only.
class HistoryLoader
{
    Q_DECLARE_TR_FUNCTIONS(HistoryLoader)
public:
    // The store the window reads: the [history] settings, or the file
    // $TURNSTILE_HISTORY names, which wins (as for turnstilectl): it is how a
    // test or a second checkout points at its own file.
    static HistoryConfig windowConfig();

    // Does not create a missing SQLite file (noStore instead): reading must
    // not leave an empty store where a collector is about to write.
    static HistoryLoad load(const HistoryConfig &config, const QStringList &profiles, qint64 from,
                            qint64 to, const QList<ChartSpec> &specs, const QList<int> &budgets);
    // Same with a store that is already open on this thread.
    static HistoryLoad load(HistoryStore &store, const QStringList &profiles, qint64 from,
                            qint64 to, const QList<ChartSpec> &specs, const QList<int> &budgets);

    // The legend name of a curve: the metric alone for one profile,
    // "profile · metric" when several profiles share a chart.
    static QString seriesName(const QString &profile, const QString &metric, bool severalProfiles);

    // One ChartView per spec, titled, of the spec's kind.
    static QList<ChartView *> createCharts(const QList<ChartSpec> &specs, QWidget *parent);
    // Puts a load on charts made for the same specs (parallel lists).
    static void show(const HistoryLoad &load, const QList<ChartSpec> &specs,
                     const QList<ChartView *> &charts);
};

} // namespace turnstile
