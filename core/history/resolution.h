#pragma once

#include <QtGlobal>

namespace turnstile {

// The three tables of the history store, finest first.
enum class Resolution
{
    Raw,
    Minute,
    Hour
};

// Width of one row of the table; raw samples have one-second timestamps.
constexpr qint64 resolutionSeconds(Resolution r)
{
    switch (r) {
    case Resolution::Raw:
        return 1;
    case Resolution::Minute:
        return 60;
    case Resolution::Hour:
        return 3600;
    }
    return 1;
}

} // namespace turnstile
