#!/usr/bin/env bash
# Retakes docs/growth-prometheus.png: the window's Growth page drawn from a Prometheus on loopback
# that scraped `turnstilectl collect --listen` of the lab profile while tokens were issued and
# revoked and trusts created (so the charts are not flat). Real scrapes, no backfill.
#
#   LAB_DIR=/tmp/lab-x LAB_PORT_BASE=37700 tests/lab/growth-prometheus.sh [all [OUT.png]]
#       start, wait SHOT_MINUTES (default 20), shot, stop
#   ... growth-prometheus.sh start | shot [OUT.png] | stop
#
# Needs the lab running (tests/lab/lab.sh start with the same LAB_DIR/LAB_PORT_BASE), a dev build
# (turnstile, turnstilectl) and Debian's prometheus. Everything lives in $LAB_DIR/growth-prometheus:
# its own profiles file, history, turnstile.conf and Prometheus data; only the PIDs recorded there
# are stopped. The picture is taken by `./dev.sh screenshot` (SHOT_PROMETHEUS_URL).
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
LAB_DIR=${LAB_DIR:-/tmp/turnstile-lab}
LAB_PORT_BASE=${LAB_PORT_BASE:-34500}
WORK=$LAB_DIR/growth-prometheus
CTL=$ROOT/build/dev/app/turnstilectl
MINUTES=${SHOT_MINUTES:-20}
SCRAPE=${SHOT_SCRAPE:-10s}

log() { printf '[growth-prometheus %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ -f $LAB_DIR/lab.env ]] || die "the lab is not running in $LAB_DIR; start it with tests/lab/lab.sh start"
[[ -x $CTL ]] || die "$CTL is missing; build the dev preset first"
command -v prometheus >/dev/null || die "prometheus is not installed (Debian: apt-get install prometheus)"
# shellcheck disable=SC1090,SC1091
. "$LAB_DIR/lab.env"
export DBUS_SESSION_BUS_ADDRESS=$TURNSTILE_LAB_DBUS_ADDRESS
# A world of its own: the caller's profiles, history and turnstile.conf stay untouched.
export XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data TURNSTILE_AUDIT_LOG=$WORK/audit.jsonl
unset TURNSTILE_PROFILES TURNSTILE_HISTORY

alive() { # PIDFILE WORD: the recorded PID still runs and is ours (its command line names WORD)
    local pid
    [[ -f $1 ]] && pid=$(<"$1") && [[ -r /proc/$pid/cmdline ]] &&
        tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$2"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cmd_start() {
    mkdir -p "$WORK" && chmod 700 "$WORK"
    alive "$WORK/prometheus.pid" prometheus && die "already started; run stop first"
    "$CTL" profiles import --clouds-yaml "$LAB_DIR/clouds.yaml" --cloud lab >/dev/null
    "$CTL" profiles import --keystone-conf "$TURNSTILE_LAB_KEYSTONE_CONF" --profile lab >/dev/null

    # The collector picks a free port and says which on its first line (the old file goes first:
    # the child truncates it only when it runs).
    rm -f "$WORK/collect.out"
    "$CTL" collect --profile lab --listen 127.0.0.1:0 --interval "$SCRAPE" \
        >"$WORK/collect.out" 2>"$WORK/collect.err" &
    echo $! >"$WORK/collect.pid"
    local target='' i
    for ((i = 0; i < 100; i++)); do
        target=$(sed -n 's|^Serving /metrics at http://\([^/]*\)/metrics.*|\1|p' "$WORK/collect.out" 2>/dev/null)
        [[ -n $target ]] && break
        alive "$WORK/collect.pid" collect || die "the collector ended: $(cat "$WORK/collect.err")"
        sleep 0.2
    done
    [[ -n $target ]] || die "the collector did not say where it listens"

    local port; port=$(free_port)
    cat >"$WORK/prometheus.yml" <<YML
global: {scrape_interval: $SCRAPE, evaluation_interval: $SCRAPE}
scrape_configs:
  - job_name: turnstile
    static_configs: [{targets: ['$target']}]
YML
    prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/prometheus-data" \
        --web.listen-address="127.0.0.1:$port" >"$WORK/prometheus.log" 2>&1 &
    echo $! >"$WORK/prometheus.pid"
    echo "http://127.0.0.1:$port" >"$WORK/prometheus.url"

    # Churn for the charts, bounded to the scraping window: every 20 s a token issued and revoked
    # (a revocation event), every 60 s a trust to a lab user of its own. Passwords from lab.env
    # through the environment, never on a command line.
    SHOT_SECONDS=$((MINUTES * 60)) timeout $((MINUTES * 60 + 30)) python3 - >"$WORK/churn.log" 2>&1 <<'PY' &
import json, os, time, urllib.request, urllib.error
url = os.environ["TURNSTILE_LAB_KS_URL"].rstrip("/")
def call(method, path, body=None, token=None, subject=None):
    req = urllib.request.Request(url + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token: req.add_header("X-Auth-Token", token)
    if subject: req.add_header("X-Subject-Token", subject)
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.headers.get("X-Subject-Token"), (json.loads(r.read() or b"{}"))
def issue():
    return call("POST", "/auth/tokens", {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": os.environ["TURNSTILE_LAB_ADMIN_USER"], "domain": {"id": "default"},
            "password": os.environ["TURNSTILE_LAB_ADMIN_PASSWORD"]}}},
        "scope": {"project": {"name": os.environ["TURNSTILE_LAB_ADMIN_PROJECT"],
                              "domain": {"id": "default"}}}}})
admin, body = issue()
me, project = body["token"]["user"]["id"], body["token"]["project"]["id"]
_, users = call("GET", "/users?name=growth-shot-trustee", token=admin)
if users["users"]:
    trustee = users["users"][0]["id"]
else:
    trustee = call("POST", "/users", {"user": {"name": "growth-shot-trustee",
                                               "domain_id": "default"}}, token=admin)[1]["user"]["id"]
end, n = time.time() + int(os.environ["SHOT_SECONDS"]), 0
while time.time() < end:
    try:
        token, _ = issue()
        call("DELETE", "/auth/tokens", token=admin, subject=token)
        if n % 3 == 0:
            call("POST", "/OS-TRUST/trusts", {"trust": {
                "trustor_user_id": me, "trustee_user_id": trustee, "project_id": project,
                "impersonation": False, "roles": [{"name": "admin"}]}}, token=admin)
        print(time.strftime("%H:%M:%S"), "revoked", n + 1, flush=True)
    except urllib.error.URLError as e:
        print(time.strftime("%H:%M:%S"), "failed:", e, flush=True)
        admin, _ = issue()
    n += 1
    time.sleep(20)
PY
    echo $! >"$WORK/churn.pid"
    log "collector at $target, prometheus at $(<"$WORK/prometheus.url") (data in $WORK), churn for $MINUTES min"
}

cmd_shot() {
    local out=${1:-$ROOT/docs/growth-prometheus.png}
    alive "$WORK/prometheus.pid" prometheus || die "prometheus is not running; run start first"
    # The window's own profile file is the one start wrote; dev.sh gives it a turnstile.conf
    # whose [history] prometheusUrl is this Prometheus.
    TURNSTILE_PROFILES=$("$CTL" profiles path) TURNSTILE_RUN_LAB_DIR=$LAB_DIR \
        TURNSTILE_RUN_LAB_PORT_BASE=$LAB_PORT_BASE SHOT_PROMETHEUS_URL=$(<"$WORK/prometheus.url") \
        TZ=${TZ:-UTC} SHOT_ARGS="--page growth --range ${SHOT_RANGE:-${MINUTES}m} ${SHOT_ARGS:-}" \
        "$ROOT/dev.sh" screenshot "$out"
}

cmd_stop() {
    local name
    for name in churn collect prometheus; do
        if alive "$WORK/$name.pid" "$([[ $name == churn ]] && echo python3 || echo "$name")"; then
            kill "$(<"$WORK/$name.pid")" 2>/dev/null || true
        fi
        rm -f "$WORK/$name.pid"
    done
    log "stopped (data kept in $WORK)"
}

case "${1:-all}" in
    start) cmd_start ;;
    shot) shift; cmd_shot "$@" ;;
    stop) cmd_stop ;;
    all)
        shift || true
        cmd_start
        trap cmd_stop EXIT
        sleep $((MINUTES * 60))
        cmd_shot "$@" ;;
    *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
