#pragma once

#include "history/historyconfig.h"
#include "profiles/profile.h"

#include <QDateTime>
#include <QMainWindow>
#include <QPointer>

class QComboBox;
class QLabel;
class QTabWidget;
class QTimer;
class QAction;
class QMenu;
class QInputDialog;
class QMessageBox;

namespace turnstile {

class ActionsPage;
class BenchmarkDialog;
class AuditPage;
class CompliancePage;
class DatabasePage;
class EventMonitor;
class EventsPage;
class GrowthPage;
class KeysPage;
class LatencyPage;
class OverviewModel;
class OverviewPage;
class ProbeScheduler;
class ProfilePage;
class ProfileStore;
class SecretStore;
struct ProbeResult;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    MainWindow(ProfileStore *profiles, SecretStore *secrets, QWidget *parent = nullptr);
    ~MainWindow() override;

    OverviewModel *overviewModel() const { return m_model; }
    OverviewPage *overviewPage() const;
    GrowthPage *growthPage() const;
    LatencyPage *latencyPage() const;
    DatabasePage *databasePage() const;
    ActionsPage *actionsPage() const;
    AuditPage *auditPage() const;
    CompliancePage *compliancePage() const;
    KeysPage *keysPage() const;
    EventsPage *eventsPage() const;
    // The event consumers (one per profile with a RabbitMQ).
    EventMonitor *eventMonitor() const { return m_events; }
    QTabWidget *pages() const { return m_pages; }
    // A page by its id in pageTable() (pagetable.h); false for an unknown id.
    bool showPage(const QString &name);
    QString currentPageName() const;
    QComboBox *profileChooser() const { return m_chooser; }
    // The profiles the window knows (and probes when selected), as last read.
    const QList<Profile> &profiles() const { return m_all; }
    // Selects a profile by name ("" = all profiles).
    void selectProfile(const QString &name);

public slots:
    void refresh();
    // Opens the editor for a new profile (empty name) or an existing one.
    void editProfile(const QString &name = {});
    void removeProfile();
    // Imports every cloud and region of a clouds.yaml as profiles (openstacksdk's
    // search order when path is empty); emits cloudsImported when done.
    void importAllClouds(const QString &path = {});
    // Tools → Benchmark; one dialog at a time (raised when already open).
    BenchmarkDialog *openBenchmark();
    // "Edit profile" with All profiles selected: asks which one (returns the
    // question, open; null when there was nothing to ask).
    QInputDialog *chooseProfileToEdit();
    // Help → About: the version this was built from (open, not modal).
    QMessageBox *showAbout();
    // View → Refresh interval: how often the selected profiles are probed,
    // kept in the settings (probe/refreshSeconds).
    QInputDialog *askRefreshInterval();
    void setRefreshInterval(int seconds);
    int refreshInterval() const;
    // The history store the pages read, as HistoryConfig::resolveWithPassword
    // gave it (with the PostgreSQL password once the keychain answered).
    const HistoryConfig &historyConfig() const { return m_history; }

signals:
    void cloudsImported(const QStringList &profiles, const QString &error);
    // The profile file changed under the window (turnstilectl, an editor)
    // and the window took the change over.
    void profilesReloaded();

protected:
    void closeEvent(class QCloseEvent *e) override;

private:
    void reloadProfiles();
    void applySelection();
    void onResult(const ProbeResult &r);
    void updateStatusLine();
    void saveProfile(const Profile &p, const struct Secrets &s, const QString &previousName,
                     bool secretsKnown);
    void migrateDatabasePasswords();
    void migrateLegacyThresholds();
    // Ctrl+1…9: the pages in tab order.
    void setupPageShortcuts(QMenu *view);
    void setupHelpMenu();
    // The profile file is watched: a profile removed or changed outside the
    // window (turnstilectl) is no longer probed, or is probed again.
    void setupProfileWatcher();
    void reloadChangedProfiles();
    // The end of importAllClouds: status, notes and cloudsImported, once
    // every secret write has answered.
    void finishImport(const QString &sourceFile, const QStringList &warnings,
                      const QStringList &names, const QStringList &problems);
    // The first page of type P in the table.
    template <class P> P *findPage() const;

    // One per entry of pageTable(), in tab order.
    struct Page
    {
        QString id;
        QWidget *widget;
        ProfilePage *page;
    };
    void applyHistory(const HistoryConfig &history);
    // The monitor's findings of every profile into the Overview's rows.
    void pushEventsToOverview();

    ProfileStore *m_profiles;
    SecretStore *m_secrets;
    ProbeScheduler *m_scheduler;
    EventMonitor *m_events;
    OverviewModel *m_model;
    QList<Page> m_pageList;
    // The profile whose own locked account the Overview asked to unlock.
    QString m_unlockingOwnAccount;
    QTabWidget *m_pages;
    QComboBox *m_chooser;
    QAction *m_refreshAction;
    QAction *m_pauseAction;
    QAction *m_benchmarkAction;
    QPointer<BenchmarkDialog> m_benchmark;
    QLabel *m_lastUpdated;
    QTimer *m_timer;
    QList<Profile> m_all;
    QDateTime m_lastResultAt;
    HistoryConfig m_history;
};

} // namespace turnstile
