#include "guarded/tokenpurge.h"

#include "db/dbconnection.h"
#include "db/rowcount.h"
#include "db/sqlsession.h"
#include "guarded/actioncontrol.h"
#include "guarded/auditlog.h"
#include "guarded/databaseclock.h"
#include "guarded/pendingjournal.h"
#include "guarded/serverguard.h"
#include "guarded/tableswap.h"
#include "profiles/keystoneconf.h"
#include "util/duration.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonObject>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(TokenPurge)
};
constexpr qint64 kMaxRetentionSec = 3650LL * 86400;
// Auto swaps when more than this share of the rows goes: copying the rest is
// then less work than deleting, and only the swap gives the space back.
constexpr double kSwapShare = 0.5;
// Rows per second a swap is assumed to copy when no earlier swap on the same
// target says better: the chunked delete's assumption, as INSERT … SELECT of
// a chunk costs about what a DELETE of one does.
constexpr double kAssumedCopyRowsPerSecond = 20000;
} // namespace

std::optional<TokenPurge::Method> TokenPurge::methodFromName(const QString &name)
{
    if (name == u"auto")
        return Method::Auto;
    if (name == u"chunked")
        return Method::Chunked;
    if (name == u"swap")
        return Method::Swap;
    return std::nullopt;
}

ActionPreview TokenPurge::preview()
{
    ActionPreview p = TableCleanup::preview();
    if (!p.refused())
        chooseMethod(p);
    return p;
}

void TokenPurge::chooseMethod(ActionPreview &p)
{
    const QString requested = m_method == Method::Auto   ? QStringLiteral("auto")
                              : m_method == Method::Swap ? QStringLiteral("swap")
                                                         : QStringLiteral("chunked");
    p.parameters.insert(QStringLiteral("method_requested"), requested);
    auto settle = [&](bool swap, const QString &why) {
        p.parameters.insert(QStringLiteral("method"),
                            swap ? QStringLiteral("swap") : QStringLiteral("chunked"));
        p.parameters.insert(QStringLiteral("method_reason"), why);
        p.consequences.prepend(
            swap ? Tr::tr("Method: copy and swap, because %1 The rows that stay are copied into "
                          "a new table in short chunks while triggers carry Keystone's writes "
                          "across; one atomic RENAME TABLE swaps the tables (its metadata lock "
                          "is waited for at most 1 s per attempt, and held for milliseconds), "
                          "and the old table is dropped, which gives its disk space back.")
                       .arg(why)
                 : Tr::tr("Method: chunked delete, because %1 Each transaction holds one chunk's "
                          "row locks, sized to about 50 ms (at most 100 ms for 99 chunks in "
                          "100); the disk space stays with the table until it is rebuilt.")
                       .arg(why));
    };
    if (m_method == Method::Chunked) {
        // Neutral wording: the window's method selector and --method both
        // lead here.
        settle(false, Tr::tr("it was asked for."));
        return;
    }
    const DatabaseUrl url = DatabaseUrl::parse(profile().databaseUrl);
    DbConnection db(url, secrets().databasePassword);
    SqlSession s(db);
    QString reason;
    if (!s.begin(&reason)) {
        settle(false, Tr::tr("the swap's checks could not run: %1").arg(reason));
        return;
    }
    TableSwap sw(s, KeystoneTable::Token);
    if (s.isMySql()) {
        QString err;
        const TableSwap::Leftover left = sw.leftover(&err);
        if (left != TableSwap::Leftover::None)
            p.warnings.append(
                left == TableSwap::Leftover::Swapped
                    ? Tr::tr("An interrupted copy-and-swap left %1 (the rows it removed); this "
                             "run drops it first.")
                          .arg(sw.oldName())
                    : Tr::tr("An interrupted copy-and-swap left a half-built %1 and its "
                             "triggers; this run drops them first. Table token itself is "
                             "complete.")
                          .arg(sw.newName()));
    }
    const QString unsuitable = sw.unsuitable(profile().galeraSingleWriter);
    if (!unsuitable.isEmpty()) {
        const QString why = Tr::tr("copy and swap is not possible here: %1").arg(unsuitable);
        if (m_method == Method::Swap)
            p.warnings.append(Tr::tr("The swap that was asked for falls back to the chunked "
                                     "delete: %1")
                                  .arg(unsuitable));
        settle(false, why);
        return;
    }
    if (p.rowsToGo == 0) {
        settle(false, Tr::tr("no row goes, so there is nothing to copy around."));
        return;
    }
    const qint64 all = std::max<qint64>(0, p.rowsToGo) + std::max<qint64>(0, p.rowsToStay);
    const double share = all > 0 ? double(std::max<qint64>(0, p.rowsToGo)) / double(all) : 0;
    const int percent = int(share * 100);
    if (m_method == Method::Auto && share <= kSwapShare) {
        settle(
            false,
            Tr::tr("only %1 % of the rows go; the swap pays when more than half go.").arg(percent));
        return;
    }
    settle(
        true,
        m_method == Method::Swap
            ? Tr::tr("it was asked for, and the checks passed (%1 % of the rows go).").arg(percent)
            : Tr::tr("%1 % of the rows go, and the grants, keys, triggers and server "
                     "allow it.")
                  .arg(percent));
    if (profile().galeraSingleWriter) {
        const SqlResult w = s.run(QStringLiteral("SELECT @@GLOBAL.wsrep_on"));
        if (w.ok() && w.value(0, 0).toInt() == 1)
            p.warnings.append(
                Tr::tr("Galera: the profile says Keystone writes through this node only. A write "
                       "made through another node during the copy would be missing from the "
                       "swapped-in table. The triggers and the RENAME replicate in total order, "
                       "each pausing the cluster's writes to token while it runs."));
    }
    // The space that comes back: the table's share of the rows that go.
    const SqlResult size =
        s.run(QStringLiteral(
                  "SELECT DATA_LENGTH + INDEX_LENGTH + DATA_FREE FROM information_schema.TABLES "
                  "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"),
              {tableName(KeystoneTable::Token)});
    if (size.ok() && !size.isEmpty()) {
        const qint64 bytes = qint64(size.value(0, 0).toDouble() * share);
        p.parameters.insert(QStringLiteral("space_back_bytes"), bytes);
        p.consequences.append(Tr::tr("About %L1 MiB of disk space comes back when the old table "
                                     "is dropped.")
                                  .arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1));
        // Over SQL a table's file can only be deleted whole, and while the
        // file system frees it every fsync on it waits: bench/purge's
        // writer_stalls put all of the writers' slowest statements there.
        const double fileMiB = size.value(0, 0).toDouble() / (1024.0 * 1024.0);
        p.parameters.insert(QStringLiteral("old_table_mib"), qRound64(fileMiB));
        p.consequences.append(
            Tr::tr("The old table's file (about %L1 MiB) is deleted in one step. While the "
                   "server's file system frees it, commits on this server wait: 26–84 ms "
                   "for a 1.9 GB file in Turnstile's benchmark. On a busy cloud, run this "
                   "off-peak.")
                .arg(fileMiB, 0, 'f', 0));
    }
    // The duration: a swap copies the rows that stay, so the rate that
    // counts is this server's last swap's copy rate, not a delete rate.
    double copyRate = 0;
    AuditLog().readBackwards([&](const QJsonObject &o) {
        if (o.value(u"profile").toString() != profile().name ||
            o.value(u"action").toString() != p.action ||
            o.value(u"target").toString() != p.target.text)
            return true;
        const QJsonObject res = o.value(u"result").toObject();
        const QJsonObject details = res.value(u"details").toObject();
        const double secs = res.value(u"duration_seconds").toDouble();
        const double copied = details.value(u"copied").toDouble();
        if (details.value(u"method").toString() == u"swap" && secs > 0.5 && copied > 1000) {
            copyRate = copied / secs;
            return false;
        }
        return true;
    });
    if (copyRate > 0) {
        p.estimateBasis = Tr::tr("the last swap's %L1 rows copied/s").arg(qRound64(copyRate));
    } else {
        copyRate = kAssumedCopyRowsPerSecond;
        p.estimateBasis =
            Tr::tr("an assumed %L1 rows copied/s (no earlier swap)").arg(qRound64(copyRate));
    }
    p.estimatedSeconds = double(std::max<qint64>(0, p.rowsToStay)) / copyRate;
    p.statements = sw.plannedStatements(
        QStringLiteral("%1 >= :cutoff OR %1 IS NULL").arg(s.column(QLatin1StringView("expires"))));
}

QString TokenPurge::repairBeforeChunked(const ActionPreview &confirmed, bool *refused)
{
    *refused = false;
    const DatabaseUrl url = DatabaseUrl::parse(profile().databaseUrl);
    if (url.backend != DatabaseUrl::Backend::MySql)
        return {};
    DbConnection db(url, secrets().databasePassword);
    SqlSession s(db);
    QString reason;
    if (!s.begin(&reason))
        return reason;
    TableSwap sw(s, KeystoneTable::Token);
    QString err;
    if (sw.leftover(&err) == TableSwap::Leftover::None)
        return err;
    // The repair DROPs tables and triggers: like every other change, only on
    // the server the operator confirmed, with the table's lock held.
    ActionLock lock(s, url.database + u'.' + tableName(KeystoneTable::Token));
    if (claimConfirmedServer(s, confirmed.target.text, confirmed.serverIdentity, lock, &reason,
                             refused)
            .isEmpty())
        return reason;
    if (!sw.repair(&err))
        return err;
    return {};
}

ActionResult TokenPurge::execute(const ActionPreview &confirmed, ActionControl &control)
{
    if (confirmed.parameters.value(QStringLiteral("method")).toString() == u"swap")
        return executeSwap(confirmed, control);
    bool refused = false;
    if (const QString why = repairBeforeChunked(confirmed, &refused); !why.isEmpty()) {
        ActionResult r;
        if (refused) {
            r.outcome = ActionResult::Outcome::Refused;
            r.message = why;
            return r;
        }
        r.outcome = ActionResult::Outcome::Failed;
        r.message = Tr::tr("What an interrupted copy-and-swap left could not be dropped: %1 "
                           "Table token is complete; nothing was deleted.")
                        .arg(why);
        return r;
    }
    return TableCleanup::execute(confirmed, control);
}

ActionResult TokenPurge::executeSwap(const ActionPreview &confirmed, ActionControl &control)
{
    ActionResult r;
    r.startedAt = QDateTime::currentDateTimeUtc();
    r.details.insert(QStringLiteral("method"), QStringLiteral("swap"));
    QElapsedTimer clock;
    clock.start();
    auto finish = [&](ActionResult::Outcome o, const QString &message) {
        r.outcome = o;
        r.message = message;
        r.finishedAt = QDateTime::currentDateTimeUtc();
        r.durationSeconds = clock.nsecsElapsed() / 1e9;
        return r;
    };
    const DatabaseUrl url = DatabaseUrl::parse(profile().databaseUrl);
    DbConnection db(url, secrets().databasePassword);
    SqlSession s(db);
    QString reason;
    if (!s.begin(&reason))
        return finish(ActionResult::Outcome::Failed, reason);
    giveWayToKeystone(s);
    ActionLock lock(s, url.database + u'.' + tableName(KeystoneTable::Token));
    QString claimRefusal;
    bool refused = false;
    const QString identity = claimConfirmedServer(
        s, confirmed.target.text, confirmed.serverIdentity, lock, &claimRefusal, &refused);
    if (identity.isEmpty())
        return finish(refused ? ActionResult::Outcome::Refused : ActionResult::Outcome::Failed,
                      claimRefusal);

    TableSwap sw(s, KeystoneTable::Token);
    QString err;
    if (sw.leftover(&err) != TableSwap::Leftover::None) {
        if (!sw.repair(&err))
            return finish(ActionResult::Outcome::Failed,
                          Tr::tr("What an interrupted copy-and-swap left could not be dropped: "
                                 "%1 Table token is complete.")
                              .arg(err));
        r.details.insert(QStringLiteral("repaired_leftover"), true);
    }
    if (const QString why = sw.unsuitable(profile().galeraSingleWriter); !why.isEmpty())
        return finish(ActionResult::Outcome::Refused,
                      Tr::tr("Copy and swap is no longer possible: %1 Nothing was changed; run "
                             "the preview again.")
                          .arg(why));

    auto rows = [&](KeystoneTable t) {
        DbConnection countDb(url, secrets().databasePassword);
        const RowCount c = countRows(countDb, t);
        if (c.estimated)
            r.details.insert(QStringLiteral("counts_estimated"), true);
        return c.rows.value_or(-1);
    };
    r.before = rows(KeystoneTable::Token);

    PendingRun run;
    run.action = confirmed.action;
    run.target = confirmed.target.text;
    run.startedAt = r.startedAt;
    run.cutoff = confirmed.cutoff;
    run.parametersKey = parametersKey();
    run.cutoffValue = confirmed.cutoffValue;
    run.serverIdentity = identity;
    run.step = QStringLiteral("swap.copy");
    if (const auto pending = PendingJournal::load(run.action, run.target);
        pending && confirmed.resumesRunStartedAt.isValid())
        run.startedAt = pending->startedAt;
    PendingJournal::save(run);

    // An error (not a kill) undoes the half-built copy at once, so no trigger
    // stays on Keystone's table.
    auto undo = [&](const QString &what) {
        QString repairErr;
        const bool repaired = sw.repair(&repairErr);
        if (repaired)
            PendingJournal::remove(run.action, run.target);
        return finish(ActionResult::Outcome::Failed,
                      repaired
                          ? Tr::tr("%1 Table token is unchanged; nothing was deleted.").arg(what)
                          : Tr::tr("%1 Table token is complete, but the half-built copy "
                                   "could not be dropped (%2); the next run drops it.")
                                .arg(what, repairErr));
    };
    if (!sw.prepare(&err))
        return undo(err);

    Throttle pacer(TableSwap::copyPacing(throttle()));
    ActionProgress progress;
    progress.total = confirmed.rowsToStay;
    qint64 copied = 0;
    double slowestChunkMs = 0;
    // The longest locks the swap held, for the result (and bench/purge): each
    // copy chunk's shared row locks, and each statement that needed token's
    // metadata lock, which Keystone's statements queue behind.
    auto recordLocks = [&] {
        QJsonObject ddl;
        double longestDdl = 0;
        for (const TableSwap::DdlTiming &t : sw.ddlTimings()) {
            QJsonObject o;
            o.insert(QStringLiteral("longest_ms"), t.longestAttemptMs);
            o.insert(QStringLiteral("total_ms"), t.totalMs);
            o.insert(QStringLiteral("attempts"), t.attempts);
            ddl.insert(t.step, o);
            longestDdl = std::max(longestDdl, t.longestAttemptMs);
        }
        r.details.insert(QStringLiteral("ddl"), ddl);
        r.details.insert(QStringLiteral("ddl_longest_ms"), longestDdl);
        r.details.insert(QStringLiteral("copy_chunk_max_ms"), slowestChunkMs);
        r.slowestBatchMs = std::max(slowestChunkMs, longestDdl);
    };
    const QString stays =
        QStringLiteral("%1 >= ? OR %1 IS NULL").arg(s.column(QLatin1StringView("expires")));
    const bool ok = sw.copy(
        stays, {confirmed.cutoffValue}, pacer, control,
        [&](qint64 n, double chunkMs) {
            ++r.batches;
            slowestChunkMs = std::max(slowestChunkMs, chunkMs);
            progress.lastBatchMs = chunkMs;
            progress.done = n;
            progress.batches = r.batches;
            progress.elapsedSeconds = clock.nsecsElapsed() / 1e9;
            progress.rowsPerSecond = progress.elapsedSeconds > 0 ? n / progress.elapsedSeconds : 0;
            progress.currentBatchSize = pacer.batchSize();
            control.report(progress);
        },
        &copied, &err);
    r.details.insert(QStringLiteral("copied"), copied);
    if (!ok)
        return undo(Tr::tr("The copy stopped after %L1 rows: %2").arg(copied).arg(err));
    if (control.isCancelled()) {
        QString repairErr;
        if (sw.repair(&repairErr))
            PendingJournal::remove(run.action, run.target);
        return finish(ActionResult::Outcome::Cancelled,
                      Tr::tr("Cancelled during the copy; the copy was dropped and table token "
                             "is unchanged."));
    }
    TableSwap::testStopPoint("before-swap");

    // A reconnect (a killed connection) dropped the run's lock with its
    // session: take it again before the swap, or give up the copy.
    if (QString why; !lock.stillHeld() && !lock.acquire(&why))
        return undo(
            Tr::tr("The connection was lost and the lock could not be taken again: %1").arg(why));
    run.step = QStringLiteral("swap.swap");
    PendingJournal::save(run);
    double lockMs = 0;
    if (!sw.swap(&lockMs, &err))
        return undo(err);
    r.details.insert(QStringLiteral("swap_ms"), lockMs);
    TableSwap::testStopPoint("after-swap");

    run.step = QStringLiteral("swap.drop");
    PendingJournal::save(run);
    r.after = rows(KeystoneTable::Token);
    r.affected = std::max<qint64>(0, r.before - r.after);
    r.details.insert(QStringLiteral("affected_estimated"), true);
    QElapsedTimer dropClock;
    dropClock.start();
    const bool dropped = sw.dropOld(&err);
    // The whole last step: the triggers (each also in ddl) and _token_old,
    // whose DROP locks nothing Keystone uses but can still stall the
    // server's I/O on a big table: measured.
    r.details.insert(QStringLiteral("drop_old_ms"), double(dropClock.nsecsElapsed()) / 1e6);
    recordLocks();
    if (!dropped)
        return finish(ActionResult::Outcome::Failed,
                      Tr::tr("The expired rows are gone from table token, but %1 could not be "
                             "dropped: %2 Run it again to drop it.")
                          .arg(sw.oldName(), err));
    PendingJournal::remove(run.action, run.target);
    return finish(ActionResult::Outcome::Completed,
                  Tr::tr("Copied the %L1 rows that stay and swapped the tables; about %L2 rows "
                         "went.")
                      .arg(copied)
                      .arg(r.affected));
}

TokenPurge::TokenPurge(Profile profile, Secrets secrets, std::optional<qint64> retentionSec)
    : TableCleanup(std::move(profile), std::move(secrets))
{
    m_windowSource = Tr::tr("Keystone's default");
    const QString confPath = this->profile().keystoneConfPath;
    if (!confPath.isEmpty()) {
        QString err;
        const KeystoneConf conf = KeystoneConf::load(confPath, &err);
        if (err.isEmpty()) {
            m_allowExpiredWindow = conf.allowExpiredWindow;
            m_windowSource = confPath;
        } else {
            m_confError = err; // refused: a broken file is no reason to use defaults
        }
    }
    if (retentionSec) {
        m_retention = *retentionSec;
        m_retentionSource = Tr::tr("given");
    } else {
        m_retention = m_allowExpiredWindow;
        m_retentionSource = Tr::tr("[token] allow_expired_window, %1").arg(m_windowSource);
    }
}

QString TokenPurge::configurationRefusal() const
{
    if (!m_confError.isEmpty())
        return Tr::tr("Cannot read [token] allow_expired_window from %1: %2 Fix the file, or "
                      "remove it from the profile.")
            .arg(profile().keystoneConfPath, m_confError);
    if (m_retention >= 0 && m_retention < m_allowExpiredWindow && !m_insideWindowAccepted)
        return Tr::tr("The retention of %1 is shorter than [token] allow_expired_window (%2, %3): "
                      "services may still validate the tokens it deletes. Accept that with "
                      "--inside-allow-expired-window, or the checkbox on the Actions page.")
            .arg(formatDuration(m_retention), formatDuration(m_allowExpiredWindow), m_windowSource);
    return {};
}

TableCleanup::Spec TokenPurge::spec() const
{
    Spec s;
    s.title = Tr::tr("Purge expired tokens");
    s.table = KeystoneTable::Token;
    s.integerKey = false;
    s.predicateColumn = QLatin1StringView("expires");
    s.predicateTypes = {QStringLiteral("datetime"), QStringLiteral("timestamp"),
                        QStringLiteral("timestamp without time zone")};
    return s;
}

QVariant TokenPurge::computeCutoff(SqlSession &session, QDateTime *shown, QString *error)
{
    if (m_retention < 0 || m_retention > kMaxRetentionSec) {
        *error = Tr::tr("The retention %1 is impossible: it must be between 0 and 3650 days.")
                     .arg(m_retention < 0 ? QStringLiteral("-") + formatDuration(-m_retention)
                                          : formatDuration(m_retention));
        return {};
    }
    QString err;
    const QDateTime now = databaseNowUtc(session, &err);
    if (!now.isValid()) {
        *error = Tr::tr("Cannot read the database clock: %1").arg(err);
        return {};
    }
    *shown = now.addSecs(-m_retention);
    return *shown;
}

QString TokenPurge::parametersKey() const
{
    return QStringLiteral("retention:%1").arg(m_retention);
}

QJsonObject TokenPurge::parameters() const
{
    QJsonObject o;
    o.insert(QStringLiteral("retention_seconds"), m_retention);
    o.insert(QStringLiteral("retention_source"), m_retentionSource);
    o.insert(QStringLiteral("allow_expired_window_seconds"), m_allowExpiredWindow);
    if (m_insideWindowAccepted)
        o.insert(QStringLiteral("inside_allow_expired_window"), true);
    o.insert(QStringLiteral("batch"), throttle().maxBatch);
    return o;
}

void TokenPurge::describe(SqlSession &session, ActionPreview &p)
{
    Q_UNUSED(session)
    p.consequences.append(
        Tr::tr("Rows of the legacy token table whose expires is before %1 (now minus the "
               "retention of %2, %3) are deleted; every row with a later or empty expires stays.")
            .arg(p.cutoff.toString(Qt::ISODate), formatDuration(m_retention), m_retentionSource));
    if (m_retention < m_allowExpiredWindow)
        p.warnings.append(Tr::tr("The retention is shorter than [token] allow_expired_window (%1, "
                                 "%2), as accepted: services may still ask Keystone about tokens "
                                 "that will be gone.")
                              .arg(formatDuration(m_allowExpiredWindow), m_windowSource));
}

} // namespace turnstile
