#pragma once

#include "guarded/actionpreview.h"
#include "guarded/actionprogress.h"
#include "guarded/actionresult.h"
#include "guarded/guardedaction.h"
#include "profiles/profile.h"

#include <QDialog>

#include <memory>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTextBrowser;

namespace turnstile {

class ActionRunner;

// The GUI face of the guarded workflow: the preview is computed on the
// runner's thread and shown in full; the Run button stays disabled until the
// operator has typed the exact target (and the count to acknowledge, when
// the preview asks for one); the run shows rows, rows per second and time
// left, and Cancel stops it after the batch in flight. The dialog cannot be
// closed while a batch runs; closing asks the action to stop first.
class GuardedActionDialog : public QDialog
{
    Q_OBJECT
public:
    GuardedActionDialog(std::shared_ptr<GuardedAction> action, const Profile &profile,
                        QWidget *parent = nullptr);
    ~GuardedActionDialog() override;

    // For tests and keyboard users.
    QLineEdit *confirmationEdit() const { return m_confirm; }
    QLineEdit *acknowledgementEdit() const { return m_acknowledge; }
    QPushButton *runButton() const { return m_run; }
    QPushButton *cancelButton() const { return m_cancel; }
    // Shown after a result that offers a follow-up (GuardedAction::followUp).
    QPushButton *followUpButton() const { return m_followUp; }
    // The offered follow-up of the last result, if any.
    std::optional<GuardedAction::FollowUp> followUp() const;
    QTextBrowser *previewView() const { return m_previewView; }
    QLabel *statusLabel() const { return m_status; }
    QProgressBar *progressBar() const { return m_progress; }
    const ActionPreview &preview() const { return m_preview; }
    bool hasPreview() const { return m_hasPreview; }
    bool isRunning() const { return m_running; }
    std::optional<ActionResult> result() const { return m_result; }

public slots:
    // Switches to the offered follow-up action and shows its preview; false
    // when none is offered or a run is in flight.
    bool startFollowUp();

signals:
    void previewShown();
    void actionFinished(const turnstile::ActionResult &result);

protected:
    void closeEvent(QCloseEvent *e) override;
    void reject() override;

private:
    void showPreview(const ActionPreview &p);
    void showProgress(const ActionProgress &p);
    void showResult(const ActionResult &r);
    void updateRunEnabled();
    void startRun();

    Profile m_profile;
    ActionRunner *m_runner;
    ActionPreview m_preview;
    bool m_hasPreview = false;
    bool m_running = false;
    std::optional<ActionResult> m_result;

    QTextBrowser *m_previewView;
    QLabel *m_confirmLabel;
    QLineEdit *m_confirm;
    QLabel *m_acknowledgeLabel;
    QLineEdit *m_acknowledge;
    QProgressBar *m_progress;
    QLabel *m_status;
    QPushButton *m_run;
    QPushButton *m_cancel;
    QPushButton *m_followUp;
};

} // namespace turnstile
