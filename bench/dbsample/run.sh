#!/usr/bin/env bash
# Database sampling benchmark (docs/benchmarks.md, "Database sampling").
# Seeds a legacy-shaped Keystone `token` table (the exact DDL of Keystone 22's
# db_sync) in a scratch database of a running lab MariaDB, then times the
# inspectors' frequent cycle and exact figures on it with bench_dbsample.
#
# Usage: bench/dbsample/run.sh [BUILD_DIR]
# Environment:
#   TURNSTILE_LAB_ENV  lab env file [/tmp/turnstile-lab/lab.env] (tests/lab/lab.sh start)
#   ROWS [2000000]  DAYS [60]  NOTIFIER_SHARE [0.30]  EXTRA_BYTES [200]  SEED [42]
#   LOAD_MODE [indexes-after]  indexes-after: load into a primary-key-only table, then
#             add the four secondary indexes in one ALTER (sorted index build);
#             indexes-first: load into the finished DDL
#   BENCH_DB [bench_keystone]  WORK_DIR [/tmp/turnstile-bench-dbsample]
#   SKIP_SEED=1  measure the data of an earlier run again
#   CYCLES [20]  EXACT_RUNS [3]
# Needs the lab's MariaDB root over its socket (as the lab's owner); leaves the
# scratch database and the SELECT-only user turnstile_bench behind for reruns
# (remove with: DROP DATABASE bench_keystone; DROP USER turnstile_bench@127.0.0.1).
set -Eeuo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build/dev}
ENV_FILE=${TURNSTILE_LAB_ENV:-/tmp/turnstile-lab/lab.env}
ROWS=${ROWS:-2000000} DAYS=${DAYS:-60} NOTIFIER_SHARE=${NOTIFIER_SHARE:-0.30}
EXTRA_BYTES=${EXTRA_BYTES:-200} SEED=${SEED:-42} LOAD_MODE=${LOAD_MODE:-indexes-after}
BENCH_DB=${BENCH_DB:-bench_keystone} WORK_DIR=${WORK_DIR:-/tmp/turnstile-bench-dbsample}
CYCLES=${CYCLES:-20} EXACT_RUNS=${EXACT_RUNS:-3}

die() { printf 'dbsample: %s\n' "$*" >&2; exit 1; }
[[ -r $ENV_FILE ]] || die "no lab env file $ENV_FILE; start a lab (tests/lab/lab.sh start) or set TURNSTILE_LAB_ENV"
# shellcheck disable=SC1090
. "$ENV_FILE"
[[ $BENCH_DB =~ ^[a-z_][a-z0-9_]*$ ]] || die "BENCH_DB must be a plain lower-case name"
[[ $LOAD_MODE == indexes-after || $LOAD_MODE == indexes-first ]] || die "LOAD_MODE is indexes-after or indexes-first"
[[ $WORK_DIR =~ ^/[A-Za-z0-9._/-]+$ ]] || die "WORK_DIR must be an absolute plain path"
if ((EUID == 0)); then root_user=root; else root_user=$(id -un); fi
sql() { mariadb --no-defaults -S "$TURNSTILE_LAB_MYSQL_SOCKET" -u"$root_user" --batch --skip-column-names "$@"; }
sql -e 'SELECT 1' >/dev/null || die "cannot reach the lab MariaDB as $root_user over $TURNSTILE_LAB_MYSQL_SOCKET"
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }
since() { local d=$(($(now_us) - $1)); printf '%d.%02d' $((d / 1000000)) $((d % 1000000 / 10000)); }

cmake --build "$build" --target bench_dbsample >/dev/null
bin=$build/bench/dbsample/bench_dbsample
mkdir -p "$WORK_DIR"; chmod 700 "$WORK_DIR"

# Keystone 22's token DDL, from keystone-manage db_sync (mariadb-dump --no-data).
TOKEN_PK_ONLY='CREATE TABLE `token` (
  `id` varchar(64) NOT NULL,
  `expires` datetime DEFAULT NULL,
  `extra` text DEFAULT NULL,
  `valid` tinyint(1) NOT NULL,
  `trust_id` varchar(64) DEFAULT NULL,
  `user_id` varchar(64) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci'
TOKEN_INDEXES='ALTER TABLE `token` ADD KEY `ix_token_expires` (`expires`), ADD KEY `ix_token_trust_id` (`trust_id`),
  ADD KEY `ix_token_user_id` (`user_id`), ADD KEY `ix_token_expires_valid` (`expires`,`valid`)'

echo "## dbsample: $ROWS rows over $DAYS days, notifier share $NOTIFIER_SHARE, extra $EXTRA_BYTES bytes, $LOAD_MODE"
echo "lab: $ENV_FILE; server $(sql -e 'SELECT VERSION()'), innodb_buffer_pool_size $(sql -e 'SELECT @@innodb_buffer_pool_size DIV 1048576') MiB"
if [[ ${SKIP_SEED:-0} != 1 ]]; then
    data=$WORK_DIR/token.tsv
    t=$(now_us)
    "$bin" generate --out "$data" --rows "$ROWS" --days "$DAYS" --notifier-share "$NOTIFIER_SHARE" \
        --extra-bytes "$EXTRA_BYTES" --seed "$SEED"
    echo "generate: $(since "$t") s, $(du -m "$data" | cut -f1) MiB"

    # The rest of Keystone's schema, so the frequent cycle sees what it would in production.
    t=$(now_us)
    {
        echo "DROP DATABASE IF EXISTS \`$BENCH_DB\`; CREATE DATABASE \`$BENCH_DB\`;"
        sql -e "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'keystone' AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME <> 'token'" |
            while read -r tbl; do echo "CREATE TABLE \`$BENCH_DB\`.\`$tbl\` LIKE keystone.\`$tbl\`;"; done
        echo "INSERT INTO \`$BENCH_DB\`.alembic_version SELECT * FROM keystone.alembic_version;"
        echo "USE \`$BENCH_DB\`;"
        if [[ $LOAD_MODE == indexes-first ]]; then echo "$TOKEN_PK_ONLY;"; echo "$TOKEN_INDEXES;"; else echo "$TOKEN_PK_ONLY;"; fi
    } | sql
    echo "schema: $(since "$t") s"

    t=$(now_us)
    sql --local-infile=1 "$BENCH_DB" -e "SET SESSION unique_checks = 0;
        LOAD DATA LOCAL INFILE '$data' INTO TABLE token CHARACTER SET utf8mb3
        FIELDS TERMINATED BY '\t' LINES TERMINATED BY '\n' (id, expires, extra, valid, trust_id, user_id)"
    echo "load data ($LOAD_MODE): $(since "$t") s"
    if [[ $LOAD_MODE == indexes-after ]]; then
        t=$(now_us)
        sql "$BENCH_DB" -e "$TOKEN_INDEXES"
        echo "add indexes: $(since "$t") s"
    fi
    t=$(now_us)
    sql "$BENCH_DB" -e 'ANALYZE TABLE token' >/dev/null
    echo "analyze: $(since "$t") s"

    # The finished table must be Keystone's, byte for byte.
    mine=$(sql "$BENCH_DB" -e 'SHOW CREATE TABLE token' | cut -f2-)
    theirs=$(sql keystone -e 'SHOW CREATE TABLE token' | cut -f2-)
    [[ $mine == "$theirs" ]] || die "the seeded token table differs from keystone.token:
$mine
---
$theirs"
    echo "ddl: identical to keystone.token"

    # 20,000 revocation events over 7 days (1 in 50 user-wide), i.e. Keystone
    # has not pruned for a week; and 5,000 users with local passwords.
    t=$(now_us)
    sql "$BENCH_DB" -e "SET time_zone = '+00:00';
        INSERT INTO revocation_event (audit_id, user_id, issued_before, revoked_at)
          SELECT IF(seq % 50 = 0, NULL, LEFT(MD5(seq), 22)), IF(seq % 50 = 0, MD5(CONCAT('u', seq % 200)), NULL),
                 UTC_TIMESTAMP() - INTERVAL seq * 30 SECOND, UTC_TIMESTAMP() - INTERVAL seq * 30 SECOND FROM seq_1_to_20000;
        INSERT INTO user (id, enabled, domain_id, created_at)
          SELECT MD5(CONCAT('user', seq)), seq % 20 <> 0, 'default', UTC_TIMESTAMP() - INTERVAL seq HOUR FROM seq_1_to_5000;
        INSERT INTO local_user (id, user_id, domain_id, name, failed_auth_count, failed_auth_at)
          SELECT seq, MD5(CONCAT('user', seq)), 'default', CONCAT('user', seq), IF(seq % 100 = 0, 5, 0),
                 UTC_TIMESTAMP() - INTERVAL seq MINUTE FROM seq_1_to_5000;
        INSERT INTO password (local_user_id, password_hash, created_at, created_at_int, expires_at, expires_at_int)
          SELECT seq, 'x', UTC_TIMESTAMP() - INTERVAL seq HOUR, (UNIX_TIMESTAMP() - seq * 3600) * 1000000,
                 UTC_TIMESTAMP() + INTERVAL seq % 90 DAY, (UNIX_TIMESTAMP() + (seq % 90) * 86400) * 1000000 FROM seq_1_to_5000;
        ANALYZE TABLE revocation_event, user, local_user, password;" >/dev/null
    echo "revocation events, users: $(since "$t") s"
fi

# A SELECT-only user with a fresh random password, handed over in the environment.
pw=$(head -c 48 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 24)
sql <<EOF
CREATE USER IF NOT EXISTS 'turnstile_bench'@'127.0.0.1' IDENTIFIED BY '$pw';
ALTER USER 'turnstile_bench'@'127.0.0.1' IDENTIFIED BY '$pw';
GRANT SELECT ON \`$BENCH_DB\`.* TO 'turnstile_bench'@'127.0.0.1';
EOF
echo "table: $(sql -e "SELECT CONCAT(TABLE_ROWS, ' rows (estimate), data ', ROUND(DATA_LENGTH/1048576), ' MiB, indexes ', ROUND(INDEX_LENGTH/1048576), ' MiB') FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$BENCH_DB' AND TABLE_NAME = 'token'")"
echo
TURNSTILE_BENCH_DB_PASSWORD=$pw "$bin" measure --cycles "$CYCLES" --exact-runs "$EXACT_RUNS" \
    --url "mysql+pymysql://turnstile_bench@$TURNSTILE_LAB_MYSQL_HOST:$TURNSTILE_LAB_MYSQL_PORT/$BENCH_DB"
