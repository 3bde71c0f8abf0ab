#pragma once

#include <QString>

namespace turnstile {

// What the operator typed to allow a guarded action.
struct Confirmation
{
    QString typedTarget;      // must equal ActionPreview::target.text
    qint64 acknowledged = -1; // must equal ActionPreview::mustAcknowledge when that is set
};

} // namespace turnstile
