#pragma once

#include "compliance/compliancereport.h"
#include "compliance/compliancesummary.h"
#include "compliance/userunlock.h"
#include "guarded/actionresult.h"
#include "profilepage.h"
#include "profiles/profile.h"
#include "util/latestjob.h"

#include <QList>
#include <QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace turnstile {

class ComplianceModel;
class SecretStore;
struct ActionPreview;
struct Secrets;

// The Compliance page: one profile's locked-out, failing, inactive and
// expiring users, the effective [security_compliance] settings they are
// judged by, CSV export for a mail merge, and the guarded unlock.
//
// Everything that touches the database, the API or a file runs on the thread
// pool; secrets come from the keychain asynchronously, as for the probes. A
// load that a newer one overtook (profile or window changed) is dropped. The
// page only loads while visible.
//
// The unlock is the guarded workflow of turnstilectl users unlock: preview on
// a worker, the operator types the user's name, the run (and its audit
// record) on a worker. When the API refuses and the database could do it, the
// page asks before taking the database path.
class CompliancePage : public QWidget, public ProfilePage
{
    Q_OBJECT
public:
    // `secrets` may be null: the page then works with empty secrets (a
    // database that needs no password, tests).
    explicit CompliancePage(SecretStore *secrets, QWidget *parent = nullptr);
    ~CompliancePage() override;

    void setProfiles(const QList<Profile> &profiles);
    void setProfile(const QString &name);
    QString profile() const;
    void selectionChanged(const ProfileSelection &selection) override;
    // The warning window of the "soon" lists, in days (7, 14, 30 or 90).
    void setWithinDays(int days);
    int withinDays() const;
    void setList(ComplianceList list);
    ComplianceList list() const;

    ComplianceModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QComboBox *listChooser() const { return m_listChooser; }
    QPushButton *unlockButton() const { return m_unlock; }
    QString statusText() const;
    QString settingsText() const;

    // Shows a report as a finished load would (the page's own loads call it).
    void showReport(const ComplianceReport &report);

    // The typed confirmation of an unlock: what the operator typed, empty to
    // cancel. By default the operator types it into the GuardedActionDialog;
    // tests replace it (the dialog then runs with what it returns).
    using Confirmer = std::function<QString(const ActionPreview &preview)>;
    void setConfirmer(Confirmer confirmer) { m_confirmer = std::move(confirmer); }
    // Whether to take the database path after the API refused. By default the
    // GuardedActionDialog offers it as the run's follow-up button.
    using FallbackChooser = std::function<bool(const QString &question)>;
    void setFallbackChooser(FallbackChooser chooser) { m_fallbackChooser = std::move(chooser); }

public slots:
    void reload();
    // Unlocks the selected user of the Locked or Failing list.
    void unlockSelected();
    // The same guarded unlock for a user the caller names (the Overview
    // tile of a profile whose own account is locked): shows `profile` first.
    void unlockUser(const QString &profile, const QString &userId);
    // Shows `profile` and selects the user (id or name) on the first list
    // that has it (locked, then failing), once the lists are read; the
    // Overview's lockout warning links here.
    void showUser(const QString &profile, const QString &user);
    // Writes the shown list as CSV on a worker; emits exportFinished.
    void exportCsv(const QString &path);

signals:
    void loaded();
    // For the Overview's alerting: the locked count and locked service accounts.
    void summaryChanged(const QString &profile, const turnstile::ComplianceSummary &summary);
    void unlockFinished(const turnstile::ActionResult &result);
    void exportFinished(const QString &path, const QString &error);

protected:
    void showEvent(QShowEvent *e) override;

private:
    void withSecrets(const QString &profile, std::function<void(const Secrets &)> then);
    void startUnlock(const QString &userId, UserUnlock::Method method);
    void updateListChooser();
    void updateButtons();
    void chooseExportFile();
    std::optional<Profile> profileNamed(const QString &name) const;

    SecretStore *m_secrets;
    QList<Profile> m_profiles;
    ComplianceModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QComboBox *m_profileChooser;
    QComboBox *m_windowChooser;
    QComboBox *m_listChooser;
    QPushButton *m_refresh;
    QPushButton *m_export;
    QPushButton *m_unlock;
    QLabel *m_settings;
    QLabel *m_status;
    QTableView *m_view;
    Confirmer m_confirmer;
    FallbackChooser m_fallbackChooser;
    LatestJob<ComplianceReport> m_load{this};
    bool m_unlocking = false;
    QString m_pendingUser; // showUser() before the lists were read
    void selectPendingUser();
};

} // namespace turnstile
