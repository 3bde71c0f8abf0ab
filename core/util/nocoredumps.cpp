#include "util/nocoredumps.h"

#include <sys/prctl.h>
#include <sys/resource.h>

namespace turnstile {

void disableCoreDumps()
{
    // Both: RLIMIT_CORE alone is ignored by a core_pattern pipe (systemd-coredump,
    // apport), which PR_SET_DUMPABLE 0 stops too.
    const rlimit none{0, 0};
    setrlimit(RLIMIT_CORE, &none);
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

} // namespace turnstile
