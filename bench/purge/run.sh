#!/usr/bin/env bash
# Purge benchmark (docs/benchmarks.md, "Purging expired tokens"): Turnstile's
# guarded token purge (`auto`, i.e. copy-and-swap when most rows go, and
# `chunked`, followed by the guarded Rebuild table), pt-archiver and the cron
# job's single DELETE, alternating --repeat times (default 3) on identical
# copies of a 2,000,000-row Keystone token table, each while a writer inserts
# 200 tokens/s and revokes 20/s. Prints a Markdown table of the medians and
# writes the figures as JSON.
#
# Usage: bench/purge/run.sh [BUILD_DIR] [purgebench.py options...]
#   e.g. bench/purge/run.sh build/dev --contenders auto,chunked,pt-archiver,delete --repeat 3
#        bench/purge/run.sh build/dev --rows 50000 --repeat 1 --buffer-pool-mib 0 --redo-log-mib 0
# Environment:
#   LAB_DIR [/tmp/turnstile-bench-lab]  LAB_PORT_BASE [38500]   the private lab;
#        started when it is not running, and stopped again afterwards unless KEEP_LAB=1
#        (a lab that was already running is left running)
#   WORK_DIR [/tmp/turnstile-bench-purge]  template files, client.cnf (0600), audit log
#   OUT [BUILD_DIR/bench/purge/purge-result.json]
# Exit status: 0 when Turnstile meets every target, 1 when it misses one, 2 on errors.
set -Eeuo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build/dev
if [[ $# -gt 0 && $1 != -* ]]; then build=$(realpath -m "$1"); shift; fi
export LAB_DIR=${LAB_DIR:-/tmp/turnstile-bench-lab} LAB_PORT_BASE=${LAB_PORT_BASE:-38500}
WORK_DIR=${WORK_DIR:-/tmp/turnstile-bench-purge}
OUT=${OUT:-$build/bench/purge/purge-result.json}

die() { printf 'purge: %s\n' "$*" >&2; exit 2; }
# pt-archiver (apt-get install percona-toolkit) is checked by purgebench.py,
# only when it is one of the contenders.
# Debian's python3 has pymysql (Keystone's driver); a pyenv python on PATH may not.
/usr/bin/python3 -c 'import pymysql' 2>/dev/null || die "/usr/bin/python3 cannot import pymysql (apt-get install python3-pymysql)"

started_lab=0
if ! "$root/tests/lab/lab.sh" status >/dev/null 2>&1; then
    "$root/tests/lab/lab.sh" start >&2
    started_lab=1
fi
stop_lab() { if ((started_lab)) && [[ ${KEEP_LAB:-0} != 1 ]]; then "$root/tests/lab/lab.sh" stop >&2 || true; fi; }
trap stop_lab EXIT

[[ -f $build/CMakeCache.txt ]] || (cd "$root" && CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$root")} cmake --preset dev >&2)
CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$root")} cmake --build "$build" --target bench_purge >&2

# The lab is ours (LAB_DIR is private to this benchmark), so an idle
# transaction its Keystone leaves open may be ended: it would stop InnoDB's purge.
/usr/bin/python3 "$here/purgebench.py" --lab-env "$LAB_DIR/lab.env" \
    --bench-purge "$build/bench/purge/bench_purge" --work-dir "$WORK_DIR" --out "$OUT" \
    --end-idle-transactions "$@"
