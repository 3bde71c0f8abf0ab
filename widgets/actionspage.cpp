#include "actionspage.h"
#include "profileselection.h"

#include "db/databaseurl.h"
#include "guarded/passwordhistoryprune.h"
#include "guarded/revocationcleanup.h"
#include "guarded/tablerebuild.h"
#include "guarded/throttle.h"
#include "guarded/tokenpurge.h"
#include "guarded/trustflush.h"
#include "guardedactiondialog.h"
#include "profiles/secretstore.h"
#include "util/duration.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

namespace turnstile {

ActionsPage::ActionsPage(SecretStore *secrets, QWidget *parent)
    : QWidget(parent), m_secrets(secrets), m_header(new QLabel(this)),
      m_retention(new QLineEdit(this)), m_batch(new QSpinBox(this)),
      m_connections(new QSpinBox(this)), m_purgeMethod(new QComboBox(this)),
      m_retentionError(new QLabel(this)),
      m_insideWindow(new QCheckBox(tr("Accept a retention shorter than [token] "
                                      "allow_expired_window"),
                                   this)),
      m_lifetime(new QLineEdit(this)), m_lifetimeError(new QLabel(this)),
      m_purge(new QPushButton(tr("Purge expired tokens…"), this)),
      m_prune(new QPushButton(tr("Prune obsolete revocation events…"), this)),
      m_truncate(new QPushButton(tr("Truncate all revocation events…"), this)),
      m_trustProject(new QLineEdit(this)), m_trustor(new QLineEdit(this)),
      m_trustee(new QLineEdit(this)), m_trustDate(new QLineEdit(this)),
      m_trustDateError(new QLabel(this)),
      m_flushTrusts(new QPushButton(tr("Flush expired and deleted trusts…"), this)),
      m_prunePasswords(new QPushButton(tr("Prune the password history…"), this)),
      m_rebuildTable(new QComboBox(this)),
      m_vacuumFull(new QCheckBox(tr("PostgreSQL: VACUUM FULL (locks the table)"), this)),
      m_rebuild(new QPushButton(tr("Rebuild table…"), this))
{
    // Only the tables the action knows: the statement is never built from text.
    for (const KeystoneTable t : TableRebuild::rebuildableTables())
        m_rebuildTable->addItem(tableName(t), int(t));
    m_vacuumFull->setToolTip(tr("VACUUM FULL gives the space back to the disk but blocks every "
                                "read and write of the table until it ends; plain VACUUM only "
                                "makes the space reusable. The preview asks to acknowledge "
                                "the lock."));
    m_header->setWordWrap(true);
    m_retention->setPlaceholderText(tr("allow_expired_window from keystone.conf, else 2d"));
    m_retention->setToolTip(tr("Keep tokens that expired less than this long ago: 90m, 12h, 2d, "
                               "1w."));
    // 0 is "no bound of the operator's": batches are sized by time, as
    // turnstilectl without --batch. A fixed 1,000 left a fast server doing
    // ten times the round trips and commits it needed.
    m_batch->setRange(0, 100000);
    m_batch->setSpecialValueText(tr("sized by time"));
    m_batch->setValue(0);
    m_batch->setSingleStep(100);
    m_batch->setToolTip(tr("At most this many rows per transaction. Without a bound, batches are "
                           "sized to take about 50 ms each, which keeps row locks short on a slow "
                           "server and saves round trips on a fast one."));
    m_connections->setRange(1, kMaxConnections);
    m_connections->setValue(1);
    m_connections->setToolTip(
        tr("A chunked delete on this many database connections side by side, each walking its "
           "own region of the keys. Each transaction stays as short as with one; the run "
           "finishes sooner where the server has CPU to spare, and puts more load on it."));
    m_purgeMethod->addItem(tr("Automatic (recommended)"), QStringLiteral("auto"));
    m_purgeMethod->addItem(tr("Chunked delete"), QStringLiteral("chunked"));
    m_purgeMethod->addItem(tr("Copy and swap"), QStringLiteral("swap"));
    m_purgeMethod->setToolTip(
        tr("Automatic copies the rows that stay into a new table and swaps it in when most rows "
           "go and the server allows it (this gives the disk space back), else deletes in "
           "chunks. The preview says which method runs and why."));
    m_retention->setMaximumWidth(340);
    m_batch->setMaximumWidth(120);
    m_connections->setMaximumWidth(120);
    m_retentionError->setStyleSheet(QStringLiteral("color:#c62828"));
    m_retentionError->hide();
    m_insideWindow->setToolTip(tr("Services may still validate expired tokens with allow_expired "
                                  "inside that window; the purge deletes them."));
    m_lifetime->setPlaceholderText(tr("[token] expiration from keystone.conf"));
    m_lifetime->setToolTip(tr("Keystone's token lifetime, e.g. 24h. Needed when the profile names "
                              "no keystone.conf; Turnstile never assumes Keystone's default."));
    m_lifetime->setMaximumWidth(340);
    m_lifetimeError->setStyleSheet(QStringLiteral("color:#c62828"));
    m_lifetimeError->hide();

    for (QLineEdit *e : {m_trustProject, m_trustor, m_trustee}) {
        e->setPlaceholderText(tr("any"));
        e->setMaximumWidth(340);
    }
    m_trustProject->setToolTip(tr("Only trusts of this project ID (keystone-manage trust_flush "
                                  "--project-id)."));
    m_trustor->setToolTip(tr("Only trusts this user ID delegated (--trustor-user-id)."));
    m_trustee->setToolTip(tr("Only trusts delegated to this user ID (--trustee-user-id)."));
    m_trustDate->setPlaceholderText(tr("now, by the database server's clock"));
    m_trustDate->setToolTip(tr("Trusts that expire before midnight (UTC) of this day go: "
                               "DD-MM-YYYY as keystone-manage takes it, or YYYY-MM-DD. A day in "
                               "the future also deletes trusts still in use; the preview counts "
                               "them and the run needs that count typed."));
    m_trustDate->setMaximumWidth(340);
    m_trustDateError->setStyleSheet(QStringLiteral("color:#c62828"));
    m_trustDateError->hide();

    auto explain = [this](const QString &text) {
        auto *l = new QLabel(text, this);
        l->setWordWrap(true);
        return l;
    };

    // Buttons keep their natural width; a full-width button reads as a banner.
    auto leftAligned = [this](QWidget *w) {
        auto *box = new QWidget(this);
        auto *h = new QHBoxLayout(box);
        h->setContentsMargins(0, 0, 0, 0);
        h->addWidget(w);
        h->addStretch(1);
        return box;
    };

    auto *tokens = new QGroupBox(tr("Legacy token table"), this);
    auto *tl = new QFormLayout(tokens);
    tl->addRow(explain(tr("Deletes rows of the token table (SQL/UUID token providers) that "
                          "expired before now minus the retention, in short transactions that "
                          "Keystone's writers barely notice; or, when most rows go, copies the "
                          "rows that stay into a new table and swaps it in, which also gives "
                          "the disk space back. Resumable.")));
    tl->addRow(tr("Retention:"), m_retention);
    tl->addRow(QString(), m_retentionError);
    tl->addRow(QString(), m_insideWindow);
    tl->addRow(tr("Method:"), m_purgeMethod);
    tl->addRow(QString(), leftAligned(m_purge));

    // Every row-deleting cleanup below takes these (as turnstilectl's --batch
    // and --connections on each command), so they sit in a group of their own,
    // not inside the token table's.
    auto *pace = new QGroupBox(tr("Pace of the cleanups"), this);
    auto *paceLayout = new QFormLayout(pace);
    paceLayout->addRow(
        explain(tr("The token purge, the revocation, trust and password-history cleanups "
                   "delete in short transactions at this pace.")));
    paceLayout->addRow(tr("Batch:"), m_batch);
    paceLayout->addRow(tr("Connections:"), m_connections);

    auto *revocations = new QGroupBox(tr("Revocation events"), this);
    auto *rl = new QVBoxLayout(revocations);
    rl->addWidget(explain(tr("Prune deletes the events Keystone itself treats as dead: older than "
                             "the token lifetime plus [revoke] expiration_buffer. Safe; the "
                             "recommended action.")));
    auto *lifetime = new QFormLayout;
    lifetime->addRow(tr("Token lifetime:"), m_lifetime);
    lifetime->addRow(QString(), m_lifetimeError);
    rl->addLayout(lifetime);
    rl->addWidget(leftAligned(m_prune));
    rl->addWidget(explain(tr("Truncate deletes every event. Events younger than the token lifetime "
                             "still protect tokens: deleting them makes logged-out sessions and "
                             "removed roles valid again. The preview counts them and the run "
                             "needs that count typed.")));
    rl->addWidget(leftAligned(m_truncate));

    auto *trusts = new QGroupBox(tr("Trusts"), this);
    auto *trl = new QFormLayout(trusts);
    trl->addRow(explain(tr("Deletes the trusts keystone-manage trust_flush deletes: every "
                           "soft-deleted trust and every trust that expired before the date, "
                           "narrowed by the filters, with their trust_role rows.")));
    trl->addRow(tr("Project ID:"), m_trustProject);
    trl->addRow(tr("Trustor user ID:"), m_trustor);
    trl->addRow(tr("Trustee user ID:"), m_trustee);
    trl->addRow(tr("Expired before:"), m_trustDate);
    trl->addRow(QString(), m_trustDateError);
    trl->addRow(QString(), leftAligned(m_flushTrusts));

    auto *passwords = new QGroupBox(tr("Password history"), this);
    auto *pl = new QVBoxLayout(passwords);
    pl->addWidget(explain(tr("Keeps each user's current password and the newest "
                             "[security_compliance] unique_last_password_count older ones, read "
                             "from the profile's keystone.conf, and deletes the rest. Keystone's "
                             "reuse check reads only the kept ones.")));
    pl->addWidget(leftAligned(m_prunePasswords));

    auto *space = new QGroupBox(tr("Disk space"), this);
    auto *sl = new QFormLayout(space);
    sl->addRow(explain(tr("A purge leaves free space inside the table's file. MariaDB/MySQL: an "
                          "online rebuild gives it back while Keystone keeps writing. "
                          "PostgreSQL: plain VACUUM makes it reusable; VACUUM FULL gives it "
                          "back but locks the table. The Database page shows what is "
                          "reclaimable.")));
    sl->addRow(tr("Table:"), m_rebuildTable);
    sl->addRow(QString(), m_vacuumFull);
    sl->addRow(QString(), leftAligned(m_rebuild));

    // Five groups are taller than a small window: the page scrolls instead
    // of making the main window's minimum height grow.
    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->addWidget(m_header);
    layout->addWidget(tokens);
    layout->addWidget(revocations);
    layout->addWidget(trusts);
    layout->addWidget(passwords);
    layout->addWidget(pace);
    layout->addWidget(space);
    layout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    connect(m_purge, &QPushButton::clicked, this, [this] { start(Kind::PurgeTokens); });
    connect(m_prune, &QPushButton::clicked, this, [this] { start(Kind::PruneRevocations); });
    connect(m_truncate, &QPushButton::clicked, this, [this] { start(Kind::TruncateRevocations); });
    connect(m_flushTrusts, &QPushButton::clicked, this, [this] { start(Kind::FlushTrusts); });
    connect(m_prunePasswords, &QPushButton::clicked, this,
            [this] { start(Kind::PrunePasswordHistory); });
    connect(m_rebuild, &QPushButton::clicked, this, [this] { start(Kind::RebuildTable); });
    connect(m_trustDate, &QLineEdit::textChanged, this, &ActionsPage::updateState);
    connect(m_retention, &QLineEdit::textChanged, this, &ActionsPage::updateState);
    connect(m_lifetime, &QLineEdit::textChanged, this, &ActionsPage::updateState);
    updateState();
}

void ActionsPage::setProfile(const Profile &profile)
{
    m_profile = profile;
    updateState();
}

void ActionsPage::updateState()
{
    QString why;
    if (m_profile.name.isEmpty())
        why = tr("Choose one profile to act on.");
    else if (m_profile.readOnly)
        why = tr("Profile %1 is read-only: no guarded action runs against it. Untick "
                 "\"read-only\" in the profile editor to allow them.")
                  .arg(m_profile.name);
    else if (m_profile.databaseUrl.isEmpty())
        why = tr("Profile %1 has no database. These actions work on Keystone's database; import "
                 "its keystone.conf or enter the database URL in the profile.")
                  .arg(m_profile.name);
    m_header->setText(
        why.isEmpty() ? tr("Actions on %1 (%2). Every action starts with a dry run "
                           "and is recorded in the audit log.")
                            .arg(m_profile.name, DatabaseUrl::stripPassword(m_profile.databaseUrl))
                      : why);
    QString retentionError;
    if (!m_retention->text().trimmed().isEmpty())
        parseDuration(m_retention->text().trimmed(), &retentionError);
    m_retentionError->setText(retentionError);
    m_retentionError->setVisible(!retentionError.isEmpty());
    QString lifetimeError;
    if (!m_lifetime->text().trimmed().isEmpty())
        parseDuration(m_lifetime->text().trimmed(), &lifetimeError);
    m_lifetimeError->setText(lifetimeError);
    m_lifetimeError->setVisible(!lifetimeError.isEmpty());
    QString dateError;
    if (!m_trustDate->text().trimmed().isEmpty() &&
        !TrustFlush::parseDate(m_trustDate->text().trimmed()).isValid())
        dateError = tr("\"%1\" is not a day: write DD-MM-YYYY or YYYY-MM-DD.")
                        .arg(m_trustDate->text().trimmed());
    m_trustDateError->setText(dateError);
    m_trustDateError->setVisible(!dateError.isEmpty());
    const bool enabled = why.isEmpty() && !m_dialog;
    m_purge->setEnabled(enabled && retentionError.isEmpty());
    m_prune->setEnabled(enabled && lifetimeError.isEmpty());
    m_truncate->setEnabled(enabled && lifetimeError.isEmpty());
    m_flushTrusts->setEnabled(enabled && dateError.isEmpty());
    m_prunePasswords->setEnabled(enabled);
    m_rebuild->setEnabled(enabled);
}

ActionsPage::~ActionsPage()
{
    // An open dialog is a child and dies in ~QWidget, after this object is
    // no longer an ActionsPage: its destroyed() handler must not call
    // updateState() then (seen as a crash in tst_gui_purge when the page
    // went out of scope with its dialog not yet deleted).
    if (m_dialog)
        disconnect(m_dialog, nullptr, this, nullptr);
}

void ActionsPage::start(Kind kind)
{
    const Profile profile = m_profile;
    std::optional<qint64> retention;
    if (!m_retention->text().trimmed().isEmpty())
        retention = parseDuration(m_retention->text().trimmed());
    std::optional<qint64> lifetime;
    if (!m_lifetime->text().trimmed().isEmpty())
        lifetime = parseDuration(m_lifetime->text().trimmed());
    const bool insideWindow = m_insideWindow->isChecked();
    const int batch = m_batch->value();
    const int connections = m_connections->value();
    const auto method = TokenPurge::methodFromName(m_purgeMethod->currentData().toString())
                            .value_or(TokenPurge::Method::Auto);
    TrustFlush::Filters filters;
    filters.projectId = m_trustProject->text().trimmed();
    filters.trustorUserId = m_trustor->text().trimmed();
    filters.trusteeUserId = m_trustee->text().trimmed();
    if (!m_trustDate->text().trimmed().isEmpty())
        filters.date = TrustFlush::parseDate(m_trustDate->text().trimmed());
    const auto rebuildTable = KeystoneTable(m_rebuildTable->currentData().toInt());
    const bool vacuumFull = m_vacuumFull->isChecked();
    QPointer<ActionsPage> self(this);
    // The keychain answers asynchronously; the action is built once the
    // database password is in.
    m_secrets->readAll(profile.name, [self, profile, kind, retention, lifetime, insideWindow, batch,
                                      connections, method, filters, rebuildTable,
                                      vacuumFull](const Secrets &s, const QString &) {
        if (!self || self->m_profile.name != profile.name)
            return;
        if (kind == Kind::RebuildTable) {
            // Not a row cleanup: no batch size to apply.
            self->open(std::make_shared<TableRebuild>(profile, s, rebuildTable, vacuumFull));
            return;
        }
        // The operator's bounds, as turnstilectl --batch and --connections.
        const ThrottleSettings t = operatorThrottle(batch, connections);
        std::shared_ptr<TableCleanup> action;
        switch (kind) {
        case Kind::PurgeTokens: {
            auto purge = std::make_shared<TokenPurge>(profile, s, retention);
            purge->setInsideAllowExpiredWindow(insideWindow);
            purge->setMethod(method);
            action = purge;
            break;
        }
        case Kind::PruneRevocations:
            action = std::make_shared<RevocationCleanup>(
                profile, s, RevocationCleanup::Mode::PruneObsolete, lifetime);
            break;
        case Kind::TruncateRevocations:
            action = std::make_shared<RevocationCleanup>(
                profile, s, RevocationCleanup::Mode::TruncateAll, lifetime);
            break;
        case Kind::FlushTrusts:
            action = std::make_shared<TrustFlush>(profile, s, filters);
            break;
        case Kind::PrunePasswordHistory:
            action = std::make_shared<PasswordHistoryPrune>(profile, s);
            break;
        case Kind::RebuildTable:
            return; // opened above
        }
        action->setThrottle(t);
        self->open(action);
    });
}

void ActionsPage::open(std::shared_ptr<GuardedAction> action)
{
    m_action = action;
    m_dialog = new GuardedActionDialog(std::move(action), m_profile, this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &GuardedActionDialog::actionFinished, this, &ActionsPage::actionRecorded);
    connect(m_dialog, &QObject::destroyed, this, [this] {
        m_dialog = nullptr;
        m_action.reset();
        updateState();
    });
    updateState();
    emit dialogOpened();
    m_dialog->open();
}

bool ActionsPage::openRebuild(const QString &table)
{
    const int i = m_rebuildTable->findText(table);
    if (i < 0 || !m_rebuild->isEnabled())
        return false;
    m_rebuildTable->setCurrentIndex(i);
    m_rebuild->click();
    return true;
}

void ActionsPage::selectionChanged(const ProfileSelection &selection)
{
    // An action needs exactly one profile; with all chosen none is offered.
    setProfile(selection.chosen());
}

} // namespace turnstile
