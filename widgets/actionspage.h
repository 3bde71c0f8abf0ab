#pragma once

#include "profilepage.h"
#include "profiles/profile.h"

#include <QWidget>

#include <memory>

class QLabel;
class QCheckBox;
class QComboBox;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace turnstile {

class GuardedAction;
class GuardedActionDialog;
class SecretStore;
struct ActionResult;

// The guarded actions of one profile. Each button builds the action and opens
// the GuardedActionDialog: preview, typed confirmation, progress with cancel,
// result, audit line. Read-only profiles show why nothing is offered.
class ActionsPage : public QWidget, public ProfilePage
{
    Q_OBJECT
public:
    ActionsPage(SecretStore *secrets, QWidget *parent = nullptr);
    ~ActionsPage() override;

    void setProfile(const Profile &profile);
    const Profile &profile() const { return m_profile; }
    void selectionChanged(const ProfileSelection &selection) override;
    // Chooses the table and opens the rebuild's preview (the Database page's
    // "Rebuild table…"); false when the button is disabled or the name unknown.
    bool openRebuild(const QString &table);

    QPushButton *purgeButton() const { return m_purge; }
    QPushButton *pruneButton() const { return m_prune; }
    QPushButton *truncateButton() const { return m_truncate; }
    QPushButton *trustFlushButton() const { return m_flushTrusts; }
    QPushButton *passwordPruneButton() const { return m_prunePasswords; }
    QPushButton *rebuildButton() const { return m_rebuild; }
    QComboBox *rebuildTableChooser() const { return m_rebuildTable; }
    // PostgreSQL: VACUUM FULL instead of plain VACUUM (acknowledged in the preview).
    QCheckBox *vacuumFullCheck() const { return m_vacuumFull; }
    // The trust flush's filters, as keystone-manage trust_flush has them.
    QLineEdit *trustProjectEdit() const { return m_trustProject; }
    QLineEdit *trustorEdit() const { return m_trustor; }
    QLineEdit *trusteeEdit() const { return m_trustee; }
    QLineEdit *trustDateEdit() const { return m_trustDate; }
    QLineEdit *retentionEdit() const { return m_retention; }
    QCheckBox *insideWindowCheck() const { return m_insideWindow; }
    QLineEdit *tokenLifetimeEdit() const { return m_lifetime; }
    // Rows per batch at most; its lowest value, shown as "sized by time", sets
    // no bound beyond the throttle's own (batches sized to ~50 ms).
    QSpinBox *batchSpin() const { return m_batch; }
    QSpinBox *connectionsSpin() const { return m_connections; }
    // The purge's method: Automatic (TokenPurge::Method::Auto, the default),
    // Chunked delete, Copy and swap; the item data is the method's CLI name.
    QComboBox *purgeMethodChooser() const { return m_purgeMethod; }
    // The dialog of the last action started, while it is open.
    GuardedActionDialog *currentDialog() const { return m_dialog; }
    // The action that dialog opened with (its kind, its parameters), while it is open.
    std::shared_ptr<GuardedAction> currentAction() const { return m_action; }

signals:
    void dialogOpened(); // currentDialog() is the new dialog
    // A guarded action ended (any outcome) and its audit line is written.
    void actionRecorded(const turnstile::ActionResult &result);

private:
    enum class Kind
    {
        PurgeTokens,
        PruneRevocations,
        TruncateRevocations,
        FlushTrusts,
        PrunePasswordHistory,
        RebuildTable
    };
    void start(Kind kind);
    void open(std::shared_ptr<GuardedAction> action);
    void updateState();

    SecretStore *m_secrets;
    Profile m_profile;
    QLabel *m_header;
    QLineEdit *m_retention;
    QSpinBox *m_batch;
    QSpinBox *m_connections;
    QComboBox *m_purgeMethod;
    QLabel *m_retentionError;
    QCheckBox *m_insideWindow;
    QLineEdit *m_lifetime;
    QLabel *m_lifetimeError;
    QPushButton *m_purge;
    QPushButton *m_prune;
    QPushButton *m_truncate;
    QLineEdit *m_trustProject;
    QLineEdit *m_trustor;
    QLineEdit *m_trustee;
    QLineEdit *m_trustDate;
    QLabel *m_trustDateError;
    QPushButton *m_flushTrusts;
    QPushButton *m_prunePasswords;
    QComboBox *m_rebuildTable;
    QCheckBox *m_vacuumFull;
    QPushButton *m_rebuild;
    GuardedActionDialog *m_dialog = nullptr;
    std::shared_ptr<GuardedAction> m_action;
};

} // namespace turnstile
