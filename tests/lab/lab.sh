#!/usr/bin/env bash
# lab.sh - real-service test lab for Turnstile (Debian 12 "bookworm" packages).
# Private MariaDB 10.11, PostgreSQL 15, Keystone 22 (uwsgi), memcached, sshd and
# a Secret Service (dbus-daemon + gnome-keyring), all on 127.0.0.1 only, with
# every data file under $LAB_DIR. The same uwsgi also serves Keystone over HTTPS
# with certificates from a throw-away CA in $LAB_DIR/tls (see tls_setup); MariaDB and
# PostgreSQL offer TLS with the same server certificate and also listen on 127.0.0.2, an
# address the certificate does not name (TURNSTILE_LAB_DB_ALT_HOST: the host-mismatch case).
#
# Usage: tests/lab/lab.sh <command>
#   install   apt-get the missing lab packages (sudo when not root)
#   start     start whatever is not running yet; writes $LAB_DIR/lab.env
#   stop      stop the processes this script recorded (pid + command line check)
#   status    one line per component; exit 0 = all up, 3 = all down, 1 = partial
#   env       print the path of the env file ($LAB_DIR/lab.env)
#   wipe      delete $LAB_DIR (only a stopped lab dir holding the marker file)
#
# Environment: LAB_DIR [/tmp/turnstile-lab]  LAB_PORT_BASE [34500]
#   KS_PORT [base+0] DB_PORT [base+1] PG_PORT [base+2] MC_PORT [base+3] SSH_PORT [base+4]
#   HTTPS: KS_TLS_PORT [base+5] good certificate, KS_TLS_EXPIRED_PORT [base+6] expired one,
#          KS_TLS_MISMATCH_PORT [base+7] one for another host name, KS_MTLS_PORT [base+8]
#          good certificate and a client certificate is required
#   ADMIN_PASSWORD [random on first start, kept in $LAB_DIR/secrets.env]
#   KS_TOKEN_EXPIRATION [3600] Keystone's [token] expiration in seconds (e.g. 86400 for a
#          cloud with 24 h tokens); written to lab.env as TURNSTILE_LAB_TOKEN_EXPIRATION
#   LAB_RABBITMQ [0, or as at the last start] 1: also RabbitMQ (Debian's rabbitmq-server, private node, epmd and cookie)
#          on RMQ_PORT [base+10] (AMQP), RMQ_TLS_PORT [base+11] (AMQPS, lab CA),
#          RMQ_DIST_PORT [base+12] (Erlang distribution), RMQ_EPMD_PORT [base+13],
#          RMQ_MGMT_PORT [base+14] (the management API, HTTP; +0.5 s of start), and Keystone
#          sends its CADF notifications there (messagingv2, notification_opt_out emptied).
#          Off by default: it adds ~6 s of Erlang start (4 s of CPU) and 150 MiB, and a Keystone
#          configured for it but without it waits ~6 s in every notifying call.
#   rabbitmq-on   add RabbitMQ to the running lab and restart Keystone with messagingv2
#   rabbitmq-off  the reverse (Keystone back to the log driver, RabbitMQ stopped)
#   rabbitmq-restart  stop and start only RabbitMQ (a broker restart, for reconnect tests)
#   regions-on    three Keystones (RegionOne..RegionThree) on the Galera cluster of galera-on
#          ($LAB_DIR/galera.env), each with its own memcached (ports base+40..+59), one Fernet
#          key set copied over ssh to node1..node3; writes $LAB_DIR/regions.env and adds the
#          cloud "labregions" to clouds.yaml (tests/lab/regions.sh)
#   regions-off   stop them again; regions-status  one line each
# Ports used at the last start are remembered in $LAB_DIR/run/ports.env.
set -Eeuo pipefail
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"   # mariadbd and sshd live in /usr/sbin

LAB_PKGS=(mariadb-server mariadb-client postgresql-15 memcached openssh-server
          openssh-client keystone python3-openstackclient uwsgi uwsgi-plugin-python3
          gnome-keyring dbus dbus-x11 libsecret-1-0 libsecret-tools curl procps iproute2 openssl
          rabbitmq-server amqp-tools)

CMD=${1:-}
LAB_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB_DIR=${LAB_DIR:-/tmp/turnstile-lab}
LAB_DIR=${LAB_DIR%/}
HOST=127.0.0.1 HOST_ALT=127.0.0.2 RUN=$LAB_DIR/run LOGS=$LAB_DIR/log MARKER=$LAB_DIR/.turnstile-lab
SECRETS=$LAB_DIR/secrets.env ENV_FILE=$LAB_DIR/lab.env PORTS_FILE=$LAB_DIR/run/ports.env
MY_DIR=$LAB_DIR/mysql MY_DATA=$LAB_DIR/mysql/data MY_SOCK=$LAB_DIR/mysql/mysqld.sock
PG_BIN=/usr/lib/postgresql/15/bin
PG_DIR=$LAB_DIR/pg PG_DATA=$LAB_DIR/pg/data PG_SOCK=$LAB_DIR/pg/sock
KS_DIR=$LAB_DIR/keystone KS_CONF=$LAB_DIR/keystone/keystone.conf
KS_TOKEN_EXPIRATION=${KS_TOKEN_EXPIRATION:-3600}
[[ $KS_TOKEN_EXPIRATION =~ ^[1-9][0-9]*$ ]] || { printf 'lab: KS_TOKEN_EXPIRATION must be a number of seconds\n' >&2; exit 2; }
FERNET=$LAB_DIR/keystone/fernet-keys CRED=$LAB_DIR/keystone/credential-keys
SSH_DIR=$LAB_DIR/ssh TLS=$LAB_DIR/tls
DBUS_SOCK=$RUN/dbus.sock DBUS_ADDR=unix:path=$RUN/dbus.sock
KR_DATA=$LAB_DIR/keyring-data XDG_RT=$RUN/xdg
OS_USER=$(id -un) OS_GROUP=$(id -gn)
if ((EUID == 0)); then PG_USER=postgres; else PG_USER=$OS_USER; fi

log() { printf 'lab: %s\n' "$*" >&2; }
die() {
    printf 'lab: %s\n' "$*" >&2
    if [[ ${IN_START:-0} == 1 ]]; then
        # let a background Keystone setup finish, so that its uwsgi pid file exists for 'stop'
        if [[ -n ${KS_JOB:-} ]]; then wait "$KS_JOB" 2>/dev/null || true; wait_for 50 pid_of keystone >/dev/null || true; fi
        printf 'lab: start failed; logs are in %s; clean up with: %s stop\n' "$LOGS" "$0" >&2
    fi
    exit 1
}
now() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }          # microseconds
secs() { local d=$(($(now) - $1)); printf '%d.%02d' $((d / 1000000)) $((d % 1000000 / 10000)); }
as_root() { if ((EUID == 0)); then "$@"; else sudo "$@"; fi; }
pg_as() { (cd / && if ((EUID == 0)); then runuser -u "$PG_USER" -- "$@"; else "$@"; fi); }
gen_secret() { local s=''; while ((${#s} < 24)); do s+=$(head -c 48 /dev/urandom | tr -dc 'A-Za-z0-9'); done; echo "${s:0:24}"; }

[[ $LAB_DIR == /?* && $LAB_DIR =~ ^[A-Za-z0-9._/-]+$ ]] \
    || die "LAB_DIR must be an absolute path of A-Z a-z 0-9 . _ - / characters (got '$LAB_DIR')"

# ------------------------------------------------------------------ ports
declare -A SAVED=()
if [[ -r $PORTS_FILE ]]; then
    while IFS='=' read -r k v; do [[ $k =~ ^[A-Z][A-Z0-9_]*$ ]] && SAVED[$k]=$v; done <"$PORTS_FILE"
fi
port_for() { # VAR OFFSET. start: VAR > LAB_PORT_BASE > remembered > 34500+OFFSET; others: remembered first
    local v=${!1:-}
    if [[ $CMD != start && -n ${SAVED[$1]:-} ]]; then v=${SAVED[$1]}; fi
    if [[ -z $v && -n ${LAB_PORT_BASE:-} ]]; then v=$((LAB_PORT_BASE + $2)); fi
    [[ -n $v ]] || v=${SAVED[$1]:-$((34500 + $2))}
    [[ $v =~ ^[1-9][0-9]{0,4}$ && $v -lt 65536 ]] || die "$1 must be a TCP port number (got '$v')"
    echo "$v"
}
KS_PORT=$(port_for KS_PORT 0) DB_PORT=$(port_for DB_PORT 1) PG_PORT=$(port_for PG_PORT 2)
MC_PORT=$(port_for MC_PORT 3) SSH_PORT=$(port_for SSH_PORT 4)
KS_TLS_PORT=$(port_for KS_TLS_PORT 5) KS_TLS_EXPIRED_PORT=$(port_for KS_TLS_EXPIRED_PORT 6)
KS_TLS_MISMATCH_PORT=$(port_for KS_TLS_MISMATCH_PORT 7) KS_MTLS_PORT=$(port_for KS_MTLS_PORT 8)
TLS_PORTVARS=(KS_TLS_PORT KS_TLS_EXPIRED_PORT KS_TLS_MISMATCH_PORT KS_MTLS_PORT)   # all served by Keystone's uwsgi
KS_URL=http://$HOST:$KS_PORT/v3 KS_TLS_URL=https://$HOST:$KS_TLS_PORT/v3
KS_TLS_EXPIRED_URL=https://$HOST:$KS_TLS_EXPIRED_PORT/v3 KS_TLS_MISMATCH_URL=https://$HOST:$KS_TLS_MISMATCH_PORT/v3
KS_MTLS_URL=https://$HOST:$KS_MTLS_PORT/v3
RMQ_PORT=$(port_for RMQ_PORT 10) RMQ_TLS_PORT=$(port_for RMQ_TLS_PORT 11)
RMQ_DIST_PORT=$(port_for RMQ_DIST_PORT 12) RMQ_EPMD_PORT=$(port_for RMQ_EPMD_PORT 13)
RMQ_MGMT_PORT=$(port_for RMQ_MGMT_PORT 14)
RMQ_PORTVARS=(RMQ_PORT RMQ_TLS_PORT RMQ_DIST_PORT RMQ_EPMD_PORT RMQ_MGMT_PORT)
LAB_RABBITMQ=${LAB_RABBITMQ:-${SAVED[LAB_RABBITMQ]:-0}}   # remembered, like the ports
[[ $LAB_RABBITMQ == [01] ]] || { printf 'lab: LAB_RABBITMQ must be 0 or 1\n' >&2; exit 2; }
RMQ_DIR=$LAB_DIR/rabbitmq RMQ_VHOST=lab RMQ_NODE=turnstile-lab-$RMQ_PORT@localhost

# ------------------------------------------------------------------ components
COMPONENTS=(keystone mariadb postgres memcached sshd keyring dbus)   # stop order
OPTIONAL=(rabbitmq epmd)   # LAB_RABBITMQ=1; stopped whenever recorded
declare -A PIDF=([mariadb]=$RUN/mariadbd.pid [postgres]=$RUN/postgres.pid [keystone]=$RUN/uwsgi.pid
    [memcached]=$RUN/memcached.pid [sshd]=$RUN/sshd.pid [dbus]=$RUN/dbus.pid [keyring]=$RUN/keyring.pid
    [rabbitmq]=$RUN/rabbitmq.pid [epmd]=$RUN/epmd.pid)
# what /proc/PID/cmdline must contain (env: = a line of /proc/PID/environ)
declare -A PAT=([mariadb]=$MY_DATA [postgres]=$PG_DATA [keystone]=$RUN/uwsgi.pid
    [memcached]=$RUN/memcached.pid [sshd]=$SSH_DIR/sshd_config [dbus]=$RUN/dbus-session.conf
    [keyring]="env:DBUS_SESSION_BUS_ADDRESS=$DBUS_ADDR" [rabbitmq]=$'-home\n'"$RMQ_DIR/home"$'\n' [epmd]=$'-port\n'"$RMQ_EPMD_PORT")
declare -A LABEL=([mariadb]=MariaDB [postgres]=PostgreSQL [keystone]=Keystone [memcached]=memcached
    [sshd]=sshd [dbus]=dbus-daemon [keyring]=gnome-keyring [rabbitmq]=RabbitMQ [epmd]=epmd)
declare -A PORT=([mariadb]=$DB_PORT [postgres]=$PG_PORT [keystone]=$KS_PORT [memcached]=$MC_PORT [sshd]=$SSH_PORT)
declare -A PORTVAR=([mariadb]=DB_PORT [postgres]=PG_PORT [keystone]=KS_PORT [memcached]=MC_PORT [sshd]=SSH_PORT)

alive() { # kill -0 also succeeds for a zombie that init has not reaped yet
    local st
    kill -0 "$1" 2>/dev/null && st=$(<"/proc/$1/stat") 2>/dev/null || return 1
    st=${st##*) }; [[ ${st:0:1} != Z ]]
}
# matches_pid PID PATTERN: the process is alive and its cmdline (or environ) matches
matches_pid() {
    local pid=$1 pat=$2 src=cmdline s
    [[ -n $pid ]] && alive "$pid" || return 1
    if [[ $pat == env:* ]]; then pat=${pat#env:}; src=environ; fi
    s=$(tr '\0' '\n' <"/proc/$pid/$src" 2>/dev/null) || return 1
    if [[ $src == environ ]]; then [[ $'\n'$s$'\n' == *$'\n'"$pat"$'\n'* ]]; else [[ $s == *"$pat"* ]]; fi
}
# pid_of COMPONENT: print the recorded pid if that process is alive and really ours
pid_of() {
    local f=${PIDF[$1]} pid
    [[ -s $f ]] || return 1
    pid=$(head -n1 "$f" | tr -dc '0-9')
    matches_pid "$pid" "${PAT[$1]}" || return 1
    echo "$pid"
}
port_in_use() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
check_port() {
    local c=$1
    pid_of "$c" >/dev/null && return 0
    if port_in_use "${PORT[$c]}"; then
        die "$HOST:${PORT[$c]} (${LABEL[$c]}) is already in use by another process; set ${PORTVAR[$c]} or LAB_PORT_BASE"
    fi
}
need() { # BINARY PACKAGE
    if [[ $1 == */* ]]; then [[ -e $1 ]]; else command -v "$1" >/dev/null 2>&1; fi || die "$1 not found (package $2); run: $0 install"
}
wait_for() { # TRIES(0.1 s) COMMAND...: poll until COMMAND succeeds
    local n=$1; shift
    while ((n-- > 0)); do "$@" && return 0; sleep 0.1; done
    return 1
}

# ------------------------------------------------------------------ install
cmd_install() {
    local missing=() p rc=0
    for p in "${LAB_PKGS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
    done
    if ((${#missing[@]} == 0)); then log "all lab packages are installed"; return 0; fi
    log "installing: ${missing[*]}"
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then   # keep maintainer scripts from starting services
        printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
        as_root chmod 755 /usr/sbin/policy-rc.d
        trap 'as_root rm -f /usr/sbin/policy-rc.d' EXIT   # also on failure or Ctrl-C
    fi
    as_root debconf-set-selections <<'EOF'
keystone keystone/configure_db boolean false
keystone keystone/create-admin-tenant boolean false
keystone keystone/register-endpoint boolean false
EOF
    local t; t=$(now)
    as_root apt-get update -q -o DPkg::Lock::Timeout=600 >/dev/null || log "apt-get update failed; trying the cached package lists"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 \
        "${missing[@]}" || rc=$?
    ((rc == 0)) || die "apt-get install failed (exit $rc)"
    log "apt-get install took $(secs "$t") s"
}

# ------------------------------------------------------------------ secrets / files
load_secrets() {
    local k v env_admin=${ADMIN_PASSWORD:-}
    ADMIN_PASSWORD='' DB_PASSWORD='' RO_PASSWORD='' PG_PASSWORD='' KEYRING_PASSWORD='' RMQ_KS_PASSWORD='' RMQ_PASSWORD=''
    if [[ -f $SECRETS ]]; then while IFS='=' read -r k v; do
        case $k in ADMIN_PASSWORD | DB_PASSWORD | RO_PASSWORD | PG_PASSWORD | KEYRING_PASSWORD | RMQ_KS_PASSWORD | RMQ_PASSWORD) printf -v "$k" '%s' "$v" ;; esac
    done <"$SECRETS"; fi
    [[ -n $env_admin ]] && ADMIN_PASSWORD=$env_admin
    [[ $ADMIN_PASSWORD =~ ^[A-Za-z0-9._-]*$ ]] || die "ADMIN_PASSWORD may only contain A-Z a-z 0-9 . _ -"
    for k in ADMIN_PASSWORD DB_PASSWORD RO_PASSWORD PG_PASSWORD KEYRING_PASSWORD RMQ_KS_PASSWORD RMQ_PASSWORD; do
        [[ -n ${!k} ]] || printf -v "$k" '%s' "$(gen_secret)"
    done
    (umask 077; printf '%s\n' "ADMIN_PASSWORD=$ADMIN_PASSWORD" "DB_PASSWORD=$DB_PASSWORD" \
        "RO_PASSWORD=$RO_PASSWORD" "PG_PASSWORD=$PG_PASSWORD" "KEYRING_PASSWORD=$KEYRING_PASSWORD" \
        "RMQ_KS_PASSWORD=$RMQ_KS_PASSWORD" "RMQ_PASSWORD=$RMQ_PASSWORD" >"$SECRETS")
    DB_URL=mysql+pymysql://keystone:$DB_PASSWORD@$HOST:$DB_PORT/keystone
}

exports() { local kv; for kv; do printf "export %s='%s'\n" "${kv%%=*}" "${kv#*=}"; done; }
write_files() {
    umask 077
    exports TURNSTILE_LAB_DIR="$LAB_DIR" TURNSTILE_LAB_KS_URL="$KS_URL" \
        TURNSTILE_LAB_KS_TLS_URL="$KS_TLS_URL" TURNSTILE_LAB_KS_TLS_EXPIRED_URL="$KS_TLS_EXPIRED_URL" \
        TURNSTILE_LAB_KS_TLS_MISMATCH_URL="$KS_TLS_MISMATCH_URL" TURNSTILE_LAB_KS_MTLS_URL="$KS_MTLS_URL" \
        TURNSTILE_LAB_TLS_CA="$TLS/ca.pem" TURNSTILE_LAB_TLS_CLIENT_CERT="$TLS/client.pem" \
        TURNSTILE_LAB_TLS_CLIENT_KEY="$TLS/client.key" \
        TURNSTILE_LAB_ADMIN_USER=admin TURNSTILE_LAB_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
        TURNSTILE_LAB_ADMIN_PROJECT=admin TURNSTILE_LAB_REGION=RegionOne \
        TURNSTILE_LAB_KEYSTONE_CONF="$KS_CONF" TURNSTILE_LAB_KEYSTONE_LOG="$KS_DIR/log/keystone.log" \
        TURNSTILE_LAB_TOKEN_EXPIRATION="$KS_TOKEN_EXPIRATION" \
        TURNSTILE_LAB_FERNET_REPO="$FERNET" TURNSTILE_LAB_CREDENTIAL_REPO="$CRED" \
        TURNSTILE_LAB_MYSQL_URL="$DB_URL" TURNSTILE_LAB_MYSQL_HOST=$HOST TURNSTILE_LAB_DB_ALT_HOST=$HOST_ALT TURNSTILE_LAB_MYSQL_PORT="$DB_PORT" \
        TURNSTILE_LAB_MYSQL_USER=keystone TURNSTILE_LAB_MYSQL_PASSWORD="$DB_PASSWORD" \
        TURNSTILE_LAB_MYSQL_DB=keystone TURNSTILE_LAB_MYSQL_SOCKET="$MY_SOCK" \
        TURNSTILE_LAB_MYSQL_RO_USER=turnstile_ro TURNSTILE_LAB_MYSQL_RO_PASSWORD="$RO_PASSWORD" \
        TURNSTILE_LAB_PG_URL="postgresql://turnstile:$PG_PASSWORD@$HOST:$PG_PORT/turnstile_history" \
        TURNSTILE_LAB_PG_HOST=$HOST TURNSTILE_LAB_PG_PORT="$PG_PORT" TURNSTILE_LAB_PG_USER=turnstile \
        TURNSTILE_LAB_PG_PASSWORD="$PG_PASSWORD" TURNSTILE_LAB_PG_DB=turnstile_history \
        TURNSTILE_LAB_PG_SOCKET_DIR="$PG_SOCK" TURNSTILE_LAB_PGPASSFILE="$LAB_DIR/pgpass" \
        TURNSTILE_LAB_MEMCACHED="$HOST:$MC_PORT" TURNSTILE_LAB_SSH_PORT="$SSH_PORT" \
        TURNSTILE_LAB_SSH_CONFIG="$SSH_DIR/ssh_config" TURNSTILE_LAB_SSH_KEY="$SSH_DIR/id_ed25519" \
        TURNSTILE_LAB_SSH_USER="$OS_USER" TURNSTILE_LAB_SSH_KNOWN_HOSTS="$SSH_DIR/known_hosts" \
        TURNSTILE_LAB_DBUS_ADDRESS="$DBUS_ADDR" TURNSTILE_LAB_KEYRING_DATA="$KR_DATA" \
        TURNSTILE_LAB_KEYRING_PASSWORD="$KEYRING_PASSWORD" TURNSTILE_LAB_XDG_RUNTIME_DIR="$XDG_RT" \
        TURNSTILE_LAB_OPENRC="$LAB_DIR/openrc" TURNSTILE_LAB_CLOUDS_YAML="$LAB_DIR/clouds.yaml" \
        TURNSTILE_LAB_RABBITMQ="$LAB_RABBITMQ" TURNSTILE_LAB_RMQ_HOST=$HOST TURNSTILE_LAB_RMQ_PORT="$RMQ_PORT" \
        TURNSTILE_LAB_RMQ_TLS_PORT="$RMQ_TLS_PORT" TURNSTILE_LAB_RMQ_MGMT_PORT="$RMQ_MGMT_PORT" \
        TURNSTILE_LAB_RMQ_VHOST=$RMQ_VHOST \
        TURNSTILE_LAB_RMQ_USER=turnstile TURNSTILE_LAB_RMQ_PASSWORD="$RMQ_PASSWORD" \
        TURNSTILE_LAB_RMQ_KS_USER=ksnotify TURNSTILE_LAB_RMQ_KS_PASSWORD="$RMQ_KS_PASSWORD" >"$ENV_FILE"
    exports OS_AUTH_URL="$KS_URL" OS_IDENTITY_API_VERSION=3 OS_USERNAME=admin OS_PASSWORD="$ADMIN_PASSWORD" \
        OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default \
        OS_REGION_NAME=RegionOne >"$LAB_DIR/openrc"
    cat >"$LAB_DIR/clouds.yaml" <<EOF
clouds:
  lab:
    auth:
      auth_url: $KS_URL
      username: admin
      password: '$ADMIN_PASSWORD'
      project_name: admin
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    identity_api_version: 3
EOF
    # lab.sh regions-on: the cloud of the three regions (tests/lab/regions.sh)
    if [[ -f $LAB_DIR/regions/clouds-fragment.yaml ]]; then cat "$LAB_DIR/regions/clouds-fragment.yaml" >>"$LAB_DIR/clouds.yaml"; fi
    printf '%s:%s:*:turnstile:%s\n' "$HOST" "$PG_PORT" "$PG_PASSWORD" >"$LAB_DIR/pgpass"
    umask 022
}

# ------------------------------------------------------------------ MariaDB
start_mariadb() {
    mkdir -p "$MY_DIR"
    if [[ ! -d $MY_DATA/mysql ]]; then
        mariadb-install-db --no-defaults --datadir="$MY_DATA" --user="$OS_USER" --skip-test-db \
            >"$LOGS/mariadb-install-db.log" 2>&1 || { tail -20 "$LOGS/mariadb-install-db.log" >&2; die "mariadb-install-db failed"; }
    fi
    local as_user=(); ((EUID == 0)) && as_user=(--user=root)
    # TLS with the lab CA's server certificate (IP:127.0.0.1, DNS:localhost). Also listening on
    # 127.0.0.2, a name the certificate does not carry: the host-mismatch case.
    setsid mariadbd --no-defaults --datadir="$MY_DATA" --socket="$MY_SOCK" --port="$DB_PORT" \
        --bind-address=$HOST,$HOST_ALT "${as_user[@]}" \
        --ssl-ca="$TLS/ca.pem" --ssl-cert="$TLS/server.pem" --ssl-key="$TLS/server.key" --pid-file="${PIDF[mariadb]}" --log-error="$LOGS/mariadbd.err" \
        --skip-name-resolve --max-connections=500 --innodb-buffer-pool-size=256M </dev/null >/dev/null 2>&1 &
    if ! { wait_for 600 mariadb-admin --no-defaults -S "$MY_SOCK" -u"$OS_USER" ping >/dev/null 2>&1 &&
        wait_for 50 pid_of mariadb >/dev/null; }; then tail -20 "$LOGS/mariadbd.err" >&2; die "mariadbd did not start"; fi
}
init_mariadb() {
    local u
    {
        echo "CREATE DATABASE IF NOT EXISTS keystone;"
        for u in 127.0.0.1 localhost; do cat <<EOF
CREATE USER IF NOT EXISTS 'keystone'@'$u' IDENTIFIED BY '$DB_PASSWORD';
ALTER USER 'keystone'@'$u' IDENTIFIED BY '$DB_PASSWORD';
GRANT ALL PRIVILEGES ON keystone.* TO 'keystone'@'$u';
CREATE USER IF NOT EXISTS 'turnstile_ro'@'$u' IDENTIFIED BY '$RO_PASSWORD';
ALTER USER 'turnstile_ro'@'$u' IDENTIFIED BY '$RO_PASSWORD';
GRANT SELECT ON keystone.* TO 'turnstile_ro'@'$u';
EOF
        done
        echo "FLUSH PRIVILEGES;"
    } | mariadb --no-defaults -S "$MY_SOCK" -u"$OS_USER" || die "MariaDB user/database setup failed"
}

# ------------------------------------------------------------------ PostgreSQL
start_postgres() {
    mkdir -p "$PG_DIR" "$PG_SOCK"
    if ((EUID == 0)); then
        getent passwd "$PG_USER" >/dev/null || die "OS user '$PG_USER' missing (package postgresql-15); run: $0 install"
        chown "$PG_USER:" "$PG_DIR" "$PG_SOCK"
        pg_as test -w "$PG_DIR" || die "$PG_DIR is not reachable for OS user $PG_USER; every parent of LAB_DIR must be traversable (o+x)"
    fi
    chmod 711 "$PG_DIR"; chmod 755 "$PG_SOCK"
    if [[ ! -f $PG_DATA/PG_VERSION ]]; then
        pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U "$PG_USER" --auth-local=peer --auth-host=scram-sha-256 \
            -E UTF8 --no-locale >"$LOGS/initdb.log" 2>&1 || { tail -20 "$LOGS/initdb.log" >&2; die "initdb failed"; }
        echo "include 'lab.conf'" >>"$PG_DATA/postgresql.conf"
    fi
    # TLS as for MariaDB; PostgreSQL wants the key owned by its OS user and 0600.
    local own=(); ((EUID == 0)) && own=(-o "$PG_USER")
    install "${own[@]}" -m 600 "$TLS/server.key" "$PG_DATA/lab-server.key"
    install "${own[@]}" -m 644 "$TLS/server.pem" "$PG_DATA/lab-server.pem"
    printf "listen_addresses = '%s,%s'\nport = %s\nunix_socket_directories = '%s'\n%s\n" "$HOST" "$HOST_ALT" "$PG_PORT" "$PG_SOCK" \
        "ssl = on"$'\n'"ssl_cert_file = 'lab-server.pem'"$'\n'"ssl_key_file = 'lab-server.key'" >"$PG_DATA/lab.conf"
    chown "$PG_USER:" "$PG_DATA/lab.conf"
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/postgres.log" -w -t 60 start >/dev/null \
        || { tail -20 "$PG_DIR/postgres.log" >&2; die "PostgreSQL did not start"; }
    head -n1 "$PG_DATA/postmaster.pid" >"${PIDF[postgres]}"
    pid_of postgres >/dev/null || die "PostgreSQL started but its pid does not match ${PIDF[postgres]}"
}
init_postgres() {
    pg_as "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U "$PG_USER" -d postgres >/dev/null <<EOF \
        || die "PostgreSQL role/database setup failed"
SELECT 'CREATE ROLE turnstile LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'turnstile')\gexec
ALTER ROLE turnstile WITH LOGIN PASSWORD '$PG_PASSWORD';
SELECT 'CREATE DATABASE turnstile_history OWNER turnstile' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'turnstile_history')\gexec
EOF
    PGPASSFILE=$LAB_DIR/pgpass psql -X -q -w -h $HOST -p "$PG_PORT" -U turnstile -d turnstile_history \
        -c 'SELECT 1' >/dev/null || die "psql login as turnstile over TCP failed"
}

# ------------------------------------------------------------------ Keystone
keystone_setup() { # $1 = 1: uwsgi is already running, only re-bootstrap when needed
    local km=(keystone-manage --config-file "$KS_CONF") mlog=$KS_DIR/log/manage.log hash j jobs=() notify_default=''
    # The empty opt-out also sends the authenticate success and pending events, which
    # Keystone's default list hides.
    [[ $LAB_RABBITMQ == 1 ]] && notify_default=$'notification_format = cadf\nnotification_opt_out ='
    mkdir -p "$KS_DIR/log" "$FERNET" "$CRED"
    chmod 700 "$FERNET" "$CRED"
    (umask 077; cat >"$KS_CONF" <<EOF
# generated by tests/lab/lab.sh on every start
[DEFAULT]
log_dir = $KS_DIR/log
log_file = keystone.log
use_stderr = false
$notify_default
[database]
connection = $DB_URL
max_pool_size = 10
max_overflow = 20
[token]
provider = fernet
expiration = $KS_TOKEN_EXPIRATION
[fernet_tokens]
key_repository = $FERNET
max_active_keys = 3
[fernet_receipts]
key_repository = $FERNET
[credential]
key_repository = $CRED
[security_compliance]
lockout_failure_attempts = 3
lockout_duration = 1800
disable_user_account_days_inactive = 90
unique_last_password_count = 3
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
EOF
    if [[ $LAB_RABBITMQ == 1 ]]; then cat >>"$KS_CONF" <<EOF
[oslo_messaging_notifications]
# CADF events to RabbitMQ (exchange keystone, topic notifications.info) and still to keystone.log
driver = messagingv2
driver = log
transport_url = rabbit://ksnotify:$RMQ_KS_PASSWORD@$HOST:$RMQ_PORT/$RMQ_VHOST
EOF
    else
        printf '%s\n' '[oslo_messaging_notifications]' 'driver = log' >>"$KS_CONF"
    fi
    )
    if [[ $1 == 0 ]]; then   # ~2 s of Python start-up each, so run them side by side
        "${km[@]}" db_sync >>"$mlog" 2>&1 & jobs+=($!)
        if [[ -z $(ls -A "$FERNET") ]]; then
            "${km[@]}" fernet_setup --keystone-user "$OS_USER" --keystone-group "$OS_GROUP" >>"$mlog" 2>&1 & jobs+=($!)
        fi
        if [[ -z $(ls -A "$CRED") ]]; then
            "${km[@]}" credential_setup --keystone-user "$OS_USER" --keystone-group "$OS_GROUP" >>"$mlog" 2>&1 & jobs+=($!)
        fi
        for j in "${jobs[@]}"; do
            wait "$j" || { tail -20 "$mlog" >&2; die "keystone-manage db_sync/fernet_setup/credential_setup failed"; }
        done
    fi
    hash=$(printf '%s' "$ADMIN_PASSWORD@$KS_URL" | sha256sum | cut -d' ' -f1)
    if [[ $(cat "$KS_DIR/.bootstrapped" 2>/dev/null) != "$hash" ]]; then
        # bootstrap notifies ten times; without the broker each would wait ~6 s
        [[ $LAB_RABBITMQ == 1 ]] && rmq_wait
        # the password goes through the environment, never onto a command line
        OS_BOOTSTRAP_PASSWORD=$ADMIN_PASSWORD "${km[@]}" bootstrap --bootstrap-username admin \
            --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-service-name keystone \
            --bootstrap-region-id RegionOne --bootstrap-admin-url "$KS_URL/" \
            --bootstrap-internal-url "$KS_URL/" --bootstrap-public-url "$KS_URL/" >>"$mlog" 2>&1 \
            || { tail -20 "$mlog" >&2; die "keystone-manage bootstrap failed"; }
        echo "$hash" >"$KS_DIR/.bootstrapped"
    fi
}
launch_keystone() {
    # "Connection: close": --http-socket and --https-socket close after each response;
    # without the header keep-alive clients intermittently get "Connection reset by peer".
    # HTTPS is uwsgi's own (Debian's uwsgi links libssl): one TLS context per socket,
    # ADDR,CERT,KEY[,CIPHERS,CLIENT_CA]; a CLIENT_CA starting with '!' makes the client
    # certificate mandatory.
    OS_KEYSTONE_CONFIG_FILES=$KS_CONF setsid uwsgi --plugin python3 --http-socket "$HOST:$KS_PORT" \
        --https-socket "$HOST:$KS_TLS_PORT,$TLS/server.pem,$TLS/server.key" \
        --https-socket "$HOST:$KS_TLS_EXPIRED_PORT,$TLS/expired.pem,$TLS/expired.key" \
        --https-socket "$HOST:$KS_TLS_MISMATCH_PORT,$TLS/mismatch.pem,$TLS/mismatch.key" \
        --https-socket "$HOST:$KS_MTLS_PORT,$TLS/server.pem,$TLS/server.key,HIGH,!$TLS/ca.pem" \
        --wsgi-file /usr/bin/keystone-wsgi-public --master --processes 2 --threads 2 --enable-threads \
        --lazy-apps --need-app --die-on-term --buffer-size 65535 --listen 100 \
        --add-header "Connection: close" --pidfile "${PIDF[keystone]}" --logto "$KS_DIR/log/uwsgi.log" \
        --disable-logging </dev/null >/dev/null 2>&1 &
}
ks_get() { # [URL [CURL OPTIONS...]]: the HTTP status of GET URL/ (000 = no answer)
    local url=${1:-$KS_URL}; shift $(($# > 0 ? 1 : 0))
    curl --noproxy '*' -s -o /dev/null -m 5 -w '%{http_code}' "$@" "$url/" 2>/dev/null || true
}
ks_up() { [[ $(ks_get) == 200 ]]; }
# every HTTPS socket answers: verified with the lab CA where the certificate is good
tls_get() {
    local ca=(--cacert "$TLS/ca.pem") good mtls exp mis
    good=$(ks_get "$KS_TLS_URL" "${ca[@]}")
    mtls=$(ks_get "$KS_MTLS_URL" "${ca[@]}" --cert "$TLS/client.pem" --key "$TLS/client.key")
    exp=$(ks_get "$KS_TLS_EXPIRED_URL" --insecure) mis=$(ks_get "$KS_TLS_MISMATCH_URL" --insecure)
    echo "good=$good expired=$exp mismatch=$mis mtls=$mtls"
}
tls_up() { [[ $(tls_get) == 'good=200 expired=200 mismatch=200 mtls=200' ]]; }
admin_token() { # body on stdin: the password never appears on a command line
    printf '{"auth":{"identity":{"methods":["password"],"password":{"user":{"name":"admin","domain":{"id":"default"},"password":"%s"}}},"scope":{"project":{"name":"admin","domain":{"id":"default"}}}}}' "$ADMIN_PASSWORD" \
        | curl --noproxy '*' -s -D - -o /dev/null -m 30 -H 'Content-Type: application/json' -d @- "$KS_URL/auth/tokens?nocatalog" \
        | awk 'tolower($1)=="x-subject-token:"{print $2}' | tr -d '\r'
}

# ------------------------------------------------------------------ TLS
# A throw-away CA (ca.pem) signs server.pem (SAN IP:127.0.0.1, DNS:localhost), expired.pem
# (same names, valid only in January 2020), mismatch.pem (SAN DNS:wrong.invalid only, so any
# client that dials 127.0.0.1 sees a host mismatch) and client.pem (clientAuth). EC P-256 keys,
# mode 0600. Made once; made again only when a certificate expires within 30 days.
tls_current() {
    local f
    [[ -f $TLS/.complete ]] || return 1
    for f in ca server mismatch client; do
        openssl x509 -noout -checkend 2592000 -in "$TLS/$f.pem" >/dev/null 2>&1 || return 1
    done
}
tls_issue() { # NAME CN EXTENSIONS [openssl ca validity options...]; runs in the new tls dir
    local n=$1 cn=$2 ext=$3; shift 3
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$cn" \
        -keyout "$n.key" -out "$n.csr" &&
        printf '%s\n' "$ext" | tr ';' '\n' >"$n.ext" &&
        openssl ca -batch -config ca.cnf -notext -create_serial -in "$n.csr" -out "$n.pem" -extfile "$n.ext" "$@" &&
        rm -f "$n.csr" "$n.ext"
}
tls_generate() ( # DIR; every step is checked with && (set -e does not apply under ||)
    local leaf='basicConstraints=critical,CA:FALSE;keyUsage=critical,digitalSignature'
    cd "$1" && umask 077 && mkdir db && : >db/index.txt &&
        printf '%s\n' '[ca]' 'default_ca = lab' '[lab]' 'database = db/index.txt' 'new_certs_dir = db' \
            'serial = db/serial' 'certificate = ca.pem' 'private_key = ca.key' 'default_md = sha256' \
            'policy = any' 'unique_subject = no' '[any]' 'commonName = supplied' >ca.cnf &&
        openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \
            -subj '/CN=Turnstile lab CA (throw-away)' -keyout ca.key -out ca.pem \
            -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' &&
        tls_issue server 127.0.0.1 "$leaf;extendedKeyUsage=serverAuth;subjectAltName=IP:127.0.0.1,DNS:localhost" -days 825 &&
        tls_issue expired 127.0.0.1 "$leaf;extendedKeyUsage=serverAuth;subjectAltName=IP:127.0.0.1,DNS:localhost" \
            -startdate 20200101000000Z -enddate 20200201000000Z &&
        tls_issue mismatch wrong.invalid "$leaf;extendedKeyUsage=serverAuth;subjectAltName=DNS:wrong.invalid" -days 825 &&
        tls_issue client turnstile-lab-client "$leaf;extendedKeyUsage=clientAuth" -days 825 &&
        chmod 644 ./*.pem && chmod 755 . && touch .complete
)
tls_setup() { # only while uwsgi is down: it reads the files at start
    local t
    tls_current && return 0
    t=$(now)
    rm -rf "$TLS.new"; mkdir -p "$TLS.new"
    tls_generate "$TLS.new" >"$LOGS/tls.log" 2>&1 || { tail -20 "$LOGS/tls.log" >&2; die "creating the lab CA and certificates failed"; }
    rm -rf "$TLS"; mv "$TLS.new" "$TLS"
    TIMES+=("tls-certs=$(secs "$t")s")
}

# ------------------------------------------------------------------ memcached
# shellcheck disable=SC2016  # $0/$1 expand in the child shell
mc_stats() { timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"; printf "stats\r\nquit\r\n" >&3; cat <&3' "$HOST" "$MC_PORT" 2>/dev/null; }
start_memcached() {
    local as_user=(); ((EUID == 0)) && as_user=(-u root)
    memcached -d "${as_user[@]}" -l $HOST -p "$MC_PORT" -U 0 -m 64 -P "${PIDF[memcached]}" \
        >>"$LOGS/memcached.log" 2>&1 || die "memcached failed to start (see $LOGS/memcached.log)"
    wait_for 100 pid_of memcached >/dev/null || die "memcached did not write ${PIDF[memcached]}"
    wait_for 50 eval 'mc_stats | grep -q "STAT pid"' || die "memcached did not answer 'stats' on $HOST:$MC_PORT"
}

# ------------------------------------------------------------------ sshd
start_sshd() {
    local key
    mkdir -p "$SSH_DIR"; chmod 700 "$SSH_DIR"
    if ((EUID == 0)); then mkdir -p /run/sshd; else [[ -d /run/sshd ]] || sudo -n mkdir -p /run/sshd || log "warning: /run/sshd is missing"; fi
    [[ -f $SSH_DIR/ssh_host_ed25519_key ]] || ssh-keygen -q -t ed25519 -N '' -C turnstile-lab-host -f "$SSH_DIR/ssh_host_ed25519_key"
    [[ -f $SSH_DIR/id_ed25519 ]] || ssh-keygen -q -t ed25519 -N '' -C turnstile-lab-client -f "$SSH_DIR/id_ed25519"
    cp "$SSH_DIR/id_ed25519.pub" "$SSH_DIR/authorized_keys"
    key=$(cut -d' ' -f1,2 "$SSH_DIR/ssh_host_ed25519_key.pub")
    echo "[$HOST]:$SSH_PORT,[node1]:$SSH_PORT,[node2]:$SSH_PORT,[node3]:$SSH_PORT $key" >"$SSH_DIR/known_hosts"
    cat >"$SSH_DIR/sshd_config" <<EOF
ListenAddress $HOST
Port $SSH_PORT
HostKey $SSH_DIR/ssh_host_ed25519_key
PidFile ${PIDF[sshd]}
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile $SSH_DIR/authorized_keys
StrictModes no
PermitRootLogin prohibit-password
Subsystem sftp internal-sftp
EOF
    cat >"$SSH_DIR/ssh_config" <<EOF
Host node1 node2 node3
    HostName $HOST
    Port $SSH_PORT
    User $OS_USER
    IdentityFile $SSH_DIR/id_ed25519
    UserKnownHostsFile $SSH_DIR/known_hosts
    GlobalKnownHostsFile /dev/null
    StrictHostKeyChecking yes
    BatchMode yes
    IdentitiesOnly yes
    ConnectTimeout 10
    LogLevel ERROR
EOF
    /usr/sbin/sshd -f "$SSH_DIR/sshd_config" -E "$LOGS/sshd.log" || { tail -5 "$LOGS/sshd.log" >&2; die "sshd failed to start"; }
    wait_for 100 pid_of sshd >/dev/null || die "sshd did not write ${PIDF[sshd]}"
    ssh -F "$SSH_DIR/ssh_config" node1 true </dev/null || die "ssh -F $SSH_DIR/ssh_config node1 true failed (see $LOGS/sshd.log)"
}

# ------------------------------------------------------------------ Secret Service
kr_env() { env -u DISPLAY -u WAYLAND_DISPLAY -u GNOME_KEYRING_CONTROL DBUS_SESSION_BUS_ADDRESS="$DBUS_ADDR" \
    XDG_RUNTIME_DIR="$XDG_RT" XDG_DATA_HOME="$KR_DATA" "$@"; }
start_dbus() {
    mkdir -p "$XDG_RT" "$KR_DATA"; chmod 700 "$XDG_RT" "$KR_DATA"
    rm -f "$DBUS_SOCK"
    # A private session bus WITHOUT service activation: if the keyring daemon
    # dies, clients must get an error, not a freshly activated, locked keyring
    # that silently hides every stored secret.
    cat >"$RUN/dbus-session.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>$DBUS_ADDR</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
EOF
    kr_env setsid dbus-daemon --config-file="$RUN/dbus-session.conf" --fork --print-pid >"${PIDF[dbus]}" \
        2>>"$LOGS/dbus.log" </dev/null || die "dbus-daemon failed to start (see $LOGS/dbus.log)"
    wait_for 50 pid_of dbus >/dev/null || die "dbus-daemon pid $(cat "${PIDF[dbus]}") is not running"
}
keyring_works() {
    printf 'ok' | kr_env secret-tool store --label=turnstile-lab-probe service turnstile-lab key probe 2>/dev/null &&
        [[ $(kr_env secret-tool lookup service turnstile-lab key probe 2>/dev/null) == ok ]]
}
start_keyring() {
    local p found=()
    # Keyring daemons on our bus that we did not record (e.g. left locked after
    # a crash) would answer instead of ours: they go first.
    for p in $(pgrep -x gnome-keyring-d || true); do
        if matches_pid "$p" "${PAT[keyring]}"; then kill "$p" 2>/dev/null || true; fi
    done
    # setsid: the daemon must not die with the shell (or CI job) that started the lab.
    printf '%s' "$KEYRING_PASSWORD" | kr_env setsid gnome-keyring-daemon --unlock --components=secrets \
        >>"$LOGS/keyring.log" 2>&1 || die "gnome-keyring-daemon --unlock failed (see $LOGS/keyring.log)"
    for p in $(pgrep -x gnome-keyring-d || true); do
        matches_pid "$p" "${PAT[keyring]}" && found+=("$p")
    done
    ((${#found[@]} > 0)) || die "gnome-keyring-daemon is not running on $DBUS_ADDR"
    echo "${found[0]}" >"${PIDF[keyring]}"
    wait_for 50 keyring_works || die "secret-tool store/lookup on $DBUS_ADDR failed"
    kr_env secret-tool clear service turnstile-lab key probe 2>/dev/null || true
}

# ------------------------------------------------------------------ RabbitMQ (LAB_RABBITMQ=1)
# Debian's rabbitmq-server started through /usr/lib/rabbitmq/bin directly: the /usr/sbin wrappers
# 'su rabbitmq' and cd to /var/lib/rabbitmq. Its own node name, HOME (so its own Erlang cookie),
# epmd on its own port, everything on 127.0.0.1. Users, vhost and the cap on Keystone's default
# queue come from a definitions file read at boot, so no rabbitmqctl (0.65 s of Erlang start
# each) is needed: readiness is the AMQP ports answering. One scheduler and no busy-waiting:
# the machine has 2 cores and other services.
rmq_env() {
    env HOME="$RMQ_DIR/home" RABBITMQ_NODENAME="$RMQ_NODE" RABBITMQ_NODE_IP_ADDRESS=$HOST \
        RABBITMQ_NODE_PORT="$RMQ_PORT" RABBITMQ_DIST_PORT="$RMQ_DIST_PORT" \
        RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia" RABBITMQ_LOG_BASE="$LOGS/rabbitmq" \
        RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf" RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins" \
        RABBITMQ_PID_FILE="${PIDF[rabbitmq]}" RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf" \
        ERL_EPMD_PORT="$RMQ_EPMD_PORT" ERL_EPMD_ADDRESS=$HOST \
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1} +S 1:1 +sbwt none +sbwtdcpu none +sbwtdio none" \
        "$@"
}
rmq_up() { port_in_use "$RMQ_PORT" && port_in_use "$RMQ_TLS_PORT" && pid_of rabbitmq >/dev/null; }
rmq_files() {
    mkdir -p "$RMQ_DIR/home" "$RMQ_DIR/mnesia" "$LOGS/rabbitmq"
    chmod 700 "$RMQ_DIR" "$RMQ_DIR/home"
    if [[ ! -s $RMQ_DIR/home/.erlang.cookie ]]; then
        (umask 077; gen_secret >"$RMQ_DIR/home/.erlang.cookie"); chmod 400 "$RMQ_DIR/home/.erlang.cookie"
    fi
    : >"$RMQ_DIR/rabbitmq-env.conf"
    # The management API: Turnstile reads the depth of Keystone's notifications.info from it
    # (measured: +0.5 s of start, +16 MiB).
    echo '[rabbitmq_management].' >"$RMQ_DIR/enabled_plugins"
    # rabbit_password_hashing_sha256: base64(salt . sha256(salt . password)); passwords on stdin
    printf '%s\n%s\n' "$RMQ_KS_PASSWORD" "$RMQ_PASSWORD" | (umask 077; /usr/bin/python3 -c '
import base64, hashlib, json, os, sys
ks, ts = sys.stdin.read().split("\n")[:2]
def h(pw):
    salt = os.urandom(4)
    return base64.b64encode(salt + hashlib.sha256(salt + pw.encode()).digest()).decode()
v = sys.argv[1]
user = lambda n, pw, tags="": {"name": n, "password_hash": h(pw), "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": tags}
perm = lambda n, c, w, r: {"user": n, "vhost": v, "configure": c, "write": w, "read": r}
json.dump({"vhosts": [{"name": v}],
           # management: the management API shows turnstile the queues of its vhost (depths)
           "users": [user("ksnotify", ks), user("turnstile", ts, "management")],
           # Keystone publishes; Turnstile may only make and feed queues named turnstile.*
           "permissions": [perm("ksnotify", ".*", ".*", ".*"),
                           perm("turnstile", "^turnstile\\..*", "^turnstile\\..*", ".*")],
           # nobody reads the default notifications.info queue in the lab: cap it
           "policies": [{"vhost": v, "name": "notif-cap", "pattern": "^notifications\\.", "apply-to": "queues",
                         "priority": 0, "definition": {"max-length": 1000, "overflow": "drop-head"}}]},
          open(sys.argv[2], "w"))
' "$RMQ_VHOST" "$RMQ_DIR/definitions.json") || die "writing the RabbitMQ definitions failed"
    printf '%s\n' "# generated by tests/lab/lab.sh on every start" \
        "listeners.tcp.default = $HOST:$RMQ_PORT" "listeners.ssl.default = $HOST:$RMQ_TLS_PORT" \
        "ssl_options.cacertfile = $TLS/ca.pem" "ssl_options.certfile = $TLS/server.pem" \
        "ssl_options.keyfile = $TLS/server.key" "ssl_options.verify = verify_none" \
        "ssl_options.fail_if_no_peer_cert = false" "load_definitions = $RMQ_DIR/definitions.json" \
        "loopback_users.guest = true" "log.console = false" "log.file.level = warning" \
        "vm_memory_high_watermark.absolute = 512MiB" "disk_free_limit.absolute = 200MB" \
        "management.tcp.ip = $HOST" "management.tcp.port = $RMQ_MGMT_PORT" >"$RMQ_DIR/rabbitmq.conf"
}
start_epmd() {
    pid_of epmd >/dev/null && return 0
    setsid epmd -address $HOST -port "$RMQ_EPMD_PORT" </dev/null >>"$LOGS/rabbitmq/epmd.log" 2>&1 &
    echo $! >"${PIDF[epmd]}"
    wait_for 50 port_in_use "$RMQ_EPMD_PORT" || die "epmd did not listen on $HOST:$RMQ_EPMD_PORT"
}
launch_rabbitmq() { # returns at once; rmq_wait waits for it
    rmq_files
    start_epmd
    rm -f "${PIDF[rabbitmq]}"
    rmq_env setsid /usr/lib/rabbitmq/bin/rabbitmq-server </dev/null >>"$LOGS/rabbitmq/startup.log" 2>&1 &
}
rmq_wait() {
    wait_for 1200 rmq_up || { tail -20 "$LOGS/rabbitmq/startup.log" >&2; die "RabbitMQ did not listen on $HOST:$RMQ_PORT and $RMQ_TLS_PORT"; }
}
stop_one() { # COMPONENT
    local pid n=300
    pid=$(pid_of "$1") || return 0
    kill -TERM "$pid" 2>/dev/null || true
    while ((n-- > 0)) && alive "$pid"; do sleep 0.1; done
    if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    rm -f "${PIDF[$1]}"
}
# rabbitmq-on / rabbitmq-off: add RabbitMQ to a running lab (or take it away) and restart only
# Keystone's uwsgi with the matching notification driver, so the default lab stays as cheap
# as it was and the event tests pay for the broker alone (CTest fixture lab_rabbitmq).
save_rabbitmq_choice() {
    local k
    [[ -r $PORTS_FILE ]] || die "the lab has not been started yet; run: $0 start"
    grep -v '^LAB_RABBITMQ=' "$PORTS_FILE" >"$PORTS_FILE.new" || true
    echo "LAB_RABBITMQ=$LAB_RABBITMQ" >>"$PORTS_FILE.new"; mv "$PORTS_FILE.new" "$PORTS_FILE"
    for k in "${RMQ_PORTVARS[@]}"; do grep -q "^$k=" "$PORTS_FILE" || echo "$k=${!k}" >>"$PORTS_FILE"; done
}
restart_keystone() {
    local t; t=$(now)
    pid_of keystone >/dev/null || die "Keystone is not running; run: $0 start"
    stop_one keystone
    keystone_setup 1
    launch_keystone
    wait_for 1200 ks_up || { tail -30 "$KS_DIR/log/uwsgi.log" >&2; die "Keystone did not answer GET $KS_URL/"; }
    wait_for 100 tls_up || die "Keystone HTTPS is not answering as expected: $(tls_get)"
    wait_for 50 pid_of keystone >/dev/null || die "uwsgi answers but ${PIDF[keystone]} is missing"
    log "Keystone restarted in $(secs "$t") s"
}
cmd_rabbitmq_on() {
    local t; t=$(now)
    LAB_RABBITMQ=1
    load_secrets
    write_files
    if ! pid_of rabbitmq >/dev/null; then
        for k in "${RMQ_PORTVARS[@]}"; do
            port_in_use "${!k}" && die "$HOST:${!k} (RabbitMQ) is already in use by another process; set $k or LAB_PORT_BASE"
        done
        launch_rabbitmq
    fi
    save_rabbitmq_choice
    # uwsgi restarts while Erlang boots; the first notification waits for the broker at most
    grep -q '^driver = messagingv2' "$KS_CONF" 2>/dev/null && pid_of keystone >/dev/null || restart_keystone
    rmq_wait
    log "RabbitMQ on: amqp://$HOST:$RMQ_PORT/$RMQ_VHOST (beam pid $(pid_of rabbitmq)) in $(secs "$t") s"
}
cmd_rabbitmq_off() {
    LAB_RABBITMQ=0
    load_secrets
    write_files
    save_rabbitmq_choice
    if grep -q '^driver = messagingv2' "$KS_CONF" 2>/dev/null && pid_of keystone >/dev/null; then restart_keystone; fi
    stop_one rabbitmq
    stop_one epmd
    log "RabbitMQ off"
}
cmd_rabbitmq_restart() {
    local t
    [[ $LAB_RABBITMQ == 1 ]] || die "LAB_RABBITMQ=1 is not set"
    load_secrets
    t=$(now)
    stop_one rabbitmq
    launch_rabbitmq
    rmq_wait
    log "RabbitMQ restarted in $(secs "$t") s"
}

# ------------------------------------------------------------------ start
TIMES=()
run_timed() { # COMPONENT FUNCTION...
    local c=$1 t; shift
    if pid_of "$c" >/dev/null; then TIMES+=("$c=running"); return 0; fi
    t=$(now)
    "$@"
    TIMES+=("$c=$(secs "$t")s")
}
cmd_start() {
    local t0 c k t_ks tok
    t0=$(now)
    need mariadbd mariadb-server; need mariadb mariadb-client; need mariadb-install-db mariadb-server
    need "$PG_BIN/initdb" postgresql-15; need psql postgresql-client-15; need memcached memcached
    need /usr/sbin/sshd openssh-server; need ssh openssh-client; need ssh-keygen openssh-client
    need keystone-manage keystone; need uwsgi uwsgi; need /usr/lib/uwsgi/plugins/python3_plugin.so uwsgi-plugin-python3
    need dbus-daemon dbus; need gnome-keyring-daemon gnome-keyring; need secret-tool libsecret-tools
    need curl curl; need pgrep procps; need openssl openssl
    local -A seen=()
    for k in KS_PORT DB_PORT PG_PORT MC_PORT SSH_PORT "${TLS_PORTVARS[@]}"; do
        [[ -z ${seen[${!k}]:-} ]] || die "$k and ${seen[${!k}]} are both ${!k}"
        seen[${!k}]=$k
    done
    for k in "$MY_SOCK" "$PG_SOCK/.s.PGSQL.$PG_PORT" "$DBUS_SOCK" "$XDG_RT/keyring/control"; do
        ((${#k} < 100)) || die "socket path $k is too long (limit 107 bytes); use a shorter LAB_DIR"
    done
    for c in "${COMPONENTS[@]}"; do
        if pid_of "$c" >/dev/null && [[ -n ${PORT[$c]:-} && ${SAVED[${PORTVAR[$c]}]:-} != "${PORT[$c]}" ]]; then
            die "${LABEL[$c]} is already running on port ${SAVED[${PORTVAR[$c]}]:-?}; run '$0 stop' before changing ports"
        fi
    done
    if pid_of keystone >/dev/null && [[ ${SAVED[LAB_RABBITMQ]:-0} != "$LAB_RABBITMQ" ]]; then
        die "Keystone is running with LAB_RABBITMQ=${SAVED[LAB_RABBITMQ]:-0} (its notification driver); run '$0 stop' first"
    fi
    if pid_of keystone >/dev/null; then
        for k in "${TLS_PORTVARS[@]}"; do   # no saved port: a uwsgi from a lab.sh without HTTPS
            [[ ${SAVED[$k]:-} == "${!k}" ]] ||
                die "Keystone is already running with $k=${SAVED[$k]:-none} (wanted ${!k}); run '$0 stop' first"
        done
    else
        for k in "${TLS_PORTVARS[@]}"; do
            if port_in_use "${!k}"; then die "$HOST:${!k} (Keystone HTTPS) is already in use by another process; set $k or LAB_PORT_BASE"; fi
        done
    fi
    for c in keystone mariadb postgres memcached sshd; do check_port "$c"; done
    if [[ $LAB_RABBITMQ == 1 ]]; then
        need /usr/lib/rabbitmq/bin/rabbitmq-server rabbitmq-server; need epmd erlang-base
        for k in "${RMQ_PORTVARS[@]}"; do
            [[ -z ${seen[${!k}]:-} ]] || die "$k and ${seen[${!k}]} are both ${!k}"
            seen[${!k}]=$k
            if ! pid_of rabbitmq >/dev/null && port_in_use "${!k}"; then
                die "$HOST:${!k} (RabbitMQ) is already in use by another process; set $k or LAB_PORT_BASE"
            fi
        done
    fi
    mkdir -p "$LAB_DIR" "$RUN" "$LOGS"
    chmod 711 "$LAB_DIR"   # PostgreSQL runs as another OS user and must traverse it
    touch "$MARKER"
    for k in KS_PORT DB_PORT PG_PORT MC_PORT SSH_PORT "${TLS_PORTVARS[@]}" "${RMQ_PORTVARS[@]}" LAB_RABBITMQ; do echo "$k=${!k}"; done >"$PORTS_FILE"
    load_secrets
    write_files
    IN_START=1
    trap 'die "unexpected failure at line $LINENO"' ERR
    pid_of keystone >/dev/null || tls_setup   # uwsgi reads the files at start; so do the databases
    local t_rmq rmq_started=0; t_rmq=$(now)
    if [[ $LAB_RABBITMQ == 1 ]] && ! pid_of rabbitmq >/dev/null; then launch_rabbitmq; rmq_started=1; fi   # overlaps the others
    run_timed mariadb start_mariadb
    init_mariadb
    t_ks=$(now)
    if pid_of keystone >/dev/null; then keystone_setup 1; TIMES+=("keystone=running")
    else (IN_START=0; keystone_setup 0; launch_keystone) & KS_JOB=$!; fi   # overlaps the others
    run_timed postgres start_postgres
    init_postgres
    run_timed memcached start_memcached
    run_timed sshd start_sshd
    run_timed dbus start_dbus
    run_timed keyring start_keyring
    if [[ -n ${KS_JOB:-} ]]; then
        c=$KS_JOB; KS_JOB=''
        wait "$c" || die "Keystone setup failed (see $KS_DIR/log/manage.log)"
        wait_for 1200 ks_up || { tail -30 "$KS_DIR/log/uwsgi.log" >&2; die "Keystone did not answer GET $KS_URL/"; }
        wait_for 50 pid_of keystone >/dev/null || die "uwsgi answers but ${PIDF[keystone]} is missing"
        TIMES+=("keystone=$(secs "$t_ks")s")
    fi
    wait_for 100 tls_up || { tail -30 "$KS_DIR/log/uwsgi.log" >&2; die "Keystone HTTPS is not answering as expected: $(tls_get)"; }
    if [[ $LAB_RABBITMQ == 1 ]]; then
        rmq_wait
        if ((rmq_started)); then TIMES+=("rabbitmq=$(secs "$t_rmq")s"); else TIMES+=("rabbitmq=running"); fi
    fi
    tok=$(admin_token || true)
    [[ -n $tok ]] || die "Keystone is up but an admin token could not be issued"
    trap - ERR; IN_START=0
    echo "Turnstile lab is up in $(secs "$t0") s   (LAB_DIR=$LAB_DIR)"
    echo "  timings   : ${TIMES[*]}"
    cat <<EOF
  keystone  : $KS_URL  (user admin, project admin, region RegionOne) uwsgi pid $(pid_of keystone)
  https     : $KS_TLS_URL  (CA $TLS/ca.pem); expired certificate :$KS_TLS_EXPIRED_PORT,
              certificate for wrong.invalid :$KS_TLS_MISMATCH_PORT, client certificate required :$KS_MTLS_PORT
  mariadb   : $HOST:$DB_PORT db keystone, users keystone / turnstile_ro, socket $MY_SOCK
  postgres  : $HOST:$PG_PORT db turnstile_history, role turnstile
  memcached : $HOST:$MC_PORT
  sshd      : $HOST:$SSH_PORT   ssh -F $SSH_DIR/ssh_config node1
  secrets   : DBUS_SESSION_BUS_ADDRESS=$DBUS_ADDR  (keyring data $KR_DATA)
  env file  : . $ENV_FILE   (also $LAB_DIR/openrc, $LAB_DIR/clouds.yaml; passwords in $SECRETS)
EOF
    if [[ $LAB_RABBITMQ == 1 ]]; then
        echo "  rabbitmq  : amqp://$HOST:$RMQ_PORT/$RMQ_VHOST, amqps :$RMQ_TLS_PORT (users ksnotify, turnstile) beam pid $(pid_of rabbitmq)"
    fi
}

# ------------------------------------------------------------------ stop / status / wipe
cmd_stop() {   # signal everything recorded at once, then wait; SIGKILL after 30 s
    local c pid t n=300
    local -A live=()
    t=$(now)
    [[ -d $RUN ]] || { log "nothing to stop in $LAB_DIR"; return 0; }
    for c in "${COMPONENTS[@]}" "${OPTIONAL[@]}"; do
        [[ $c == epmd ]] && continue   # after RabbitMQ, which deregisters from it
        if pid=$(pid_of "$c"); then
            live[$c]=$pid
            # PostgreSQL: SIGINT = fast shutdown; SIGTERM would wait for clients to disconnect
            if [[ $c == postgres ]]; then kill -INT "$pid"; else kill -TERM "$pid"; fi 2>/dev/null || true
        elif [[ -e ${PIDF[$c]} ]]; then
            rm -f "${PIDF[$c]}"; log "${LABEL[$c]}: not running (stale pid file removed)"
        fi
    done
    while ((${#live[@]} > 0 && n-- > 0)); do
        sleep 0.1
        for c in "${!live[@]}"; do
            alive "${live[$c]}" && continue
            log "${LABEL[$c]} stopped (pid ${live[$c]})"; rm -f "${PIDF[$c]}"; unset "live[$c]"
        done
    done
    for c in "${!live[@]}"; do
        log "${LABEL[$c]} (pid ${live[$c]}) ignored the signal for 30 s; sending SIGKILL"
        kill -KILL "${live[$c]}" 2>/dev/null || true; rm -f "${PIDF[$c]}"
    done
    if pid=$(pid_of epmd); then stop_one epmd; log "epmd stopped (pid $pid)"; fi
    if [[ -d $LAB_DIR/regions/run ]]; then . "$LAB_SCRIPTS/regions.sh"; regions_stop; fi
    rm -f "$DBUS_SOCK"
    log "stop took $(secs "$t") s"
}
cmd_status() {   # HTTPS has its own line: same uwsgi, but a lab.sh without it may have started it
    local c pid up=0 extra
    echo "LAB_DIR=$LAB_DIR"
    for c in "${COMPONENTS[@]}"; do
        extra=${PORT[$c]:+$HOST:${PORT[$c]}}
        if pid=$(pid_of "$c"); then
            up=$((up + 1))
            case $c in keystone) extra+=" GET /v3/ -> $(ks_get)" ;; dbus | keyring) extra=$DBUS_ADDR ;; esac
            printf '%-10s up    pid %-7s %s\n' "$c" "$pid" "$extra"
            if [[ $c == keystone ]]; then
                extra="$HOST:$KS_TLS_PORT,$KS_TLS_EXPIRED_PORT,$KS_TLS_MISMATCH_PORT,$KS_MTLS_PORT GET /v3/ -> $(tls_get)"
                if tls_up; then up=$((up + 1)); printf '%-10s up    pid %-7s %s\n' https "$pid" "$extra"
                else printf '%-10s down  %s\n' https "$extra"; fi
            fi
        else
            printf '%-10s down\n' "$c"
            if [[ $c == keystone ]]; then printf '%-10s down\n' https; fi
        fi
    done
    if [[ $LAB_RABBITMQ == 1 ]] || pid_of rabbitmq >/dev/null; then
        if pid=$(pid_of rabbitmq); then printf '%-10s up    pid %-7s %s\n' rabbitmq "$pid" "$HOST:$RMQ_PORT,$RMQ_TLS_PORT"
        else printf '%-10s down\n' rabbitmq; fi
    fi
    return $((up == ${#COMPONENTS[@]} + 1 ? 0 : up == 0 ? 3 : 1))
}
cmd_wipe() {
    local c
    [[ -e $LAB_DIR ]] || { log "$LAB_DIR does not exist"; return 0; }
    [[ -e $MARKER ]] || die "$LAB_DIR has no $(basename "$MARKER") marker; refusing to delete it"
    for c in "${COMPONENTS[@]}" "${OPTIONAL[@]}"; do
        pid_of "$c" >/dev/null && die "${LABEL[$c]} is still running; run: $0 stop"
    done
    if [[ -d $LAB_DIR/regions/run ]]; then
        . "$LAB_SCRIPTS/regions.sh"
        local rc=0; cmd_regions_status >/dev/null || rc=$?
        ((rc == 3)) || die "a region is still running; run: $0 stop"
    fi
    rm -rf -- "$LAB_DIR"
    log "removed $LAB_DIR"
}

case ${1:-} in
    install) cmd_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) if [[ -f $ENV_FILE ]]; then echo "$ENV_FILE"; else die "no env file yet; run: $0 start"; fi ;;
    wipe) cmd_wipe ;;
    rabbitmq-restart) cmd_rabbitmq_restart ;;
    rabbitmq-on) cmd_rabbitmq_on ;;
    rabbitmq-off) cmd_rabbitmq_off ;;
    regions-on) . "$LAB_SCRIPTS/regions.sh"; cmd_regions_on ;;
    regions-off) . "$LAB_SCRIPTS/regions.sh"; cmd_regions_off ;;
    regions-status) . "$LAB_SCRIPTS/regions.sh"; cmd_regions_status ;;
    *) awk 'NR==1{next} /^#/{sub(/^# ?/, ""); print; next} {exit}' "$0"; exit 2 ;;
esac
