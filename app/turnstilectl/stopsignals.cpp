#include "stopsignals.h"

#include <atomic>

namespace turnstile {

namespace {
std::atomic_bool g_stopRequested{false};
extern "C" void onStopSignal(int)
{
    g_stopRequested.store(true);
}
} // namespace

StopSignals::StopSignals()
{
    g_stopRequested.store(false);
    struct sigaction sa
    {};
    sa.sa_handler = onStopSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &m_oldInt);
    sigaction(SIGTERM, &sa, &m_oldTerm);
}

StopSignals::~StopSignals()
{
    sigaction(SIGINT, &m_oldInt, nullptr);
    sigaction(SIGTERM, &m_oldTerm, nullptr);
}

bool StopSignals::requested()
{
    return g_stopRequested.load();
}

} // namespace turnstile
