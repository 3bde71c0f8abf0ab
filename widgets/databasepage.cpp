#include "databasepage.h"
#include "profileselection.h"

#include "collector/collector.h"
#include "db/dbconnection.h"
#include "db/drivererror.h"
#include "db/inspectorsettings.h"
#include "db/keystoneinspector.h"
#include "guarded/tablerebuild.h"
#include "history/growthrate.h"
#include "history/historystore.h"
#include "profiles/secretstore.h"
#include "tablesizesmodel.h"
#include "tokenproducersmodel.h"

#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QRegularExpression>
#include <QShowEvent>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace turnstile {

struct DatabasePage::Load
{
    QString profile;
    ServerSizes sizes;
    QHash<QString, double> growth; // TableSizesModel::growthKey -> bytes per day
    QString error;                 // the database could not be read
    QString errorDetail;           // the driver's own words behind `error`
    QString historyNote;           // growth is missing, and why
    qint64 at = 0;
};

DatabasePage::DatabasePage(SecretStore *secrets, QWidget *parent)
    : QWidget(parent), m_secrets(secrets), m_config(HistoryConfig::resolve()),
      m_model(new TableSizesModel(this)), m_proxy(new QSortFilterProxyModel(this)),
      m_header(new QLabel(this)), m_kind(new QComboBox(this)),
      m_refresh(new QPushButton(QIcon(QStringLiteral(":/icons/refresh.svg")), tr("Refresh"), this)),
      m_status(new QLabel(this)), m_view(new QTableView(this)),
      m_rebuildAction(new QAction(tr("Rebuild table…"), this)),
      m_producersModel(new TokenProducersModel(this)), m_producersStatus(new QLabel(this)),
      m_producersView(new QTableView(this))
{
    m_kind->addItem(tr("Tables"), QStringLiteral("table"));
    m_kind->addItem(tr("Schemas and databases"), QStringLiteral("schema"));

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(TableSizesModel::SortRole);
    m_proxy->setFilterRole(TableSizesModel::KindRole);
    m_proxy->setFilterKeyColumn(TableSizesModel::SchemaColumn);
    m_proxy->setSortCaseSensitivity(Qt::CaseInsensitive);

    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    // A dense list: dozens of tables should fit without scrolling.
    m_view->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    // The table name takes the spare width, so the figures stay together.
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->horizontalHeader()->setSectionResizeMode(TableSizesModel::TableColumn,
                                                     QHeaderView::Stretch);
    // The biggest first: that is what an operator looks for.
    m_view->sortByColumn(TableSizesModel::TotalColumn, Qt::DescendingOrder);

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_header, 1);
    bar->addWidget(new QLabel(tr("Show:"), this));
    bar->addWidget(m_kind);
    bar->addWidget(m_refresh);

    m_header->setTextFormat(Qt::PlainText);
    m_status->setWordWrap(true);
    // Who fills the token table: below the sizes, since the token table is
    // usually the biggest row there.
    auto *producersSort = new QSortFilterProxyModel(this);
    producersSort->setSourceModel(m_producersModel);
    producersSort->setSortRole(TokenProducersModel::SortRole);
    m_producersView->setModel(producersSort);
    m_producersView->setSortingEnabled(true);
    m_producersView->sortByColumn(TokenProducersModel::TokensColumn, Qt::DescendingOrder);
    m_producersView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_producersView->setAlternatingRowColors(true);
    m_producersView->verticalHeader()->hide();
    m_producersView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_producersView->horizontalHeader()->setSectionResizeMode(TokenProducersModel::WhoColumn,
                                                              QHeaderView::Stretch);
    m_producersStatus->setWordWrap(true);
    m_producersStatus->setTextFormat(Qt::PlainText);
    auto *producersBox = new QWidget(this);
    auto *producersLayout = new QVBoxLayout(producersBox);
    producersLayout->setContentsMargins(0, 0, 0, 0);
    auto *producersTitle = new QLabel(tr("Who fills the token table"), producersBox);
    QFont bold = producersTitle->font();
    bold.setBold(true);
    producersTitle->setFont(bold);
    producersLayout->addWidget(producersTitle);
    producersLayout->addWidget(m_producersStatus);
    producersLayout->addWidget(m_producersView, 1);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_view);
    split->addWidget(producersBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto *outer = new QVBoxLayout(this);
    outer->addLayout(bar);
    outer->addWidget(m_status);
    outer->addWidget(split, 1);

    const auto applyKind = [this] {
        const QString kind = m_kind->currentData().toString();
        m_proxy->setFilterRegularExpression(
            QRegularExpression(QStringLiteral("^%1$").arg(QRegularExpression::escape(kind))));
    };
    applyKind();
    connect(m_kind, &QComboBox::currentIndexChanged, this, applyKind);
    connect(m_refresh, &QPushButton::clicked, this, &DatabasePage::reload);

    // From the reclaimable figure to the action that gives it back: the
    // guarded rebuild, for Keystone's own tables only.
    m_rebuildAction->setToolTip(tr("Give the table's reclaimable space back (guarded: preview, "
                                   "confirmation, audit)."));
    m_rebuildAction->setEnabled(false);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->addAction(m_rebuildAction);
    const auto selectedKeystoneTable = [this]() -> QString {
        const QModelIndex i = m_view->currentIndex();
        if (!i.isValid() ||
            i.siblingAtColumn(0).data(TableSizesModel::KindRole).toString() != u"table" ||
            !i.data(TableSizesModel::KeystoneSchemaRole).toBool())
            return {};
        const QString name = i.siblingAtColumn(TableSizesModel::TableColumn).data().toString();
        return TableRebuild::tableFromName(name) ? name : QString();
    };
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this, selectedKeystoneTable] {
                m_rebuildAction->setEnabled(!m_profile.readOnly &&
                                            !selectedKeystoneTable().isEmpty());
            });
    connect(m_rebuildAction, &QAction::triggered, this, [this, selectedKeystoneTable] {
        if (const QString t = selectedKeystoneTable(); !t.isEmpty())
            emit rebuildRequested(t);
    });
    setProfile(Profile());
}

DatabasePage::~DatabasePage() = default;

void DatabasePage::setHistoryConfig(const HistoryConfig &config)
{
    m_config = config;
    reload();
}

void DatabasePage::setProfile(const Profile &profile)
{
    const bool changed = profile.name != m_profile.name ||
                         profile.databaseUrl != m_profile.databaseUrl || m_loadedAt.isNull();
    m_profile = profile;
    if (profile.name.isEmpty())
        m_header->setText(tr("Choose one profile to see its database server."));
    else if (profile.databaseUrl.isEmpty())
        m_header->setText(tr("Profile %1 has no database configured.").arg(profile.name));
    else
        // Through the parser: a password pasted into the URL is not shown.
        m_header->setText(
            tr("Profile %1 · %2")
                .arg(profile.name, DatabaseUrl::parse(profile.databaseUrl).toString(false)));
    if (changed) {
        m_model->clear();
        m_loadedAt = {};
        reload();
    }
}

QString DatabasePage::statusText() const
{
    return m_status->text();
}

QString DatabasePage::producersText() const
{
    return m_producersStatus->text();
}

void DatabasePage::showEvent(QShowEvent *e)
{
    QWidget::showEvent(e);
    if (e->spontaneous())
        return;
    // Sizes change slowly: what was read in the last minutes is still good.
    if (m_loadedAt.isNull() || m_loadedAt.secsTo(QDateTime::currentDateTime()) > 300)
        reload();
}

void DatabasePage::reload()
{
    // Every request makes the ones in flight stale, also one not started.
    const auto ticket = m_load.next();
    const auto producersTicket = m_producers.next();
    if (!isVisible())
        return; // showEvent loads
    m_refresh->setEnabled(!m_profile.databaseUrl.isEmpty());
    if (m_profile.name.isEmpty() || m_profile.databaseUrl.isEmpty()) {
        m_producersModel->clear();
        m_producersStatus->clear();
        m_status->setText(m_profile.name.isEmpty()
                              ? QString()
                              : tr("Add the database of %1 (Profiles → Edit, or import its "
                                   "keystone.conf) to see its schemas and tables.")
                                    .arg(m_profile.name));
        emit loaded();
        return;
    }
    m_status->setText(tr("Reading the sizes of the database server of %1…").arg(m_profile.name));
    // The password comes from the keychain, asynchronously, on this thread;
    // a newer request meanwhile makes this one stale before it starts.
    m_producersStatus->setText(tr("Counting the token table's rows per user and trust…"));
    m_secrets->readAll(m_profile.name, m_load.guard(ticket, [this, producersTicket](
                                                                const Secrets &s, const QString &) {
        start(s);
        // The same secrets; dropped if a newer reload came meanwhile.
        if (m_producers.isCurrent(producersTicket)) {
            const Profile profile = m_profile;
            m_producers.start(
                [profile, s] {
                    return producersFromTokenTable(profile, s, std::nullopt,
                                                   InspectorSettings().topProducers);
                },
                [this](const ProducerReport &r) { applyProducers(r); });
        }
    }));
}

void DatabasePage::applyProducers(const ProducerReport &r)
{
    if (!r.ranking) {
        m_producersModel->clear();
        m_producersStatus->setText(r.error);
    } else {
        m_producersModel->setRanking(*r.ranking);
        const QLocale loc;
        m_producersStatus->setText(
            r.ranking->rows.isEmpty()
                ? tr("The token table has no rows (Fernet tokens leave none; turnstilectl "
                     "producers reads who mints them from Keystone's authenticate events).")
            : r.ranking->total
                ? tr("The busiest users and trusts among all %1 rows of %2; a row is one token "
                     "issued and not yet flushed.")
                      .arg(loc.toString(*r.ranking->total), r.source)
                : tr("The busiest users and trusts of %1.").arg(r.source));
        m_producersView->resizeColumnsToContents();
    }
    emit producersLoaded();
}

void DatabasePage::start(const Secrets &secrets)
{
    const Profile profile = m_profile;
    const HistoryConfig config = m_config;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    // Another profile or a newer refresh meanwhile drops this load.
    m_load.start([profile, secrets, config, now] { return load(profile, secrets, config, now); },
                 [this](const Load &r) { apply(r); });
}

DatabasePage::Load DatabasePage::load(const Profile &profile, const Secrets &secrets,
                                      const HistoryConfig &config, qint64 now)
{
    // Worker thread: both connections are opened, used and closed here.
    Load r;
    r.profile = profile.name;
    r.at = now;
    QString err;
    const DatabaseUrl url = DatabaseUrl::parse(profile.databaseUrl, &err);
    if (!url.isValid()) {
        r.error = err;
        return r;
    }
    {
        DbConnection db(url, secrets.databasePassword);
        QElapsedTimer opening;
        opening.start();
        if (!db.open()) {
            // One sentence; the driver's own text ("system error: 110") in the tooltip.
            const DatabaseFailure f = describeDatabaseFailure(
                db.error(), url.database + u'@' + url.displayHost(), opening.elapsed());
            r.error = f.sentence;
            r.errorDetail = f.detail;
            return r;
        }
        KeystoneInspector inspector(db);
        r.sizes = inspector.serverSizes();
        if (!r.sizes.schemas.value) {
            r.error = r.sizes.schemas.error;
            return r;
        }
    }

    // Growth from what the collector recorded: Keystone's own tables every
    // cycle (table.NAME.bytes), schema totals with the hourly exact figures
    // (schema.NAME.bytes). Other tables have no history.
    if (config.backend == HistoryConfig::Backend::Sqlite &&
        !QFileInfo::exists(config.effectiveSqlitePath())) {
        r.historyNote = tr("No history yet in %1, so no growth figures.")
                            .arg(QDir::toNativeSeparators(config.effectiveSqlitePath()));
        return r;
    }
    HistoryStore store;
    if (!store.open(config)) {
        r.historyNote = store.error();
        return r;
    }
    const auto known = store.seriesKeys(profile.name);
    if (!known) {
        r.historyNote = store.error();
        return r;
    }
    const qint64 from = now - kGrowthWindow;
    const auto grow = [&](const QString &metric, const QString &key) {
        const SeriesKey series{profile.name, metric};
        if (!known->contains(series))
            return;
        if (const std::optional<double> g = growthPerDay(store, series, from, now))
            r.growth.insert(key, *g);
    };
    for (const SchemaSize &s : std::as_const(*r.sizes.schemas.value)) {
        grow(QStringLiteral("schema.") + metricNamePart(s.name) + QStringLiteral(".bytes"),
             TableSizesModel::growthKey(s.name));
        if (!s.current)
            continue;
        for (const TableSize &t : s.tables)
            grow(QStringLiteral("table.") + metricNamePart(t.name) + QStringLiteral(".bytes"),
                 TableSizesModel::growthKey(s.name, t.name));
    }
    return r;
}

void DatabasePage::apply(const Load &r)
{
    m_loadedAt = QDateTime::fromSecsSinceEpoch(r.at);
    if (!r.error.isEmpty()) {
        m_model->clear();
        m_status->setText(r.error);
        m_status->setToolTip(r.errorDetail);
        emit loaded();
        return;
    }
    m_model->setSizes(r.sizes, r.growth);
    int tables = 0, schemas = 0;
    for (const SchemaSize &s : r.sizes.schemas.value.value_or(QList<SchemaSize>())) {
        ++schemas;
        tables += int(s.tables.size());
    }
    QString status =
        tr("%1 · %n table(s) in %2 schema(s), read in %3 ms", nullptr, tables)
            .arg(QLocale().toString(m_loadedAt.time(), QLocale::ShortFormat),
                 QLocale().toString(schemas), QLocale().toString(r.sizes.queryMs, 'f', 1));
    // What a rebuild of Keystone's tables would give back, in one phrase:
    // the figure an operator weighs a Rebuild table against.
    for (const SchemaSize &s : r.sizes.schemas.value.value_or(QList<SchemaSize>())) {
        if (!s.current)
            continue;
        std::optional<qint64> reclaimable;
        bool estimate = false;
        for (const TableSize &t : s.tables) {
            if (const auto b = t.reclaimableBytes()) {
                reclaimable = reclaimable.value_or(0) + *b;
                estimate = estimate || t.reclaimableIsEstimate();
            }
        }
        if (reclaimable)
            status += u' ' + (estimate ? tr("· about %1 reclaimable in %2 (an estimate from dead "
                                            "rows)")
                                       : tr("· %1 reclaimable in %2"))
                                 .arg(QLocale().formattedDataSize(*reclaimable, 1), s.name);
    }
    if (r.sizes.otherDatabases.value && !r.sizes.otherDatabases.value->isEmpty())
        status +=
            u' ' + tr("· %n other database(s)", nullptr, int(r.sizes.otherDatabases.value->size()));
    status +=
        u' ' + (r.historyNote.isEmpty() ? tr("· growth per day over the last %n day(s) of history",
                                             nullptr, int(kGrowthWindow / 86400))
                                        : QStringLiteral("· ") + r.historyNote);
    m_status->setText(status);
    m_status->setToolTip(QString());
    m_view->resizeColumnsToContents();
    emit loaded();
}

void DatabasePage::selectionChanged(const ProfileSelection &selection)
{
    // One profile's server; with all profiles chosen the page says so.
    setProfile(selection.chosen());
}

} // namespace turnstile
