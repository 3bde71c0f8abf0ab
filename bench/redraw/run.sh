#!/usr/bin/env bash
# Builds and runs the chart redraw benchmark (docs/benchmarks.md, "Chart redraw").
# Usage: bench/redraw/run.sh [BUILD_DIR] [bench_redraw options...]
#   options: --samples N (default 1000000), --steps N (zoom/pan steps, default 60),
#            --raw-runs N (default 3), --charts N --profiles N (a page of N charts 600x300,
#            N curves each; docs/benchmarks.md), --metrics N (N line styles per chart, the
#            second dashed), --grab FILE (save the last step's picture)
# Runs on the offscreen platform unless QT_QPA_PLATFORM says otherwise
# (xvfb-run -a bench/redraw/run.sh with QT_QPA_PLATFORM=xcb paints through X).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build/dev
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
cmake --build "$build" --target bench_redraw
QT_QPA_PLATFORM=${QT_QPA_PLATFORM:-offscreen} exec "$build/bench/redraw/bench_redraw" "$@"
