#pragma once

#include "guarded/actionpreview.h"
#include "guarded/actionresult.h"

#include <memory>
#include <optional>

namespace turnstile {

class ActionControl;

// One destructive operation. Subclasses know how to look (preview) and how to
// act (execute); GuardedWorkflow decides whether they may act, and records
// what they did. Both calls block and run on a worker thread, never the GUI
// thread; an action object is used from one thread at a time.
class GuardedAction
{
public:
    virtual ~GuardedAction() = default;

    virtual QString kind() const = 0; // "purge.tokens", ^[a-z0-9_.]+$
    virtual ActionPreview preview() = 0;
    // Only called by GuardedWorkflow, with the preview it confirmed.
    virtual ActionResult execute(const ActionPreview &confirmed, ActionControl &control) = 0;

    // A second guarded action the result suggests (an unlock the API refused
    // can reset the counter in the database instead). It is offered, never
    // run on its own: it goes through its own preview, confirmation, progress
    // and audit record like any other action.
    struct FollowUp
    {
        QString title;    // translated, "Unlock through the database"
        QString question; // one sentence, "Reset the failed logins in the database instead?"
        std::shared_ptr<GuardedAction> action;
    };
    // Called on the worker thread right after execute(); none by default.
    virtual std::optional<FollowUp> followUp(const ActionResult &result) const
    {
        Q_UNUSED(result);
        return std::nullopt;
    }
};

} // namespace turnstile
