#include "overviewpage.h"
#include "profileselection.h"

#include "overviewmodel.h"
#include "profiletile.h"

#include <QAction>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace turnstile {

namespace {

// The worse of two verdicts for a group header: a group with a profile not
// probed yet is not known to be fine, so Unknown ranks above OK there.
int headerRank(OverviewModel::Status s)
{
    switch (s) {
    case OverviewModel::Status::Critical:
        return 3;
    case OverviewModel::Status::Warning:
        return 2;
    case OverviewModel::Status::Unknown:
        return 1;
    case OverviewModel::Status::Ok:
        break;
    }
    return 0;
}

} // namespace

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
    m_filter = new QLineEdit(content);
    m_filter->setObjectName(QStringLiteral("filter"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setPlaceholderText(tr("Filter by name, cloud, region or state (Ctrl+F)"));
    m_filter->setToolTip(tr("Shows the profiles whose name, Keystone host, region or state "
                            "contains every word typed here."));
    contentLayout->addWidget(m_filter);
    m_empty = new QLabel(
        tr("No profile yet. Import a clouds.yaml, an openrc file or a keystone.conf with "
           "<tt>turnstilectl profiles import</tt>."),
        content);
    m_empty->setWordWrap(true);
    contentLayout->addWidget(m_empty);
    m_noMatch = new QLabel(content);
    m_noMatch->setObjectName(QStringLiteral("noMatch"));
    m_noMatch->setWordWrap(true);
    contentLayout->addWidget(m_noMatch);
    m_grid = new QGridLayout();
    m_grid->setSpacing(12);
    contentLayout->addLayout(m_grid);
    contentLayout->addStretch(1);
    scroll->setWidget(content);
    outer->addWidget(scroll);

    auto *find = new QAction(this);
    find->setShortcut(QKeySequence::Find);
    find->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(find, &QAction::triggered, this, [this] {
        m_filter->setFocus(Qt::ShortcutFocusReason);
        m_filter->selectAll();
    });
    addAction(find);
    connect(m_filter, &QLineEdit::textChanged, this, &OverviewPage::layoutTiles);

    connect(m_model, &QAbstractItemModel::modelReset, this, &OverviewPage::rebuild);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &OverviewPage::rowsChanged);
    rebuild();
}

QList<ProfileTile *> OverviewPage::tiles() const
{
    QList<ProfileTile *> out;
    for (ProfileTile *t : m_tiles)
        if (t)
            out.append(t);
    return out;
}

void OverviewPage::rebuild()
{
    // A reset can come from a tile's own signal (a click selects a profile,
    // which resets the model): delete the old tiles once control is back in
    // the event loop, never under a handler that is still running.
    for (ProfileTile *old : std::as_const(m_tiles)) {
        if (!old)
            continue;
        old->hide();
        m_grid->removeWidget(old);
        old->disconnect(this);
        old->deleteLater();
    }
    // Headers are kept for the groups that stay; layoutTiles() shows the
    // ones it places again.
    for (QWidget *w : std::as_const(m_laidOut)) {
        m_grid->removeWidget(w);
        w->hide();
    }
    m_laidOut.clear();
    // Created when their group is first shown expanded.
    m_tiles = QList<ProfileTile *>(m_model->rowCount(), nullptr);
    m_empty->setVisible(m_tiles.isEmpty());
    regroup();
    updateSummary();
}

ProfileTile *OverviewPage::tileFor(int row)
{
    if (ProfileTile *t = m_tiles.at(row))
        return t;
    auto *tile = new ProfileTile(QPersistentModelIndex(m_model->index(row, 0)), this);
    connect(tile, &ProfileTile::activated, this, &OverviewPage::profileActivated);
    connect(tile, &ProfileTile::retryRequested, this, &OverviewPage::retryRequested);
    connect(tile, &ProfileTile::unlockRequested, this, &OverviewPage::unlockRequested);
    connect(tile, &ProfileTile::fixRequested, this, &OverviewPage::fixRequested);
    tile->setHistoryConfig(m_history);
    m_tiles[row] = tile;
    return tile;
}

void OverviewPage::regroup()
{
    QHash<QString, int> index;
    QList<Group> groups;
    for (int r = 0; r < m_model->rowCount(); ++r) {
        const QString name = m_model->index(r, 0).data(OverviewModel::ProfileNameRole).toString();
        const auto known = m_groupOf.constFind(name);
        // A name the window did not describe (the model used on its own).
        const QString key = known != m_groupOf.cend() ? known->first : QString();
        auto at = index.constFind(key);
        if (at == index.cend()) {
            at = index.insert(key, int(groups.size()));
            Group g;
            g.key = key;
            g.title = known != m_groupOf.cend() ? known->second : tr("Profiles");
            groups.append(g);
        }
        groups[*at].rows.append(r);
    }
    std::sort(groups.begin(), groups.end(),
              [](const Group &a, const Group &b) { return a.key < b.key; });
    // Headers are few (clouds × regions): kept per key, the others go.
    QHash<QString, QToolButton *> headers;
    for (const Group &g : std::as_const(m_groups))
        if (g.header)
            headers.insert(g.key, g.header);
    for (Group &g : groups)
        g.header = headers.take(g.key);
    for (QToolButton *gone : std::as_const(headers)) {
        m_grid->removeWidget(gone);
        m_laidOut.removeAll(gone);
        gone->hide();
        gone->deleteLater();
    }
    m_groups = groups;
    layoutTiles();
}

bool OverviewPage::matchesFilter(int row, const QStringList &words) const
{
    if (words.isEmpty())
        return true;
    const QModelIndex i = m_model->index(row, 0);
    const QString name = i.data(OverviewModel::ProfileNameRole).toString();
    const auto known = m_groupOf.constFind(name);
    const QString place = known != m_groupOf.cend() ? known->second : QString();
    const QString state =
        OverviewModel::statusText(i.data(OverviewModel::StatusRole).value<OverviewModel::Status>());
    for (const QString &w : words)
        if (!name.contains(w, Qt::CaseInsensitive) && !place.contains(w, Qt::CaseInsensitive) &&
            !state.contains(w, Qt::CaseInsensitive))
            return false;
    return true;
}

bool OverviewPage::isExpanded(const Group &g, int matching) const
{
    return m_userExpanded.value(g.key, matching <= kExpandAllUpTo);
}

void OverviewPage::setGroupExpanded(const QString &key, bool expanded)
{
    m_userExpanded.insert(key, expanded);
    layoutTiles();
}

void OverviewPage::layoutTiles()
{
    // The model decides the order (red, amber, the rest); the page only
    // moves the existing tiles, so a result arriving while a tile handles a
    // click never deletes anything. It runs on every result, so it touches
    // the grid only when what is shown changes.
    const QList<int> order = m_model->rowsBySeverity();
    if (order.size() != m_tiles.size())
        return;
    QList<int> place(order.size());
    for (int i = 0; i < order.size(); ++i)
        place[order.at(i)] = i;
    struct Shown
    {
        Group *group;
        QList<int> rows; // matching the filter, in severity order
        OverviewModel::Status worst = OverviewModel::Status::Ok;
    };
    QList<Shown> shown;
    int matching = 0;
    const QStringList words = m_filter->text().split(u' ', Qt::SkipEmptyParts);
    for (Group &g : m_groups) {
        Shown s{&g, {}, OverviewModel::Status::Ok};
        for (int r : std::as_const(g.rows)) {
            const auto st =
                m_model->index(r, 0).data(OverviewModel::StatusRole).value<OverviewModel::Status>();
            if (headerRank(st) > headerRank(s.worst))
                s.worst = st;
            if (matchesFilter(r, words))
                s.rows.append(r);
        }
        std::sort(s.rows.begin(), s.rows.end(),
                  [&place](int a, int b) { return place.at(a) < place.at(b); });
        matching += int(s.rows.size());
        shown.append(s);
    }
    // The most severe group first; groups of one level by name (stable).
    std::stable_sort(shown.begin(), shown.end(), [](const Shown &a, const Shown &b) {
        return OverviewModel::severityRank(a.worst) < OverviewModel::severityRank(b.worst);
    });
    const bool headers = m_groups.size() > 1 || matching > kExpandAllUpTo;
    const bool filtered = !words.isEmpty();
    m_filter->setVisible(headers || m_tiles.size() > 8 || filtered);
    m_noMatch->setVisible(!m_tiles.isEmpty() && matching == 0);
    if (m_noMatch->isVisibleTo(this))
        m_noMatch->setText(tr("No profile matches “%1”.").arg(m_filter->text()));

    struct Cell
    {
        QWidget *widget;
        int row, column, span;
        bool operator==(const Cell &) const = default;
    };
    QList<Cell> cells;
    const int columns = 2;
    int gridRow = 0;
    for (const Shown &s : std::as_const(shown)) {
        Group &g = *s.group;
        const bool expanded = !headers || isExpanded(g, matching);
        if (headers && !s.rows.isEmpty()) {
            if (!g.header) {
                g.header = new QToolButton(this);
                g.header->setObjectName(QStringLiteral("groupHeader"));
                g.header->setProperty("groupKey", g.key);
                g.header->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
                g.header->setAutoRaise(true);
                g.header->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
                connect(g.header, &QToolButton::clicked, this,
                        [this, key = g.key, header = g.header] {
                            setGroupExpanded(key, !header->property("expanded").toBool());
                        });
            }
            QString text =
                tr("%1 — %2: %3")
                    .arg(g.title, OverviewModel::statusText(s.worst), m_model->summaryText(g.rows));
            if (filtered)
                text = tr("%1 (%2 shown)").arg(text).arg(s.rows.size());
            if (g.header->text() != text)
                g.header->setText(text);
            g.header->setArrowType(expanded ? Qt::DownArrow : Qt::RightArrow);
            g.header->setProperty("expanded", expanded);
            if (g.header->property("status").value<OverviewModel::Status>() != s.worst ||
                g.header->styleSheet().isEmpty()) {
                g.header->setProperty("status", QVariant::fromValue(s.worst));
                // The colour of the tiles' verdict (the model's), from a row that has it.
                QColor colour = Qt::gray;
                for (int r : std::as_const(g.rows))
                    if (m_model->index(r, 0)
                            .data(OverviewModel::StatusRole)
                            .value<OverviewModel::Status>() == s.worst) {
                        colour = m_model->index(r, OverviewModel::StatusColumn)
                                     .data(Qt::DecorationRole)
                                     .value<QColor>();
                        break;
                    }
                g.header->setStyleSheet(
                    QStringLiteral("QToolButton { border: none; border-left: 6px solid %1;"
                                   " padding: 4px 8px; font-weight: bold; }")
                        .arg(colour.name()));
            }
            cells.append({g.header, gridRow++, 0, columns});
        }
        if (!expanded)
            continue;
        for (int i = 0; i < s.rows.size(); ++i)
            cells.append({tileFor(s.rows.at(i)), gridRow + i / columns, i % columns, 1});
        gridRow += int((s.rows.size() + columns - 1) / columns);
    }

    QList<QWidget *> widgets;
    for (const Cell &c : std::as_const(cells))
        widgets.append(c.widget);
    // Unchanged: nothing to move (every probe start and result comes here).
    // Not QList::operator==: Qt 6.4 hands memcmp a null pointer for empty
    // lists of pointers (UBSan in the asan preset).
    bool same = widgets.size() == m_laidOut.size() &&
                std::equal(widgets.cbegin(), widgets.cend(), m_laidOut.cbegin());
    for (int i = 0; same && i < cells.size(); ++i) {
        int r = 0, c = 0, rs = 0, cs = 0;
        m_grid->getItemPosition(m_grid->indexOf(cells.at(i).widget), &r, &c, &rs, &cs);
        same = r == cells.at(i).row && c == cells.at(i).column && cs == cells.at(i).span;
    }
    if (same)
        return;
    for (QWidget *w : std::as_const(m_laidOut)) {
        m_grid->removeWidget(w);
        if (!widgets.contains(w))
            w->hide();
    }
    for (const Cell &c : std::as_const(cells)) {
        m_grid->addWidget(c.widget, c.row, c.column, 1, c.span);
        c.widget->show();
    }
    m_laidOut = widgets;
}

QList<ProfileTile *> OverviewPage::tilesInOrder() const
{
    QList<ProfileTile *> out;
    for (QWidget *w : m_laidOut)
        if (auto *t = qobject_cast<ProfileTile *>(w))
            out.append(t);
    return out;
}

QList<QToolButton *> OverviewPage::groupHeaders() const
{
    QList<QToolButton *> out;
    for (QWidget *w : m_laidOut)
        if (auto *h = qobject_cast<QToolButton *>(w))
            out.append(h);
    return out;
}

void OverviewPage::updateSummary()
{
    const QString text = m_model->summaryText();
    m_summary->setText(text);
    m_summary->setVisible(!text.isEmpty());
}

void OverviewPage::rowsChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight)
{
    // Only the rows that changed: refreshing every tile on every probe start
    // and result made start-up quadratic in the number of profiles (each
    // refresh re-applies a style sheet; 200 profiles: 40,000 of them).
    for (int r = std::max(0, topLeft.row());
         r <= std::min(bottomRight.row(), int(m_tiles.size()) - 1); ++r)
        if (ProfileTile *t = m_tiles.at(r))
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
        if (t) // the others take it when they are created
            t->setHistoryConfig(config);
}

void OverviewPage::selectionChanged(const ProfileSelection &selection)
{
    // Cloud: the Keystone a profile talks to (the regions and projects of one
    // cloud share it); region: the profile's region.
    QHash<QString, std::pair<QString, QString>> groupOf;
    for (const Profile &p : selection.all) {
        QString cloud = p.authUrl.host();
        if (p.authUrl.port() != -1)
            cloud += u':' + QString::number(p.authUrl.port());
        groupOf.insert(
            p.name, {cloud + u'\n' + p.regionName,
                     tr("%1 · %2").arg(cloud.isEmpty() ? tr("no endpoint") : cloud,
                                       p.regionName.isEmpty() ? tr("no region") : p.regionName)});
    }
    // A reset rebuilds every tile: only when the list changes. The window
    // probes what the model lists.
    const QStringList names = selection.shownNames();
    if (groupOf != m_groupOf) {
        m_groupOf = groupOf;
        if (names == m_model->profiles())
            regroup(); // an edited endpoint or region moves the tile
    }
    if (names != m_model->profiles())
        m_model->setProfiles(names);
}

} // namespace turnstile
