#!/usr/bin/env bash
# Builds and runs the profile import/list benchmark (issue 15.14).
# Usage: bench/profiles/run.sh [BUILD_DIR] [--count N]   (default 5000 profiles)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build/dev
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
cmake --build "$build" --target bench_profiles
exec "$build/bench/profiles/bench_profiles" "$@"
