#!/usr/bin/env bash
# GUI-thread responsiveness benchmark (docs/benchmarks.md, "GUI thread
# responsiveness"): builds bench_guistall and runs it under xvfb-run against a
# running lab (tests/lab/lab.sh start).
# Usage: bench/guistall/run.sh [BUILD_DIR] [bench_guistall options...]
#   options: --rounds N (default 3 per scenario), --scenario stall|quiet|both,
#            --stall-ms MS (how long the table stays locked, default 5000)
# Environment: TURNSTILE_LAB_ENV lab env file [/tmp/turnstile-lab/lab.env];
#   NO_XVFB=1 to use the current display (or QT_QPA_PLATFORM=offscreen).
# Needs the lab's MariaDB root over its socket (as the lab's owner), like
# bench/dbsample; writes and removes two keyring entries in the lab's keyring.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build/dev
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
env_file=${TURNSTILE_LAB_ENV:-/tmp/turnstile-lab/lab.env}
[[ -r $env_file ]] || { echo "guistall: no lab env file $env_file; start a lab (tests/lab/lab.sh start) or set TURNSTILE_LAB_ENV" >&2; exit 2; }
cmake --build "$build" --target bench_guistall
bin=$build/bench/guistall/bench_guistall
if [[ ${NO_XVFB:-0} == 1 ]]; then
    exec "$bin" --lab-env "$env_file" "$@"
fi
exec xvfb-run -a -s "-screen 0 1600x1000x24" "$bin" --lab-env "$env_file" "$@"
