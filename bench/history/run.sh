#!/usr/bin/env bash
# Builds and runs the history store benchmark (docs/benchmarks.md).
# Usage: bench/history/run.sh [BUILD_DIR] [bench_history options...]
#   BUILD_DIR defaults to build/dev; options: --dir DIR (default: a temporary
#   directory under $TMPDIR), --keep (leave the database files behind).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build/dev
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
cmake --build "$build" --target bench_history
exec "$build/bench/history/bench_history" "$@"
