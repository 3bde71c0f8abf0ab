#!/usr/bin/env bash
# Token-validation accuracy (docs/benchmarks.md, "Token validation"): Turnstile's
# benchmark engine (bench_validate) side by side with wrk 4.1.0, same headers, same
# token, in one run:
#   (a) the lab Keystone, concurrency 20:  req/s within ±5 %, p50 within ±10 % of wrk's
#   (b) nginx serving a static 200 on loopback, concurrency 20:  p50(Turnstile) - p50(wrk) <= 2 ms
#   (c) a local server that stalls 1 s every 10 s: open-loop p99 shows the stalls,
#       closed-loop hides them (documented, not a pass/fail target)
# Prints a Markdown table; raw outputs stay in WORK_DIR.
#
# Usage: bench/validate/run.sh [BUILD_DIR] [--only a|b|c] [--duration S] [--repeat N]
# Environment:
#   LAB_DIR [/tmp/turnstile-bench-lab]  LAB_PORT_BASE [39500]  the private lab; started when
#        not running and stopped afterwards unless KEEP_LAB=1 (a running lab is left running)
#   NGINX_PORT [39580]  WORK_DIR [/tmp/turnstile-bench-validate]
# Only processes this script started are signalled (by their recorded PIDs).
# Exit status: 0 when (a) and (b) meet their targets, 1 when one is missed, 2 on errors.
set -Eeuo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build/dev
if [[ $# -gt 0 && $1 != -* ]]; then build=$(realpath -m "$1"); shift; fi
only=abc duration=15 repeat=2
while [[ $# -gt 0 ]]; do
    case $1 in
    --only) only=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    *) echo "usage: $0 [BUILD_DIR] [--only a|b|c] [--duration S] [--repeat N]" >&2; exit 2 ;;
    esac
done
export LAB_DIR=${LAB_DIR:-/tmp/turnstile-bench-lab} LAB_PORT_BASE=${LAB_PORT_BASE:-39500}
NGINX_PORT=${NGINX_PORT:-39580}
WORK_DIR=${WORK_DIR:-/tmp/turnstile-bench-validate}
mkdir -p "$WORK_DIR"
chmod 700 "$WORK_DIR"
die() { printf 'validate: %s\n' "$*" >&2; exit 2; }
command -v wrk >/dev/null || die "wrk not found (apt-get install wrk)"

pids=()
started_lab=0
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    if [[ -f $WORK_DIR/nginx.pid ]]; then kill "$(cat "$WORK_DIR/nginx.pid")" 2>/dev/null || true; fi
    if ((started_lab)) && [[ ${KEEP_LAB:-0} != 1 ]]; then "$root/tests/lab/lab.sh" stop >&2 || true; fi
}
trap cleanup EXIT

CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$root")} cmake --build "$build" --target bench_validate >&2
bv=$build/bench/validate/bench_validate

# Both tools get the same tokens through the environment, never argv.
run_pair() { # LABEL URL_V3 EXTRA...: wrk then Turnstile, alternating first/second over repeats
    local label=$1 v3=$2 i
    shift 2
    for ((i = 1; i <= repeat; i++)); do
        local order=(wrk ts)
        ((i % 2 == 0)) && order=(ts wrk)
        for tool in "${order[@]}"; do
            if [[ $tool == wrk ]]; then
                wrk -t2 -c20 -d"${duration}s" --latency --timeout 10s -s "$here/wrk-headers.lua" \
                    "$v3/auth/tokens" >"$WORK_DIR/$label-wrk-$i.txt" 2>&1 || true
            else
                BENCH_URL=$v3 BENCH_SUBJECT_TOKENS=$BENCH_SUBJECT_TOKEN \
                    "$bv" --concurrency 20 --duration "$duration" "$@" \
                    >"$WORK_DIR/$label-ts-$i.json" 2>"$WORK_DIR/$label-ts-$i.err" || true
            fi
            sleep 2
        done
    done
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

if [[ $only == *a* || $only == *c* ]]; then :; fi
if [[ $only == *a* ]]; then
    if ! "$root/tests/lab/lab.sh" status >/dev/null 2>&1; then
        "$root/tests/lab/lab.sh" start >&2
        started_lab=1
    fi
    # shellcheck disable=SC1090
    . "$LAB_DIR/lab.env"
    issue() { # a project-scoped token; the password goes in on stdin
        printf '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"%s","domain":{"name":"Default"},"password":"%s"}}},"scope":{"project":{"name":"%s","domain":{"name":"Default"}}}}}' \
            "$TURNSTILE_LAB_ADMIN_USER" "$TURNSTILE_LAB_ADMIN_PASSWORD" "$TURNSTILE_LAB_ADMIN_PROJECT" |
            curl -sS -D - -o /dev/null -H 'Content-Type: application/json' --data-binary @- \
                "$TURNSTILE_LAB_KS_URL/auth/tokens?nocatalog" | tr -d '\r' | awk -F': ' 'tolower($1)=="x-subject-token"{print $2}'
    }
    export BENCH_AUTH_TOKEN BENCH_SUBJECT_TOKEN
    BENCH_AUTH_TOKEN=$(issue)
    BENCH_SUBJECT_TOKEN=$(issue)
    [[ -n $BENCH_AUTH_TOKEN && -n $BENCH_SUBJECT_TOKEN ]] || die "cannot issue lab tokens"
    run_pair keystone "$TURNSTILE_LAB_KS_URL"
fi

if [[ $only == *b* ]]; then
    if ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y nginx-light >&2 ||
            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y nginx >&2
    fi
    ngx=$(command -v nginx || echo /usr/sbin/nginx)
    mkdir -p "$WORK_DIR/nginx"
    cat >"$WORK_DIR/nginx.conf" <<NGINX
worker_processes 1;
pid $WORK_DIR/nginx.pid;
error_log $WORK_DIR/nginx/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $WORK_DIR/nginx;
    proxy_temp_path $WORK_DIR/nginx;
    fastcgi_temp_path $WORK_DIR/nginx;
    uwsgi_temp_path $WORK_DIR/nginx;
    scgi_temp_path $WORK_DIR/nginx;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / { default_type application/json; return 200 '{"token":{}}'; }
    }
}
NGINX
    "$ngx" -c "$WORK_DIR/nginx.conf" -p "$WORK_DIR" -e "$WORK_DIR/nginx/error.log"
    sleep 0.5
    export BENCH_AUTH_TOKEN=static-auth BENCH_SUBJECT_TOKEN=static-subject
    run_pair nginx "http://127.0.0.1:$NGINX_PORT/v3"
    kill "$(cat "$WORK_DIR/nginx.pid")" 2>/dev/null || true
    rm -f "$WORK_DIR/nginx.pid"
fi

if [[ $only == *c* ]]; then
    rm -f "$WORK_DIR/stall.port"
    python3 "$root/tests/integration/data/fakekeystone.py" "$WORK_DIR/stall.port" stall &
    pids+=($!)
    for _ in $(seq 50); do [[ -f $WORK_DIR/stall.port ]] && break; sleep 0.1; done
    sport=$(cat "$WORK_DIR/stall.port")
    export BENCH_AUTH_TOKEN=stall-auth BENCH_SUBJECT_TOKEN=stall-subject
    sd=$((duration < 30 ? 30 : duration))
    BENCH_URL=http://127.0.0.1:$sport/v3 BENCH_SUBJECT_TOKENS=x "$bv" --concurrency 20 --duration "$sd" --rate 50 \
        >"$WORK_DIR/stall-open.json"
    BENCH_URL=http://127.0.0.1:$sport/v3 BENCH_SUBJECT_TOKENS=x "$bv" --concurrency 20 --duration "$sd" \
        >"$WORK_DIR/stall-closed.json"
    wrk -t2 -c20 -d"${sd}s" --latency --timeout 10s -s "$here/wrk-headers.lua" \
        "http://127.0.0.1:$sport/v3/auth/tokens" >"$WORK_DIR/stall-wrk.txt" 2>&1 || true
fi

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
python3 "$here/compare.py" "$WORK_DIR" "$only" "$repeat" "$load_before" "$load_after"
