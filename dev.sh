#!/usr/bin/env bash
# Turnstile developer entry point. On a fresh Debian 12 machine:
#   ./dev.sh run    install what is missing, build, start the lab, open turnstile on it
#   ./dev.sh test   install what is missing, build, run every test (what CI runs)
#   LAB_REGIONS=1 ./dev.sh run   the same with three regions on a Galera cluster (lab.sh galera-on,
#                 regions-on): profiles labregions-RegionOne..Three beside lab, all shown
# Other commands: deps, build [PRESET], lab ARGS..., screenshot FILE.png
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB="$ROOT/tests/lab/lab.sh"
RUN_LAB_DIR="${TURNSTILE_RUN_LAB_DIR:-/tmp/turnstile-lab}"
RUN_LAB_PORT_BASE="${TURNSTILE_RUN_LAB_PORT_BASE:-34500}"
LAB_REGIONS="${LAB_REGIONS:-0}"
[[ $LAB_REGIONS == [01] ]] || { echo "LAB_REGIONS must be 0 or 1" >&2; exit 2; }

# Build and test tools. The lab's own packages are listed in tests/lab/lab.sh.
BUILD_PKGS=(build-essential cmake ninja-build ccache pkg-config git
            qt6-base-dev qt6-charts-dev qt6-svg-dev qtkeychain-qt6-dev qt6-tools-dev
            qt6-tools-dev-tools qt6-l10n-tools qt6-translations-l10n libqt6sql6-mysql libqt6sql6-psql
            libqt6sql6-sqlite libgl1-mesa-dev libyaml-cpp-dev librabbitmq-dev
            xvfb xauth x11-apps imagemagick poppler-utils
            dpkg-dev file appstream desktop-file-utils clang libclang-rt-14-dev
            prometheus)

# Disk a cold `./dev.sh test` writes (build trees, ccache, labs), measured on a clean clone.
TEST_DISK_GIB=13
log() { printf '[dev %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
phase_start() { PHASE_T0=$(date +%s); log "== $1"; }
phase_end() { log "== $1 took $(( $(date +%s) - PHASE_T0 )) s"; }

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

cmd_deps() {
    local missing=() p
    for p in "${BUILD_PKGS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if ((${#missing[@]})); then
        log "installing build packages: ${missing[*]}"
        as_root apt-get update -q >/dev/null
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
    else
        log "build packages already installed"
    fi
    "$LAB" install
}

cmd_build() {
    local preset=${1:-dev}
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset"
}

lab_run() { LAB_DIR=$RUN_LAB_DIR LAB_PORT_BASE=$RUN_LAB_PORT_BASE "$LAB" "$@"; }

# Creates or refreshes the profile "lab" from the files the lab wrote, with
# its secrets in the lab's Secret Service (never in the profile file).
make_lab_profile() {
    local ctl="$ROOT/build/dev/app/turnstilectl"
    # shellcheck disable=SC1090,SC1091
    . "$RUN_LAB_DIR/lab.env"
    export DBUS_SESSION_BUS_ADDRESS=$TURNSTILE_LAB_DBUS_ADDRESS
    "$ctl" profiles import --clouds-yaml "$RUN_LAB_DIR/clouds.yaml" --cloud lab >/dev/null
    "$ctl" profiles import --keystone-conf "$TURNSTILE_LAB_KEYSTONE_CONF" --profile lab >/dev/null
    log "profile 'lab' written to $("$ctl" profiles path)"
}

# The three regions of lab.sh regions-on as profiles: clouds.yaml's cloud "labregions" (one
# profile per region, same cloud), then each region's keystone.conf (its Galera node, with the
# database password going to the keychain, its memcached and its node's key repository).
make_region_profiles() {
    local ctl="$ROOT/build/dev/app/turnstilectl" n name conf
    [[ -f $RUN_LAB_DIR/regions.env ]] || die "the regions are not running; run LAB_REGIONS=1 ./dev.sh run first"
    # shellcheck disable=SC1090,SC1091
    . "$RUN_LAB_DIR/lab.env"
    export DBUS_SESSION_BUS_ADDRESS=$TURNSTILE_LAB_DBUS_ADDRESS
    # shellcheck disable=SC1090,SC1091
    . "$RUN_LAB_DIR/regions.env"
    "$ctl" profiles import --clouds-yaml "$RUN_LAB_DIR/clouds.yaml" --cloud "$REGION_CLOUD" >/dev/null
    for ((n = 1; n <= REGION_COUNT; n++)); do
        name=REGION_NAME_$n conf=KEYSTONE_CONF_$n
        "$ctl" profiles import --keystone-conf "${!conf}" --profile "$REGION_CLOUD-${!name}" >/dev/null
    done
    log "profiles $REGION_CLOUD-RegionOne..$REGION_CLOUD-RegionThree written to $("$ctl" profiles path)"
}

cmd_run() {
    phase_start deps; cmd_deps; phase_end deps
    phase_start build; cmd_build dev; phase_end build
    phase_start lab; lab_run start; phase_end lab
    make_lab_profile
    local select=(--profile lab)
    if [[ $LAB_REGIONS == 1 ]]; then
        phase_start "regions (Galera + three Keystones)"; lab_run galera-on; lab_run regions-on; phase_end "regions (Galera + three Keystones)"
        make_region_profiles
        select=()   # all profiles: the three regions side by side
    fi
    local ctl="$ROOT/build/dev/app/turnstilectl" gui="$ROOT/build/dev/app/turnstile"
    echo
    "$ctl" probe "${select[@]}" || true
    echo
    if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
        cat <<MSG
No display found (DISPLAY is not set), so the window cannot open here.
The figures above come from the same probe the window shows. To see the window:
  xvfb-run -a -s '-screen 0 1280x800x24' env DBUS_SESSION_BUS_ADDRESS=$DBUS_SESSION_BUS_ADDRESS $gui ${select[*]}
or run  $([[ $LAB_REGIONS == 1 ]] && echo 'LAB_REGIONS=1 ')./dev.sh screenshot docs/overview.png  to save a picture of it.
The lab keeps running; stop it with: ./dev.sh lab stop
MSG
        return 0
    fi
    log "starting turnstile (the lab keeps running; stop it with ./dev.sh lab stop)"
    exec "$gui" "${select[@]}"
}

# Starts the GUI on a private Xvfb display against the running lab and saves a screenshot.
cmd_screenshot() {
    local out=${1:-$ROOT/docs/overview.png}
    [[ -f $RUN_LAB_DIR/lab.env ]] || die "the lab is not running; run ./dev.sh run first"
    [[ $LAB_REGIONS == 1 ]] && make_region_profiles
    # shellcheck disable=SC1090,SC1091
    . "$RUN_LAB_DIR/lab.env"
    # SHOT_ARGS: more turnstile options, e.g. "--page growth --color-scheme dark".
    # SHOT_SIZE: the screen, default 1280x800 (three regions' tiles need 1280x1180).
    local size=${SHOT_SIZE:-1280x800}
    [[ $size =~ ^[0-9]+x[0-9]+$ ]] || die "SHOT_SIZE must read WIDTHxHEIGHT"
    # SHOT_PROMETHEUS_URL: the charts draw from this Prometheus ([history] prometheusUrl) in a
    # turnstile.conf of the screenshot's own; the caller's settings are not touched, its
    # profiles are still read. Credentials only through TURNSTILE_PROMETHEUS_PASSWORD/_TOKEN.
    local env_prom=()
    if [[ -n ${SHOT_PROMETHEUS_URL:-} ]]; then
        [[ $SHOT_PROMETHEUS_URL =~ ^https?://[^@/]+/?$ ]] || die "SHOT_PROMETHEUS_URL must read http(s)://HOST:PORT"
        local conf; conf=$(mktemp -d)
        # shellcheck disable=SC2064
        trap "rm -rf '$conf'" RETURN
        mkdir -m 700 "$conf/turnstile"
        printf '[history]\nprometheusUrl=%s\n' "$SHOT_PROMETHEUS_URL" >"$conf/turnstile/turnstile.conf"
        env_prom=(-u TURNSTILE_HISTORY "TURNSTILE_PROFILES=$("$ROOT/build/dev/app/turnstilectl" profiles path)"
                  "XDG_CONFIG_HOME=$conf")
    fi
    env "${env_prom[@]}" DBUS_SESSION_BUS_ADDRESS="$TURNSTILE_LAB_DBUS_ADDRESS" OUT="$(realpath -m "$out")" GUI="$ROOT/build/dev/app/turnstile" \
        SHOT_ARGS="${SHOT_ARGS:-}" SHOT_SELECT="$([[ $LAB_REGIONS == 1 ]] || echo --profile lab)" SIZE="$size" xvfb-run -a -s "-screen 0 ${size}x24" bash -c '
            # shellcheck disable=SC2086
            "$GUI" $SHOT_SELECT $SHOT_ARGS -qwindowgeometry "$SIZE+0+0" & pid=$!
            sleep "${SHOT_DELAY:-8}"
            import -window root "$OUT"
            kill "$pid"; wait "$pid" 2>/dev/null || true'
    log "screenshot saved to $out"
}

cmd_test() {
    local t0; t0=$(date +%s)
    # A full run writes build/dev, build/asan, build/fuzz, ccache and the labs; when the disk
    # fills, the linker's "No space left on device" is the only sign, deep in the build log.
    local free_gib; free_gib=$(df -Pk "$ROOT" | awk 'NR == 2 { print int($4 / 1048576) }')
    log "$free_gib GiB free on the disk holding $ROOT (a cold test run writes about ${TEST_DISK_GIB} GiB)"
    (( free_gib >= TEST_DISK_GIB )) || log "WARNING: less free disk than a cold test run writes; the build may fail with 'No space left on device'"
    phase_start deps; cmd_deps; phase_end deps
    phase_start "build (dev)"; cmd_build dev; phase_end "build (dev)"
    phase_start "tests (dev: unit, widgets, integration against the lab, package)"
    local rc=0
    ctest --preset dev -j2 || rc=$?
    phase_end "tests (dev: unit, widgets, integration against the lab, package)"
    phase_start "build (asan)"; cmd_build asan; phase_end "build (asan)"
    phase_start "tests (asan+ubsan: unit and widgets)"
    ctest --preset asan -L unit -j2 || rc=$?
    phase_end "tests (asan+ubsan: unit and widgets)"
    phase_start "fuzz (libFuzzer, bounded)"
    "$ROOT/tests/fuzz/run-fuzz.sh" || rc=$?
    phase_end "fuzz (libFuzzer, bounded)"
    log "all phases took $(( $(date +%s) - t0 )) s; exit $rc"
    return $rc
}

case "${1:-}" in
    run) cmd_run ;;
    test) cmd_test ;;
    deps) cmd_deps ;;
    build) shift; cmd_build "$@" ;;
    lab) shift; lab_run "$@" ;;
    screenshot) shift; cmd_screenshot "$@" ;;
    *) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
