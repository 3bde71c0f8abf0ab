#pragma once

#include "health/fixtarget.h"
#include "history/historyconfig.h"
#include "profilepage.h"

#include <QList>
#include <QWidget>

class QGridLayout;
class QLabel;

namespace turnstile {

class OverviewModel;
class ProfileTile;

// The triage page: a summary line, then one tile per profile in a grid,
// the most severe first (OverviewModel::rowsBySeverity).
class OverviewPage : public QWidget, public ProfilePage
{
    Q_OBJECT
public:
    explicit OverviewPage(OverviewModel *model, QWidget *parent = nullptr);
    QList<ProfileTile *> tiles() const { return m_tiles; }
    QString summaryText() const;
    // The tiles as laid out: critical first, then warning, then the rest.
    QList<ProfileTile *> tilesInOrder() const;
    void selectionChanged(const ProfileSelection &selection) override;
    // The store the tiles' sparklines and availability strips read.
    void setHistoryConfig(const HistoryConfig &config);

signals:
    void profileActivated(const QString &profile);
    void retryRequested(const QString &profile);
    void unlockRequested(const QString &profile, const QString &userId);
    void fixRequested(const QString &profile, const turnstile::FixTarget &target);

private:
    void rebuild();
    void refreshTiles();
    void updateSummary();
    void layoutTiles();

    OverviewModel *m_model;
    QGridLayout *m_grid;
    QLabel *m_empty;
    QLabel *m_summary;
    QList<ProfileTile *> m_tiles; // model row order
    QList<int> m_order;           // the rows as laid out
    HistoryConfig m_history;
};

} // namespace turnstile
