#!/usr/bin/env bash
# Builds and runs the exporter scrape benchmark (issue 19).
# Usage: bench/exporter/run.sh [BUILD_DIR] [--profiles 50] [--scrapes 200]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build/dev
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
cmake --build "$build" --target bench_exporter
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$build/bench/exporter/bench_exporter" "$@"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
