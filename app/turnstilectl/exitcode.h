#pragma once

namespace turnstile::exitcode {

// turnstilectl's exit codes: the table in docs/cli.md, one list for every
// command (tst_cli runs the documented cases and compares this list with the
// table). Commands return exitcode::Usage and so on; no other header defines
// an exit code of turnstilectl.
enum Code : int
{
    Ok = 0,
    Problem = 1,    // the command ran and found a problem
    Usage = 2,      // bad command line
    Config = 3,     // unknown profile, unreadable or malformed file, unknown cloud
    Keychain = 4,   // a secret that had to be stored could not be
    Refused = 5,    // the guard said no: read-only profile, wrong confirmation, no privilege
    Failed = 6,     // a guarded action started and stopped on an error; re-run to resume
    Cancelled = 7,  // stopped by SIGINT/SIGTERM after a whole batch; re-run to resume
    NoHistory = 8,  // report: no store yet, or no sample of any profile in the range
    NotWritten = 9, // report: --out could not be written
};

} // namespace turnstile::exitcode
