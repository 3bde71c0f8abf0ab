#pragma once

#include "guarded/actionpreview.h"
#include "guarded/actionresult.h"

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
};

} // namespace turnstile
