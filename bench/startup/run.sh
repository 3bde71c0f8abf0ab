#!/usr/bin/env bash
# Builds turnstile and the startup benchmark, then runs it under xvfb-run
# (docs/benchmarks.md, "Startup").
# Usage: bench/startup/run.sh [BUILD_DIR] [bench_startup options...]
#   BUILD_DIR defaults to build/dev; options: --runs N (default 9, per count),
#   --profiles N[,N...] (default 4; beyond four, unreachable profiles over four
#   clouds x four regions; a list prints the curve, e.g. --profiles 4,50,100,200,500),
#   --timeout S (default 30: a start without a first paint by then counts as S),
#   --lab-env FILE (two of the four profiles on that lab's Keystone and MariaDB,
#   secrets in its keyring; default: $TURNSTILE_LAB_ENV if set, else all four
#   unreachable), --dir DIR, --keep, --turnstile PATH (another build to time).
# Set NO_XVFB=1 to run on the current display (or QT_QPA_PLATFORM=offscreen).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build/dev
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
cmake --build "$build" --target turnstile bench_startup
args=("$@")
if [[ -n ${TURNSTILE_LAB_ENV:-} && " ${args[*]} " != *" --lab-env "* ]]; then
    args+=(--lab-env "$TURNSTILE_LAB_ENV")
fi
if [[ ${NO_XVFB:-0} == 1 ]]; then
    exec "$build/bench/startup/bench_startup" "${args[@]}"
fi
exec xvfb-run -a -s "-screen 0 1600x1000x24" "$build/bench/startup/bench_startup" "${args[@]}"
