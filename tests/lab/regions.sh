# shellcheck shell=bash disable=SC2034  # PIDF, PAT and LABEL are the tables of lab.sh, which sources this file
# regions.sh - the multi-region part of the lab, sourced by tests/lab/lab.sh for
#   lab.sh regions-on | regions-off | regions-status
# Three Keystones, RegionOne..RegionThree, under uwsgi, the deployment most clouds run
# (kolla, openstack-ansible): one Keystone per region, all on ONE database, a Galera
# cluster, region n talking to Galera node n; each region with its own memcached and
# Keystone's token cache on ([cache] enabled, oslo_cache.memcache_pool: Debian 12 has
# python3-memcache, not pymemcache); one Fernet key set made once (keystone-manage
# fernet_setup into $REGIONS/keys/source, the "deployment host") and copied over ssh to
# each region's node (lab ssh aliases node1..node3), which is the repository that
# region's Keystone reads. The Galera cluster is not started here: `lab.sh galera-on`
# (tests/lab/galera.sh) does, and writes $LAB_DIR/galera.env, read below.
#
# Ports (LAB_PORT_BASE +): Keystone of region n +39+n (+40..+42), its memcached +42+n
# (+43..+45). The range +40..+59 belongs to this file.
# Writes $LAB_DIR/regions.env (0600, `export KEY='VALUE'` like lab.env) and adds the cloud
# `labregions` (one region per entry, each with its own auth_url) to $LAB_DIR/clouds.yaml.
# regions-off stops only the PIDs recorded in $REGIONS/run (pid file + cmdline check).

REGIONS=$LAB_DIR/regions REG_RUN=$LAB_DIR/regions/run REG_LOGS=$LAB_DIR/log/regions
REGIONS_ENV=$LAB_DIR/regions.env GALERA_ENV=$LAB_DIR/galera.env
REG_CLOUDS=$LAB_DIR/regions/clouds-fragment.yaml
REG_KEY_SOURCE=$LAB_DIR/regions/keys/source REG_CRED=$LAB_DIR/regions/keys/credential
REGION_COUNT=3 REGION_CLOUD=labregions
REGION_NAMES=(x RegionOne RegionTwo RegionThree)
declare -a REG_KS_PORT REG_MC_PORT
for ((n = 1; n <= REGION_COUNT; n++)); do
    REG_KS_PORT[n]=$(port_for "REGION_KS_PORT_$n" $((39 + n)))
    REG_MC_PORT[n]=$(port_for "REGION_MC_PORT_$n" $((42 + n)))
    PIDF["region_ks_$n"]=$REG_RUN/keystone-$n.pid PAT["region_ks_$n"]=$REG_RUN/keystone-$n.pid
    PIDF["region_mc_$n"]=$REG_RUN/memcached-$n.pid PAT["region_mc_$n"]=$REG_RUN/memcached-$n.pid
    LABEL["region_ks_$n"]="Keystone ${REGION_NAMES[n]}" LABEL["region_mc_$n"]="memcached ${REGION_NAMES[n]}"
done
reg_ks_url() { echo "http://$HOST:${REG_KS_PORT[$1]}/v3"; }
reg_node() { echo "node$1"; }
reg_node_repo() { echo "$REGIONS/nodes/node$1/fernet-keys"; }
reg_conf() { echo "$REGIONS/keystone-$1/keystone.conf"; }

# galera.env: only GALERA_* keys, `export K='V'` or K=V lines; never sourced (it is a file
# another script wrote, and it holds passwords)
load_galera_env() {
    local line k v
    [[ -r $GALERA_ENV ]] || die "$GALERA_ENV is missing; start the Galera cluster first: $0 galera-on"
    while IFS= read -r line; do
        line=${line#export }
        k=${line%%=*} v=${line#*=}
        [[ $k =~ ^GALERA_[A-Z0-9_]+$ ]] || continue
        v=${v#\'} v=${v%\'}
        printf -v "$k" '%s' "$v"
    done <"$GALERA_ENV"
    for k in GALERA_KEYSTONE_DB_USER GALERA_KEYSTONE_DB_PASSWORD; do
        [[ -n ${!k:-} ]] || die "$GALERA_ENV has no $k"
    done
    [[ $GALERA_KEYSTONE_DB_PASSWORD =~ ^[A-Za-z0-9._-]+$ ]] || die "GALERA_KEYSTONE_DB_PASSWORD may only contain A-Z a-z 0-9 . _ - (it goes into a URL)"
    for ((n = 1; n <= REGION_COUNT; n++)); do
        k=GALERA_PORT_$n
        [[ ${!k:-} =~ ^[0-9]+$ ]] || die "$GALERA_ENV has no $k (region $n talks to Galera node $n)"
    done
}
# SQL on Galera node 1 as Keystone's user; the password in a 0600 option file, never on a command line
reg_sql() {
    local p=GALERA_PORT_1
    (umask 077; printf '%s\n' '[client]' "user=$GALERA_KEYSTONE_DB_USER" "password=$GALERA_KEYSTONE_DB_PASSWORD" \
        "host=$HOST" "port=${!p}" >"$REGIONS/client.cnf")
    mariadb --defaults-extra-file="$REGIONS/client.cnf" --no-auto-rehash -N -B -e "$1" 2>>"$REG_LOGS/sql.log"
}
reg_db_url() { # N [password]
    local pw=${2:+:$2}
    local p=GALERA_PORT_$1
    echo "mysql+pymysql://$GALERA_KEYSTONE_DB_USER$pw@$HOST:${!p}/keystone"
}

# shellcheck disable=SC2016  # $0/$1 expand in the child shell
reg_mc_stats() { timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"; printf "stats\r\nquit\r\n" >&3; cat <&3' "$HOST" "$1" 2>/dev/null; }
reg_start_memcached() { # N
    local n=$1 as_user=()
    if pid_of "region_mc_$n" >/dev/null; then
        reg_mc_stats "${REG_MC_PORT[n]}" | grep -q 'STAT pid' && return 0
        die "memcached of ${REGION_NAMES[n]} runs, but not on $HOST:${REG_MC_PORT[n]}; run: $0 regions-off"
    fi
    ((EUID == 0)) && as_user=(-u root)
    memcached -d "${as_user[@]}" -l "$HOST" -p "${REG_MC_PORT[n]}" -U 0 -m 64 -P "${PIDF["region_mc_$n"]}" \
        >>"$REG_LOGS/memcached-$n.log" 2>&1 || die "memcached of ${REGION_NAMES[n]} failed to start"
    wait_for 100 pid_of "region_mc_$n" >/dev/null || die "memcached of ${REGION_NAMES[n]} did not write its pid file"
    wait_for 50 eval "reg_mc_stats ${REG_MC_PORT[n]} | grep -q 'STAT pid'" || die "memcached did not answer on $HOST:${REG_MC_PORT[n]}"
}

reg_write_conf() { # N
    local n=$1 c; c=$(reg_conf "$n")
    mkdir -p "$(dirname "$c")/log"
    (umask 077; cat >"$c" <<EOF
# generated by tests/lab/lab.sh regions-on
[DEFAULT]
log_dir = $(dirname "$c")/log
log_file = keystone.log
use_stderr = false
[database]
connection = $(reg_db_url "$n" "$GALERA_KEYSTONE_DB_PASSWORD")
max_pool_size = 5
max_overflow = 10
[cache]
# the region's own memcached; Keystone caches token validations, the catalogue,
# roles and assignments there
enabled = true
backend = oslo_cache.memcache_pool
memcache_servers = $HOST:${REG_MC_PORT[n]}
# a memcached that was down is tried again after 5 s, not the default 300 s
memcache_dead_retry = 5
[token]
provider = fernet
expiration = $KS_TOKEN_EXPIRATION
caching = true
[fernet_tokens]
key_repository = $(reg_node_repo "$n")
max_active_keys = 3
[fernet_receipts]
key_repository = $(reg_node_repo "$n")
[credential]
key_repository = $REG_CRED
[oslo_policy]
enforce_new_defaults = false
enforce_scope = false
[oslo_messaging_notifications]
driver = log
EOF
    )
}
reg_launch_keystone() { # N
    local n=$1
    OS_KEYSTONE_CONFIG_FILES=$(reg_conf "$n") setsid uwsgi --plugin python3 --http-socket "$HOST:${REG_KS_PORT[n]}" \
        --wsgi-file /usr/bin/keystone-wsgi-public --master --processes 1 --threads 2 --enable-threads \
        --lazy-apps --need-app --die-on-term --buffer-size 65535 --listen 100 \
        --add-header "Connection: close" --pidfile "${PIDF["region_ks_$n"]}" \
        --logto "$(dirname "$(reg_conf "$n")")/log/uwsgi.log" --disable-logging </dev/null >/dev/null 2>&1 &
}
reg_ks_up() { [[ $(ks_get "$(reg_ks_url "$1")") == 200 ]] && pid_of "region_ks_$1" >/dev/null; }

# The key set goes from the source to every region's node over the lab's ssh, as a
# deployment tool distributes it (tar over ssh: the node needs nothing but tar).
reg_distribute_keys() {
    local n repo
    for ((n = 1; n <= REGION_COUNT; n++)); do
        repo=$(reg_node_repo "$n")
        tar -C "$REG_KEY_SOURCE" -cf - . | ssh -F "$SSH_DIR/ssh_config" "$(reg_node "$n")" \
            "set -e; rm -rf '$repo.new'; mkdir -p '$repo.new'; chmod 700 '$repo.new'; tar -C '$repo.new' -xf -; rm -rf '$repo'; mv '$repo.new' '$repo'" \
            2>>"$REG_LOGS/ssh.log" || die "copying the Fernet keys to $(reg_node "$n") over ssh failed (see $REG_LOGS/ssh.log)"
    done
}

# Catalogue: bootstrap made RegionOne with its identity endpoints; the other regions and
# theirs are added through the API (a keystone-manage run per region costs ~4 s of Python).
reg_catalogue() {
    local args=() n
    for ((n = 1; n <= REGION_COUNT; n++)); do args+=("${REGION_NAMES[n]}" "$(reg_ks_url "$n")/"); done
    # the password on stdin, never on a command line
    printf '%s' "$ADMIN_PASSWORD" | /usr/bin/python3 -c "$REG_CATALOGUE_PY" "$(reg_ks_url 1)" "${args[@]}" >>"$REG_LOGS/catalogue.log" 2>&1
}
REG_CATALOGUE_PY=$(cat <<'PY'
import json, sys, urllib.request
base, pairs = sys.argv[1], sys.argv[2:]
pw = sys.stdin.read()
def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Content-Type": "application/json", **({"X-Auth-Token": token} if token else {})})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.headers, json.loads(r.read() or b"{}")
h, _ = call("POST", "/auth/tokens?nocatalog", {"auth": {"identity": {"methods": ["password"], "password": {"user": {
    "name": "admin", "domain": {"id": "default"}, "password": pw}}}, "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}})
tok = h["X-Subject-Token"]
svc = [s for s in call("GET", "/services?type=identity", token=tok)[1]["services"]][0]["id"]
regions = {r["id"] for r in call("GET", "/regions", token=tok)[1]["regions"]}
eps = call("GET", "/endpoints?service_id=" + svc, token=tok)[1]["endpoints"]
for name, url in zip(pairs[::2], pairs[1::2]):
    if name not in regions:
        call("POST", "/regions", {"region": {"id": name}}, tok)
    for iface in ("public", "internal", "admin"):
        mine = [e for e in eps if e["region_id"] == name and e["interface"] == iface]
        if mine and mine[0]["url"] != url:
            call("PATCH", "/endpoints/" + mine[0]["id"], {"endpoint": {"url": url}}, tok)
        elif not mine:
            call("POST", "/endpoints", {"endpoint": {"service_id": svc, "interface": iface, "region_id": name, "url": url}}, tok)
print("catalogue:", ", ".join(pairs[::2]))
PY
)

reg_write_files() {
    local n kv=() f
    kv+=("REGION_COUNT=$REGION_COUNT" "REGION_CLOUD=$REGION_CLOUD" "REGION_KEY_SOURCE=$REG_KEY_SOURCE"
        "REGION_CREDENTIAL_REPO=$REG_CRED" REGION_ADMIN_USER=admin REGION_ADMIN_PROJECT=admin
        "REGION_ADMIN_PASSWORD=$ADMIN_PASSWORD" "REGION_DB_USER=$GALERA_KEYSTONE_DB_USER"
        "REGION_DB_PASSWORD=$GALERA_KEYSTONE_DB_PASSWORD")
    for ((n = 1; n <= REGION_COUNT; n++)); do
        f=GALERA_PORT_$n
        kv+=("REGION_NAME_$n=${REGION_NAMES[n]}" "KEYSTONE_URL_$n=$(reg_ks_url "$n")"
            "KEYSTONE_PORT_$n=${REG_KS_PORT[n]}" "KEYSTONE_CONF_$n=$(reg_conf "$n")"
            "KEYSTONE_PID_FILE_$n=${PIDF["region_ks_$n"]}"
            "MEMCACHED_PORT_$n=${REG_MC_PORT[n]}" "MEMCACHED_$n=$HOST:${REG_MC_PORT[n]}"
            "MEMCACHED_PID_FILE_$n=${PIDF["region_mc_$n"]}"
            "REGION_NODE_$n=$(reg_node "$n")" "REGION_KEY_REPO_$n=$(reg_node_repo "$n")"
            "REGION_GALERA_NODE_$n=$n" "REGION_DB_PORT_$n=${!f}" "REGION_DB_URL_$n=$(reg_db_url "$n")")
    done
    (umask 077; exports "${kv[@]}" >"$REGIONS_ENV")
    {
        echo "  $REGION_CLOUD:"
        echo "    auth:"
        echo "      auth_url: $(reg_ks_url 1)"
        echo "      username: admin"
        echo "      password: '$ADMIN_PASSWORD'"
        echo "      project_name: admin"
        echo "      user_domain_name: Default"
        echo "      project_domain_name: Default"
        echo "    identity_api_version: 3"
        echo "    regions:"
        for ((n = 1; n <= REGION_COUNT; n++)); do
            echo "      - name: ${REGION_NAMES[n]}"
            echo "        values: {auth: {auth_url: '$(reg_ks_url "$n")'}}"
        done
    } | (umask 077; cat >"$REG_CLOUDS")
    write_files   # clouds.yaml again, now with the fragment (see write_files)
}

reg_save_ports() {
    local n
    [[ -r $PORTS_FILE ]] || die "the lab has not been started yet; run: $0 start"
    grep -v '^REGION_' "$PORTS_FILE" >"$PORTS_FILE.new" || true
    for ((n = 1; n <= REGION_COUNT; n++)); do
        echo "REGION_KS_PORT_$n=${REG_KS_PORT[n]}"; echo "REGION_MC_PORT_$n=${REG_MC_PORT[n]}"
    done >>"$PORTS_FILE.new"
    mv "$PORTS_FILE.new" "$PORTS_FILE"
}

cmd_regions_on() {
    local t0 t n jobs=() j km mlog hash c
    t0=$(now)
    need memcached memcached; need uwsgi uwsgi; need keystone-manage keystone; need ssh openssh-client
    pid_of sshd >/dev/null || die "the lab's sshd is not running (the regions' key nodes); run: $0 start"
    load_secrets
    load_galera_env
    for ((n = 1; n <= REGION_COUNT; n++)); do
        for c in region_ks_$n region_mc_$n; do
            pid_of "$c" >/dev/null && continue
            local p=${REG_KS_PORT[n]}; [[ $c == region_mc_* ]] && p=${REG_MC_PORT[n]}
            port_in_use "$p" && die "$HOST:$p (${LABEL[$c]}) is already in use by another process; set LAB_PORT_BASE"
        done
    done
    mkdir -p "$REG_RUN" "$REG_LOGS" "$REGIONS/keys"
    chmod 700 "$REGIONS"
    reg_save_ports
    for ((n = 1; n <= REGION_COUNT; n++)); do
        reg_write_conf "$n"
        # While a region's memcached is down its Keystone keeps reconnecting, and a port inside
        # ip_local_port_range (the lab's are) can then be taken by a TCP self-connection
        # (simultaneous open: local and peer are both the memcached port), which memcached cannot
        # bind past. Only a restart of that Keystone lets go of it.
        if ! pid_of "region_mc_$n" >/dev/null && pid_of "region_ks_$n" >/dev/null &&
            [[ -n $(ss -Htn state established "( sport = :${REG_MC_PORT[n]} and dport = :${REG_MC_PORT[n]} )" 2>/dev/null) ]]; then
            log "Keystone ${REGION_NAMES[n]} holds a self-connection on $HOST:${REG_MC_PORT[n]}; restarting it"
            stop_one "region_ks_$n"
        fi
        reg_start_memcached "$n"
    done
    TIMES+=("memcached=$(secs "$t0")s")
    km=(keystone-manage --config-file "$(reg_conf 1)") mlog=$REG_LOGS/manage.log
    # db_sync once (the schema is the cluster's, whichever node applies it), key setup side by side
    t=$(now)
    if [[ $(reg_sql "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'keystone' AND table_name = 'user'") != 1 ]]; then
        "${km[@]}" db_sync >>"$mlog" 2>&1 & jobs+=($!); fi
    if [[ -z $(ls -A "$REG_KEY_SOURCE" 2>/dev/null) ]]; then
        mkdir -p "$REG_KEY_SOURCE"; chmod 700 "$REG_KEY_SOURCE"
        printf '%s\n' '[fernet_tokens]' "key_repository = $REG_KEY_SOURCE" 'max_active_keys = 3' >"$REGIONS/keys/setup.conf"
        keystone-manage --config-file "$REGIONS/keys/setup.conf" fernet_setup \
            --keystone-user "$OS_USER" --keystone-group "$OS_GROUP" >>"$mlog" 2>&1 &
        jobs+=($!)
    fi
    if [[ -z $(ls -A "$REG_CRED" 2>/dev/null) ]]; then
        mkdir -p "$REG_CRED"; chmod 700 "$REG_CRED"
        "${km[@]}" credential_setup --keystone-user "$OS_USER" --keystone-group "$OS_GROUP" >>"$mlog" 2>&1 & jobs+=($!)
    fi
    for j in "${jobs[@]}"; do wait "$j" || { tail -20 "$mlog" >&2; die "keystone-manage db_sync/fernet_setup/credential_setup failed"; }; done
    TIMES+=("db_sync+keys=$(secs "$t")s")
    t=$(now)
    reg_distribute_keys
    TIMES+=("keys-over-ssh=$(secs "$t")s")
    # uwsgi loads Keystone (~2 s of Python each) while bootstrap writes the admin and RegionOne
    t=$(now)
    for ((n = 1; n <= REGION_COUNT; n++)); do
        if ! pid_of "region_ks_$n" >/dev/null; then reg_launch_keystone "$n"
        elif [[ $(ks_get "$(reg_ks_url "$n")") == 000 ]]; then die "Keystone ${REGION_NAMES[n]} runs, but not on $(reg_ks_url "$n"); run: $0 regions-off"; fi
    done
    hash=$(printf '%s' "$ADMIN_PASSWORD@$(reg_ks_url 1)@$GALERA_PORT_1" | sha256sum | cut -d' ' -f1)
    if [[ $(cat "$REGIONS/.bootstrapped" 2>/dev/null) != "$hash" ||
        $(reg_sql "SELECT COUNT(*) FROM keystone.local_user WHERE name = 'admin'") != 1 ]]; then
        OS_BOOTSTRAP_PASSWORD=$ADMIN_PASSWORD "${km[@]}" bootstrap --bootstrap-username admin \
            --bootstrap-project-name admin --bootstrap-role-name admin --bootstrap-service-name keystone \
            --bootstrap-region-id RegionOne --bootstrap-admin-url "$(reg_ks_url 1)/" \
            --bootstrap-internal-url "$(reg_ks_url 1)/" --bootstrap-public-url "$(reg_ks_url 1)/" >>"$mlog" 2>&1 \
            || { tail -20 "$mlog" >&2; die "keystone-manage bootstrap failed"; }
        echo "$hash" >"$REGIONS/.bootstrapped"
        TIMES+=("bootstrap=$(secs "$t")s")
    fi
    for ((n = 1; n <= REGION_COUNT; n++)); do
        wait_for 1200 reg_ks_up "$n" || { tail -30 "$(dirname "$(reg_conf "$n")")/log/uwsgi.log" >&2; die "Keystone ${REGION_NAMES[n]} did not answer GET $(reg_ks_url "$n")/"; }
    done
    TIMES+=("keystones=$(secs "$t")s")
    t=$(now)
    reg_catalogue || { tail -20 "$REG_LOGS/catalogue.log" >&2; die "adding the regions to the catalogue failed"; }
    TIMES+=("catalogue=$(secs "$t")s")
    reg_write_files
    echo "Regions are up in $(secs "$t0") s   (${TIMES[*]})"
    for ((n = 1; n <= REGION_COUNT; n++)); do
        local gp=GALERA_PORT_$n
        echo "  ${REGION_NAMES[n]}: $(reg_ks_url "$n")  uwsgi pid $(pid_of "region_ks_$n"), memcached $HOST:${REG_MC_PORT[n]}, Galera node $n ($HOST:${!gp}), keys on $(reg_node "$n"):$(reg_node_repo "$n")"
    done
    echo "  env file: $REGIONS_ENV; clouds.yaml cloud '$REGION_CLOUD' in $LAB_DIR/clouds.yaml"
}

# Stops what regions-on recorded; also called by lab.sh stop.
regions_stop() {
    local c n pid
    local -A live=()
    for ((n = 1; n <= REGION_COUNT; n++)); do
        for c in region_ks_$n region_mc_$n; do
            if pid=$(pid_of "$c"); then live[$c]=$pid; kill -TERM "$pid" 2>/dev/null || true
            else rm -f "${PIDF[$c]}"; fi
        done
    done
    n=300
    while ((${#live[@]} > 0 && n-- > 0)); do
        sleep 0.1
        for c in "${!live[@]}"; do
            alive "${live[$c]}" && continue
            log "${LABEL[$c]} stopped (pid ${live[$c]})"; rm -f "${PIDF[$c]}"; unset "live[$c]"
        done
    done
    for c in "${!live[@]}"; do
        log "${LABEL[$c]} (pid ${live[$c]}) ignored SIGTERM for 30 s; sending SIGKILL"
        kill -KILL "${live[$c]}" 2>/dev/null || true; rm -f "${PIDF[$c]}"
    done
}
cmd_regions_off() {
    local t; t=$(now)
    regions_stop
    rm -f "$REGIONS_ENV" "$REG_CLOUDS"
    if [[ -r $SECRETS ]]; then load_secrets; write_files; fi
    log "regions off in $(secs "$t") s"
}
cmd_regions_status() {
    local n c pid up=0 all=0
    for ((n = 1; n <= REGION_COUNT; n++)); do
        for c in region_ks_$n region_mc_$n; do
            all=$((all + 1))
            if pid=$(pid_of "$c"); then up=$((up + 1)); printf '%-22s up    pid %s\n' "${LABEL[$c]}" "$pid"
            else printf '%-22s down\n' "${LABEL[$c]}"; fi
        done
    done
    return $((up == all ? 0 : up == 0 ? 3 : 1))
}
