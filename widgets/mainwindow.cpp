#include "mainwindow.h"
#include "util/iopool.h"
#include "util/whenfinished.h"

#include "benchmarkdialog.h"

#include "aboutbox.h"
#include "actionspage.h"
#include "auditpage.h"
#include "collector/probescheduler.h"
#include "compliancepage.h"
#include "databasepage.h"
#include "events/eventmonitor.h"
#include "eventspage.h"
#include "growthpage.h"
#include "guarded/actionresult.h"
#include "history/historyconfig.h"
#include "keyspage.h"
#include "latencypage.h"
#include "overviewmodel.h"
#include "overviewpage.h"
#include "pagetable.h"
#include "profileeditor.h"
#include "profiles/profileimport.h"
#include "profiles/profileimporter.h"
#include "profiles/profilemerge.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"
#include "profileselection.h"
#include "util/apppaths.h"
#include "util/filewatch.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QFileInfo>
#include <QInputDialog>
#include <QLabel>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>
#include <QtConcurrent/QtConcurrentRun>
#include <QTimer>
#include <QToolBar>
#include <utility>

namespace turnstile {

namespace {
constexpr int kRefreshSeconds = 30;
// Seconds between probes the refresh-interval setting accepts: fast enough
// for a drill, slow enough for hundreds of profiles.
constexpr int kMinRefreshSeconds = 5;
constexpr int kMaxRefreshSeconds = 3600;
const QString kRefreshKey = QStringLiteral("probe/refreshSeconds");
} // namespace

MainWindow::MainWindow(ProfileStore *profiles, SecretStore *secrets, QWidget *parent)
    : QMainWindow(parent), m_profiles(profiles), m_secrets(secrets),
      m_scheduler(new ProbeScheduler(secrets, this)), m_events(new EventMonitor(secrets, this)),
      m_model(new OverviewModel(this)), m_pages(new QTabWidget(this)),
      m_chooser(new QComboBox(this)), m_lastUpdated(new QLabel(this)), m_timer(new QTimer(this))
{
    setWindowTitle(tr("Turnstile — Keystone operations"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/turnstile.svg")));
    m_pages->setDocumentMode(true);
    const PageContext context{secrets, m_model};
    for (const PageEntry &entry : pageTable()) {
        const CreatedPage created = entry.create(context, this);
        m_pageList.append({QString::fromLatin1(entry.id), created.widget, created.page});
        m_pages->addTab(created.widget, entry.title());
    }
    // Guarded actions' audit lines reach the Audit page and the charts'
    // annotations through AuditNotifier; the window only does what the
    // audit log cannot tell: probe again.

    // A rotation can turn a red key tile green: probe again.
    connect(keysPage(), &KeysPage::actionRecorded, this, [this] { refresh(); });
    // An unlock clears a red tile: probe again rather than wait for the timer.
    connect(compliancePage(), &CompliancePage::unlockFinished, this,
            [this](const ActionResult &result) {
                // The profile's own account, unlocked from its tile: its
                // credentials were set aside after the 401; try them again.
                const QString own = std::exchange(m_unlockingOwnAccount, QString());
                if (result.ok())
                    for (const Profile &p : std::as_const(m_all))
                        if (p.name == own)
                            m_scheduler->retryAuthentication(p);
                refresh();
            });
    setCentralWidget(m_pages);

    m_refreshAction =
        new QAction(QIcon(QStringLiteral(":/icons/refresh.svg")), tr("&Refresh"), this);
    m_refreshAction->setShortcut(QKeySequence::Refresh);
    m_refreshAction->setToolTip(tr("Probe the selected profiles now (F5)"));
    connect(m_refreshAction, &QAction::triggered, this, &MainWindow::refresh);

    m_pauseAction =
        new QAction(QIcon(QStringLiteral(":/icons/pause.svg")), tr("&Pause auto-refresh"), this);
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    connect(m_pauseAction, &QAction::toggled, this, [this](bool paused) {
        if (paused)
            m_timer->stop();
        else
            m_timer->start();
        updateStatusLine();
    });

    auto *quit = new QAction(tr("&Quit"), this);
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    auto *nextProfile = new QAction(tr("Next profile"), this);
    nextProfile->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Tab));
    connect(nextProfile, &QAction::triggered, this, [this] {
        if (m_chooser->count() > 0)
            m_chooser->setCurrentIndex((m_chooser->currentIndex() + 1) % m_chooser->count());
    });
    addAction(nextProfile);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(quit);
    QMenu *profilesMenu = menuBar()->addMenu(tr("&Profiles"));
    QAction *newProfile =
        profilesMenu->addAction(tr("&New profile…"), this, [this] { editProfile(); });
    newProfile->setShortcut(QKeySequence::New);
    QAction *editAction = profilesMenu->addAction(tr("&Edit profile…"), this, [this] {
        const QString current = m_chooser->currentData().toString();
        if (current.isEmpty())
            chooseProfileToEdit();
        else
            editProfile(current);
    });
    editAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    profilesMenu->addAction(tr("&Import every cloud from clouds.yaml"), this,
                            [this] { importAllClouds(); });
    profilesMenu->addAction(tr("&Remove profile…"), this, &MainWindow::removeProfile);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(m_refreshAction);
    view->addAction(m_pauseAction);
    view->addAction(tr("Refresh &interval…"), this, [this] { askRefreshInterval(); });
    view->addAction(nextProfile);
    setupPageShortcuts(view);

    m_benchmarkAction = new QAction(tr("&Benchmark…"), this);
    m_benchmarkAction->setToolTip(
        tr("Measure token validation, or how revocation events slow it down"));
    connect(m_benchmarkAction, &QAction::triggered, this, [this] { openBenchmark(); });
    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    tools->addAction(m_benchmarkAction);
    setupHelpMenu();

    QToolBar *tb = addToolBar(tr("Main"));
    tb->setObjectName(QStringLiteral("mainToolbar"));
    tb->addWidget(new QLabel(tr("Profile:"), this));
    m_chooser->setMinimumContentsLength(18);
    m_chooser->setToolTip(tr("Show one profile or all of them (Ctrl+Tab)"));
    tb->addWidget(m_chooser);
    tb->addSeparator();
    tb->addAction(m_refreshAction);
    tb->addAction(m_pauseAction);
    tb->addSeparator();
    tb->addAction(m_benchmarkAction);
    statusBar()->addPermanentWidget(m_lastUpdated);

    connect(m_chooser, &QComboBox::currentIndexChanged, this, &MainWindow::applySelection);
    connect(m_scheduler, &ProbeScheduler::probeStarted, this,
            [this](const QString &p) { m_model->setBusy(p, true); });
    connect(m_scheduler, &ProbeScheduler::probeFinished, this, &MainWindow::onResult);
    connect(overviewPage(), &OverviewPage::profileActivated, this, [this](const QString &p) {
        selectProfile(p);
        // A tile is the way into that profile's details; growth is the first of them.
        m_pages->setCurrentWidget(growthPage());
    });
    // Rejected credentials: Turnstile stopped logging in until the user asks.
    connect(overviewPage(), &OverviewPage::retryRequested, this, [this](const QString &name) {
        for (const Profile &p : std::as_const(m_all))
            if (p.name == name)
                m_scheduler->retryAuthentication(p);
    });
    // The profile's own account is locked: the Compliance page's guarded unlock.
    connect(overviewPage(), &OverviewPage::unlockRequested, this,
            [this](const QString &name, const QString &userId) {
                m_unlockingOwnAccount = name;
                m_pages->setCurrentWidget(compliancePage());
                compliancePage()->unlockUser(name, userId);
            });
    // The Database page's reclaimable space -> the guarded rebuild's preview,
    // on the Actions page (the profile is the one both pages show).
    connect(databasePage(), &DatabasePage::rebuildRequested, this, [this](const QString &table) {
        m_pages->setCurrentWidget(actionsPage());
        actionsPage()->openRebuild(table);
    });
    // A tile's reason links to where the finding is fixed (core/health's
    // fixTargetsFor): the guarded previews and pages that exist for it, on
    // that profile.
    connect(overviewPage(), &OverviewPage::fixRequested, this,
            [this](const QString &name, const FixTarget &target) {
                selectProfile(name);
                switch (target.kind) {
                case FixTarget::Kind::RevocationPrune:
                case FixTarget::Kind::TokenPurge:
                case FixTarget::Kind::TrustFlush:
                case FixTarget::Kind::PasswordHistoryPrune: {
                    m_pages->setCurrentWidget(actionsPage());
                    // The button opens the guarded dialog, which starts with
                    // the preview; a disabled one (read-only profile, bad
                    // setting) leaves the page saying why.
                    QPushButton *b = actionsPage()->pruneButton();
                    if (target.kind == FixTarget::Kind::TokenPurge)
                        b = actionsPage()->purgeButton();
                    else if (target.kind == FixTarget::Kind::TrustFlush)
                        b = actionsPage()->trustFlushButton();
                    else if (target.kind == FixTarget::Kind::PasswordHistoryPrune)
                        b = actionsPage()->passwordPruneButton();
                    if (b->isEnabled())
                        b->click();
                    break;
                }
                case FixTarget::Kind::UnlockUser:
                    m_pages->setCurrentWidget(compliancePage());
                    compliancePage()->unlockUser(name, target.argument);
                    break;
                case FixTarget::Kind::LockedUsers:
                    m_pages->setCurrentWidget(compliancePage());
                    compliancePage()->setList(ComplianceList::Locked);
                    break;
                case FixTarget::Kind::KeysPage:
                    m_pages->setCurrentWidget(keysPage());
                    break;
                case FixTarget::Kind::ComplianceUser:
                    m_pages->setCurrentWidget(compliancePage());
                    compliancePage()->showUser(name, target.argument);
                    break;
                }
            });

    // Keystone's events: each consumer stores into the history store itself
    // (as turnstilectl collect does); the window shows what it found.
    connect(m_events, &EventMonitor::eventsChanged, this,
            [this](const QString &profile, const ProfileEvents &events) {
                m_model->setEvents(profile, events);
                eventsPage()->setConsumerLine(profile,
                                              events.consuming ? events.line() : QString());
            });
    connect(m_events, &EventMonitor::eventsArrived, eventsPage(), &EventsPage::appendEvents);

    // The history store turnstilectl uses, resolved the same way, the
    // PostgreSQL password included (environment, else keychain). SQLite
    // answers at once, before the first probe below.
    m_history = HistoryConfig::resolve();
    HistoryConfig::resolveWithPassword(
        *m_secrets,
        [self = QPointer<MainWindow>(this)](const HistoryConfig &history, const QString &error) {
            if (!self)
                return;
            self->applyHistory(history);
            if (!error.isEmpty())
                self->statusBar()->showMessage(error);
        });
    m_timer->setInterval(kRefreshSeconds * 1000);
    connect(m_timer, &QTimer::timeout, this, &MainWindow::refresh);

    QSettings s;
    if (s.contains(kRefreshKey))
        setRefreshInterval(s.value(kRefreshKey).toInt());
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    if (!s.contains(QStringLiteral("window/geometry")))
        resize(1000, 640);
    // Back on the page that was open; `turnstile --page` still wins.
    showPage(s.value(QStringLiteral("window/page")).toString());

    migrateLegacyThresholds();
    reloadProfiles();
    migrateDatabasePasswords();
    setupProfileWatcher();
    const QString last = s.value(QStringLiteral("window/profile")).toString();
    selectProfile(last);
    m_timer->start();
    updateStatusLine();
    // selectProfile() above asked for the first figures (applySelection);
    // they arrive asynchronously and the window paints right away.
}

MainWindow::~MainWindow() = default;

BenchmarkDialog *MainWindow::openBenchmark()
{
    if (m_benchmark) {
        m_benchmark->raise();
        m_benchmark->activateWindow();
        return m_benchmark;
    }
    const QString current = m_chooser->currentData().toString();
    m_benchmark = new BenchmarkDialog(
        m_secrets, m_all, current.isEmpty() && !m_all.isEmpty() ? m_all.first().name : current,
        m_history, this);
    m_benchmark->setAttribute(Qt::WA_DeleteOnClose);
    // New points for the Latency page's scatter. A guarded run's audit line
    // reaches the Audit page through AuditNotifier.
    connect(m_benchmark, &BenchmarkDialog::resultsStored, latencyPage(), &LatencyPage::reload);
    m_benchmark->show();
    return m_benchmark;
}

void MainWindow::reloadProfiles()
{
    const QList<Profile> before = std::exchange(m_all, m_profiles->profiles());
    // A removed profile's request may still wait its turn (ProbeScheduler
    // paces hundreds): it is dropped, not probed once more.
    QSet<QString> kept;
    for (const Profile &p : std::as_const(m_all))
        kept.insert(p.name);
    for (const Profile &p : before)
        if (!kept.contains(p.name))
            m_scheduler->forget(p.name);
    QStringList plaintext;
    for (const Profile &p : std::as_const(m_all))
        if (p.allowPlaintextSecrets)
            plaintext.append(p.name);
    m_secrets->setPlaintextProfiles(plaintext);
    // New profiles with a broker get a consumer, changed ones a new one.
    m_events->setProfiles(m_all);
    const QString current = m_chooser->currentData().toString();
    QSignalBlocker block(m_chooser);
    m_chooser->clear();
    m_chooser->addItem(tr("All profiles"), QString());
    for (const Profile &p : std::as_const(m_all))
        m_chooser->addItem(p.name, p.name);
    const int idx = m_chooser->findData(current);
    m_chooser->setCurrentIndex(idx >= 0 ? idx : 0);
    applySelection(); // every page gets the new list with the selection
}

void MainWindow::applyHistory(const HistoryConfig &history)
{
    m_history = history;
    // The window samples into the same store as `turnstilectl collect`, but
    // only into a local SQLite one: a shared PostgreSQL store has its collector.
    if (history.backend == HistoryConfig::Backend::Sqlite &&
        !qEnvironmentVariableIsSet("TURNSTILE_NO_HISTORY"))
        m_scheduler->setHistory(history);
    overviewPage()->setHistoryConfig(history);
    // The event consumers write the same local store the window samples
    // into; a shared PostgreSQL store has its collector, which consumes the
    // events too (two consumers on one queue would each see half).
    if (history.backend == HistoryConfig::Backend::Sqlite &&
        !qEnvironmentVariableIsSet("TURNSTILE_NO_HISTORY")) {
        m_events->setHistory(history);
        m_events->setProfiles(m_all);
    }
    eventsPage()->setHistoryConfig(history);
    // The pages opened the store without a password (HistoryConfig::resolve());
    // now that the keychain answered they read it again, with it.
    if (!history.password.isEmpty()) {
        growthPage()->setHistoryConfig(history);
        latencyPage()->setHistoryConfig(history);
        databasePage()->setHistoryConfig(history);
    }
}

template <class P> P *MainWindow::findPage() const
{
    for (const Page &p : m_pageList)
        if (auto *page = qobject_cast<P *>(p.widget))
            return page;
    return nullptr;
}

OverviewPage *MainWindow::overviewPage() const
{
    return findPage<OverviewPage>();
}

GrowthPage *MainWindow::growthPage() const
{
    return findPage<GrowthPage>();
}

LatencyPage *MainWindow::latencyPage() const
{
    return findPage<LatencyPage>();
}

DatabasePage *MainWindow::databasePage() const
{
    return findPage<DatabasePage>();
}

ActionsPage *MainWindow::actionsPage() const
{
    return findPage<ActionsPage>();
}

AuditPage *MainWindow::auditPage() const
{
    return findPage<AuditPage>();
}

CompliancePage *MainWindow::compliancePage() const
{
    return findPage<CompliancePage>();
}

KeysPage *MainWindow::keysPage() const
{
    return findPage<KeysPage>();
}

EventsPage *MainWindow::eventsPage() const
{
    return findPage<EventsPage>();
}

void MainWindow::pushEventsToOverview()
{
    for (const QString &p : m_model->profiles())
        m_model->setEvents(p, m_events->events(p));
}

bool MainWindow::showPage(const QString &name)
{
    for (const Page &p : std::as_const(m_pageList))
        if (p.id == name) {
            m_pages->setCurrentWidget(p.widget);
            return true;
        }
    return false;
}

QString MainWindow::currentPageName() const
{
    for (const Page &p : m_pageList)
        if (p.widget == m_pages->currentWidget())
            return p.id;
    return {};
}

void MainWindow::selectProfile(const QString &name)
{
    const int idx = m_chooser->findData(name);
    m_chooser->setCurrentIndex(idx >= 0 ? idx : 0);
    applySelection();
}

void MainWindow::applySelection()
{
    const ProfileSelection selection{m_all, m_chooser->currentData().toString()};
    const QStringList probed = m_model->profiles();
    for (const Page &p : std::as_const(m_pageList))
        p.page->selectionChanged(selection);
    // Rows new to the Overview get what the consumers found so far.
    pushEventsToOverview();
    // The Overview narrowed the model to the selection; the model lists
    // what the window probes, so a profile new to it is probed now.
    if (m_model->profiles() != probed)
        refresh();
}

void MainWindow::refresh()
{
    const QStringList shown = m_model->profiles();
    for (const Profile &p : std::as_const(m_all))
        if (shown.contains(p.name))
            m_scheduler->probe(p);
}

void MainWindow::onResult(const ProbeResult &r)
{
    // Compliance's service accounts (a role on the service project) get
    // the lockout early warning's stronger wording.
    if (r.compliance)
        m_events->setServiceAccounts(r.profile, r.compliance->serviceAccounts);
    m_model->setResult(r);
    m_lastResultAt = QDateTime::currentDateTime();
    updateStatusLine();
}

void MainWindow::updateStatusLine()
{
    const QString when = m_lastResultAt.isValid()
                             ? QLocale().toString(m_lastResultAt.time(), QLocale::LongFormat)
                             : tr("never");
    const QString refresh = m_pauseAction->isChecked()
                                ? tr("auto-refresh paused")
                                : tr("auto-refresh every %n s", nullptr, refreshInterval());
    m_lastUpdated->setText(tr("Last updated: %1 · %2").arg(when, refresh));
}

void MainWindow::editProfile(const QString &name)
{
    auto *editor = new ProfileEditor(this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    Profile p;
    if (!name.isEmpty())
        p = m_profiles->profile(name);
    editor->setProfile(p);
    // Whether the form shows every stored secret: only then does an empty
    // field mean "cleared" (a save before the keychain answered must not
    // delete what the form never showed).
    auto secretsKnown = std::make_shared<bool>(name.isEmpty());
    if (!name.isEmpty()) {
        // Existing secrets are loaded asynchronously; the form is usable meanwhile.
        QPointer<ProfileEditor> guard(editor);
        m_secrets->readAll(name, [guard, secretsKnown](const Secrets &s, const QString &error) {
            *secretsKnown = error.isEmpty();
            if (guard)
                guard->setProfile(guard->profile(), s);
        });
    }
    connect(editor, &QDialog::accepted, this, [this, editor, name, secretsKnown] {
        saveProfile(editor->profile(), editor->secrets(), name, *secretsKnown);
    });
    editor->open();
}

void MainWindow::saveProfile(const Profile &p, const Secrets &given, const QString &previousName,
                             bool secretsKnown)
{
    QString error;
    QHash<QString, QString> moved;
    if (!m_profiles->save(p, &error, &moved)) {
        QMessageBox::warning(this, tr("Profile not saved"), error);
        return;
    }
    Secrets s = given;
    if (s.databasePassword.isEmpty())
        s.databasePassword = moved.value(p.name);
    if (!previousName.isEmpty() && previousName != p.name)
        m_profiles->remove(previousName);
    reloadProfiles(); // also tells the secret store about a plain-text opt-in
    QPointer<MainWindow> self(this);
    const QString profileName = p.name;
    // Written under the new name, cleared fields removed, a renamed profile's
    // old entries removed: no secret outlives the profile it belonged to.
    m_secrets->replace(secretsKnown ? previousName : QString(), p.name, s, secretsKnown,
                       [self, profileName](const QList<SecretResult> &results) {
                           if (!self)
                               return;
                           for (const SecretResult &r : results) {
                               if (r.ok && r.plaintext)
                                   self->statusBar()->showMessage(
                                       tr("No keychain is available: the secret of profile "
                                          "%1 was stored in PLAIN TEXT, as you chose.")
                                           .arg(profileName),
                                       15000);
                               else if (!r.ok)
                                   self->statusBar()->showMessage(
                                       tr("%1 The secret of profile %2 was not stored; "
                                          "nothing was written in plain text.")
                                           .arg(r.error, profileName),
                                       15000);
                           }
                       });
    reloadProfiles();
    selectProfile(p.name);
    refresh();
}

void MainWindow::migrateDatabasePasswords()
{
    // Versions before this one saved a password typed into the database URL
    // as it was; it moves to the keychain, and the file is rewritten without it.
    const QHash<QString, QString> found = m_profiles->databasePasswordsInFile();
    for (auto it = found.constBegin(); it != found.constEnd(); ++it) {
        QPointer<MainWindow> self(this);
        const QString name = it.key();
        const QString password = it.value();
        m_secrets->read(
            name, SecretKind::DatabasePassword,
            [self, name, password](const SecretResult &existing) {
                if (!self)
                    return;
                auto strip = [self, name](const SecretResult &r) {
                    if (!self)
                        return;
                    QString error;
                    if (!r.ok || !self->m_profiles->stripDatabasePasswords({name}, &error)) {
                        self->statusBar()->showMessage(
                            tr("%1 holds the database password of profile %2 in "
                               "plain text and it could not be moved to the "
                               "keychain: %3")
                                .arg(self->m_profiles->fileName(), name, r.ok ? error : r.error));
                        return;
                    }
                    self->statusBar()->showMessage(
                        tr("Moved the database password of profile %1 from %2 to "
                           "the keychain; the file no longer holds it.")
                            .arg(name, self->m_profiles->fileName()),
                        15000);
                    self->reloadProfiles();
                };
                // One already in the keychain is the one connections used.
                if (existing.ok && !existing.value.isEmpty())
                    strip(existing);
                else
                    self->m_secrets->write(name, SecretKind::DatabasePassword, password, strip);
            });
    }
}

void MainWindow::importAllClouds(const QString &path)
{
    statusBar()->showMessage(tr("Reading clouds.yaml…"));
    whenFinished(
        this,
        QtConcurrent::run(ioPool(),
                          [path] {
                              // "Import all" means all, whatever OS_CLOUD says.
                              QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
                              env.remove(QStringLiteral("OS_CLOUD"));
                              return importCloudsYaml(path, QString(), env);
                          }),
        [this](const ImportResult &r) {
            // Merge and name check are planProfileImport's, shared with
            // turnstilectl; one read and one write of the profile file.
            const ProfileImportPlan plan = planProfileImport(m_profiles->profiles(), r.clouds);
            QStringList problems = plan.refusals;
            if (!r.error.isEmpty())
                problems.prepend(r.error);
            QStringList names;
            QString err;
            QHash<QString, QString> moved;
            if (!plan.entries.isEmpty() && !m_profiles->saveAll(plan.profiles(), &err, &moved)) {
                problems.prepend(err);
                finishImport(r.sourceFile, r.warnings, {}, problems);
                return;
            }
            for (const ProfileImportPlan::Entry &e : plan.entries)
                names.append(e.profile.name);
            // Every secret write is waited for and every failure reported,
            // as turnstilectl does; the profiles are saved either way.
            struct Pending
            {
                qsizetype left = 0;
                QStringList problems;
            };
            auto pending = std::make_shared<Pending>(Pending{plan.entries.size(), problems});
            QPointer<MainWindow> self(this);
            // Only what the summary needs: the clouds' secrets stay behind.
            auto oneDone = [self, pending, source = r.sourceFile, warnings = r.warnings, names] {
                if (--pending->left == 0 && self)
                    self->finishImport(source, warnings, names, pending->problems);
            };
            if (plan.entries.isEmpty()) {
                finishImport(r.sourceFile, r.warnings, names, problems);
                return;
            }
            for (const ProfileImportPlan::Entry &e : plan.entries) {
                Secrets s = e.secrets;
                if (s.databasePassword.isEmpty())
                    s.databasePassword = moved.value(e.profile.name);
                const QString name = e.profile.name;
                m_secrets->replace(name, name, s, false,
                                   [pending, name, oneDone](const QList<SecretResult> &writes) {
                                       const QString failure = secretsNotStored(name, writes);
                                       if (!failure.isEmpty())
                                           pending->problems.append(failure);
                                       oneDone();
                                   });
            }
        });
}

void MainWindow::finishImport(const QString &sourceFile, const QStringList &warnings,
                              const QStringList &names, const QStringList &problems)
{
    reloadProfiles();
    const QString error = problems.join(u'\n');
    statusBar()->showMessage(
        names.isEmpty()
            ? error
            : tr("Imported %n profile(s) from %1.", nullptr, int(names.size())).arg(sourceFile),
        15000);
    QStringList notes = warnings;
    if (!names.isEmpty())
        notes += problems; // with nothing imported, the status bar says it
    if (!notes.isEmpty())
        QMessageBox::information(this, tr("clouds.yaml"), notes.join(u'\n'));
    emit cloudsImported(names, error);
}

void MainWindow::removeProfile()
{
    const QString name = m_chooser->currentData().toString();
    if (name.isEmpty()) {
        statusBar()->showMessage(tr("Choose the profile to remove first."), 5000);
        return;
    }
    if (QMessageBox::question(
            this, tr("Remove profile"),
            tr("Remove profile %1 and its secrets from the keychain?").arg(name)) !=
        QMessageBox::Yes)
        return;
    m_profiles->remove(name);
    for (SecretKind k : kAllSecretKinds)
        m_secrets->remove(name, k, [](const SecretResult &) {});
    reloadProfiles();
}

void MainWindow::closeEvent(QCloseEvent *e)
{
    QSettings s;
    // turnstile.conf names the history server and its user: owner-only, like
    // every durable file (QSettings keeps the mode of the file it replaces).
    AppPaths::makePrivateFile(s.fileName());
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/profile"), m_chooser->currentData().toString());
    s.setValue(QStringLiteral("window/page"), currentPageName());
    QMainWindow::closeEvent(e);
}

void MainWindow::migrateLegacyThresholds()
{
    // Thresholds were JSON inside the profile's JSON; they move to their own
    // readable section once (ProfileStore reads either form).
    QString error;
    const QStringList moved = m_profiles->migrateLegacyThresholds(&error);
    if (!error.isEmpty())
        statusBar()->showMessage(error, 15000);
    else if (!moved.isEmpty())
        statusBar()->showMessage(tr("Moved the threshold overrides of %n profile(s) into their "
                                    "own sections of %1.",
                                    nullptr, int(moved.size()))
                                     .arg(m_profiles->fileName()),
                                 15000);
}

QInputDialog *MainWindow::chooseProfileToEdit()
{
    if (m_all.isEmpty()) {
        editProfile(); // nothing to choose from: a new one
        return nullptr;
    }
    if (m_all.size() == 1) {
        editProfile(m_all.first().name);
        return nullptr;
    }
    auto *ask = new QInputDialog(this);
    ask->setAttribute(Qt::WA_DeleteOnClose);
    ask->setWindowTitle(tr("Edit profile"));
    ask->setLabelText(tr("All profiles are shown. Which profile do you want to edit?"));
    QStringList names;
    for (const Profile &p : std::as_const(m_all))
        names.append(p.name);
    ask->setComboBoxItems(names);
    ask->setComboBoxEditable(false);
    connect(ask, &QInputDialog::textValueSelected, this,
            [this](const QString &name) { editProfile(name); });
    ask->open();
    return ask;
}

void MainWindow::setupPageShortcuts(QMenu *view)
{
    QMenu *go = view->addMenu(tr("&Go to page"));
    for (int i = 0; i < m_pageList.size() && i < 9; ++i) {
        QAction *a = go->addAction(m_pages->tabText(i));
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        // Also when the menu bar is hidden (a window-level shortcut).
        a->setShortcutContext(Qt::WindowShortcut);
        addAction(a);
        connect(a, &QAction::triggered, this, [this, i] { m_pages->setCurrentIndex(i); });
        m_pages->setTabToolTip(i,
                               tr("%1 (%2)").arg(m_pages->tabText(i),
                                                 a->shortcut().toString(QKeySequence::NativeText)));
    }
}

void MainWindow::setupHelpMenu()
{
    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *about = help->addAction(tr("&About Turnstile"), this, [this] { showAbout(); });
    about->setMenuRole(QAction::AboutRole);
}

QMessageBox *MainWindow::showAbout()
{
    auto *box = new QMessageBox(QMessageBox::Information, tr("About Turnstile"), aboutText(),
                                QMessageBox::Close, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setIconPixmap(windowIcon().pixmap(64, 64));
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    box->open();
    return box;
}

int MainWindow::refreshInterval() const
{
    return m_timer->interval() / 1000;
}

void MainWindow::setRefreshInterval(int seconds)
{
    seconds = std::clamp(seconds, kMinRefreshSeconds, kMaxRefreshSeconds);
    // QTimer::setInterval keeps a running timer running, from now.
    m_timer->setInterval(seconds * 1000);
    m_scheduler->setInterval(seconds);
    updateStatusLine();
}

QInputDialog *MainWindow::askRefreshInterval()
{
    auto *ask = new QInputDialog(this);
    ask->setAttribute(Qt::WA_DeleteOnClose);
    ask->setWindowTitle(tr("Refresh interval"));
    ask->setLabelText(tr("Probe the selected profiles every (seconds):"));
    ask->setInputMode(QInputDialog::IntInput);
    ask->setIntRange(kMinRefreshSeconds, kMaxRefreshSeconds);
    ask->setIntValue(refreshInterval());
    connect(ask, &QInputDialog::intValueSelected, this, [this](int seconds) {
        setRefreshInterval(seconds);
        QSettings s;
        AppPaths::makePrivateFile(s.fileName());
        s.setValue(kRefreshKey, refreshInterval());
    });
    ask->open();
    return ask;
}

void MainWindow::setupProfileWatcher()
{
    auto *watch = new FileWatch(m_profiles->fileName(), 250, this);
    connect(watch, &FileWatch::changed, this, &MainWindow::reloadChangedProfiles);
}

void MainWindow::reloadChangedProfiles()
{
    const QList<Profile> before = m_all;
    const QList<Profile> now = m_profiles->profiles();
    if (now == before)
        return;       // our own save, or another file in the directory
    reloadProfiles(); // a removed profile leaves the chooser, the pages and the probing
    // A changed profile is probed again with its new settings: the probe
    // still running on the old ones turns stale (ProbeScheduler).
    const QStringList shown = m_model->profiles();
    for (const Profile &p : std::as_const(m_all)) {
        const auto old = std::find_if(before.cbegin(), before.cend(),
                                      [&p](const Profile &o) { return o.name == p.name; });
        if (old != before.cend() && !(*old == p) && shown.contains(p.name))
            m_scheduler->probe(p);
    }
    statusBar()->showMessage(tr("The profile file changed; profiles reloaded."), 5000);
    emit profilesReloaded();
}

} // namespace turnstile
