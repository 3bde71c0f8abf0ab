#pragma once

#include "guarded/actionpreview.h"
#include "guarded/actionprogress.h"
#include "guarded/actionresult.h"
#include "guarded/confirmation.h"
#include "guarded/guardedaction.h"
#include "profiles/profile.h"

#include <QMutex>
#include <QObject>
#include <QThread>

#include <memory>

namespace turnstile {

class ActionControl;
class AuditLog;

// Runs one guarded action's preview and confirmed run on its own thread and
// hands the value results back on the thread that owns the runner (the GUI).
// Destroying the runner cancels a run after its current batch and waits for
// the thread: no action outlives the window that started it. A preview is
// read-only and may wait long on a slow database (a COUNT behind a table
// lock): destroying the runner then does not wait — the thread finishes the
// preview, reports nothing and deletes itself — so closing the dialog never
// freezes the window.
class ActionRunner : public QObject
{
    Q_OBJECT
public:
    ActionRunner(std::shared_ptr<GuardedAction> action, Profile profile, QObject *parent = nullptr);
    ~ActionRunner() override;

    void requestPreview();
    // Goes through GuardedWorkflow: the same guards and audit as turnstilectl.
    void requestRun(const ActionPreview &preview, const Confirmation &confirmation);
    // Thread-safe; the action stops after the batch in flight.
    void cancel();
    bool isBusy() const { return m_busy; }

    // The step the last run's result offers (GuardedAction::followUp), set
    // before finished() is emitted; empty when there is none.
    const std::optional<GuardedAction::FollowUp> &followUp() const { return m_followUp; }
    // Switches to the offered action and requests its preview: it is
    // confirmed, run and audited like the first. False when none is offered
    // or the runner is busy.
    bool startFollowUp();

signals:
    void previewReady(const turnstile::ActionPreview &preview);
    void progress(const turnstile::ActionProgress &progress);
    void finished(const turnstile::ActionResult &result);

private:
    // The worker reaches the runner only through this, under its mutex, so a
    // runner destroyed while its worker still runs is never posted to.
    struct Link
    {
        QMutex mutex;
        ActionRunner *runner = nullptr;
    };
    template <typename F> static void post(const std::shared_ptr<Link> &link, F &&f);

    std::shared_ptr<GuardedAction> m_action;
    Profile m_profile;
    std::shared_ptr<Link> m_link;
    QThread *m_thread;
    QObject *m_worker; // lives in m_thread
    QMutex m_controlMutex;
    std::shared_ptr<ActionControl> m_control;
    bool m_busy = false;
    bool m_running = false; // a confirmed run was requested (not just a preview)
    std::optional<GuardedAction::FollowUp> m_followUp;
};

} // namespace turnstile
