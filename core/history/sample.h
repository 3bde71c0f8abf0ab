#pragma once

#include <QtGlobal>

namespace turnstile {

// One measurement of one series. Timestamps are whole seconds since the epoch
// (UTC) everywhere in the history store: a second is finer than any sampler
// interval, and it keeps a stored timestamp at four bytes, which the
// bytes-per-sample budget depends on.
struct Sample
{
    qint64 ts = 0;
    double value = 0;

    bool operator==(const Sample &) const = default;
};

} // namespace turnstile
