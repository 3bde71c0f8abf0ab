#pragma once

#include "profilepage.h"

#include <QList>
#include <QWidget>

class QGridLayout;
class QLabel;

namespace turnstile {

class OverviewModel;
class ProfileTile;

// The triage page: one tile per profile, laid out in a grid.
class OverviewPage : public QWidget, public ProfilePage
{
    Q_OBJECT
public:
    explicit OverviewPage(OverviewModel *model, QWidget *parent = nullptr);
    QList<ProfileTile *> tiles() const { return m_tiles; }
    void selectionChanged(const ProfileSelection &selection) override;

signals:
    void profileActivated(const QString &profile);
    void retryRequested(const QString &profile);
    void unlockRequested(const QString &profile, const QString &userId);

private:
    void rebuild();
    void refreshTiles();

    OverviewModel *m_model;
    QGridLayout *m_grid;
    QLabel *m_empty;
    QList<ProfileTile *> m_tiles;
};

} // namespace turnstile
