#pragma once

namespace turnstile {

// Both programs hold passwords, application credential secrets and tokens in
// memory. A core file (a crash, `gcore`, a distribution's crash reporter)
// would write them to disk in plain text, readable by whoever collects
// cores, and a non-dumpable process also refuses ptrace from other processes
// of the same user. Called first thing in each main().
void disableCoreDumps();

} // namespace turnstile
