#!/usr/bin/python3
"""Side-by-side purge benchmark (docs/benchmarks.md, "Purging expired tokens").

Ways of deleting the expired rows of Keystone's legacy `token` table run one
after the other on identical data in the same MariaDB, each while a
Keystone-like writer inserts new tokens and another revokes live ones:

  auto         bench_purge --method auto: TokenPurge through GuardedWorkflow as
               the window runs it (copy-and-swap when most rows go), batches
               sized by time
  chunked      bench_purge --method chunked, batches sized by time (no --batch),
               then the guarded Rebuild table (bench_purge --rebuild) that gives
               the space back
  parallel     bench_purge --method chunked --connections N (--connections,
               default 2): one region of the key space per connection
  turnstile    bench_purge --method chunked --batch 1000 (issue 6's contender:
               a fixed cap of --batch rows)
  pt-archiver  --purge --bulk-delete --commit-each --primary-key-only --limit 1000
  delete       the cron job's single DELETE FROM token WHERE expires < cutoff

The contenders alternate --repeat times (auto, chunked, pt-archiver, delete,
auto, ...) so a slow phase of the machine does not fall on one of them, and
the table shows each one's medians.

Run through bench/purge/run.sh, which starts the private lab and builds
bench_purge. Needs the lab MariaDB's root over its socket (the lab runs as
root); everything it creates lives in the schema `purgebench`.

How things are measured, and why that way:
  * Data: one template table is built per run (2,000,000 rows by default) and
    exported once (FLUSH TABLES ... FOR EXPORT); every contender gets a fresh
    `token` from those files (DISCARD/IMPORT TABLESPACE), so all of them start
    from the same pages, not just the same rows. Nothing of that is timed.
  * Expired rows expire 3-60 days before the build, live ones within a day of
    it, so every cutoff "now - 2 days" taken during the run splits the table
    in exactly the same place.
  * Transactions: MariaDB's slow query log with long_query_time = 0 written to
    mysql.slow_log (log_output = TABLE), which has the start of every
    statement to the microsecond (start_time is TIMESTAMP(6)) and its
    duration (query_time TIME(6)). A transaction is rebuilt per connection
    from its first InnoDB statement to the end of its COMMIT (with
    autocommit, one statement). So the figure is server-side, at microsecond
    resolution, and includes the client's think time inside a transaction.
    performance_schema would need a server restart; INNODB_TRX.trx_started
    has whole seconds only.
  * Writer: two connections (Keystone has several workers), autocommit,
    200 INSERTs/s of live tokens together on a fixed schedule (late slots
    are skipped and counted, not bunched up); latency is each INSERT's round
    trip, ERROR 1205 is counted. An updater on a third connection marks
    random live tokens `valid = 0` at 20 UPDATEs/s (a revocation), timed and
    counted the same way.
  * Integrity: COUNT and a 64-bit BIT_XOR of MD5 over all columns of the live
    rows that were there before (the writer's rows have their own user_id and
    are counted separately) must equal the template's with exactly the
    updater's rows changed to valid = 0 (BIT_XOR is taken apart row by row
    for those); every INSERT the writer got an OK for must be there (count
    and BIT_XOR of its ids); no expired row and no _token_* table may remain.
  * Disk: DATA_LENGTH + INDEX_LENGTH + DATA_FREE from information_schema
    (after ANALYZE TABLE, once InnoDB has purged) and the size of token.ibd,
    before and after; for `chunked` also after the Rebuild table.
"""

import argparse
import datetime
import hashlib
import json
import os
import random
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid

import pymysql

DB = "purgebench"
# The writer's tokens carry this user id: Keystone user ids are 32 hex digits,
# and none of the seeded users has this one.
WRITER_USER = hashlib.md5(b"purgebench-writer").hexdigest()
# Bumped when the data a template holds changes, so --reuse-template never
# measures stale data.
TEMPLATE_VERSION = 1
CONTENDERS = ("auto", "chunked", "parallel", "turnstile", "pt-archiver", "delete")
DEFAULT_CONTENDERS = ("auto", "chunked", "parallel", "pt-archiver", "delete")
# bench_purge's --method for the Turnstile contenders.
TURNSTILE_METHODS = {"auto": "auto", "chunked": "chunked", "parallel": "chunked", "turnstile": "chunked"}


def log(msg):
    print(f"purgebench: {msg}", file=sys.stderr, flush=True)


def die(msg):
    log(msg)
    sys.exit(2)


def read_lab_env(path):
    env = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^export ([A-Z0-9_]+)='(.*)'$", line.rstrip("\n"))
            if m:
                env[m.group(1)] = m.group(2)
    return env


def percentile(values, p):
    if not values:
        return 0.0
    v = sorted(values)
    return v[min(len(v) - 1, int(round(p * (len(v) - 1))))]


class Lab:
    """The lab MariaDB: root over the socket for set-up and checks, the
    Keystone account over TCP for everything that is measured."""

    def __init__(self, env):
        self.socket = env["TURNSTILE_LAB_MYSQL_SOCKET"]
        self.host = env["TURNSTILE_LAB_MYSQL_HOST"]
        self.port = int(env["TURNSTILE_LAB_MYSQL_PORT"])
        self.user = env["TURNSTILE_LAB_MYSQL_USER"]
        self.password = env["TURNSTILE_LAB_MYSQL_PASSWORD"]
        self.admin = self.root()
        self.datadir = self.one("SELECT @@datadir")

    def root(self):
        return pymysql.connect(unix_socket=self.socket, user="root", autocommit=True, charset="utf8")

    def keystone(self, database=DB):
        return pymysql.connect(host=self.host, port=self.port, user=self.user,
                               password=self.password, database=database, autocommit=True,
                               charset="utf8")

    def run(self, sql, args=None):
        with self.admin.cursor() as c:
            c.execute(sql, args)
            return c.fetchall()

    def one(self, sql, args=None):
        rows = self.run(sql, args)
        return rows[0][0] if rows else None


# ---------------------------------------------------------------- the data

def token_sql(rows, live, seed, base):
    """INSERT ... SELECT of the template rows, in primary-key order.

    Ids are MD5 hex (32 digits, like uuid4().hex) of a seeded counter; the
    first `live` counters are the live tokens, and since the ids are hashes
    they are spread evenly over the key space, as in a real table.
    """
    b = f"TIMESTAMP'{base}'"
    expires = (f"IF(k.n <= {live}, {b} - INTERVAL 1 DAY + INTERVAL (CRC32(CONCAT('e', k.n)) % 172800) SECOND, "
               f"{b} - INTERVAL 3 DAY - INTERVAL (CRC32(CONCAT('e', k.n)) % {57 * 86400}) SECOND)")
    uidx = "(CRC32(CONCAT('u', k.n)) % 5000)"
    user = f"MD5(CONCAT('user-', {uidx}))"
    project = "MD5(CONCAT('project-', k.n % 900))"
    iso = "'%Y-%m-%dT%H:%i:%s.000000Z'"
    # The shape of a UUID-era token's `extra` (the v3 token_data the API
    # returned, plus the key), about 560 bytes.
    extra = ("CONCAT('{\"token_data\": {\"token\": {\"methods\": [\"password\"], \"roles\": [{\"id\": \"', "
             "MD5(CONCAT('role-', k.n % 3)), '\", \"name\": \"member\"}], \"expires_at\": \"', "
             f"DATE_FORMAT($E, {iso}), '\", \"project\": {{\"domain\": {{\"id\": \"default\"}}, "
             f"\"id\": \"', {project}, '\", \"name\": \"project-', k.n % 900, "
             "'\"}, \"is_domain\": false, \"user\": {\"domain\": {\"id\": \"default\", \"name\": \"Default\"}, "
             f"\"id\": \"', $U, '\", \"name\": \"user-', {uidx}, '\", \"password_expires_at\": null}}, "
             "\"audit_ids\": [\"', LEFT(TO_BASE64(UNHEX(MD5(CONCAT('audit-', k.n)))), 22), "
             f"'\"], \"issued_at\": \"', DATE_FORMAT($E - INTERVAL 1 DAY, {iso}), '\"}}}}, "
             "\"key\": \"', k.id, '\", \"token_version\": \"v3.0\"}')")
    # The expressions are repeated rather than passed through user variables,
    # whose evaluation order within a select list is not guaranteed.
    extra = extra.replace("$E", expires).replace("$U", user)
    return (f"INSERT INTO {DB}.token_template (id, expires, user_id, extra, valid, trust_id) "
            f"SELECT k.id, {expires}, {user}, {extra}, IF(k.n % 100 = 7, 0, 1), "
            f"IF(k.n % 20 = 3, MD5(CONCAT('trust-', k.n % 50)), NULL) "
            f"FROM {DB}.token_keys k ORDER BY k.id")


def keystone_ddl(lab):
    return lab.run("SHOW CREATE TABLE keystone.token")[0][1]


def build_template(lab, args, work):
    rows, live = args.rows, args.live
    log(f"building the template: {rows:,} rows, {live:,} live")
    t0 = time.monotonic()
    lab.run(f"DROP TABLE IF EXISTS {DB}.token_template, {DB}.token_keys, {DB}.meta")
    ddl = keystone_ddl(lab)
    # Keystone's secondary keys, in Keystone's order: dropped for the load and
    # added back afterwards (a sorted index build is faster and denser than
    # maintaining four indexes row by row).
    keys = re.findall(r"^\s*(KEY `([a-z0-9_]+)` \([^)]*\))", ddl, re.M)
    if len(keys) != 4:
        die(f"keystone.token has {len(keys)} secondary keys, expected 4:\n{ddl}")
    lab.run(f"CREATE TABLE {DB}.token_template LIKE keystone.token")
    lab.run(f"ALTER TABLE {DB}.token_template " + ", ".join(f"DROP KEY `{name}`" for _, name in keys))
    lab.run(f"CREATE TABLE {DB}.token_keys (id CHAR(32) NOT NULL PRIMARY KEY, "
            "n INT UNSIGNED NOT NULL) ENGINE=InnoDB")
    lab.run(f"INSERT INTO {DB}.token_keys SELECT MD5(CONCAT(%s, '-', seq)), seq FROM {DB}.seq_1_to_{rows}",
            (f"purgebench-{args.seed}",))
    base = lab.one("SELECT UTC_TIMESTAMP()")
    lab.run(token_sql(rows, live, args.seed, base.strftime("%Y-%m-%d %H:%M:%S")))
    t1 = time.monotonic()
    lab.run(f"ALTER TABLE {DB}.token_template " + ", ".join(f"ADD {k}" for k, _ in keys))
    lab.run(f"ANALYZE TABLE {DB}.token_template")
    lab.run(f"DROP TABLE {DB}.token_keys")
    t2 = time.monotonic()
    mine = lab.run(f"SHOW CREATE TABLE {DB}.token_template")[0][1]
    if mine.replace("CREATE TABLE `token_template`", "CREATE TABLE `token`", 1) != ddl:
        die(f"the template differs from keystone.token:\n{mine}\n---\n{ddl}")

    live_sum = live_checksum(lab, "token_template", base - datetime.timedelta(days=2))
    counts = lab.run(f"SELECT COUNT(*), SUM(expires < %s), AVG(LENGTH(extra)) FROM {DB}.token_template",
                     (base - datetime.timedelta(days=2),))[0]
    size = lab.run("SELECT DATA_LENGTH, INDEX_LENGTH FROM information_schema.TABLES "
                   "WHERE TABLE_SCHEMA = %s AND TABLE_NAME = 'token_template'", (DB,))[0]
    meta = {"version": TEMPLATE_VERSION, "rows": rows, "live": live, "seed": args.seed,
            "base": base.strftime("%Y-%m-%d %H:%M:%S"), "total": int(counts[0]),
            "expired": int(counts[1]), "extra_avg_bytes": round(float(counts[2]), 1),
            "data_mib": round(size[0] / 1048576), "index_mib": round(size[1] / 1048576),
            "live_checksum": live_sum, "load_seconds": round(t1 - t0, 1),
            "index_seconds": round(t2 - t1, 1)}
    lab.run(f"CREATE TABLE {DB}.meta (j LONGTEXT NOT NULL) ENGINE=InnoDB")
    lab.run(f"INSERT INTO {DB}.meta VALUES (%s)", (json.dumps(meta),))

    # The files every contender starts from.
    with lab.admin.cursor() as c:
        c.execute(f"FLUSH TABLES {DB}.token_template FOR EXPORT")
        try:
            for ext in ("ibd", "cfg"):
                shutil.copyfile(os.path.join(lab.datadir, DB, f"token_template.{ext}"),
                                os.path.join(work, f"template.{ext}"))
        finally:
            c.execute("UNLOCK TABLES")
    with open(os.path.join(work, "template.json"), "w", encoding="utf-8") as f:
        json.dump(meta, f)
    log(f"template: {meta['total']:,} rows, {meta['expired']:,} expired, extra {meta['extra_avg_bytes']} bytes, "
        f"data {meta['data_mib']} MiB + indexes {meta['index_mib']} MiB; load {meta['load_seconds']} s, "
        f"indexes {meta['index_seconds']} s")
    return meta


def usable_template(lab, args, work):
    """The template of an earlier run, if it holds the same data and its time
    gap still contains "now - 2 days" for the whole run."""
    try:
        with open(os.path.join(work, "template.json"), encoding="utf-8") as f:
            meta = json.load(f)
    except (OSError, ValueError):
        return None
    if (meta.get("version"), meta.get("rows"), meta.get("live"), meta.get("seed")) != \
            (TEMPLATE_VERSION, args.rows, args.live, args.seed):
        return None
    if not all(os.path.exists(os.path.join(work, f"template.{e}")) for e in ("ibd", "cfg")):
        return None
    base = datetime.datetime.strptime(meta["base"], "%Y-%m-%d %H:%M:%S")
    if abs((lab.one("SELECT UTC_TIMESTAMP()") - base).total_seconds()) > 12 * 3600:
        return None
    return meta


def restore(lab, work):
    """A fresh purgebench.token from the template files."""
    lab.run(f"DROP TABLE IF EXISTS {DB}.token")
    lab.run(f"CREATE TABLE {DB}.token LIKE keystone.token")
    lab.run(f"ALTER TABLE {DB}.token DISCARD TABLESPACE")
    for ext in ("ibd", "cfg"):
        shutil.copyfile(os.path.join(work, f"template.{ext}"), os.path.join(lab.datadir, DB, f"token.{ext}"))
    lab.run(f"ALTER TABLE {DB}.token IMPORT TABLESPACE")
    lab.run(f"ANALYZE TABLE {DB}.token")


def row_hash(valid="valid", t=""):
    """A row's 64-bit hash over every column; `valid` may be a literal, to
    hash the row as it was before (1) or after (0) the updater's revocation."""
    return (f"CAST(CONV(LEFT(MD5(CONCAT_WS('|', {t}id, {t}expires, {t}extra, {valid}, "
            f"IFNULL({t}trust_id, '-'), {t}user_id)), 16), 16, 10) AS UNSIGNED)")


def live_checksum_parts(lab, table, cutoff):
    n, x = lab.run(
        f"SELECT COUNT(*), BIT_XOR({row_hash()}) FROM {DB}.{table} "
        f"WHERE expires >= %s AND user_id <> %s", (cutoff, WRITER_USER))[0]
    return int(n), int(x or 0)


def live_checksum(lab, table, cutoff):
    """COUNT and a 64-bit BIT_XOR of MD5 over every column of the rows on the
    live side of the cutoff, without the writer's rows."""
    n, x = live_checksum_parts(lab, table, cutoff)
    return f"{n}:{x:016x}"


def with_revocations(lab, checksum, revoked):
    """The checksum the live rows must have when exactly `revoked` (ids that
    had valid = 1) were set to valid = 0, and how many of them are valid = 0
    now: BIT_XOR taken apart row by row for those ids."""
    n, x = checksum.split(":")
    x = int(x, 16)
    if not revoked:
        return checksum, 0
    lab.run(f"DROP TABLE IF EXISTS {DB}.revoked_ids")
    lab.run(f"CREATE TABLE {DB}.revoked_ids (id VARCHAR(64) NOT NULL PRIMARY KEY) ENGINE=InnoDB")
    try:
        with lab.admin.cursor() as c:
            ids = sorted(revoked)
            for i in range(0, len(ids), 1000):
                c.executemany(f"INSERT INTO {DB}.revoked_ids VALUES (%s)", [(v,) for v in ids[i:i + 1000]])
        delta, zero = lab.run(f"SELECT BIT_XOR({row_hash('1', 't.')} ^ {row_hash('0', 't.')}), "
                              f"SUM(t.valid = 0) FROM {DB}.token t JOIN {DB}.revoked_ids r ON r.id = t.id")[0]
    finally:
        lab.run(f"DROP TABLE IF EXISTS {DB}.revoked_ids")
    return f"{n}:{x ^ int(delta or 0):016x}", int(zero or 0)


def id_hash(ids):
    """BIT_XOR of the first 16 hex digits of MD5(id), as SQL computes it."""
    x = 0
    for i in ids:
        x ^= int(hashlib.md5(i.encode()).hexdigest()[:16], 16)
    return x


def table_size(lab, table="token"):
    """The table's size on disk after InnoDB's purge: information_schema's
    DATA_LENGTH + INDEX_LENGTH + DATA_FREE (after ANALYZE TABLE, which
    refreshes them) and the .ibd file's size where it can be read."""
    wait_for_purge(lab)
    lab.run(f"ANALYZE TABLE {DB}.{table}")
    d, i, f = lab.run("SELECT DATA_LENGTH, INDEX_LENGTH, DATA_FREE FROM information_schema.TABLES "
                      "WHERE TABLE_SCHEMA = %s AND TABLE_NAME = %s", (DB, table))[0]
    try:
        ibd = os.path.getsize(os.path.join(lab.datadir, DB, f"{table}.ibd"))
    except OSError:
        ibd = None
    return {"data": int(d), "index": int(i), "free": int(f), "total": int(d) + int(i) + int(f), "ibd": ibd}


def warm_up(lab):
    """Reads the clustered index and every secondary index of the fresh table
    once, so each contender starts with the table in the buffer pool (as a
    busy Keystone database has it) instead of paying for the first reads.

    With innodb_old_blocks_time = 0 for the scan: a page read once otherwise
    stays in the LRU list's old end and is the first to go. Without it, the
    contender after auto (whose copy had filled the pool) still read ~14,000
    pages of the table from disk (Innodb_buffer_pool_reads) where the others
    read none."""
    old_blocks_time = int(lab.one("SELECT @@innodb_old_blocks_time"))
    lab.run("SET GLOBAL innodb_old_blocks_time = 0")
    try:
        for (name,) in lab.run(f"SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS "
                               f"WHERE TABLE_SCHEMA = '{DB}' AND TABLE_NAME = 'token'"):
            lab.run(f"SELECT COUNT(*) FROM {DB}.token FORCE INDEX (`{name}`)")
    finally:
        lab.run(f"SET GLOBAL innodb_old_blocks_time = {old_blocks_time}")


def set_buffer_pool(lab, mib):
    """Resizes the buffer pool online and waits until InnoDB has done it."""
    lab.run(f"SET GLOBAL innodb_buffer_pool_size = {int(mib) * 1048576}")
    for _ in range(600):
        status = lab.run("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_resize_status'")
        if int(lab.one("SELECT @@innodb_buffer_pool_size DIV 1048576")) == int(mib) and \
                (not status or not status[0][1] or "Completed" in status[0][1]):
            return
        time.sleep(0.5)
    log("the buffer pool resize has not finished; going on")


_COUNTERS = ("Innodb_buffer_pool_reads", "Innodb_buffer_pool_pages_flushed", "Innodb_buffer_pool_pages_lru_flushed",
             "Innodb_buffer_pool_wait_free", "Innodb_data_fsyncs", "Innodb_os_log_written", "Innodb_rows_deleted",
             # Row lock waits of every session (the slow log's Lock_time leaves
             # InnoDB's row lock waits out): how often anyone waited on a lock.
             "Innodb_row_lock_waits", "Innodb_row_lock_time")


def server_counters(lab):
    """InnoDB counters whose change over a run shows whether the contenders
    ran on equal terms (pages read from disk, flushing, log volume)."""
    rows = lab.run("SHOW GLOBAL STATUS WHERE Variable_name IN (" + ", ".join(["%s"] * len(_COUNTERS)) + ")",
                   _COUNTERS)
    return {k: int(v) for k, v in rows}


def idle_transactions(lab, older_than=30):
    """Other sessions' transactions that sit idle with a read view open: they
    stop InnoDB's purge for the whole server (the lab's Keystone leaves one
    behind after start-up), so delete-marked rows and undo pile up."""
    return lab.run("SELECT t.trx_mysql_thread_id, p.USER, p.DB, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) "
                   "FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p "
                   "ON p.ID = t.trx_mysql_thread_id WHERE t.trx_query IS NULL AND p.COMMAND = 'Sleep' "
                   "AND t.trx_started < NOW() - INTERVAL %s SECOND AND p.ID <> CONNECTION_ID()", (older_than,))


def clear_idle_transactions(lab, end_them):
    for tid, user, db, age in idle_transactions(lab):
        if end_them:
            # Private lab only (run.sh passes --end-idle-transactions for the
            # lab it owns): the client (SQLAlchemy's pool) reconnects.
            log(f"ending connection {tid} ({user}, {db}): idle transaction open for {age} s blocks InnoDB purge")
            try:
                lab.run(f"KILL CONNECTION {int(tid)}")
            except pymysql.err.MySQLError:
                pass
        else:
            log(f"warning: connection {tid} ({user}, {db}) has had an idle transaction open for {age} s; "
                "InnoDB cannot purge while it lasts")


def wait_for_purge(lab, limit=1000, timeout=120):
    """InnoDB purges the previous contender's delete-marked rows in the
    background; the next contender should not pay for that."""
    t = time.monotonic()
    while time.monotonic() - t < timeout:
        if int(lab.one("SELECT COUNT FROM information_schema.INNODB_METRICS "
                       "WHERE NAME = 'trx_rseg_history_len'")) <= limit:
            return
        time.sleep(1)
    log("InnoDB's history list is still long; going on")


# ---------------------------------------------------------------- the writer

class Writer(threading.Thread):
    """Keystone issuing tokens: one autocommitted INSERT of a live token every
    1/rate seconds on its own connection (one of the writer's connections)."""

    def __init__(self, lab, rate):
        super().__init__(daemon=True)
        self.lab, self.interval = lab, 1.0 / rate
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.latencies = []
        self.ids = []  # every id the server acknowledged
        self.ok = self.timeouts = self.missed = 0
        self.errors = {}
        self.thread_id = None

    def run(self):
        conn = self.lab.keystone()
        self.thread_id = conn.thread_id()
        cur = conn.cursor()
        self.ready.set()
        sql = (f"INSERT INTO {DB}.token (id, expires, extra, valid, trust_id, user_id) "
               "VALUES (%s, %s, %s, 1, NULL, %s)")
        t0 = time.perf_counter()
        slot = 0
        while not self.stop.is_set():
            due = t0 + slot * self.interval
            now = time.perf_counter()
            if due > now:
                if self.stop.wait(due - now):
                    break
            elif now - due > self.interval:
                # Blocked past our slots: skip them rather than fire a burst
                # that would hide the stall in a queue of fast inserts.
                skip = int((now - due) / self.interval)
                self.missed += skip
                slot += skip
            slot += 1
            tid = uuid.uuid4().hex
            expires = datetime.datetime.utcnow().replace(microsecond=0) + datetime.timedelta(days=1)
            extra = json.dumps({"token_data": {"token": {
                "methods": ["password"], "expires_at": expires.isoformat() + ".000000Z",
                "user": {"id": WRITER_USER, "name": "writer", "domain": {"id": "default", "name": "Default"}},
                "audit_ids": [uuid.uuid4().hex[:22]], "issued_at": datetime.datetime.utcnow().isoformat() + "Z"}},
                "key": tid, "token_version": "v3.0"})
            start = time.perf_counter()
            try:
                cur.execute(sql, (tid, expires, extra, WRITER_USER))
                self.ok += 1
                self.ids.append(tid)
            except pymysql.err.MySQLError as e:
                code = e.args[0] if e.args else -1
                if code == 1205:
                    self.timeouts += 1
                else:
                    self.errors[str(code)] = self.errors.get(str(code), 0) + 1
            self.latencies.append(time.perf_counter() - start)
        conn.close()


class Updater(threading.Thread):
    """Keystone revoking tokens: one autocommitted UPDATE ... SET valid = 0 of
    a live token (of the seeded ones that are still valid, in random order)
    every 1/rate seconds on its own connection."""

    def __init__(self, lab, rate, ids):
        super().__init__(daemon=True)
        self.lab, self.interval, self.todo = lab, 1.0 / rate, list(ids)
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.latencies = []
        self.revoked = []  # ids the server acknowledged as updated
        self.ok = self.timeouts = self.missed = 0
        self.errors = {}
        self.thread_id = None

    def run(self):
        conn = self.lab.keystone()
        self.thread_id = conn.thread_id()
        cur = conn.cursor()
        self.ready.set()
        sql = f"UPDATE {DB}.token SET valid = 0 WHERE id = %s"
        t0 = time.perf_counter()
        slot = 0
        while not self.stop.is_set() and self.todo:
            due = t0 + slot * self.interval
            now = time.perf_counter()
            if due > now:
                if self.stop.wait(due - now):
                    break
            elif now - due > self.interval:
                skip = int((now - due) / self.interval)
                self.missed += skip
                slot += skip
            slot += 1
            tid = self.todo.pop()
            start = time.perf_counter()
            try:
                cur.execute(sql, (tid,))
                self.ok += 1
                self.revoked.append(tid)
            except pymysql.err.MySQLError as e:
                code = e.args[0] if e.args else -1
                if code == 1205:
                    self.timeouts += 1
                else:
                    self.errors[str(code)] = self.errors.get(str(code), 0) + 1
            self.latencies.append(time.perf_counter() - start)
        conn.close()


def writer_figures(writers, seconds):
    ms = [x * 1000 for w in writers for x in w.latencies]
    errors = {}
    for w in writers:
        for k, v in w.errors.items():
            errors[k] = errors.get(k, 0) + v
    ok = sum(w.ok for w in writers)
    return {"connections": len(writers), "inserts": len(ms), "ok": ok,
            "rate_per_second": round(len(ms) / seconds, 1) if seconds > 0 else 0,
            "lock_wait_timeouts": sum(w.timeouts for w in writers), "other_errors": errors,
            "missed_slots": sum(w.missed for w in writers),
            "p50_ms": round(percentile(ms, 0.50), 2), "p99_ms": round(percentile(ms, 0.99), 2),
            "max_ms": round(max(ms, default=0), 1), "over_100ms": sum(1 for x in ms if x > 100),
            "over_1s": sum(1 for x in ms if x > 1000)}


# ---------------------------------------------------------------- transactions

_COMMENT = re.compile(r"^\s*(/\*.*?\*/\s*)*", re.S)
_AUTOCOMMIT = re.compile(r"^set\s+(session\s+|@@session\.|@@)?autocommit\s*=\s*(\w+)")
_DML = re.compile(r"^(delete|insert|update|replace)\b")
_SYSTEM = re.compile(r"\b(information_schema|performance_schema|mysql)\.")


def statement_kind(text):
    t = _COMMENT.sub("", text).strip().lower()
    m = _AUTOCOMMIT.match(t)
    if m:
        return "autocommit-on" if m.group(2) in ("1", "on", "true") else "autocommit-off"
    if re.match(r"^(begin|start\s+transaction)\b", t):
        return "begin"
    if re.match(r"^(commit|rollback)\b", t):
        return "end"
    if _DML.match(t):
        return "write"
    # A SELECT that reads a table opens an InnoDB transaction (a read view);
    # SELECT @@var, SHOW, SET, EXPLAIN and the data dictionary do not.
    if t.startswith("select") and re.search(r"\bfrom\b", t) and not _SYSTEM.search(t):
        return "read"
    return "other"


def transactions(rows):
    """Rebuilds transactions from slow-log rows (thread, start, seconds, text).

    With autocommit a table statement is its own transaction; after
    BEGIN/START TRANSACTION or SET autocommit=0 a transaction runs from its
    first table statement to the end of the COMMIT or ROLLBACK.
    """
    by_thread = {}
    for r in rows:
        by_thread.setdefault(r[0], []).append(r)
    out = []
    for tid, stmts in by_thread.items():
        stmts.sort(key=lambda r: r[1])
        autocommit, explicit, cur = True, False, None
        for _, start, secs, text, _, affected, _ in stmts:
            kind = statement_kind(text)
            end = start + secs
            if kind == "end" or kind == "autocommit-on" or kind == "begin":
                # COMMIT/ROLLBACK end the transaction; so do SET autocommit=1
                # and BEGIN (implicit commit).
                if cur is not None:
                    cur["end"] = end if kind != "begin" else cur["end"]
                    out.append(cur)
                    cur = None
                explicit = kind == "begin"
                if kind == "autocommit-on":
                    autocommit = True
                continue
            if kind == "autocommit-off":
                autocommit = False
                continue
            if kind == "other":
                if cur is not None:
                    cur["end"] = max(cur["end"], end)
                continue
            if autocommit and not explicit:
                out.append({"thread": tid, "start": start, "end": end, "write": kind == "write",
                            "statements": 1, "rows": affected, "first": text[:160]})
                continue
            if cur is None:
                cur = {"thread": tid, "start": start, "end": end, "write": False, "statements": 0,
                       "rows": 0, "first": text[:160]}
            cur["end"] = max(cur["end"], end)
            cur["statements"] += 1
            cur["rows"] += affected
            cur["write"] = cur["write"] or kind == "write"
        if cur is not None:  # never committed: disconnected, i.e. rolled back
            cur["unterminated"] = True
            out.append(cur)
    for t in out:
        t["ms"] = (t["end"] - t["start"]) * 1000
    return out


def transaction_figures(trx, limit_ms, writer_stmts=()):
    writes = [t for t in trx if t["write"]]
    reads = [t for t in trx if not t["write"]]
    longest_w = max(writes, key=lambda t: t["ms"], default=None)
    longest_r = max(reads, key=lambda t: t["ms"], default=None)
    t0 = min((t["start"] for t in trx), default=0)
    # Whether the write transactions over the limit are big batches or single
    # stalls of small ones: when they started, how long, how many rows.
    over = sorted((t for t in writes if t["ms"] > limit_ms), key=lambda t: -t["ms"])[:40]
    return {
        # writer_ms: the slowest of the writer's INSERTs that ran at the same
        # time. A one-row INSERT that is as slow points to a stall of the whole
        # server (log flush, CPU), not to the size of the batch.
        "over_limit_samples": [{"at_s": round(t["start"] - t0, 2), "ms": round(t["ms"], 1), "rows": t["rows"],
                                "writer_ms": round(max((w[2] * 1000 for w in writer_stmts
                                                        if w[1] < t["end"] and w[1] + w[2] > t["start"]),
                                                       default=0), 1)}
                               for t in sorted(over, key=lambda t: t["start"])],
        "write_rows_p50": percentile([t["rows"] for t in writes], 0.5),
        "transactions": len(trx), "write_transactions": len(writes),
        "longest_write_ms": round(longest_w["ms"], 3) if longest_w else 0,
        "longest_write_statement": longest_w["first"] if longest_w else "",
        "write_p99_ms": round(percentile([t["ms"] for t in writes], 0.99), 3),
        "write_over_limit": sum(1 for t in writes if t["ms"] > limit_ms),
        "longest_read_only_ms": round(longest_r["ms"], 3) if longest_r else 0,
        "longest_read_only_statement": longest_r["first"] if longest_r else "",
        "longest_ms": round(max(t["ms"] for t in trx), 3) if trx else 0,
    }


def slow_log_on(lab):
    lab.run("SET GLOBAL slow_query_log = 0")
    lab.run("TRUNCATE TABLE mysql.slow_log")
    # long_query_time is copied into each session at connect: everything the
    # contender and the writer open from now on logs every statement.
    lab.run("SET GLOBAL log_output = 'TABLE', long_query_time = 0, log_slow_rate_limit = 1, "
            "log_slow_min_examined_row_limit = 0")
    lab.run("SET GLOBAL slow_query_log = 1")


def slow_log_off(lab, user):
    lab.run("SET GLOBAL slow_query_log = 0")
    rows = lab.run("SELECT thread_id, start_time, TIME_TO_SEC(query_time), sql_text, rows_examined, "
                   "rows_affected, TIME_TO_SEC(lock_time) FROM mysql.slow_log WHERE user_host LIKE %s",
                   (f"{user}[%",))
    lab.run("SET GLOBAL long_query_time = 10")
    return [(int(r[0]), r[1].timestamp(), float(r[2]), r[3] if isinstance(r[3], str) else r[3].decode(),
             int(r[4]), int(r[5]), float(r[6])) for r in rows]


def statement_summary(stmts):
    """Per statement type (its first word): how many, their time, and the rows
    they examined and changed - where a contender's time goes."""
    out = {}
    for s in stmts:
        words = _COMMENT.sub("", s[3]).split(None, 1)
        key = words[0].upper() if words else "?"
        o = out.setdefault(key, {"count": 0, "seconds": 0.0, "max_ms": 0.0, "rows_examined": 0, "rows_affected": 0})
        o["count"] += 1
        o["seconds"] += s[2]
        o["max_ms"] = max(o["max_ms"], s[2] * 1000)
        o["rows_examined"] += s[4]
        o["rows_affected"] += s[5]
    for o in out.values():
        o["seconds"] = round(o["seconds"], 3)
        o["max_ms"] = round(o["max_ms"], 3)
    return out


# ---------------------------------------------------------------- contenders

def bench_purge(lab, args, work, extra):
    env = dict(os.environ, TURNSTILE_DB_PASSWORD=lab.password,
               TURNSTILE_AUDIT_LOG=os.path.join(work, "audit.jsonl"),
               TURNSTILE_PENDING_DIR=os.path.join(work, "pending"))
    for p in (env["TURNSTILE_AUDIT_LOG"],):
        if os.path.exists(p):
            os.remove(p)
    shutil.rmtree(env["TURNSTILE_PENDING_DIR"], ignore_errors=True)
    url = f"mysql+pymysql://{lab.user}@{lab.host}:{lab.port}/{DB}"
    cmd = [args.bench_purge, "--url", url, "--quiet"] + extra
    p = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if p.returncode != 0:
        die(f"bench_purge failed ({p.returncode}): {p.stderr.strip()} {p.stdout.strip()}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def run_turnstile(lab, args, work, cutoff, name="turnstile"):
    del cutoff  # Turnstile fixes its own (database clock - 2 days) in the preview.
    extra = ["--method", TURNSTILE_METHODS[name]]
    # Issue 6's contender keeps its fixed cap; auto and chunked size their
    # batches by time, as the window and turnstilectl do.
    if name == "turnstile":
        extra += ["--batch", str(args.batch)]
    if name == "parallel":
        extra += ["--connections", str(args.connections)]
    r = bench_purge(lab, args, work, extra + args.turnstile_arg)
    return {"rows_deleted": r["rows_deleted"], "seconds": r["seconds"], "tool": r}


def run_rebuild(lab, args, work):
    """The guarded Rebuild table of token, as an operator runs it after a
    chunked purge to give the disk space back."""
    return bench_purge(lab, args, work, ["--rebuild"])


def mysql_defaults_file(lab, work):
    path = os.path.join(work, "client.cnf")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"[client]\nuser={lab.user}\npassword={lab.password}\nhost={lab.host}\nport={lab.port}\n")
    return path


def run_pt_archiver(lab, args, work, cutoff):
    cnf = mysql_defaults_file(lab, work)
    cmd = ["pt-archiver", "--source", f"F={cnf},D={DB},t=token,A=utf8", "--purge", "--bulk-delete",
           "--commit-each", "--primary-key-only", "--limit", str(args.batch),
           "--where", f"expires < '{cutoff}'", "--statistics", "--why-quit"]
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    secs = time.perf_counter() - t
    if p.returncode != 0:
        die(f"pt-archiver failed ({p.returncode}): {p.stderr.strip()} {p.stdout.strip()}")
    m = re.search(r"^DELETE\s+(\d+)", p.stdout, re.M)
    return {"rows_deleted": int(m.group(1)) if m else -1, "seconds": secs,
            "tool": {"command": " ".join(cmd).replace(cnf, "client.cnf"), "statistics": p.stdout.strip()}}


def run_delete(lab, args, work, cutoff):
    del args
    cnf = mysql_defaults_file(lab, work)
    sql = f"DELETE FROM token WHERE expires < '{cutoff}'"
    cmd = ["mariadb", f"--defaults-file={cnf}", "--batch", "--skip-column-names", DB,
           "-e", f"{sql}; SELECT ROW_COUNT()"]
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    secs = time.perf_counter() - t
    if p.returncode != 0:
        die(f"the single DELETE failed ({p.returncode}): {p.stderr.strip()}")
    return {"rows_deleted": int(p.stdout.split()[-1]), "seconds": secs, "tool": {"statement": sql}}


RUNNERS = {"auto": lambda *a: run_turnstile(*a, name="auto"),
           "chunked": lambda *a: run_turnstile(*a, name="chunked"),
           "parallel": lambda *a: run_turnstile(*a, name="parallel"),
           "turnstile": run_turnstile, "pt-archiver": run_pt_archiver, "delete": run_delete}


def with_writers(lab, args, revocable, action):
    """Runs action() while the writer inserts and the updater revokes, with
    the slow log on; returns what action() returned and what they saw."""
    slow_log_on(lab)
    counters = server_counters(lab)
    # Keystone writes from several workers; one connection alone could not
    # offer 200 INSERTs/s when each commit waits for its own log flush.
    writers = [Writer(lab, args.rate / args.writer_connections) for _ in range(args.writer_connections)]
    updater = Updater(lab, args.update_rate, revocable) if args.update_rate > 0 else None
    threads = writers + ([updater] if updater else [])
    for t in threads:
        t.start()
    for t in threads:
        t.ready.wait(10)
    clock = time.perf_counter()
    time.sleep(1)  # the writer's steady state before the contender starts
    load = os.getloadavg()
    r = action()
    for t in threads:
        t.stop.set()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - clock
    stmts = slow_log_off(lab, lab.user)
    counters = {k: v - counters.get(k, 0) for k, v in server_counters(lab).items()}
    return {"result": r, "stmts": stmts, "writers": writers, "updater": updater, "seconds": seconds,
            "counters": counters, "load": load}


def writer_stalls(stmts, writer_ids, ours, n=8):
    """The writers' slowest statements as the server timed them, when they
    started (seconds after the run's first statement) and what the contender
    was running at that moment: where a writer's tail latency comes from. A
    client-side p99 far above every server time here points at the client's
    machine (CPU, scheduling), not at a lock."""
    t0 = min((s[1] for s in stmts), default=0)
    slow = sorted((s for s in stmts if s[0] in writer_ids and statement_kind(s[3]) == "write"),
                  key=lambda s: -s[2])[:n]
    out = []
    for s in sorted(slow, key=lambda s: s[1]):
        end = s[1] + s[2]
        during = [o for o in ours if o[1] < end and o[1] + o[2] > s[1]]
        out.append({"at_s": round(s[1] - t0, 3), "ms": round(s[2] * 1000, 1),
                    "statement": " ".join(s[3].split())[:60],
                    "contender_running": [{"ms": round(o[2] * 1000, 1), "statement": " ".join(o[3].split())[:90]}
                                          for o in sorted(during, key=lambda o: -o[2])[:3]]})
    return out


_DDL = re.compile(r"^\s*(create\s+trigger|drop\s+trigger|rename\s+table)\b", re.I)


def mib(n):
    return round(n / 1048576, 1) if n is not None else None


def measure(lab, args, work, meta, name, rep=1):
    log(f"{name} (run {rep}): restoring token from the template")
    restore(lab, work)
    if not args.cold:
        warm_up(lab)
    clear_idle_transactions(lab, args.end_idle_transactions)
    wait_for_purge(lab)
    base = datetime.datetime.strptime(meta["base"], "%Y-%m-%d %H:%M:%S")
    check_cut = base - datetime.timedelta(days=2)
    before = live_checksum(lab, "token", check_cut)
    if before != meta["live_checksum"]:
        die(f"the restored table is not the template ({before} != {meta['live_checksum']})")
    expired_before = int(lab.one(f"SELECT COUNT(*) FROM {DB}.token WHERE expires < %s", (check_cut,)))
    cutoff = lab.one("SELECT UTC_TIMESTAMP() - INTERVAL 2 DAY").strftime("%Y-%m-%d %H:%M:%S")
    gap = (base - datetime.timedelta(days=3), base - datetime.timedelta(days=1))
    if not gap[0] < datetime.datetime.strptime(cutoff, "%Y-%m-%d %H:%M:%S") < gap[1]:
        die(f"the cutoff {cutoff} is outside the template's gap {gap}; rebuild the template")
    size_before = table_size(lab)
    # The updater revokes seeded live tokens that are still valid, in an
    # order of their own per run.
    revocable = [i for (i,) in lab.run(f"SELECT id FROM {DB}.token WHERE expires >= %s AND valid = 1 "
                                       f"AND user_id <> %s", (check_cut, WRITER_USER))]
    random.Random(args.seed * 1000 + rep).shuffle(revocable)

    log(f"{name} (run {rep}): running (cutoff {cutoff}; load average {os.getloadavg()[0]:.1f})")
    ph = with_writers(lab, args, revocable, lambda: RUNNERS[name](lab, args, work, cutoff))
    r, stmts, writers, updater = ph["result"], ph["stmts"], ph["writers"], ph["updater"]
    writer_ids = {w.thread_id for w in writers} | ({updater.thread_id} if updater else set())
    ours = [s for s in stmts if s[0] not in writer_ids]
    trx = transaction_figures(transactions(ours), args.max_trx_ms,
                              [s for s in stmts if s[0] in writer_ids and statement_kind(s[3]) == "write"])
    # The writer's INSERTs as the server saw them, without the network.
    server_ins = sorted(s[2] * 1000 for s in stmts if s[0] in writer_ids and statement_kind(s[3]) == "write")
    # The swap's metadata-lock steps as the server timed them.
    ddl_server = [s[2] * 1000 for s in ours if _DDL.match(_COMMENT.sub("", s[3]))]
    w = writer_figures(writers, ph["seconds"])
    w["server_max_ms"] = round(server_ins[-1], 1) if server_ins else 0
    stalls = writer_stalls(stmts, writer_ids, ours)
    u = writer_figures([updater], ph["seconds"]) if updater else None
    inserted = [i for x in writers for i in x.ids]
    revoked = list(updater.revoked) if updater else []
    size_after = table_size(lab)

    # The lock the contender holds: Turnstile says it (batch times; the swap's
    # chunks and metadata-lock steps); for the others the server's log does.
    tool = r["tool"]
    if name in TURNSTILE_METHODS:
        lock = {"p99_ms": round(tool.get("lock_ms_p99", tool.get("batch_ms_p99", 0)), 1),
                "max_ms": round(tool.get("lock_ms_max", tool.get("slowest_batch_ms", 0)), 1),
                "source": "bench_purge (batch / copy chunk / metadata-lock step times)"}
    else:
        lock = {"p99_ms": round(trx["write_p99_ms"], 1), "max_ms": round(trx["longest_write_ms"], 1),
                "source": "server slow log (write transactions)"}

    rebuild = None
    if name == "chunked" and not args.no_rebuild:
        log(f"{name} (run {rep}): Rebuild table")
        rb = with_writers(lab, args, updater.todo if updater else [], lambda: run_rebuild(lab, args, work))
        inserted += [i for x in rb["writers"] for i in x.ids]
        if rb["updater"]:
            revoked += rb["updater"].revoked
        rebuild = {"seconds": round(rb["result"]["seconds"], 2), "outcome": rb["result"]["outcome"],
                   "message": rb["result"]["message"], "details": rb["result"].get("details", {}),
                   "writer": writer_figures(rb["writers"], rb["seconds"]),
                   "updater": writer_figures([rb["updater"]], rb["seconds"]) if rb["updater"] else None,
                   "size_after": table_size(lab)}

    expected, revoked_now = with_revocations(lab, before, revoked)
    after = live_checksum(lab, "token", check_cut)
    expired_after = int(lab.one(f"SELECT COUNT(*) FROM {DB}.token WHERE expires < %s", (check_cut,)))
    wrows, wxor = lab.run(f"SELECT COUNT(*), BIT_XOR(CAST(CONV(LEFT(MD5(id), 16), 16, 10) AS UNSIGNED)) "
                          f"FROM {DB}.token WHERE user_id = %s", (WRITER_USER,))[0]
    leftovers = [t for (t,) in lab.run("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = %s "
                                       "AND TABLE_NAME LIKE '\\_token\\_%%'", (DB,))]
    verified = expired_before - int(lab.one(f"SELECT COUNT(*) FROM {DB}.token WHERE expires < %s", (check_cut,)))
    method = tool.get("method", name) if name in TURNSTILE_METHODS else name
    checks = {
        "live_rows": after == expected,
        "revocations": revoked_now == len(revoked),
        "inserts": int(wrows) == len(inserted) and int(wxor or 0) == id_hash(inserted),
        "no_expired_left": expired_after == 0,
        "no_leftover_tables": not leftovers,
        # The swap's count is before - after (with the writer's rows in
        # between), not a count of deletes: only the table's state counts.
        "count_reported": method == "swap" or r["rows_deleted"] == expired_before,
    }
    res = {
        "contender": name, "run": rep, "method": method, "cutoff": cutoff,
        "load_average_at_start": round(ph["load"][0], 2), "load_average_at_end": round(os.getloadavg()[0], 2),
        "rows_deleted": r["rows_deleted"], "rows_deleted_verified": verified,
        "seconds": round(r["seconds"], 2),
        "rows_per_second": round(verified / r["seconds"]) if r["seconds"] > 0 else 0,
        "lock": lock, "ddl_server_max_ms": round(max(ddl_server, default=0), 1),
        "transactions": trx, "statements": statement_summary(ours), "server_counters": ph["counters"],
        "writer": w, "updater": u, "writer_stalls": stalls,
        "live_checksum_before": before, "live_checksum_expected": expected, "live_checksum_after": after,
        "revoked": len(revoked), "revoked_valid0": revoked_now,
        "expired_left": expired_after, "writer_rows": int(wrows), "writer_inserts_ok": len(inserted),
        "leftover_tables": leftovers, "checks": checks, "integrity_ok": all(checks.values()),
        "size_before": size_before, "size_after": size_after, "rebuild": rebuild,
        "tool": tool,
    }
    log(f"{name} (run {rep}, {method}): {verified:,} rows in {res['seconds']} s = {res['rows_per_second']:,} rows/s; "
        f"lock p99 {lock['p99_ms']} ms, max {lock['max_ms']} ms; writer p99 {w['p99_ms']} ms, max {w['max_ms']} ms, "
        f"{w['lock_wait_timeouts'] + (u['lock_wait_timeouts'] if u else 0)} lock wait timeouts; size "
        f"{mib(size_before['total'])} -> {mib(size_after['total'])} MiB"
        + (f" -> {mib(rebuild['size_after']['total'])} MiB after the rebuild ({rebuild['seconds']} s)" if rebuild else "")
        + f"; integrity {'OK' if res['integrity_ok'] else 'FAILED ' + str(checks)}")
    lab.run(f"DROP TABLE {DB}.token")
    return res


def median(values):
    v = sorted(x for x in values if x is not None)
    if not v:
        return None
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def summarise(runs):
    """Each contender's medians over its runs (and the worst where a target
    is about the worst case)."""
    def med(f):
        return median([f(r) for r in runs])

    def disk(size):
        # The file when it can be read (what the target is about),
        # else information_schema's figure.
        return size["ibd"] if size["ibd"] is not None else size["total"]

    methods = sorted({r["method"] for r in runs})
    rb = [r for r in runs if r["rebuild"]]
    return {
        "runs": len(runs), "method": "/".join(methods),
        "rows_deleted": med(lambda r: r["rows_deleted_verified"]),
        "seconds": med(lambda r: r["seconds"]), "rows_per_second": med(lambda r: r["rows_per_second"]),
        "lock_p99_ms": med(lambda r: r["lock"]["p99_ms"]), "lock_max_ms": med(lambda r: r["lock"]["max_ms"]),
        "lock_max_ms_worst": max(r["lock"]["max_ms"] for r in runs),
        "server_write_trx_max_ms": med(lambda r: r["transactions"]["longest_write_ms"]),
        "ddl_server_max_ms": med(lambda r: r["ddl_server_max_ms"]),
        "insert_p99_ms": med(lambda r: r["writer"]["p99_ms"]), "insert_max_ms": med(lambda r: r["writer"]["max_ms"]),
        "update_p99_ms": med(lambda r: r["updater"]["p99_ms"] if r["updater"] else None),
        "update_max_ms": med(lambda r: r["updater"]["max_ms"] if r["updater"] else None),
        "lock_wait_timeouts": sum(r["writer"]["lock_wait_timeouts"] + (r["updater"]["lock_wait_timeouts"]
                                                                     if r["updater"] else 0) for r in runs),
        "integrity_ok": all(r["integrity_ok"] for r in runs),
        "size_before_mib": med(lambda r: mib(r["size_before"]["total"])),
        "size_after_mib": med(lambda r: mib(r["size_after"]["total"])),
        "disk_before_mib": med(lambda r: mib(disk(r["size_before"]))),
        "disk_after_mib": med(lambda r: mib(disk(r["size_after"]))),
        "disk_source": ".ibd file" if all(r["size_before"]["ibd"] is not None for r in runs)
                       else "information_schema",
        "rebuild_seconds": median([r["rebuild"]["seconds"] for r in rb]) if rb else None,
        "disk_after_rebuild_mib": median([mib(disk(r["rebuild"]["size_after"])) for r in rb]) if rb else None,
        "size_after_rebuild_mib": median([mib(r["rebuild"]["size_after"]["total"]) for r in rb]) if rb else None,
        "rebuild_writer_stall_ms": median([r["rebuild"]["details"].get("writer_worst_stall_ms") for r in rb])
                                   if rb else None,
        "load_start": min(r["load_average_at_start"] for r in runs),
        "load_end": max(r["load_average_at_end"] for r in runs),
    }


def table(summary, targets, names):
    def fmt_ms(x):
        if x is None:
            return "–"
        return f"{x:,.1f}" if x < 1000 else f"{x:,.0f}"

    def fmt(x, f="{:,.1f}"):
        return "–" if x is None else f.format(x)

    base = summary.get("pt-archiver")
    lines = ["| Contender | Method | Rows deleted | Wall s | Rows/s | vs pt-archiver | Longest lock p99 / max ms | "
             "Longest write trx ms (server) | INSERT p99 / max ms | UPDATE p99 / max ms | Lock wait timeouts | "
             "Live rows, INSERTs, UPDATEs intact | Size MiB before → after | File MiB before → after | "
             "Rebuild table: s → file MiB | Load avg |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---|"]
    for name in names:
        r = summary.get(name)
        if not r:
            continue
        ratio = f"{r['rows_per_second'] / base['rows_per_second']:.2f}×" if base and base["rows_per_second"] else "–"
        rebuild = (f"{r['rebuild_seconds']:.1f} → {r['disk_after_rebuild_mib']:,.1f}"
                   if r["rebuild_seconds"] is not None else "–")
        lines.append(
            f"| {name} | {r['method']} | {r['rows_deleted']:,.0f} | {r['seconds']:.1f} | {r['rows_per_second']:,.0f} | "
            f"{ratio} | {fmt_ms(r['lock_p99_ms'])} / {fmt_ms(r['lock_max_ms'])} | "
            f"{fmt_ms(r['server_write_trx_max_ms'])} | {fmt_ms(r['insert_p99_ms'])} / {fmt_ms(r['insert_max_ms'])} | "
            f"{fmt_ms(r['update_p99_ms'])} / {fmt_ms(r['update_max_ms'])} | {r['lock_wait_timeouts']} | "
            f"{'yes' if r['integrity_ok'] else 'NO'} | {fmt(r['size_before_mib'])} → {fmt(r['size_after_mib'])} | "
            f"{fmt(r['disk_before_mib'])} → {fmt(r['disk_after_mib'])} | {rebuild} | "
            f"{r['load_start']:.1f}–{r['load_end']:.1f} |")
    lines.append("")
    for k, v in targets.items():
        lines.append(f"- {k}: {'met' if v['met'] else 'MISSED'} ({v['measured']})")
    return "\n".join(lines)


def evaluate(summary, max_trx_ms):
    out = {}
    a, c, t = summary.get("auto"), summary.get("chunked"), summary.get("turnstile")
    par = summary.get("parallel")
    p, d = summary.get("pt-archiver"), summary.get("delete")
    if a and d:
        out["Turnstile auto wall time <= the single DELETE's"] = {
            "met": a["seconds"] <= d["seconds"], "measured": f"{a['seconds']:.1f} s vs {d['seconds']:.1f} s"}
    if c and p and p["rows_per_second"]:
        ratio = c["rows_per_second"] / p["rows_per_second"]
        out["Turnstile chunked rows/s >= 2 x pt-archiver's"] = {"met": ratio >= 2, "measured": f"{ratio:.2f}×"}
    if par and p and p["rows_per_second"]:
        ratio = par["rows_per_second"] / p["rows_per_second"]
        out["Turnstile chunked on parallel connections rows/s >= 2 x pt-archiver's"] = {
            "met": ratio >= 2, "measured": f"{ratio:.2f}×"}
    if t and p and p["rows_per_second"]:
        ratio = t["rows_per_second"] / p["rows_per_second"]
        out["Turnstile (--batch) rows/s >= 1.25 x pt-archiver"] = {"met": ratio >= 1.25, "measured": f"{ratio:.2f}×"}
    for name, r in (("auto", a), ("chunked", c), ("parallel", par), ("turnstile", t)):
        if not r:
            continue
        out[f"{name}: longest lock <= {max_trx_ms:g} ms at p99 and <= 500 ms at most"] = {
            "met": r["lock_p99_ms"] <= max_trx_ms and r["lock_max_ms"] <= 500,
            "measured": f"p99 {r['lock_p99_ms']:.1f} ms, max {r['lock_max_ms']:.1f} ms "
                        f"(worst run {r['lock_max_ms_worst']:.1f} ms)"}
        if p:
            out[f"{name}: writer p99 <= under pt-archiver"] = {
                "met": r["insert_p99_ms"] <= p["insert_p99_ms"],
                "measured": f"{r['insert_p99_ms']:.2f} ms vs {p['insert_p99_ms']:.2f} ms"}
        out[f"{name}: no lock wait timeouts"] = {"met": r["lock_wait_timeouts"] == 0,
                                                "measured": str(r["lock_wait_timeouts"])}
    if a and a["disk_before_mib"]:
        share = a["disk_after_mib"] / a["disk_before_mib"]
        out["auto: table file after <= 15 % of before"] = {
            "met": share <= 0.15, "measured": f"{a['disk_after_mib']:,.1f} of {a['disk_before_mib']:,.1f} MiB "
                                              f"= {share:.0%} ({a['disk_source']})"}
    if c and c["disk_before_mib"] and c["disk_after_rebuild_mib"] is not None:
        share = c["disk_after_rebuild_mib"] / c["disk_before_mib"]
        out["chunked + Rebuild table: table file after <= 15 % of before"] = {
            "met": share <= 0.15, "measured": f"{c['disk_after_rebuild_mib']:,.1f} of {c['disk_before_mib']:,.1f} "
                                              f"MiB = {share:.0%} ({c['disk_source']})"}
    out["live rows, INSERTs and UPDATEs intact (every contender, every run)"] = {
        "met": all(r["integrity_ok"] for r in summary.values()),
        "measured": ", ".join(f"{n} {'OK' if r['integrity_ok'] else 'FAILED'}" for n, r in summary.items())}
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lab-env", required=True, help="the lab's lab.env")
    ap.add_argument("--bench-purge", required=True, help="path of the bench_purge binary")
    ap.add_argument("--out", required=True, help="JSON result file")
    ap.add_argument("--work-dir", default="/tmp/turnstile-bench-purge")
    ap.add_argument("--rows", type=int, default=2000000)
    ap.add_argument("--live", type=int, default=None, help="live rows [5 %% of --rows: 95 %% expired]")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--rate", type=float, default=200, help="writer INSERTs per second, all connections")
    ap.add_argument("--writer-connections", type=int, default=2)
    ap.add_argument("--update-rate", type=float, default=20,
                    help="UPDATE ... SET valid = 0 of live tokens per second (0 = none)")
    ap.add_argument("--batch", type=int, default=1000,
                    help="pt-archiver's --limit and the `turnstile` contender's --batch (auto and chunked "
                         "size their batches by time)")
    ap.add_argument("--connections", type=int, default=2,
                    help="the `parallel` contender's connections deleting side by side")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each contender, alternating; medians shown")
    ap.add_argument("--no-rebuild", action="store_true", help="no Rebuild table after `chunked`")
    ap.add_argument("--max-trx-ms", type=float, default=100)
    ap.add_argument("--contenders", default=",".join(DEFAULT_CONTENDERS),
                    help=f"comma-separated, of {','.join(CONTENDERS)}")
    ap.add_argument("--reuse-template", action="store_true",
                    help="use the template files of an earlier run when they hold the same data")
    ap.add_argument("--buffer-pool-mib", type=int, default=2560,
                    help="innodb_buffer_pool_size for the run (0 = leave it); restored afterwards")
    ap.add_argument("--redo-log-mib", type=int, default=1024,
                    help="innodb_log_file_size for the run (0 = leave it); restored afterwards")
    ap.add_argument("--cold", action="store_true",
                    help="do not read the fresh table into the buffer pool before each contender")
    ap.add_argument("--end-idle-transactions", action="store_true",
                    help="KILL other sessions idling in a transaction (a private lab only)")
    ap.add_argument("--turnstile-arg", action="append", default=[],
                    help="extra bench_purge argument (experiments only), e.g. --turnstile-arg=--sleep-ratio=0")
    args = ap.parse_args()
    names = [n for n in args.contenders.split(",") if n]
    if any(n not in CONTENDERS for n in names) or not names:
        die(f"--contenders is a comma-separated subset of {','.join(CONTENDERS)}")
    if args.live is None:
        args.live = args.rows // 20
    if not 0 < args.live < args.rows:
        die("--live must be between 0 and --rows")
    if args.repeat < 1:
        die("--repeat must be at least 1")
    if "pt-archiver" in names and not shutil.which("pt-archiver"):
        die("pt-archiver not found (apt-get install percona-toolkit), or leave it out of --contenders")

    os.makedirs(args.work_dir, mode=0o700, exist_ok=True)
    lab = Lab(read_lab_env(args.lab_env))
    # Keystone's character set, so that generated text mixes with its columns.
    lab.run(f"CREATE DATABASE IF NOT EXISTS {DB} CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci")
    lab.run(f"ALTER DATABASE {DB} CHARACTER SET utf8mb3 COLLATE utf8mb3_general_ci")
    for host in ("127.0.0.1", "localhost"):
        lab.run(f"GRANT ALL PRIVILEGES ON {DB}.* TO %s@%s", (lab.user, host))
    # A production-sized server for the run, the lab's own settings again
    # afterwards: the lab starts MariaDB with a 256 MiB buffer pool (the 2 GB
    # table would be read from disk all the time) and the default 96 MiB redo
    # log (checkpoints then stall single statements of every contender for
    # 300-400 ms). Both are dynamic in MariaDB 10.11.
    pool_before = int(lab.one("SELECT @@innodb_buffer_pool_size DIV 1048576"))
    redo_before = int(lab.one("SELECT @@innodb_log_file_size DIV 1048576"))
    if args.buffer_pool_mib and args.buffer_pool_mib != pool_before:
        log(f"innodb_buffer_pool_size {pool_before} -> {args.buffer_pool_mib} MiB for the run")
        set_buffer_pool(lab, args.buffer_pool_mib)
    if args.redo_log_mib and args.redo_log_mib != redo_before:
        log(f"innodb_log_file_size {redo_before} -> {args.redo_log_mib} MiB for the run")
        lab.run(f"SET GLOBAL innodb_log_file_size = {args.redo_log_mib * 1048576}")
    try:
        return measure_all(lab, args, names)
    finally:
        if args.redo_log_mib and args.redo_log_mib != redo_before:
            lab.run(f"SET GLOBAL innodb_log_file_size = {redo_before * 1048576}")
        if args.buffer_pool_mib and args.buffer_pool_mib != pool_before:
            set_buffer_pool(lab, pool_before)


def measure_all(lab, args, names):
    server = lab.run("SELECT VERSION(), @@innodb_buffer_pool_size DIV 1048576, @@innodb_flush_log_at_trx_commit, "
                     "@@tx_isolation, @@innodb_lock_wait_timeout, @@log_bin, @@innodb_log_file_size DIV 1048576")[0]
    log(f"server {server[0]}, buffer pool {server[1]} MiB, redo log {server[6]} MiB, flush_log_at_trx_commit "
        f"{server[2]}, {server[3]}, innodb_lock_wait_timeout {server[4]} s, binlog {'on' if server[5] else 'off'}")

    meta = usable_template(lab, args, args.work_dir) if args.reuse_template else None
    if meta:
        log(f"reusing the template built at {meta['base']} UTC")
    else:
        meta = build_template(lab, args, args.work_dir)

    started = time.time()
    load_start = os.getloadavg()
    runs = {name: [] for name in names}
    # Alternating, so a slow phase of the machine does not fall on one.
    for rep in range(1, args.repeat + 1):
        for name in names:
            runs[name].append(measure(lab, args, args.work_dir, meta, name, rep))
    load_end = os.getloadavg()
    summary = {name: summarise(rs) for name, rs in runs.items()}
    results = {name: rs[-1] for name, rs in runs.items()}  # the last run of each, as before
    targets = evaluate(summary, args.max_trx_ms)

    out = {"when": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
           "server": {"version": server[0], "buffer_pool_mib": int(server[1]), "redo_log_mib": int(server[6]),
                      "flush_log_at_trx_commit": int(server[2]), "isolation": server[3],
                      "innodb_lock_wait_timeout": int(server[4]), "binlog": bool(server[5])},
           "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg(),
                       "load_average_at_start": load_start, "load_average_at_end": load_end},
           "parameters": {"rows": args.rows, "live": args.live, "seed": args.seed, "writer_rate": args.rate,
                          "batch": args.batch, "max_trx_ms": args.max_trx_ms, "warm_buffer_pool": not args.cold,
                          "update_rate": args.update_rate, "repeat": args.repeat, "contenders": names,
                          "command": " ".join(sys.argv),
                          "turnstile_args": args.turnstile_arg},
           "template": meta, "summary": summary, "runs": runs, "results": results,
           "targets": {k: v for k, v in targets.items()},
           "transaction_method": "mysql.slow_log with long_query_time=0 (start_time TIMESTAMP(6) + query_time "
                                 "TIME(6)), rebuilt per connection from the first table statement to the end of "
                                 "COMMIT; resolution 1 µs",
           "measure_seconds": round(time.time() - started, 1)}
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2, default=str)
    print(f"Medians of {args.repeat} run(s) per contender, alternating; {args.rows:,} rows, "
          f"{args.rows - args.live:,} expired; writer {args.rate:g} INSERT/s + {args.update_rate:g} UPDATE/s.\n")
    print(table(summary, targets, names))
    print(f"\nLoad average (1/5/15 min): {load_start[0]:.2f} / {load_start[1]:.2f} / {load_start[2]:.2f} at the start, "
          f"{load_end[0]:.2f} / {load_end[1]:.2f} / {load_end[2]:.2f} at the end; {os.cpu_count()} CPUs.")
    print(f"\nresult: {args.out}")
    return 0 if targets and all(v["met"] for v in targets.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
