#include "compliancepage.h"
#include "profileselection.h"
#include "util/atomicfile.h"
#include "util/iopool.h"
#include "util/whenfinished.h"

#include "compliance/compliancerun.h"
#include "compliancemodel.h"
#include "guarded/actionpreview.h"
#include "guardedactiondialog.h"
#include "profiles/secrets.h"
#include "profiles/secretstore.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QShowEvent>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QtConcurrent/QtConcurrentRun>
#include <QVBoxLayout>

namespace turnstile {

CompliancePage::CompliancePage(SecretStore *secrets, QWidget *parent)
    : QWidget(parent), m_secrets(secrets), m_model(new ComplianceModel(this)),
      m_proxy(new QSortFilterProxyModel(this)), m_profileChooser(new QComboBox(this)),
      m_windowChooser(new QComboBox(this)), m_listChooser(new QComboBox(this)),
      m_refresh(new QPushButton(QIcon(QStringLiteral(":/icons/refresh.svg")), tr("Reload"), this)),
      m_export(new QPushButton(tr("Export CSV…"), this)),
      m_unlock(new QPushButton(tr("Unlock…"), this)), m_settings(new QLabel(this)),
      m_status(new QLabel(this)), m_view(new QTableView(this))
{
    m_profileChooser->setMinimumContentsLength(16);
    for (const int days : {7, 14, 30, 90})
        m_windowChooser->addItem(tr("Next %n day(s)", nullptr, days), days);
    for (const ComplianceList l : allComplianceLists())
        m_listChooser->addItem(m_model->listLabel(l), int(l));

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(ComplianceModel::SortRole);
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(-1, Qt::AscendingOrder); // the list's own order until a click
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->verticalHeader()->hide();

    m_unlock->setToolTip(
        tr("Unlock the selected user: preview, typed confirmation, audit record."));
    m_settings->setWordWrap(true);
    m_settings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Profile:"), this));
    bar->addWidget(m_profileChooser);
    bar->addSpacing(12);
    bar->addWidget(new QLabel(tr("List:"), this));
    bar->addWidget(m_listChooser);
    bar->addWidget(new QLabel(tr("Window:"), this));
    bar->addWidget(m_windowChooser);
    bar->addWidget(m_refresh);
    bar->addStretch(1);
    bar->addWidget(m_unlock);
    bar->addWidget(m_export);

    auto *outer = new QVBoxLayout(this);
    outer->addLayout(bar);
    outer->addWidget(m_settings);
    outer->addWidget(m_status);
    outer->addWidget(m_view, 1);

    connect(m_profileChooser, &QComboBox::currentIndexChanged, this, [this] {
        m_model->clear();
        updateListChooser();
        reload();
    });
    connect(m_windowChooser, &QComboBox::currentIndexChanged, this, &CompliancePage::reload);
    connect(m_listChooser, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setList(list());
        if (m_model->hasReport())
            m_status->setText(m_model->unavailableReason().isEmpty()
                                  ? summarizeCompliance(*m_model->report()).sentence()
                                  : m_model->unavailableReason());
        updateButtons();
    });
    connect(m_refresh, &QPushButton::clicked, this, &CompliancePage::reload);
    connect(m_export, &QPushButton::clicked, this, &CompliancePage::chooseExportFile);
    connect(m_unlock, &QPushButton::clicked, this, &CompliancePage::unlockSelected);
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &CompliancePage::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &CompliancePage::updateButtons);
    updateButtons();
}

CompliancePage::~CompliancePage() = default;

void CompliancePage::setProfiles(const QList<Profile> &profiles)
{
    const QString current = profile();
    m_profiles = profiles;
    {
        QSignalBlocker block(m_profileChooser);
        m_profileChooser->clear();
        for (const Profile &p : profiles)
            m_profileChooser->addItem(p.name);
        const int idx = m_profileChooser->findText(current);
        m_profileChooser->setCurrentIndex(idx >= 0 ? idx : 0);
    }
    if (profile() != current) {
        m_model->clear();
        updateListChooser();
        reload();
    }
}

void CompliancePage::setProfile(const QString &name)
{
    const int idx = m_profileChooser->findText(name);
    if (idx >= 0)
        m_profileChooser->setCurrentIndex(idx);
}

QString CompliancePage::profile() const
{
    return m_profileChooser->currentText();
}

void CompliancePage::setWithinDays(int days)
{
    const int idx = m_windowChooser->findData(days);
    if (idx >= 0)
        m_windowChooser->setCurrentIndex(idx);
}

int CompliancePage::withinDays() const
{
    return m_windowChooser->currentData().toInt();
}

void CompliancePage::setList(ComplianceList list)
{
    const int idx = m_listChooser->findData(int(list));
    if (idx >= 0)
        m_listChooser->setCurrentIndex(idx);
}

ComplianceList CompliancePage::list() const
{
    return ComplianceList(m_listChooser->currentData().toInt());
}

QString CompliancePage::statusText() const
{
    return m_status->text();
}

QString CompliancePage::settingsText() const
{
    return m_settings->text();
}

std::optional<Profile> CompliancePage::profileNamed(const QString &name) const
{
    for (const Profile &p : m_profiles) {
        if (p.name == name)
            return p;
    }
    return std::nullopt;
}

void CompliancePage::showEvent(QShowEvent *e)
{
    QWidget::showEvent(e);
    if (e->spontaneous())
        return;
    reload();
}

void CompliancePage::withSecrets(const QString &profile, std::function<void(const Secrets &)> then)
{
    if (!m_secrets) {
        then(Secrets{});
        return;
    }
    // Without a keychain the lists still load where the database needs no
    // password; the figure that fails says why.
    m_secrets->readAll(profile,
                       [then = std::move(then)](const Secrets &s, const QString &) { then(s); });
}

void CompliancePage::reload()
{
    // Every request makes the ones in flight stale, also one not started.
    const auto ticket = m_load.next();
    if (!isVisible())
        return; // showEvent loads
    const std::optional<Profile> p = profileNamed(profile());
    if (!p) {
        m_status->setText(tr("No profile yet: add one with a database to see its users."));
        return;
    }
    m_status->setText(tr("Reading the compliance lists of %1…").arg(p->name));
    const int within = withinDays();
    withSecrets(p->name, m_load.guard(ticket, [this, p = *p, within](const Secrets &secrets) {
        // Another profile or window chosen meanwhile drops this load.
        m_load.start(
            [p, secrets, within] {
                ComplianceRunOptions options;
                options.withinDays = within;
                return runComplianceReport(p, secrets, options);
            },
            [this](const ComplianceReport &r) { showReport(r); });
    }));
}

void CompliancePage::showReport(const ComplianceReport &report)
{
    m_model->setReport(report);
    updateListChooser();
    const ComplianceSettings &s = report.settings;
    QStringList parts;
    parts.append(s.lockoutEnabled() ? tr("lockout after %n failure(s) for %1 s", nullptr,
                                         *s.lockoutFailureAttempts)
                                          .arg(s.lockoutDurationSec)
                                    : tr("no lockout"));
    parts.append(s.inactivityEnabled()
                     ? tr("disabled after %n day(s) of inactivity", nullptr, *s.disableInactiveDays)
                     : tr("no inactivity limit"));
    parts.append(s.passwordExpiresDays
                     ? tr("passwords expire after %n day(s)", nullptr, *s.passwordExpiresDays)
                     : tr("passwords do not expire"));
    m_settings->setText(
        tr("Settings from %1: %2.").arg(s.sourceDescription(), parts.join(QStringLiteral(", "))));
    QStringList tip;
    for (const ComplianceSettings::Row &row : s.describe())
        tip.append(QStringLiteral("%1 = %2").arg(row.option, row.value));
    m_settings->setToolTip(tip.join(u'\n'));

    QStringList status;
    status.append(m_model->unavailableReason().isEmpty() ? summarizeCompliance(report).sentence()
                                                         : m_model->unavailableReason());
    if (!report.serviceAccountsError.isEmpty())
        status.append(tr("Service accounts are not flagged: %1").arg(report.serviceAccountsError));
    status.append(report.notes);
    // Anyone who knows a service account's name can lock it out on purpose.
    if (const QString unprotected = summarizeCompliance(report).unprotectedSentence();
        !unprotected.isEmpty())
        status.append(unprotected);
    m_status->setText(status.join(u' '));
    m_view->resizeColumnsToContents();
    selectPendingUser();
    emit summaryChanged(report.profile, summarizeCompliance(report));
    emit loaded();
}

void CompliancePage::updateListChooser()
{
    for (int i = 0; i < m_listChooser->count(); ++i)
        m_listChooser->setItemText(
            i, m_model->listLabel(ComplianceList(m_listChooser->itemData(i).toInt())));
}

void CompliancePage::updateButtons()
{
    const bool lockoutList = list() == ComplianceList::Locked || list() == ComplianceList::Failing;
    const std::optional<Profile> p = profileNamed(profile());
    m_unlock->setEnabled(lockoutList && !m_unlocking && p && !p->readOnly &&
                         m_view->selectionModel()->hasSelection());
    m_export->setEnabled(m_model->hasReport() && m_model->unavailableReason().isEmpty());
}

void CompliancePage::unlockSelected()
{
    const QModelIndexList rows = m_view->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const std::optional<ComplianceEntry> e =
        m_model->entry(m_proxy->mapToSource(rows.first()).row());
    if (!e)
        return;
    startUnlock(e->user.id, UserUnlock::Method::Api);
}

void CompliancePage::showUser(const QString &profileName, const QString &user)
{
    m_pendingUser = user;
    const QString before = profile();
    setProfile(profileName);
    // Another profile reloads by itself; the same one may hold the lists already.
    if (profile() == before && m_model->hasReport() && m_model->report()->profile == profileName)
        selectPendingUser();
    else if (profile() == before)
        reload();
}

void CompliancePage::selectPendingUser()
{
    if (m_pendingUser.isEmpty() || !m_model->hasReport())
        return;
    const QString user = std::exchange(m_pendingUser, QString());
    for (const ComplianceList l : {ComplianceList::Locked, ComplianceList::Failing}) {
        const auto &entries = m_model->report()->list(l).value;
        if (!entries)
            continue;
        const bool has = std::any_of(entries->cbegin(), entries->cend(), [&](const auto &e) {
            return e.user.id == user || e.user.name == user;
        });
        if (!has)
            continue;
        setList(l);
        for (int r = 0; r < m_proxy->rowCount(); ++r) {
            const QModelIndex i = m_proxy->index(r, 0);
            const std::optional<ComplianceEntry> e = m_model->entry(m_proxy->mapToSource(i).row());
            if (e && (e->user.id == user || e->user.name == user)) {
                m_view->selectRow(r);
                m_view->scrollTo(i);
                return;
            }
        }
    }
    m_status->setText(tr("%1 has no failed logins on record in the database now.").arg(user) +
                      u' ' + m_status->text());
}

void CompliancePage::unlockUser(const QString &profileName, const QString &userId)
{
    if (m_unlocking || userId.isEmpty())
        return;
    setProfile(profileName);
    startUnlock(userId, UserUnlock::Method::Api);
}

void CompliancePage::startUnlock(const QString &userId, UserUnlock::Method method)
{
    const std::optional<Profile> p = profileNamed(profile());
    if (!p)
        return;
    m_unlocking = true;
    updateButtons();
    m_status->setText(tr("Preparing the unlock…"));
    QPointer<CompliancePage> self(this);
    withSecrets(p->name, [self, p = *p, userId, method](const Secrets &secrets) {
        if (!self)
            return;
        // The dialog every guarded action uses: preview on its runner's
        // thread, typed confirmation, progress and cancel, audit record, and
        // the database path offered as the API unlock's follow-up.
        auto *dialog = new GuardedActionDialog(
            std::make_shared<UserUnlock>(p, secrets, userId, method), p, self);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        auto done = [self](const QString &message) {
            if (!self)
                return;
            self->m_unlocking = false;
            self->m_status->setText(message);
            self->updateButtons();
        };
        connect(dialog, &GuardedActionDialog::previewShown, self, [self, dialog, done] {
            const ActionPreview &preview = dialog->preview();
            if (preview.refused()) {
                done(tr("Not unlocked: %1").arg(preview.refusal));
                return;
            }
            if (preview.nothingToDo()) {
                done(preview.consequences.join(u' '));
                return;
            }
            if (!self->m_confirmer)
                return; // the operator types the name into the dialog
            const QString typed = self->m_confirmer(preview);
            if (typed.trimmed().isEmpty()) {
                dialog->cancelButton()->click(); // not running yet: closes
                return;
            }
            dialog->confirmationEdit()->setText(typed);
            dialog->runButton()->click();
        });
        connect(dialog, &GuardedActionDialog::actionFinished, self,
                [self, dialog, done](const ActionResult &r) {
                    done(r.message);
                    emit self->unlockFinished(r);
                    if (self->m_fallbackChooser) {
                        if (const auto next = dialog->followUp();
                            next && self->m_fallbackChooser(
                                        tr("%1\n\n%2").arg(r.message, next->question))) {
                            self->m_unlocking = true;
                            self->updateButtons();
                            dialog->startFollowUp();
                            return;
                        }
                    }
                    self->reload();
                });
        connect(dialog, &QDialog::finished, self, [self, dialog] {
            if (self->m_unlocking && !dialog->result().has_value() && dialog->hasPreview() &&
                !dialog->preview().refused() && !dialog->preview().nothingToDo()) {
                self->m_unlocking = false;
                self->m_status->setText(tr("Unlock cancelled; nothing changed."));
            }
            self->m_unlocking = false;
            self->updateButtons();
        });
        dialog->open();
    });
}

void CompliancePage::chooseExportFile()
{
    const QString suggested =
        QStringLiteral("turnstile-%1-%2-%3.csv")
            .arg(complianceListName(list()), profile(),
                 QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")));
    const QString path = QFileDialog::getSaveFileName(this, tr("Export for a mail merge"),
                                                      suggested, tr("CSV data (*.csv)"));
    if (!path.isEmpty())
        exportCsv(path);
}

void CompliancePage::exportCsv(const QString &path)
{
    const QByteArray bytes = m_model->csv().toUtf8();
    // Every export reports, so not LatestJob; whenFinished drops the report
    // when the page is gone.
    whenFinished(
        this,
        // The one atomic file writer every export uses.
        QtConcurrent::run(ioPool(), [path, bytes] { return writeFileAtomically(path, bytes); }),
        [this, path](const QString &error) {
            m_status->setText(error.isEmpty() ? tr("Exported to %1.").arg(path) : error);
            emit exportFinished(path, error);
        });
}

void CompliancePage::selectionChanged(const ProfileSelection &selection)
{
    setProfiles(selection.all);
    // The page shows one profile at a time: with all profiles chosen in the
    // window it keeps the one its own chooser shows.
    if (!selection.isAll())
        setProfile(selection.name);
}

} // namespace turnstile
