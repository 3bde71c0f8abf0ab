#pragma once

#include <QString>

namespace turnstile {

// A marker on the time axis of a profile's charts, e.g. "purged 1.2M expired
// tokens" written by a guarded action, so a drop in a curve explains itself.
struct Annotation
{
    qint64 ts = 0; // seconds since the epoch (UTC)
    QString profile;
    QString kind; // machine-readable, ^[a-z0-9_.]+$ ("purge.tokens")
    QString text; // shown to the user as is

    bool operator==(const Annotation &) const = default;
};

} // namespace turnstile
