#include "profiletile.h"

#include "overviewmodel.h"

#include <QAbstractItemModel>
#include <QAction>
#include <QClipboard>
#include <QColor>
#include <QGridLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QMouseEvent>
#include <QPushButton>

namespace turnstile {

ProfileTile::ProfileTile(const QPersistentModelIndex &row, QWidget *parent)
    : QFrame(parent), m_row(row), m_title(new QLabel(this)), m_subtitle(new QLabel(this)),
      m_status(new QLabel(this)), m_figures(new QLabel(this)), m_reason(new QLabel(this)),
      m_authAction(new QPushButton(this))
{
    setFrameShape(QFrame::StyledPanel);
    setMinimumWidth(340);
    setCursor(Qt::PointingHandCursor);
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    m_title->setFont(f);
    m_title->setObjectName(QStringLiteral("title"));
    m_subtitle->setObjectName(QStringLiteral("subtitle"));
    m_figures->setObjectName(QStringLiteral("figures"));
    m_reason->setObjectName(QStringLiteral("reason"));
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setAlignment(Qt::AlignCenter);
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_subtitle->setForegroundRole(QPalette::PlaceholderText);
    m_figures->setTextFormat(Qt::RichText);
    m_reason->setWordWrap(true);
    m_reason->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *grid = new QGridLayout(this);
    grid->addWidget(m_title, 0, 0);
    grid->addWidget(m_status, 0, 1);
    grid->addWidget(m_subtitle, 1, 0, 1, 2);
    grid->addWidget(m_figures, 2, 0, 1, 2);
    grid->addWidget(m_reason, 3, 0, 1, 2);
    m_authAction->setObjectName(QStringLiteral("authAction"));
    m_authAction->setCursor(Qt::ArrowCursor);
    m_authAction->hide();
    grid->addWidget(m_authAction, 4, 0, 1, 1, Qt::AlignLeft);
    connect(m_authAction, &QPushButton::clicked, this, [this] {
        if (!m_row.isValid())
            return;
        const QString profile = m_row.data(OverviewModel::ProfileNameRole).toString();
        const auto action =
            m_row.data(OverviewModel::AuthActionRole).value<OverviewModel::AuthAction>();
        if (action == OverviewModel::AuthAction::Retry)
            emit retryRequested(profile);
        else if (action == OverviewModel::AuthAction::Unlock)
            emit unlockRequested(profile, m_row.data(OverviewModel::AuthUserIdRole).toString());
    });
    grid->setColumnStretch(0, 1);
    // For a chat message or a ticket: the tile's verdict and figures as plain
    // text. The reason and subtitle labels keep their own "Copy" menu.
    m_copyAsText = new QAction(tr("Copy tile as text"), this);
    m_copyAsText->setObjectName(QStringLiteral("copyTileAsText"));
    connect(m_copyAsText, &QAction::triggered, this,
            [this] { QGuiApplication::clipboard()->setText(asText()); });
    addAction(m_copyAsText);
    setContextMenuPolicy(Qt::ActionsContextMenu);
    refresh();
}

QList<std::pair<QString, int>> ProfileTile::figureRows()
{
    return {
        {tr("Keystone API"), OverviewModel::VersionColumn},
        {tr("Issue a token"), OverviewModel::IssueColumn},
        {tr("Validate a token"), OverviewModel::ValidateColumn},
        {tr("revocation_event rows"), OverviewModel::RevocationColumn},
        {tr("token rows"), OverviewModel::TokenRowsColumn},
        {tr("token growth"), OverviewModel::TokenGrowthColumn},
        {tr("memcached hit ratio"), OverviewModel::MemcachedColumn},
        {tr("Fernet keys"), OverviewModel::KeysColumn},
        {tr("locked users"), OverviewModel::LockedUsersColumn},
        {tr("Last updated"), OverviewModel::UpdatedColumn},
    };
}

QString ProfileTile::asText() const
{
    if (!m_row.isValid())
        return {};
    const QAbstractItemModel *m = m_row.model();
    const int r = m_row.row();
    auto cell = [&](int column) { return m->index(r, column).data().toString(); };
    const auto status =
        m->index(r, 0).data(OverviewModel::StatusRole).value<OverviewModel::Status>();
    QStringList lines;
    lines.append(
        tr("%1: %2").arg(cell(OverviewModel::NameColumn), cell(OverviewModel::StatusColumn)));
    if (status != OverviewModel::Status::Ok)
        lines.append(m->index(r, 0).data(OverviewModel::ReasonRole).toString());
    if (const QString sub = m->index(r, 0).data(OverviewModel::SubtitleRole).toString();
        !sub.isEmpty())
        lines.append(sub);
    for (const auto &[label, column] : figureRows()) {
        const auto level = m->index(r, column)
                               .data(OverviewModel::FigureStatusRole)
                               .value<OverviewModel::Status>();
        // The highlighted rows, said in words: a chat message has no colour.
        if (level == OverviewModel::Status::Critical || level == OverviewModel::Status::Warning)
            // Whole sentences per level: lower-casing the status word is wrong in
            // German ("warnung").
            lines.append((level == OverviewModel::Status::Critical ? tr("%1: %2 (critical)")
                                                                   : tr("%1: %2 (warning)"))
                             .arg(label, cell(column)));
        else
            lines.append(tr("%1: %2").arg(label, cell(column)));
    }
    return lines.join(u'\n');
}

void ProfileTile::refresh()
{
    if (!m_row.isValid())
        return;
    const QAbstractItemModel *m = m_row.model();
    const int r = m_row.row();
    auto cell = [&](int column) { return m->index(r, column).data().toString(); };
    m_title->setText(cell(OverviewModel::NameColumn));
    const auto status =
        m->index(r, 0).data(OverviewModel::StatusRole).value<OverviewModel::Status>();
    const QColor colour =
        m->index(r, OverviewModel::StatusColumn).data(Qt::DecorationRole).value<QColor>();
    m_status->setText(cell(OverviewModel::StatusColumn));
    m_subtitle->setText(m->index(r, 0).data(OverviewModel::SubtitleRole).toString());
    // Style sheets, not palettes: a parent style sheet would override a palette.
    setStyleSheet(
        QStringLiteral("turnstile--ProfileTile { border: 3px solid %1; border-radius: 6px; }"
                       "QLabel#status { background: %1; color: white; font-weight: bold;"
                       " padding: 3px 10px; border-radius: 3px; }")
            .arg(colour.name()));
    // A figure over its threshold is set in the verdict's colour, so a red
    // tile with three figures says which one is red.
    auto row = [&](const QString &label, int column) {
        const auto level = m->index(r, column)
                               .data(OverviewModel::FigureStatusRole)
                               .value<OverviewModel::Status>();
        const QString value = cell(column).toHtmlEscaped();
        if (level != OverviewModel::Status::Critical && level != OverviewModel::Status::Warning)
            return QStringLiteral("<tr><td>%1</td><td align=right><b>%2</b></td></tr>")
                .arg(label, value);
        const QString bg = level == OverviewModel::Status::Critical ? QStringLiteral("#c62828")
                                                                    : QStringLiteral("#ef8f00");
        return QStringLiteral("<tr><td bgcolor=%3 style=\"color:white\">%1</td>"
                              "<td bgcolor=%3 align=right style=\"color:white\"><b>%2</b></td>"
                              "</tr>")
            .arg(label, value, bg);
    };
    QString html = QStringLiteral("<table cellspacing=2>");
    for (const auto &[label, column] : figureRows())
        html += row(label, column);
    html += QStringLiteral("</table>");
    m_figures->setText(html);
    // Which window the p50/p99 were taken over.
    m_figures->setToolTip(
        m->index(r, OverviewModel::ValidateColumn).data(Qt::ToolTipRole).toString());
    const QString reason = m->index(r, 0).data(OverviewModel::ReasonRole).toString();
    m_reason->setText(reason);
    // The sentence is translated; the drivers' own words are one hover away.
    m_reason->setToolTip(m->index(r, 0).data(OverviewModel::DetailRole).toString());
    m_reason->setVisible(status != OverviewModel::Status::Ok);
    const auto action =
        m->index(r, 0).data(OverviewModel::AuthActionRole).value<OverviewModel::AuthAction>();
    switch (action) {
    case OverviewModel::AuthAction::Retry:
        m_authAction->setText(tr("Retry"));
        m_authAction->setToolTip(
            tr("Log in once more with the stored credentials (one more failed attempt if they "
               "are still wrong)."));
        break;
    case OverviewModel::AuthAction::Unlock:
        m_authAction->setText(tr("Unlock…"));
        m_authAction->setToolTip(
            tr("Unlock the account: preview, typed confirmation, audit record."));
        break;
    case OverviewModel::AuthAction::None:
        break;
    }
    m_authAction->setVisible(action != OverviewModel::AuthAction::None);
}

QString ProfileTile::reasonText() const
{
    return m_reason->text();
}

QString ProfileTile::statusName() const
{
    return m_status->text();
}

void ProfileTile::mouseReleaseEvent(QMouseEvent *e)
{
    if (e->button() == Qt::LeftButton && m_row.isValid())
        emit activated(m_row.data(OverviewModel::ProfileNameRole).toString());
    QFrame::mouseReleaseEvent(e);
}

} // namespace turnstile
