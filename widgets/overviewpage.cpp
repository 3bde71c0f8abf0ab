#include "overviewpage.h"
#include "profileselection.h"

#include "overviewmodel.h"
#include "profiletile.h"

#include <QGridLayout>
#include <QLabel>
#include <QScrollArea>
#include <QVBoxLayout>

namespace turnstile {

OverviewPage::OverviewPage(OverviewModel *model, QWidget *parent)
    : QWidget(parent), m_model(model), m_history(HistoryConfig::resolve())
{
    auto *outer = new QVBoxLayout(this);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *content = new QWidget(scroll);
    auto *contentLayout = new QVBoxLayout(content);
    // The first thing read at 3 a.m.: how many profiles are red, amber, green.
    m_summary = new QLabel(content);
    m_summary->setObjectName(QStringLiteral("summary"));
    QFont f = m_summary->font();
    f.setPointSizeF(f.pointSizeF() * 1.2);
    f.setBold(true);
    m_summary->setFont(f);
    contentLayout->addWidget(m_summary);
    m_empty = new QLabel(
        tr("No profile yet. Import a clouds.yaml, an openrc file or a keystone.conf with "
           "<tt>turnstilectl profiles import</tt>."),
        content);
    m_empty->setWordWrap(true);
    contentLayout->addWidget(m_empty);
    m_grid = new QGridLayout();
    m_grid->setSpacing(12);
    contentLayout->addLayout(m_grid);
    contentLayout->addStretch(1);
    scroll->setWidget(content);
    outer->addWidget(scroll);

    connect(m_model, &QAbstractItemModel::modelReset, this, &OverviewPage::rebuild);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &OverviewPage::refreshTiles);
    rebuild();
}

void OverviewPage::rebuild()
{
    // A reset can come from a tile's own signal (a click selects a profile,
    // which resets the model): delete the old tiles once control is back in
    // the event loop, never under a handler that is still running.
    for (ProfileTile *old : std::as_const(m_tiles)) {
        old->hide();
        m_grid->removeWidget(old);
        old->disconnect(this);
        old->deleteLater();
    }
    m_tiles.clear();
    m_order.clear();
    for (int r = 0; r < m_model->rowCount(); ++r) {
        auto *tile = new ProfileTile(QPersistentModelIndex(m_model->index(r, 0)), this);
        connect(tile, &ProfileTile::activated, this, &OverviewPage::profileActivated);
        connect(tile, &ProfileTile::retryRequested, this, &OverviewPage::retryRequested);
        connect(tile, &ProfileTile::unlockRequested, this, &OverviewPage::unlockRequested);
        connect(tile, &ProfileTile::fixRequested, this, &OverviewPage::fixRequested);
        tile->setHistoryConfig(m_history);
        m_tiles.append(tile);
    }
    m_empty->setVisible(m_tiles.isEmpty());
    layoutTiles();
    updateSummary();
}

void OverviewPage::layoutTiles()
{
    // The model decides the order (red, amber, the rest); the page only
    // moves the existing tiles, so a result arriving while a tile handles a
    // click never deletes anything.
    const QList<int> order = m_model->rowsBySeverity();
    // Empty lists are compared by size alone: Qt 6.4's QList<int>::operator==
    // passes a null pointer to memcmp for them (UBSan in the asan preset).
    if (order.size() != m_tiles.size() ||
        (order.size() == m_order.size() && (order.isEmpty() || order == m_order)))
        return;
    m_order = order;
    for (ProfileTile *t : std::as_const(m_tiles))
        m_grid->removeWidget(t);
    const int columns = 2;
    for (int i = 0; i < order.size(); ++i)
        m_grid->addWidget(m_tiles.at(order.at(i)), i / columns, i % columns);
}

QList<ProfileTile *> OverviewPage::tilesInOrder() const
{
    QList<ProfileTile *> out;
    for (int row : m_order)
        out.append(m_tiles.at(row));
    return out;
}

void OverviewPage::updateSummary()
{
    const QString text = m_model->summaryText();
    m_summary->setText(text);
    m_summary->setVisible(!text.isEmpty());
}

void OverviewPage::refreshTiles()
{
    for (ProfileTile *t : std::as_const(m_tiles))
        t->refresh();
    layoutTiles();
    updateSummary();
}

QString OverviewPage::summaryText() const
{
    return m_summary->text();
}

void OverviewPage::setHistoryConfig(const HistoryConfig &config)
{
    m_history = config;
    for (ProfileTile *t : std::as_const(m_tiles))
        t->setHistoryConfig(config);
}

void OverviewPage::selectionChanged(const ProfileSelection &selection)
{
    // A reset rebuilds every tile: only when the list changes. The window
    // probes what the model lists.
    if (const QStringList names = selection.shownNames(); names != m_model->profiles())
        m_model->setProfiles(names);
}

} // namespace turnstile
