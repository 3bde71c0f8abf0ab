#!/usr/bin/env bash
# Builds and runs the event consumer benchmark (docs/benchmarks.md).
# Usage: bench/events/run.sh [BUILD_DIR] [bench_events options...]
#   BUILD_DIR defaults to build/dev. Options: --count N (default 20000),
#   --rate N (messages a second, 0 = as fast as the publisher goes),
#   --runs N (default 3; the median is reported), --dir DIR (history files).
# Environment:
#   TURNSTILE_LAB_ENV  lab env file [/tmp/turnstile-lab/lab.env]; the lab must
#                      run RabbitMQ (LAB_RABBITMQ=1 tests/lab/lab.sh start, or
#                      tests/lab/lab.sh rabbitmq-on)
# The figure the issue asks for: >= 5,000 events/s consumed and stored.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build/dev
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
cmake --build "$build" --target bench_events
exec "$build/bench/events/bench_events" "$@"
