#!/usr/bin/env bash
# Builds and runs the shared PostgreSQL benchmark (issue 19, docs/benchmarks.md).
# Usage: PGPASSWORD=... bench/sharedpg/run.sh [BUILD_DIR] --pg-url postgresql://USER@HOST:PORT/EMPTY_DB
#          [--collectors 50] [--series 40] [--cycles 20] [--connections N]
#          [--regions 10] [--days 30] [--points 1600] [--no-read]
# The database must be empty and the server must run on this machine (its CPU
# is read from /proc). With the lab (tests/lab/lab.sh), a fresh database:
#   runuser -u postgres -- psql -h $LAB_DIR/pg/sock -p PG_PORT -d postgres \
#       -c 'CREATE DATABASE turnstile_bench OWNER turnstile'
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build/dev
if [[ $# -gt 0 && $1 != --* ]]; then build=$1; shift; fi
cmake --build "$build" --target bench_sharedpg
exec "$build/bench/sharedpg/bench_sharedpg" "$@"
