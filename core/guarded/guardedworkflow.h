#pragma once

#include "guarded/actionresult.h"
#include "guarded/confirmation.h"
#include "profiles/profile.h"

namespace turnstile {

class ActionControl;
class AuditLog;
class GuardedAction;
struct ActionPreview;

// The one gate every destructive action passes, in the GUI and in
// turnstilectl alike: preview → typed confirmation → run with progress and
// cancel → result → audit record. Nothing here knows SQL or ssh; the actions
// do. The workflow refuses to call execute() unless the profile is writable,
// the preview did not refuse, the typed target matches and any required
// acknowledgement covers the preview's count.
class GuardedWorkflow
{
public:
    GuardedWorkflow(Profile profile, AuditLog &audit);

    // Empty when the action may run, otherwise the sentence that says why not.
    QString refusal(const ActionPreview &preview, const Confirmation &confirmation) const;

    // Blocks; call on a worker thread. Writes a "started" audit line (fsync'ed)
    // before execute() and refuses to run when it cannot; then a "finished"
    // line with the result (completed, cancelled or failed).
    ActionResult run(GuardedAction &action, const ActionPreview &preview,
                     const Confirmation &confirmation, ActionControl &control);

    static QString osUser();

private:
    Profile m_profile;
    AuditLog &m_audit;
};

} // namespace turnstile
