#include "iopool.h"

#include <QCoreApplication>
#include <QThreadPool>

#include <mutex>

namespace turnstile {

namespace {

// Enough for every page of several profiles waiting on a hung database at
// once; blocked threads cost a stack, not CPU.
constexpr int kMaxThreads = 32;
constexpr int kExpiryMs = 60 * 1000;

struct IoPool : QThreadPool
{
    IoPool()
    {
        setObjectName(QStringLiteral("turnstile-io"));
        setMaxThreadCount(kMaxThreads);
        setExpiryTimeout(kExpiryMs);
    }
};

Q_GLOBAL_STATIC(IoPool, s_pool)

// Like the global pool, which QCoreApplication's destructor waits for: work
// still running must finish while the application (its plugins, its
// database drivers) still exists, not during static destruction.
void waitForIoPool()
{
    if (s_pool.exists())
        s_pool()->waitForDone();
}

} // namespace

QThreadPool *ioPool()
{
    static std::once_flag registered;
    std::call_once(registered, [] { qAddPostRoutine(waitForIoPool); });
    return s_pool();
}

} // namespace turnstile
