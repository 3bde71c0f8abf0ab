#pragma once

#include <csignal>

namespace turnstile {

// While one exists, SIGINT and SIGTERM do not kill turnstilectl: they only set
// a flag (all a signal handler may safely do) that the running command polls
// to stop cleanly, after a whole batch or with the partial measurement kept.
// The previous handlers come back when it goes.
class StopSignals
{
public:
    StopSignals();
    ~StopSignals();
    StopSignals(const StopSignals &) = delete;
    StopSignals &operator=(const StopSignals &) = delete;

    // Whether a signal arrived since the last StopSignals was made.
    static bool requested();

private:
    struct sigaction m_oldInt
    {};
    struct sigaction m_oldTerm
    {};
};

} // namespace turnstile
