#!/usr/bin/env bash
# Builds turnstilectl and the report benchmark, then runs it (docs/benchmarks.md, "Reports").
# Usage: bench/report/run.sh [BUILD_DIR] [bench_report options...]
#   BUILD_DIR defaults to build/dev; options: --runs N (default 5), --dir DIR
#   (default: a temporary directory), --keep (leave the store and reports behind).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build/dev
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
cmake --build "$build" --target turnstilectl bench_report
exec "$build/bench/report/bench_report" "$@"
