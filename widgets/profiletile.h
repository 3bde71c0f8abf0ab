#pragma once

#include "health/availability.h"
#include "health/fixtarget.h"
#include "history/historyconfig.h"
#include "history/tilehistory.h"
#include "util/latestjob.h"

#include <QDateTime>
#include <QFrame>
#include <QHash>
#include <QPersistentModelIndex>

#include <optional>
#include <utility>

class QAction;
class QLabel;
class QPushButton;

namespace turnstile {

class AvailabilityStrip;
class Sparkline;

// One triage tile: a colour bar, the profile name, the key figures (the ones
// with history beside a sparkline of their last day), Keystone's
// availability over the last day and, when not green, the one sentence that
// says why with a link to where each finding is fixed. Reads everything from
// one row of OverviewModel so the tile and the table never disagree; the
// history from the store, off the GUI thread.
class ProfileTile : public QFrame
{
    Q_OBJECT
public:
    explicit ProfileTile(const QPersistentModelIndex &row, QWidget *parent = nullptr);
    void refresh();
    QString reasonText() const;
    QString statusName() const;
    // "Retry" after rejected credentials, "Unlock…" when the profile's own
    // account is locked; hidden otherwise.
    QPushButton *authButton() const { return m_authAction; }
    // The tile as plain text for a chat message: name and status, the reason,
    // then every figure, the offending ones marked, and the availability
    // (context menu "Copy tile as text").
    QString asText() const;
    QAction *copyAsTextAction() const { return m_copyAsText; }

    // The store the sparklines and the availability strip read; the tile
    // reads it when shown and after each new probe result.
    void setHistoryConfig(const HistoryConfig &config);
    // The value label of an OverviewModel column (context menu "Copy": that
    // value alone); its "level" property is "critical" or "warning" when the
    // figure crossed a threshold, else empty.
    QLabel *figureLabel(int column) const { return m_values.value(column); }
    // The sparkline of a TileHistory::sparklineMetrics() metric.
    Sparkline *sparkline(const QString &metric) const { return m_sparklines.value(metric); }
    AvailabilityStrip *availabilityStrip() const { return m_strip; }
    QString availabilityText() const;
    // "Fix: Preview the prune … · Open the Keys page": one link per target.
    QLabel *fixLinks() const { return m_fixes; }
    // The event consumer's status line; hidden for a profile without a broker.
    QLabel *eventsLine() const { return m_eventsLine; }
    QList<FixTarget> fixTargets() const { return m_fixTargets; }
    // Whether a history load is on its way (tests wait for it).
    bool isLoadingHistory() const { return m_load.isRunning(); }

signals:
    void activated(const QString &profile);
    void retryRequested(const QString &profile);
    void unlockRequested(const QString &profile, const QString &userId);
    // A reason's link: the window opens the page or preview that fixes it.
    void fixRequested(const QString &profile, const turnstile::FixTarget &target);
    // The history arrived and is drawn.
    void historyShown();

protected:
    void mouseReleaseEvent(class QMouseEvent *e) override;
    void showEvent(class QShowEvent *e) override;

private:
    // The figures the tile shows: label and OverviewModel column.
    static QList<std::pair<QString, int>> figureRows();
    // The column a sparkline sits beside.
    static int columnOfSparkline(const QString &metric);
    // The history metric a figure row shows, for its tooltip ("" for none).
    static QString metricOfColumn(int column);
    QString profileName() const;
    void loadHistory();
    void showHistory(const TileHistory &h);
    // "Copy" (the label's text alone) and "Copy tile as text".
    void addCopyMenu(QLabel *label);

    QPersistentModelIndex m_row;
    QLabel *m_title;
    QLabel *m_subtitle;
    QLabel *m_status;
    QWidget *m_figures;
    QHash<int, QLabel *> m_names;
    QHash<int, QLabel *> m_values;
    QHash<QString, Sparkline *> m_sparklines;
    QWidget *m_availability;
    AvailabilityStrip *m_strip;
    QLabel *m_availabilityText;
    QLabel *m_reason;
    QLabel *m_fixes;
    QLabel *m_eventsLine;
    QList<FixTarget> m_fixTargets;
    QPushButton *m_authAction;
    QAction *m_copyAsText;

    std::optional<HistoryConfig> m_history;
    // The probe the shown history belongs to: a new one adds a sample.
    QDateTime m_historyFor;
    bool m_historyStale = true;
    LatestJob<TileHistory> m_load{this};
};

} // namespace turnstile
