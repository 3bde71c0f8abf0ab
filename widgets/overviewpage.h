#pragma once

#include "health/fixtarget.h"
#include "history/historyconfig.h"
#include "profilepage.h"

#include <QHash>
#include <QList>
#include <QWidget>

class QGridLayout;
class QLabel;
class QLineEdit;
class QToolButton;

namespace turnstile {

class OverviewModel;
class ProfileTile;

// The triage page: a summary line, a filter, then one tile per profile in a
// grid, the most severe first (OverviewModel::rowsBySeverity). With many
// profiles (projects × regions) the tiles are grouped by cloud (the Keystone
// host) and region under headers that carry the group's worst verdict; a
// tile is only created when its group is expanded, so hundreds of profiles
// cost a few headers, not hundreds of widgets.
class OverviewPage : public QWidget, public ProfilePage
{
    Q_OBJECT
public:
    explicit OverviewPage(OverviewModel *model, QWidget *parent = nullptr);
    // The tiles created so far, in model row order (a collapsed group's
    // profiles have none until it is expanded).
    QList<ProfileTile *> tiles() const;
    QString summaryText() const;
    // The tiles as laid out: group by group (the most severe group first),
    // inside a group critical first, then warning, then the rest.
    QList<ProfileTile *> tilesInOrder() const;
    // The group headers as laid out (hidden while there is only one group of
    // a few profiles); each carries its group in the "groupKey" property and
    // its worst verdict (OverviewModel::Status) in "status".
    QList<QToolButton *> groupHeaders() const;
    void setGroupExpanded(const QString &key, bool expanded);
    QLineEdit *filterEdit() const { return m_filter; }
    void selectionChanged(const ProfileSelection &selection) override;
    // The store the tiles' sparklines and availability strips read.
    void setHistoryConfig(const HistoryConfig &config);

    // Up to this many profiles (matching the filter) every group starts
    // expanded; beyond it the groups start collapsed.
    static constexpr int kExpandAllUpTo = 24;

signals:
    void profileActivated(const QString &profile);
    void retryRequested(const QString &profile);
    void unlockRequested(const QString &profile, const QString &userId);
    void fixRequested(const QString &profile, const turnstile::FixTarget &target);

private:
    struct Group
    {
        QString key;
        QString title; // "keystone.example.com · RegionOne"
        QList<int> rows;
        QToolButton *header = nullptr;
    };
    void rebuild();
    void rowsChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight);
    void updateSummary();
    void regroup();
    void layoutTiles();
    ProfileTile *tileFor(int row);
    bool matchesFilter(int row, const QStringList &words) const;
    bool isExpanded(const Group &g, int matching) const;

    OverviewModel *m_model;
    QGridLayout *m_grid;
    QLabel *m_empty;
    QLabel *m_noMatch;
    QLabel *m_summary;
    QLineEdit *m_filter;
    QList<ProfileTile *> m_tiles; // model row order; nullptr until created
    QList<Group> m_groups;        // sorted by key
    // Name -> group key and title, from the window's profiles.
    QHash<QString, std::pair<QString, QString>> m_groupOf;
    // Groups the user opened or closed; the others follow kExpandAllUpTo.
    QHash<QString, bool> m_userExpanded;
    QList<QWidget *> m_laidOut; // the grid's widgets, in order
    HistoryConfig m_history;
};

} // namespace turnstile
