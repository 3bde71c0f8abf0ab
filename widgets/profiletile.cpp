#include "profiletile.h"

#include "availabilitystrip.h"
#include "overviewmodel.h"
#include "sparkline.h"

#include "history/metricnames.h"
#include "util/timetext.h"

#include <QAbstractItemModel>
#include <QAction>
#include <QClipboard>
#include <QColor>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QPushButton>

#include <cmath>

namespace turnstile {

ProfileTile::ProfileTile(const QPersistentModelIndex &row, QWidget *parent)
    : QFrame(parent), m_row(row), m_title(new QLabel(this)), m_subtitle(new QLabel(this)),
      m_status(new QLabel(this)), m_figures(new QWidget(this)), m_availability(new QWidget(this)),
      m_strip(new AvailabilityStrip(m_availability)),
      m_availabilityText(new QLabel(m_availability)), m_reason(new QLabel(this)),
      m_fixes(new QLabel(this)), m_eventsLine(new QLabel(this)), m_authAction(new QPushButton(this))
{
    // For a chat message or a ticket: the tile's verdict and figures as plain
    // text; every label's menu offers it beside its own "Copy".
    m_copyAsText = new QAction(tr("Copy tile as text"), this);
    m_copyAsText->setObjectName(QStringLiteral("copyTileAsText"));
    connect(m_copyAsText, &QAction::triggered, this,
            [this] { QGuiApplication::clipboard()->setText(asText()); });
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
    m_reason->setWordWrap(true);
    m_reason->setTextInteractionFlags(Qt::TextSelectableByMouse);

    // The figures: a name, its value, and for the ones with history a
    // sparkline of the last day.
    auto *figures = new QGridLayout(m_figures);
    figures->setContentsMargins(0, 0, 0, 0);
    figures->setHorizontalSpacing(8);
    figures->setVerticalSpacing(1);
    const QList<std::pair<QString, int>> rows = figureRows();
    for (int i = 0; i < rows.size(); ++i) {
        const auto &[label, column] = rows.at(i);
        auto *name = new QLabel(label, m_figures);
        name->setObjectName(QStringLiteral("figureName"));
        // What the figure means and why it matters, from the one table of
        // metric names (core/history/metricnames).
        name->setToolTip(metricDescription(metricOfColumn(column)));
        auto *value = new QLabel(m_figures);
        value->setObjectName(QStringLiteral("figure"));
        value->setProperty("column", column);
        value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        QFont bold = value->font();
        bold.setBold(true);
        value->setFont(bold);
        figures->addWidget(name, i, 0);
        figures->addWidget(value, i, 1);
        m_names.insert(column, name);
        m_values.insert(column, value);
        addCopyMenu(name);
        addCopyMenu(value);
    }
    for (const QString &metric : TileHistory::sparklineMetrics()) {
        auto *spark = new Sparkline(m_figures);
        spark->setObjectName(QStringLiteral("sparkline"));
        spark->setProperty("metric", metric);
        spark->hide();
        const int column = columnOfSparkline(metric);
        for (int i = 0; i < rows.size(); ++i)
            if (rows.at(i).second == column)
                figures->addWidget(spark, i, 2);
        m_sparklines.insert(metric, spark);
    }
    figures->setColumnStretch(0, 1);

    // Keystone over the last day: the strip and "Down 4m at 02:13."
    m_availability->setObjectName(QStringLiteral("availability"));
    m_strip->setObjectName(QStringLiteral("availabilityStrip"));
    m_availabilityText->setObjectName(QStringLiteral("availabilityText"));
    m_availabilityText->setForegroundRole(QPalette::PlaceholderText);
    auto *availability = new QVBoxLayout(m_availability);
    availability->setContentsMargins(0, 2, 0, 2);
    availability->setSpacing(2);
    availability->addWidget(m_strip);
    availability->addWidget(m_availabilityText);
    m_availability->hide();
    addCopyMenu(m_availabilityText);

    // Where each finding is fixed, one link per target (core decides which).
    m_fixes->setObjectName(QStringLiteral("fixes"));
    m_fixes->setTextFormat(Qt::RichText);
    m_fixes->setWordWrap(true);
    m_fixes->setTextInteractionFlags(Qt::LinksAccessibleByMouse | Qt::LinksAccessibleByKeyboard);
    m_fixes->setCursor(Qt::ArrowCursor);
    m_fixes->hide();
    connect(m_fixes, &QLabel::linkActivated, this, [this](const QString &link) {
        bool ok = false;
        const int i = link.toInt(&ok);
        if (ok && i >= 0 && i < m_fixTargets.size())
            emit fixRequested(profileName(), m_fixTargets.at(i));
    });

    // Keystone's events: consuming, or why not ("RabbitMQ at … is
    // unreachable; retrying in 8 s").
    m_eventsLine->setObjectName(QStringLiteral("eventsLine"));
    m_eventsLine->setWordWrap(true);
    m_eventsLine->setForegroundRole(QPalette::PlaceholderText);
    m_eventsLine->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_eventsLine->hide();
    addCopyMenu(m_eventsLine);

    auto *grid = new QGridLayout(this);
    grid->addWidget(m_title, 0, 0);
    grid->addWidget(m_status, 0, 1);
    grid->addWidget(m_subtitle, 1, 0, 1, 2);
    grid->addWidget(m_figures, 2, 0, 1, 2);
    grid->addWidget(m_availability, 3, 0, 1, 2);
    grid->addWidget(m_reason, 4, 0, 1, 2);
    grid->addWidget(m_fixes, 5, 0, 1, 2);
    m_authAction->setObjectName(QStringLiteral("authAction"));
    m_authAction->setCursor(Qt::ArrowCursor);
    m_authAction->hide();
    grid->addWidget(m_authAction, 6, 0, 1, 1, Qt::AlignLeft);
    grid->addWidget(m_eventsLine, 7, 0, 1, 2);
    connect(m_authAction, &QPushButton::clicked, this, [this] {
        if (!m_row.isValid())
            return;
        const QString profile = profileName();
        const auto action =
            m_row.data(OverviewModel::AuthActionRole).value<OverviewModel::AuthAction>();
        if (action == OverviewModel::AuthAction::Retry)
            emit retryRequested(profile);
        else if (action == OverviewModel::AuthAction::Unlock)
            emit unlockRequested(profile, m_row.data(OverviewModel::AuthUserIdRole).toString());
    });
    grid->setColumnStretch(0, 1);
    addAction(m_copyAsText);
    setContextMenuPolicy(Qt::ActionsContextMenu);
    addCopyMenu(m_reason);
    refresh();
}

void ProfileTile::addCopyMenu(QLabel *label)
{
    // One value, for a ticket field or a search: the label's own text. The
    // selectable labels' built-in menu offered "Copy" only of a selection.
    auto *copy = new QAction(tr("Copy"), label);
    copy->setObjectName(QStringLiteral("copy"));
    connect(copy, &QAction::triggered, label,
            [label] { QGuiApplication::clipboard()->setText(label->text()); });
    label->addAction(copy);
    label->addAction(m_copyAsText);
    label->setContextMenuPolicy(Qt::ActionsContextMenu);
}

QList<std::pair<QString, int>> ProfileTile::figureRows()
{
    return {
        {tr("Keystone API"), OverviewModel::VersionColumn},
        {tr("Issue a token"), OverviewModel::IssueColumn},
        {tr("Validate a token"), OverviewModel::ValidateColumn},
        {tr("Revocation events"), OverviewModel::RevocationColumn},
        {tr("Token rows"), OverviewModel::TokenRowsColumn},
        {tr("Token growth"), OverviewModel::TokenGrowthColumn},
        {tr("Memcached hit ratio"), OverviewModel::MemcachedColumn},
        {tr("Fernet keys"), OverviewModel::KeysColumn},
        {tr("Locked users"), OverviewModel::LockedUsersColumn},
        {tr("Last updated"), OverviewModel::UpdatedColumn},
    };
}

QString ProfileTile::metricOfColumn(int column)
{
    switch (column) {
    case OverviewModel::VersionColumn:
        return QStringLiteral("keystone.up");
    case OverviewModel::IssueColumn:
        return QStringLiteral("issue.ms");
    case OverviewModel::ValidateColumn:
        return QStringLiteral("validate.p99.ms");
    case OverviewModel::RevocationColumn:
        return QStringLiteral("revocation_event.rows");
    case OverviewModel::TokenRowsColumn:
    case OverviewModel::TokenGrowthColumn:
        return QStringLiteral("token.live");
    case OverviewModel::MemcachedColumn:
        return QStringLiteral("memcached.hit_ratio");
    case OverviewModel::LockedUsersColumn:
        return QStringLiteral("users.locked");
    default:
        return {};
    }
}

int ProfileTile::columnOfSparkline(const QString &metric)
{
    if (metric == u"validate.p99.ms")
        return OverviewModel::ValidateColumn;
    if (metric == u"token.live")
        return OverviewModel::TokenRowsColumn;
    return OverviewModel::RevocationColumn;
}

QString ProfileTile::profileName() const
{
    return m_row.isValid() ? m_row.data(OverviewModel::ProfileNameRole).toString() : QString();
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
    if (status != OverviewModel::Status::Ok ||
        !m->index(r, 0).data(OverviewModel::NotesRole).toString().isEmpty())
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
    if (!m_availability->isHidden())
        lines.append(tr("Availability: %1").arg(m_availabilityText->text()));
    if (!m_eventsLine->isHidden())
        lines.append(m_eventsLine->text());
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
    for (const auto &[label, column] : figureRows()) {
        const auto level = m->index(r, column)
                               .data(OverviewModel::FigureStatusRole)
                               .value<OverviewModel::Status>();
        QLabel *name = m_names.value(column);
        QLabel *value = m_values.value(column);
        value->setText(cell(column));
        const bool crit = level == OverviewModel::Status::Critical;
        const bool warn = level == OverviewModel::Status::Warning;
        const QString sheet =
            crit || warn ? QStringLiteral("background: %1; color: white; padding: 0 3px;")
                               .arg(crit ? QStringLiteral("#c62828") : QStringLiteral("#ef8f00"))
                         : QString();
        const QString levelName = crit   ? QStringLiteral("critical")
                                  : warn ? QStringLiteral("warning")
                                         : QString();
        for (QLabel *l : {name, value}) {
            l->setStyleSheet(sheet);
            l->setProperty("level", levelName);
        }
    }
    // Which window the p50/p99 were taken over.
    m_values.value(OverviewModel::ValidateColumn)
        ->setToolTip(m->index(r, OverviewModel::ValidateColumn).data(Qt::ToolTipRole).toString());
    const QString reason = m->index(r, 0).data(OverviewModel::ReasonRole).toString();
    m_reason->setText(reason);
    // The sentence is translated; the drivers' own words are one hover away.
    m_reason->setToolTip(m->index(r, 0).data(OverviewModel::DetailRole).toString());
    m_reason->setVisible(status != OverviewModel::Status::Ok ||
                         !m->index(r, 0).data(OverviewModel::NotesRole).toString().isEmpty());
    const QString eventsLine = m->index(r, 0).data(OverviewModel::EventsLineRole).toString();
    m_eventsLine->setText(eventsLine);
    m_eventsLine->setVisible(!eventsLine.isEmpty());
    // A link per place a finding is fixed, in the sentence's order.
    m_fixTargets = m->index(r, 0).data(OverviewModel::FixTargetsRole).value<QList<FixTarget>>();
    QStringList links;
    for (int i = 0; i < m_fixTargets.size(); ++i)
        links.append(QStringLiteral("<a href=\"%1\">%2</a>")
                         .arg(i)
                         .arg(m_fixTargets.at(i).label.toHtmlEscaped()));
    m_fixes->setText(links.isEmpty() ? QString()
                                     : tr("Fix: %1").arg(links.join(QStringLiteral(" · "))));
    m_fixes->setVisible(!links.isEmpty());
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

    // A new probe wrote a new sample: the history is due again.
    const auto *overview = qobject_cast<const OverviewModel *>(m);
    const auto result = overview ? overview->result(profileName()) : std::nullopt;
    const QDateTime probed = result ? result->startedAt : QDateTime();
    if (probed != m_historyFor) {
        m_historyFor = probed;
        m_historyStale = true;
    }
    if (m_historyStale && isVisible())
        loadHistory();
}

void ProfileTile::setHistoryConfig(const HistoryConfig &config)
{
    if (m_history && *m_history == config)
        return;
    m_history = config;
    m_historyStale = true;
    if (isVisible())
        loadHistory();
}

void ProfileTile::showEvent(QShowEvent *e)
{
    QFrame::showEvent(e);
    // Hidden tiles (another page, filtered out) read nothing.
    if (m_historyStale)
        loadHistory();
}

void ProfileTile::loadHistory()
{
    const QString profile = profileName();
    if (!m_history || profile.isEmpty())
        return;
    m_historyStale = false;
    const HistoryConfig config = *m_history;
    const int width = m_sparklines.cbegin().value()->pixelBudget();
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    // On ioPool(): the store may be a PostgreSQL server far away. Only the
    // newest load counts; the work holds values, never the tile.
    m_load.start(
        [config, profile, now, width] { return TileHistory::load(config, profile, now, width); },
        [this](const TileHistory &h) { showHistory(h); });
}

void ProfileTile::showHistory(const TileHistory &h)
{
    if (h.profile != profileName())
        return; // the row now shows another profile; its own load follows
    const QStringList metrics = TileHistory::sparklineMetrics();
    const QLocale loc;
    for (int i = 0; i < metrics.size(); ++i) {
        Sparkline *spark = m_sparklines.value(metrics.at(i));
        spark->setBuckets(h.sparklines.value(i), h.from, h.to);
        spark->setVisible(spark->hasTrend());
        if (!spark->hasTrend())
            continue;
        double lo = spark->buckets().first().min, hi = spark->buckets().first().max;
        for (const Bucket &b : spark->buckets()) {
            lo = std::min(lo, b.min);
            hi = std::max(hi, b.max);
        }
        const bool latency = metrics.at(i).endsWith(u".ms");
        const auto text = [&](double v) {
            return latency ? formatLatency(v) : loc.toString(qint64(std::llround(v)));
        };
        spark->setToolTip(tr("%1 over the last 24 h: from %2 to %3")
                              .arg(metricDisplayName(metrics.at(i)), text(lo), text(hi)));
    }
    const Availability a = Availability::fromSamples(h.up, h.from, h.to);
    m_strip->setAvailability(a);
    m_availabilityText->setText(a.text());
    m_strip->setToolTip(tr("Keystone answered (green) or not (red) over the last 24 h; blank "
                           "where nothing was measured."));
    m_availability->setVisible(a.hasSamples());
    emit historyShown();
}

QString ProfileTile::availabilityText() const
{
    return m_availability->isHidden() ? QString() : m_availabilityText->text();
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
        emit activated(profileName());
    QFrame::mouseReleaseEvent(e);
}

} // namespace turnstile
