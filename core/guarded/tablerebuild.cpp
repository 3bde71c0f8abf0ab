#include "guarded/tablerebuild.h"

#include "db/databaseurl.h"
#include "db/dbconnection.h"
#include "db/keystoneinspector.h"
#include "db/sqlsession.h"
#include "db/tablestats.h"
#include "guarded/actioncontrol.h"
#include "guarded/actionprogress.h"
#include "guarded/actiontarget.h"
#include "guarded/serverguard.h"
#include "util/timetext.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLocale>
#include <QThread>

#include <atomic>
#include <thread>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(TableRebuild)
};

QString bytes(qint64 b)
{
    return QLocale().formattedDataSize(b, 1);
}

std::optional<qint64> number(const QVariant &v)
{
    if (v.isNull() || !v.isValid())
        return std::nullopt;
    bool ok = false;
    const qint64 n = v.toLongLong(&ok);
    return ok ? std::optional<qint64>(n) : std::nullopt;
}

// The rebuild's own connection must outlive a long rewrite: the client read
// timeout is six times the connect timeout (DbConnection), so 600 s gives an
// hour of silence before the client gives up.
constexpr int kLongConnectTimeoutSec = 600;
// How often progress is read and the writer probe runs.
constexpr int kPollMs = 250;
constexpr int kProbeEveryMs = 50;
// How long the rebuild waits for its table lock before it gives way.
constexpr int kLockWaitSec = 5;
} // namespace

TableRebuild::TableRebuild(Profile profile, Secrets secrets, KeystoneTable table, bool full)
    : m_profile(std::move(profile)), m_secrets(std::move(secrets)), m_table(table), m_full(full)
{}

QList<KeystoneTable> TableRebuild::rebuildableTables()
{
    return {KeystoneTable::Token,    KeystoneTable::RevocationEvent,
            KeystoneTable::Trust,    KeystoneTable::TrustRole,
            KeystoneTable::Password, KeystoneTable::LocalUser,
            KeystoneTable::User,     KeystoneTable::ApplicationCredential};
}

std::optional<KeystoneTable> TableRebuild::tableFromName(const QString &name)
{
    for (const KeystoneTable t : rebuildableTables())
        if (tableName(t) == name)
            return t;
    return std::nullopt;
}

QString TableRebuild::statement(SqlSession &s) const
{
    // The table name comes from the enum through SqlSession::table(), quoted
    // for the server; nothing typed reaches this text.
    const QString t = s.table(m_table);
    if (s.isMySql())
        return QStringLiteral("ALTER TABLE %1 FORCE, ALGORITHM=INPLACE, LOCK=NONE").arg(t);
    return m_full ? QStringLiteral("VACUUM FULL %1").arg(t) : QStringLiteral("VACUUM %1").arg(t);
}

bool TableRebuild::readSize(SqlSession &s, TableSize *size, QString *error) const
{
    // The same figures the Database page shows (KeystoneInspector's
    // statistics path), for this one table.
    SqlResult r;
    if (s.isMySql())
        r = s.run(QStringLiteral("SELECT TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH, DATA_FREE FROM "
                                 "information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND "
                                 "TABLE_NAME = ?"),
                  {tableName(m_table)});
    else
        r = s.run(QStringLiteral("SELECT s.n_live_tup, pg_total_relation_size(c.oid) - "
                                 "pg_indexes_size(c.oid), pg_indexes_size(c.oid), s.n_dead_tup "
                                 "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON "
                                 "n.oid = c.relnamespace LEFT JOIN pg_catalog.pg_stat_user_tables "
                                 "s ON s.relid = c.oid WHERE n.nspname = current_schema() AND "
                                 "c.relname = ? AND c.relkind IN ('r', 'p')"),
                  {tableName(m_table)});
    if (!r.ok()) {
        *error = r.error;
        return false;
    }
    if (r.isEmpty()) {
        *error = Tr::tr("There is no table %1 in this database.").arg(tableName(m_table));
        return false;
    }
    size->name = tableName(m_table);
    size->rowsEstimate = number(r.value(0, 0));
    size->dataBytes = number(r.value(0, 1));
    size->indexBytes = number(r.value(0, 2));
    if (s.isMySql()) {
        size->freeBytes = number(r.value(0, 3));
    } else {
        size->liveRowsEstimate = number(r.value(0, 0));
        size->deadRowsEstimate = number(r.value(0, 3));
    }
    return true;
}

ActionPreview TableRebuild::preview()
{
    ActionPreview p;
    p.action = kind();
    p.at = QDateTime::currentDateTimeUtc();
    p.parameters.insert(QStringLiteral("table"), tableName(m_table));
    p.parameters.insert(QStringLiteral("full"), m_full);
    p.title = Tr::tr("Rebuild table %1").arg(tableName(m_table));
    QString urlError;
    const DatabaseUrl url = DatabaseUrl::parse(m_profile.databaseUrl, &urlError);
    if (m_profile.databaseUrl.isEmpty()) {
        p.refusal = Tr::tr("Profile %1 has no database; a rebuild works on Keystone's database.")
                        .arg(m_profile.name);
        return p;
    }
    if (!url.isValid() || url.backend == DatabaseUrl::Backend::Sqlite) {
        p.refusal = Tr::tr("The profile's database URL is not usable: %1")
                        .arg(urlError.isEmpty() ? Tr::tr("unsupported backend") : urlError);
        return p;
    }
    p.target = ActionTarget::forTable(url, tableName(m_table));
    if (m_profile.readOnly) {
        p.refusal = Tr::tr("Profile %1 is read-only; no guarded action runs against it.")
                        .arg(m_profile.name);
        return p;
    }
    DbConnection db(url, m_secrets.databasePassword);
    SqlSession s(db);
    QString reason;
    if (!s.begin(&reason)) {
        p.refusal = reason;
        return p;
    }
    if (s.isPostgres())
        p.title = m_full ? Tr::tr("VACUUM FULL table %1").arg(tableName(m_table))
                         : Tr::tr("VACUUM table %1").arg(tableName(m_table));
    TableSize size;
    if (!readSize(s, &size, &reason)) {
        p.refusal = reason;
        return p;
    }
    QString identityError;
    p.serverIdentity = serverIdentity(s, &identityError);
    if (p.serverIdentity.isEmpty()) {
        p.refusal = Tr::tr("Cannot tell which server %1 is: %2").arg(p.target.text, identityError);
        return p;
    }
    if (const QString who = ActionLock(s, url.database + u'.' + tableName(m_table)).holderNow();
        !who.isEmpty())
        p.warnings.append(Tr::tr("Another run on this table holds its database lock (%1); a "
                                 "rebuild would be refused until it ends.")
                              .arg(who));
    p.statements.append(statement(s));
    p.rowsToStay = size.rowsEstimate.value_or(-1);
    p.rowsToStayEstimated = true;
    const qint64 total = size.dataBytes.value_or(0) + size.indexBytes.value_or(0);
    // Rough: an online rebuild writes the table once more; 50 MB/s is a slow disk.
    p.estimatedSeconds = double(total) / 50e6;
    p.estimateBasis = Tr::tr("%1 to rewrite at an assumed 50 MB/s").arg(bytes(total));
    const std::optional<qint64> reclaimable = size.reclaimableBytes();
    if (reclaimable)
        p.consequences.append(size.reclaimableIsEstimate()
                                  ? Tr::tr("About %1 reclaimable (an estimate from %L2 dead rows).")
                                        .arg(bytes(*reclaimable))
                                        .arg(size.deadRowsEstimate.value_or(0))
                                  : Tr::tr("%1 reclaimable (DATA_FREE).").arg(bytes(*reclaimable)));
    if (s.isMySql()) {
        // Galera replicates DDL in total order (TOI): the whole cluster
        // applies the rebuild at once and stops taking writes meanwhile,
        // LOCK=NONE or not. Not refused (a maintenance window may want it),
        // but the operator has to acknowledge it.
        const SqlResult g = s.run(QStringLiteral("SELECT @@GLOBAL.wsrep_on, @@wsrep_OSU_method"));
        if (g.ok() && !g.isEmpty() && g.value(0, 0).toInt() == 1 &&
            g.value(0, 1).toString().compare(u"TOI", Qt::CaseInsensitive) == 0) {
            p.warnings.append(Tr::tr("This server is a Galera node with wsrep_OSU_method=TOI: "
                                     "every node of the cluster runs the rebuild at the same "
                                     "time and stops taking writes to %1 until it ends, for "
                                     "about %2.")
                                  .arg(tableName(m_table), formatRunTime(p.estimatedSeconds)));
            p.mustAcknowledge = std::max<qint64>(1, size.rowsEstimate.value_or(0));
        }
        p.consequences.append(
            Tr::tr("An online rebuild: Keystone keeps reading and writing %1 while it runs; it "
                   "waits only for a moment at its start and end. The server refuses it rather "
                   "than lock the table when an online rebuild is not possible.")
                .arg(tableName(m_table)));
        p.consequences.append(Tr::tr("It needs free disk space for a second copy of the table "
                                     "(%1) until it ends; cancelling rolls it back.")
                                  .arg(bytes(total)));
    } else if (!m_full) {
        p.consequences.append(
            Tr::tr("Plain VACUUM: Keystone keeps reading and writing %1. The dead rows' space "
                   "becomes reusable inside the table; the file does not shrink (except empty "
                   "pages at its end).")
                .arg(tableName(m_table)));
        p.consequences.append(Tr::tr("VACUUM FULL would give the space back to the disk, but it "
                                     "holds an exclusive lock: every read and write of %1 waits "
                                     "until it ends. Ask for it explicitly (--full).")
                                  .arg(tableName(m_table)));
    } else {
        // The lock is the point: the operator types the rows it locks.
        p.warnings.append(Tr::tr("VACUUM FULL holds an ACCESS EXCLUSIVE lock on %1 for the whole "
                                 "rewrite: every Keystone request that reads or writes it waits "
                                 "(token validation included, with the SQL token provider), for "
                                 "about %2.")
                              .arg(tableName(m_table))
                              .arg(formatRunTime(p.estimatedSeconds)));
        p.mustAcknowledge = std::max<qint64>(1, size.rowsEstimate.value_or(0));
        p.consequences.append(
            Tr::tr("To run it, acknowledge the %L1 rows it locks.").arg(p.mustAcknowledge));
    }
    return p;
}

ActionResult TableRebuild::execute(const ActionPreview &confirmed, ActionControl &control)
{
    ActionResult r;
    r.startedAt = QDateTime::currentDateTimeUtc();
    const auto finish = [&r](ActionResult::Outcome o, const QString &message) {
        r.outcome = o;
        r.message = message;
        r.finishedAt = QDateTime::currentDateTimeUtc();
        r.durationSeconds = r.startedAt.msecsTo(r.finishedAt) / 1000.0;
        return r;
    };
    QString reason;
    const DatabaseUrl url = DatabaseUrl::parse(m_profile.databaseUrl, &reason);
    if (!url.isValid())
        return finish(ActionResult::Outcome::Failed, reason);
    // The watching connection: server identity, the action's lock, progress
    // and the KILL. The rebuild itself runs on a connection of its own, since
    // its statement blocks.
    DbConnection mdb(url, m_secrets.databasePassword);
    SqlSession monitor(mdb);
    if (!monitor.begin(&reason))
        return finish(ActionResult::Outcome::Failed, SqlSession::unavailable(reason));
    const bool mysql = monitor.isMySql();
    // The purges' lock name: a rebuild and a purge of one table never overlap.
    ActionLock lock(monitor, url.database + u'.' + tableName(m_table));
    QString claimRefusal;
    bool refused = false;
    if (claimConfirmedServer(monitor, confirmed.target.text, confirmed.serverIdentity, lock,
                             &claimRefusal, &refused)
            .isEmpty())
        return finish(refused ? ActionResult::Outcome::Refused : ActionResult::Outcome::Failed,
                      claimRefusal);
    TableSize before;
    if (!readSize(monitor, &before, &reason))
        return finish(ActionResult::Outcome::Failed, reason);
    r.before = before.rowsEstimate.value_or(-1);
    r.beforeEstimated = true;

    // QSqlDatabase connections belong to the thread that opened them: each
    // helper connection is opened, used and closed on its own thread.
    std::atomic<qint64> rebuildId{-1};
    std::atomic_bool rebuildDone{false};
    std::atomic_bool stopProbe{false};
    SqlResult rebuildResult;
    QString rebuildOpenError;
    std::thread rebuilder([&] {
        DbConnection wdb(url, m_secrets.databasePassword, kLongConnectTimeoutSec);
        SqlSession w(wdb, 0); // no statement timeout: a big table takes long
        // The rebuild needs an exclusive metadata lock for a moment at its
        // start and end. Queued behind a long transaction it would make every
        // Keystone writer queue behind it: it gives way instead.
        w.addSessionStatement(
            url.backend == DatabaseUrl::Backend::MySql
                ? QStringLiteral("SET SESSION lock_wait_timeout = %1").arg(kLockWaitSec)
                : QStringLiteral("SET lock_timeout = '%1s'").arg(kLockWaitSec));
        QString why;
        if (!w.begin(&why)) {
            rebuildOpenError = SqlSession::unavailable(why);
        } else if (control.isCancelled()) {
            rebuildResult.error = Tr::tr("cancelled before it started");
        } else {
            rebuildId = w.connectionId();
            rebuildResult = w.run(statement(w));
        }
        rebuildDone = true;
    });
    // The writer probe: what a Keystone writer would wait for. A DELETE that
    // matches nothing takes the same table lock as any write (MariaDB's
    // shared-write metadata lock, PostgreSQL's ROW EXCLUSIVE) and changes no
    // row, so its slowest round trip is the worst stall a writer saw.
    std::atomic<double> worstStallMs{0};
    std::atomic<int> probes{0};
    QString probeError;
    std::thread probe([&] {
        DbConnection pdb(url, m_secrets.databasePassword);
        SqlSession ps(pdb);
        QString why;
        if (!ps.begin(&why)) {
            probeError = why;
            return;
        }
        // Never wait for ever behind the rebuild: past 10 s the stall is
        // reported as at least that.
        ps.run(mysql ? QStringLiteral("SET SESSION lock_wait_timeout = 10")
                     : QStringLiteral("SET lock_timeout = '10s'"));
        const QString sql = QStringLiteral("DELETE FROM %1 WHERE 1 = 0").arg(ps.table(m_table));
        while (!stopProbe) {
            const SqlResult pr = ps.run(sql);
            if (!pr.ok() && probeError.isEmpty())
                probeError = pr.error;
            ++probes;
            if (pr.ms > worstStallMs)
                worstStallMs = pr.ms;
            QThread::msleep(kProbeEveryMs);
        }
    });

    QElapsedTimer clock;
    clock.start();
    bool killSent = false;
    QString progressSql;
    if (mysql)
        progressSql = QStringLiteral("SELECT PROGRESS, STAGE, MAX_STAGE, STATE FROM "
                                     "information_schema.PROCESSLIST WHERE ID = ?");
    else if (m_full)
        progressSql = QStringLiteral("SELECT heap_blks_scanned, heap_blks_total, 0, phase FROM "
                                     "pg_stat_progress_cluster WHERE pid = ?");
    else
        progressSql = QStringLiteral("SELECT heap_blks_scanned, heap_blks_total, 0, phase FROM "
                                     "pg_stat_progress_vacuum WHERE pid = ?");
    while (!rebuildDone) {
        QThread::msleep(kPollMs);
        const qint64 id = rebuildId;
        if (id < 0)
            continue;
        if (control.isCancelled()) {
            // The server rolls the rebuild back; the table stays as it was.
            // Sent again each poll: a KILL that reached the connection just
            // before its statement started stops nothing.
            monitor.run(mysql ? QStringLiteral("KILL QUERY %1").arg(id)
                              : QStringLiteral("SELECT pg_cancel_backend(%1)").arg(id));
            killSent = true;
        }
        const SqlResult pr = monitor.run(progressSql, {id});
        ActionProgress p;
        p.elapsedSeconds = clock.elapsed() / 1000.0;
        p.total = 1000;
        p.stage = Tr::tr("Rebuilding");
        if (pr.ok() && !pr.isEmpty()) {
            if (mysql) {
                // PROGRESS is the current stage's share; STAGE counts from 1.
                const double pct = pr.value(0, 0).toDouble();
                const int stage = pr.value(0, 1).toInt();
                const int stages = std::max(1, pr.value(0, 2).toInt());
                p.done = qint64(10.0 * (100.0 * std::max(0, stage - 1) + pct) / stages);
                if (const QString state = pr.value(0, 3).toString(); !state.isEmpty())
                    p.stage = state;
            } else {
                const double total = pr.value(0, 1).toDouble();
                p.done = total > 0 ? qint64(1000.0 * pr.value(0, 0).toDouble() / total) : 0;
                if (const QString phase = pr.value(0, 3).toString(); !phase.isEmpty())
                    p.stage = phase;
            }
        }
        control.report(p);
    }
    rebuilder.join();
    stopProbe = true;
    probe.join();

    r.details.insert(QStringLiteral("statement"), confirmed.statements.value(0));
    r.details.insert(QStringLiteral("writer_worst_stall_ms"), double(worstStallMs));
    r.details.insert(QStringLiteral("writer_probes"), int(probes));
    if (!probeError.isEmpty())
        r.details.insert(QStringLiteral("writer_probe_error"), probeError);
    if (const auto b = before.reclaimableBytes())
        r.details.insert(QStringLiteral("reclaimable_before"), *b);
    if (!rebuildOpenError.isEmpty())
        return finish(ActionResult::Outcome::Failed, rebuildOpenError);
    if (!rebuildResult.ok()) {
        if (killSent || control.isCancelled())
            return finish(ActionResult::Outcome::Cancelled,
                          Tr::tr("The rebuild of %1 was cancelled; the server rolled it back and "
                                 "the table is as it was.")
                              .arg(tableName(m_table)));
        if (rebuildResult.nativeError == u"1205" || rebuildResult.nativeError == u"55P03")
            return finish(ActionResult::Outcome::Failed,
                          Tr::tr("A transaction held %1 for more than %2 s, so the rebuild gave "
                                 "way instead of stalling Keystone's writers behind it; nothing "
                                 "was changed. Try again when it has ended.")
                              .arg(tableName(m_table))
                              .arg(kLockWaitSec));
        return finish(ActionResult::Outcome::Failed,
                      Tr::tr("The server refused the rebuild of %1: %2")
                          .arg(tableName(m_table), rebuildResult.error));
    }
    TableSize after;
    if (mysql)
        // DATA_FREE is a statistic: read it fresh after the rebuild.
        monitor.run(QStringLiteral("ANALYZE TABLE %1").arg(monitor.table(m_table)));
    if (readSize(monitor, &after, &reason)) {
        r.after = after.rowsEstimate.value_or(-1);
        r.afterEstimated = true;
        if (const auto a = after.reclaimableBytes())
            r.details.insert(QStringLiteral("reclaimable_after"), *a);
    }
    const QString stall = probeError.isEmpty() && probes > 0
                              ? Tr::tr("the slowest write probe took %1 ms")
                                    .arg(QLocale().toString(double(worstStallMs), 'f', 0))
                              : Tr::tr("the write probe could not run (%1)").arg(probeError);
    const auto b = before.reclaimableBytes();
    const auto a = after.reclaimableBytes();
    return finish(
        ActionResult::Outcome::Completed,
        b && a ? Tr::tr("%1 rebuilt in %2: %3 reclaimable before, %4 after; %5.")
                     .arg(tableName(m_table), formatRunTime(clock.elapsed() / 1000.0), bytes(*b),
                          bytes(*a), stall)
               : Tr::tr("%1 rebuilt in %2; %3.")
                     .arg(tableName(m_table), formatRunTime(clock.elapsed() / 1000.0), stall));
}

} // namespace turnstile
