#!/usr/bin/env bash
# bench/keys/run.sh [BUILD_DIR] [--runs N]
# Three "nodes" = three copies of the lab's Fernet repository reached over the
# lab's sshd (node1..3 aliases). Needs a running lab (tests/lab/lab.sh start);
# LAB_DIR picks it (default /tmp/turnstile-lab).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BUILD=${1:-$ROOT/build/dev}; [[ ${1:-} == --* ]] && BUILD=$ROOT/build/dev || shift || true
LAB_DIR=${LAB_DIR:-/tmp/turnstile-lab}
[[ -f $LAB_DIR/lab.env ]] || { echo "no lab at $LAB_DIR (tests/lab/lab.sh start)" >&2; exit 2; }
# shellcheck disable=SC1091
. "$LAB_DIR/lab.env"
cmake --build "$BUILD" --target bench_keys >/dev/null
NODES=$LAB_DIR/bench-keys
rm -rf "$NODES"; mkdir -p "$NODES"
for n in node1 node2 node3; do cp -a "$TURNSTILE_LAB_FERNET_REPO" "$NODES/$n"; done
export TURNSTILE_SSH_CONFIG=$TURNSTILE_LAB_SSH_CONFIG TURNSTILE_KEYS_PEER_SSH_CONFIG=$TURNSTILE_LAB_SSH_CONFIG
rc=0
"$BUILD/bench/keys/bench_keys" --nodes "ssh://node1$NODES/node1,ssh://node2$NODES/node2,ssh://node3$NODES/node3" "$@" || rc=$?
rm -rf "$NODES"
exit $rc
