#include "guarded/tablecleanup.h"

#include "db/dbconnection.h"
#include "db/galerastatus.h"
#include "db/rowcount.h"
#include "db/sqlsession.h"
#include "guarded/actioncontrol.h"
#include "guarded/auditlog.h"
#include "guarded/pendingjournal.h"
#include "guarded/serverguard.h"
#include "util/timetext.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLocale>
#include <QMutex>
#include <QRegularExpression>
#include <QThread>
#include <QWaitCondition>

#include <algorithm>
#include <memory>
#include <vector>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(TableCleanup)
};

// Rows per second assumed when no earlier run of this action on this target
// says better: the lab MariaDB's figure for 1,000-row chunks, rounded down.
constexpr double kAssumedRowsPerSecond = 20000;
// How long the preview may count one side of the cutoff of a big table.
constexpr int kSideCountLimitMs = 5000;

bool isLockConflict(const SqlResult &r, bool mysql)
{
    if (mysql)
        return r.nativeError == u"1205" || r.nativeError == u"1213";
    // lock_not_available (lock_timeout), deadlock_detected, serialization_failure
    return r.nativeError == u"55P03" || r.nativeError == u"40P01" || r.nativeError == u"40001";
}

// Sleeps in short slices so a cancel is seen within ~50 ms.
// This Galera node's cumulative time paused by flow control, in ns; -1 when unreadable.
double flowControlPausedNs(SqlSession &s)
{
    const SqlResult fc =
        s.run(QStringLiteral("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE "
                             "VARIABLE_NAME = 'WSREP_FLOW_CONTROL_PAUSED_NS'"));
    return fc.ok() && !fc.isEmpty() ? fc.value(0, 0).toDouble() : -1;
}

void sleepUnlessCancelled(int ms, const ActionControl &control)
{
    QElapsedTimer t;
    t.start();
    while (!control.isCancelled()) {
        // Read the clock once: checking it in the loop condition and again
        // for the slice let a slice go negative, which msleep() takes as an
        // unsigned "forever" - a GUI purge under load hung that way.
        const qint64 left = ms - t.elapsed();
        if (left <= 0)
            break;
        QThread::msleep(static_cast<unsigned long>(std::min<qint64>(50, left)));
    }
}

// Keys that cut (after, end of table] into `parts` regions of about equal
// size, increasing; fewer (none) when the table is too small to cut. Integer
// keys and hexadecimal ones (Keystone's token ids) are cut by their value
// between the smallest and the largest key, at no cost; other keys by
// position in the primary key (a read of up to the whole index, no locks).
QVariantList splitKeys(SqlSession &s, const QString &table, const QString &key, bool integerKey,
                       const QVariant &after, qint64 rowsEstimate, int parts)
{
    const QString range = after.isValid() ? QStringLiteral(" WHERE %1 > ?").arg(key) : QString();
    const QVariantList binds = after.isValid() ? QVariantList{after} : QVariantList{};
    const SqlResult mm =
        s.run(QStringLiteral("SELECT MIN(%2), MAX(%2) FROM %1%3").arg(table, key, range), binds);
    if (!mm.ok() || mm.isEmpty() || mm.value(0, 0).isNull())
        return {};
    QVariantList out;
    auto add = [&](const QVariant &k) {
        if (out.isEmpty() || (integerKey ? k.toLongLong() > out.last().toLongLong()
                                         : k.toString() > out.last().toString()))
            out.append(k);
    };
    if (integerKey) {
        const qint64 lo = mm.value(0, 0).toLongLong();
        const qint64 hi = mm.value(0, 1).toLongLong();
        for (int i = 1; i < parts; ++i) {
            const qint64 k = lo + qint64(double(hi - lo) * i / parts);
            if (k > lo && k < hi)
                add(k);
        }
        return out;
    }
    const QString lo = mm.value(0, 0).toString();
    const QString hi = mm.value(0, 1).toString();
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]+$"));
    if (hex.match(lo).hasMatch() && hex.match(hi).hasMatch()) {
        constexpr int kDigits = 12; // 48 bits: fine enough, and exact in a double
        auto value = [](const QString &k) {
            return k.left(kDigits).leftJustified(kDigits, u'0').toULongLong(nullptr, 16);
        };
        const quint64 a = value(lo), b = value(hi);
        for (int i = 1; i < parts && b > a; ++i) {
            const QString k = QStringLiteral("%1").arg(a + quint64(double(b - a) * i / parts),
                                                       kDigits, 16, QLatin1Char('0'));
            if (k > lo && k < hi)
                add(k);
        }
        return out;
    }
    if (rowsEstimate <= 0)
        return {};
    for (int i = 1; i < parts; ++i) {
        const SqlResult at =
            s.run(QStringLiteral("SELECT %2 FROM %1%3 ORDER BY %2 LIMIT 1 OFFSET %4")
                      .arg(table, key, range)
                      .arg(rowsEstimate * i / parts),
                  binds);
        if (!at.ok() || at.isEmpty())
            break;
        add(at.value(0, 0).toString());
    }
    return out;
}

QVariant keyFromJournal(const QVariant &v, bool integerKey)
{
    if (!v.isValid() || v.isNull())
        return {};
    return integerKey ? QVariant(v.toLongLong()) : QVariant(v.toString());
}
} // namespace

TableCleanup::TableCleanup(Profile profile, Secrets secrets)
    : m_profile(std::move(profile)), m_secrets(std::move(secrets))
{}

QString TableCleanup::goesCondition(const SqlSession &s) const
{
    return QStringLiteral("%1 < ?").arg(s.column(spec().predicateColumn));
}

QVariantList TableCleanup::goesBinds(const QVariant &cutoffValue) const
{
    return {cutoffValue};
}

QString TableCleanup::checkSchema(SqlSession &s, const Spec &spec)
{
    const QString table = tableName(spec.table);
    const SqlResult cols = s.run(
        s.isMySql() ? QStringLiteral("SELECT LOWER(COLUMN_NAME), LOWER(DATA_TYPE) FROM "
                                     "information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() "
                                     "AND TABLE_NAME = ?")
                    : QStringLiteral("SELECT LOWER(column_name), LOWER(data_type) FROM "
                                     "information_schema.columns WHERE table_schema = "
                                     "current_schema() AND table_name = ?"),
        {table});
    if (!cols.ok())
        return Tr::tr("Cannot read the structure of table %1: %2").arg(table, cols.error);
    if (cols.isEmpty())
        return Tr::tr("Table %1 does not exist in this database; Turnstile does not guess "
                      "another.")
            .arg(table);
    QHash<QString, QString> types;
    for (const QVariantList &row : cols.rows)
        types.insert(row.value(0).toString(), row.value(1).toString());
    const QStringList keyTypes =
        spec.integerKey
            ? QStringList{QStringLiteral("int"), QStringLiteral("integer"),
                          QStringLiteral("bigint")}
            : QStringList{QStringLiteral("varchar"), QStringLiteral("character varying")};
    const QString pred = QString(spec.predicateColumn);
    if (!types.contains(QStringLiteral("id")) ||
        !keyTypes.contains(types.value(QStringLiteral("id"))))
        return Tr::tr("Table %1 has an unexpected structure (column id is %2, expected %3); "
                      "Turnstile does not delete from a table it does not recognise.")
            .arg(table, types.value(QStringLiteral("id"), Tr::tr("missing")),
                 keyTypes.join(QStringLiteral(" or ")));
    if (!types.contains(pred) || !spec.predicateTypes.contains(types.value(pred)))
        return Tr::tr("Table %1 has an unexpected structure (column %2 is %3, expected %4); "
                      "Turnstile does not delete from a table it does not recognise.")
            .arg(table, pred, types.value(pred, Tr::tr("missing")),
                 spec.predicateTypes.join(QStringLiteral(" or ")));
    const SqlResult pk = s.run(
        s.isMySql()
            ? QStringLiteral("SELECT LOWER(COLUMN_NAME) FROM information_schema.KEY_COLUMN_USAGE "
                             "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND "
                             "CONSTRAINT_NAME = 'PRIMARY'")
            : QStringLiteral("SELECT LOWER(a.attname) FROM pg_index i JOIN pg_attribute a ON "
                             "a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) JOIN pg_class c "
                             "ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                             "WHERE i.indisprimary AND n.nspname = current_schema() AND c.relname "
                             "= ?"),
        {table});
    if (!pk.ok())
        return Tr::tr("Cannot read the primary key of table %1: %2").arg(table, pk.error);
    if (pk.rows.size() != 1 || pk.value(0, 0).toString() != u"id")
        return Tr::tr("Table %1 has an unexpected structure (its primary key is not the single "
                      "column id); Turnstile does not delete from a table it does not recognise.")
            .arg(table);
    for (const KeystoneTable dep : spec.dependents) {
        const SqlResult d = s.run(
            s.isMySql() ? QStringLiteral("SELECT COUNT(*) FROM information_schema.TABLES WHERE "
                                         "TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?")
                        : QStringLiteral("SELECT COUNT(*) FROM information_schema.tables WHERE "
                                         "table_schema = current_schema() AND table_name = ?"),
            {tableName(dep)});
        if (!d.ok())
            return Tr::tr("Cannot read the structure of table %1: %2").arg(tableName(dep), d.error);
        if (d.value(0, 0).toLongLong() == 0)
            return Tr::tr("Table %1 does not exist in this database; Turnstile does not guess "
                          "another.")
                .arg(tableName(dep));
    }
    return {};
}

QString TableCleanup::checkWritable(SqlSession &s, const Spec &spec)
{
    if (s.isMySql()) {
        const SqlResult ro = s.run(QStringLiteral("SELECT @@GLOBAL.read_only"));
        if (ro.ok() && ro.value(0, 0).toInt() == 1)
            return Tr::tr("The server is read-only (a replica?); run this on the primary.");
    } else {
        const SqlResult rec = s.run(QStringLiteral("SELECT pg_is_in_recovery()"));
        if (rec.ok() && rec.value(0, 0).toBool())
            return Tr::tr("The server is a standby (in recovery); run this on the primary.");
    }
    for (const KeystoneTable t : QList<KeystoneTable>{spec.table} + spec.dependents)
        if (QString why = checkDeletable(s, t); !why.isEmpty())
            return why;
    return {};
}

QString TableCleanup::checkDeletable(SqlSession &s, KeystoneTable t)
{
    const QString table = tableName(t);
    if (s.isMySql()) {
        // An exact privilege test across global, schema, table and role
        // grants that executes nothing: EXPLAIN of the DELETE. The server
        // checks the DELETE grant for it as for the statement itself, but a
        // dry run never sends a DELETE (a "DELETE … WHERE 1 = 0" did).
        const SqlResult probe =
            s.run(QStringLiteral("EXPLAIN DELETE FROM %1 WHERE 1 = 0").arg(s.table(t)));
        if (!probe.ok())
            return Tr::tr("The database user cannot delete from %1: %2").arg(table, probe.error);
        return {};
    }
    const SqlResult priv = s.run(
        QStringLiteral("SELECT has_table_privilege(current_user, quote_ident(current_schema()) || "
                       "'.' || quote_ident(?), 'DELETE'), current_user"),
        {table});
    if (!priv.ok())
        return Tr::tr("Cannot check the DELETE privilege on %1: %2").arg(table, priv.error);
    if (!priv.value(0, 0).toBool())
        return Tr::tr("The database user %1 has no DELETE privilege on %2.")
            .arg(priv.value(0, 1).toString(), table);
    return {};
}

void TableCleanup::estimate(ActionPreview &p) const
{
    if (p.rowsToGo <= 0) {
        p.estimatedSeconds = 0;
        return;
    }
    // The rate of the last completed run of the same action on the same target.
    // Read from the end of the log and stop at the first match: the log only
    // grows, and reading all of it for every preview did not scale.
    double rate = 0;
    AuditLog().readBackwards([&](const QJsonObject &o) {
        if (o.value(u"profile").toString() != m_profile.name ||
            o.value(u"action").toString() != p.action ||
            o.value(u"target").toString() != p.target.text)
            return true;
        const QJsonObject r = o.value(u"result").toObject();
        const double secs = r.value(u"duration_seconds").toDouble();
        const double rows = r.value(u"affected").toDouble();
        if (secs > 0.5 && rows > 1000) {
            rate = rows / secs;
            return false;
        }
        return true;
    });
    if (rate > 0) {
        p.estimateBasis = Tr::tr("the last run's %L1 rows/s").arg(qRound64(rate));
    } else {
        rate = kAssumedRowsPerSecond;
        p.estimateBasis = Tr::tr("an assumed %L1 rows/s (no earlier run)").arg(qRound64(rate));
    }
    p.estimatedSeconds = double(p.rowsToGo) / rate;
}

QString TableCleanup::countAffected(SqlSession &s, const DatabaseUrl &url, const Spec &sp,
                                    ActionPreview &p)
{
    const QString t = s.table(sp.table);
    const QString c = s.column(sp.predicateColumn);
    const QString defaultGoes = QStringLiteral("%1 < ?").arg(c);
    const QString goesCond = goesCondition(s);
    const bool plainCutoff = goesCond == defaultGoes;
    const QVariantList binds = goesBinds(p.cutoffValue);
    // The ends of the affected range read two ends of the predicate's index.
    const SqlResult ends =
        plainCutoff
            ? s.run(QStringLiteral("SELECT MIN(%2), MAX(%2) FROM %1 WHERE %2 < ?").arg(t, c),
                    {p.cutoffValue})
            : SqlResult{};
    if (!ends.ok())
        return Tr::tr("Cannot read the rows of %1: %2").arg(tableName(sp.table), ends.error);
    if (plainCutoff && QString(sp.predicateColumn) != u"id") {
        QDateTime oldest = ends.value(0, 0).toDateTime();
        QDateTime newest = ends.value(0, 1).toDateTime();
        oldest.setTimeSpec(Qt::UTC);
        newest.setTimeSpec(Qt::UTC);
        p.oldestAffected = oldest;
        p.newestAffected = newest;
    }
    // A COUNT(*) over millions of token rows outlasts the statement limit, so
    // a big table is counted the way the collector does it: the server's
    // estimate of the whole, and an exact count of one side, under a short
    // limit, the rows that go first. The other side is the difference and
    // says it is estimated. A small table is counted exactly.
    DbConnection countDb(url, m_secrets.databasePassword);
    const RowCount total = countRows(countDb, sp.table);
    if (!total.rows)
        return Tr::tr("Cannot count the rows of %1: %2").arg(tableName(sp.table), total.error);
    const QString goes = goesCond;
    // A compound condition may be NULL for a row (a filter on a NULL
    // project): that row stays, and CASE counts it so.
    const QString stays =
        plainCutoff ? QStringLiteral("(%1 >= ? OR %1 IS NULL)").arg(c)
                    : QStringLiteral("(CASE WHEN (%1) THEN 0 ELSE 1 END) = 1").arg(goesCond);
    SqlSession cs(countDb, total.estimated ? kSideCountLimitMs : 25000);
    QString reason;
    if (!cs.begin(&reason))
        return reason;
    auto countWhere = [&](const QString &cond) -> std::optional<qint64> {
        const SqlResult r =
            cs.run(QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2").arg(t, cond), binds);
        if (!r.ok() || r.isEmpty())
            return std::nullopt;
        return r.value(0, 0).toLongLong();
    };
    if (const auto go = countWhere(goes)) {
        p.rowsToGo = *go;
        if (!total.estimated) {
            p.rowsToStay = *total.rows - *go;
        } else if (const auto stay = countWhere(stays)) {
            p.rowsToStay = *stay;
        } else {
            p.rowsToStay = std::max<qint64>(0, *total.rows - *go);
            p.rowsToStayEstimated = true;
        }
        return {};
    }
    if (const auto stay = countWhere(stays)) {
        p.rowsToStay = *stay;
        p.rowsToGo = std::max<qint64>(0, *total.rows - *stay);
        p.rowsToGoEstimated = true;
        return {};
    }
    // Neither side in time: the whole table is the bound on what goes.
    p.rowsToGo = *total.rows;
    p.rowsToStay = 0;
    p.rowsToGoEstimated = p.rowsToStayEstimated = true;
    p.warnings.append(Tr::tr("Neither side of the cutoff could be counted within %1 s; the "
                             "figures are the server's estimate of the whole table.")
                          .arg(kSideCountLimitMs / 1000));
    return {};
}

ActionPreview TableCleanup::preview()
{
    const Spec sp = spec();
    ActionPreview p;
    p.action = kind();
    p.title = sp.title;
    p.at = QDateTime::currentDateTimeUtc();
    p.parameters = parameters();
    QString urlError;
    const DatabaseUrl url = DatabaseUrl::parse(m_profile.databaseUrl, &urlError);
    if (m_profile.databaseUrl.isEmpty()) {
        p.refusal = Tr::tr("Profile %1 has no database; these actions work on Keystone's "
                           "database.")
                        .arg(m_profile.name);
        return p;
    }
    if (!url.isValid() || url.backend == DatabaseUrl::Backend::Sqlite) {
        p.refusal = Tr::tr("The profile's database URL is not usable: %1")
                        .arg(urlError.isEmpty() ? Tr::tr("unsupported backend") : urlError);
        return p;
    }
    p.target = ActionTarget::forTable(url, tableName(sp.table));
    if (m_profile.readOnly) {
        p.refusal = Tr::tr("Profile %1 is read-only; no guarded action runs against it.")
                        .arg(m_profile.name);
        return p;
    }
    if (const QString why = configurationRefusal(); !why.isEmpty()) {
        p.refusal = why;
        return p;
    }
    DbConnection db(url, m_secrets.databasePassword);
    SqlSession s(db);
    QString reason;
    if (!s.begin(&reason)) {
        p.refusal = reason;
        return p;
    }
    if (QString why = checkSchema(s, sp); !why.isEmpty()) {
        p.refusal = why;
        return p;
    }
    if (QString why = checkWritable(s, sp); !why.isEmpty()) {
        p.refusal = why;
        return p;
    }

    QString identityError;
    p.serverIdentity = serverIdentity(s, &identityError);
    if (p.serverIdentity.isEmpty()) {
        p.refusal = Tr::tr("Cannot tell which server %1 is: %2").arg(p.target.text, identityError);
        return p;
    }

    // A run in progress elsewhere: this one would be refused until it ends.
    if (const QString who = ActionLock(s, url.database + u'.' + tableName(sp.table)).holderNow();
        !who.isEmpty())
        p.warnings.append(Tr::tr("Another run on this table holds its database lock (%1); a run "
                                 "started now is refused until it ends.")
                              .arg(who));

    // The cutoff: the interrupted run's, if there is one for these parameters.
    const auto pending = PendingJournal::load(p.action, p.target.text);
    if (pending && !pending->serverIdentity.isEmpty() &&
        pending->serverIdentity != p.serverIdentity) {
        p.refusal = Tr::tr("The interrupted run on %1 was on server %2, but %1 now reaches "
                           "server %3; it is not resumed there. Reach the first server again to "
                           "finish it, or remove %4 to give it up.")
                        .arg(p.target.text, pending->serverIdentity, p.serverIdentity,
                             PendingJournal::path(p.action, p.target.text));
        return p;
    }
    if (pending && pending->parametersKey == parametersKey()) {
        p.resumesRunStartedAt = pending->startedAt;
        p.cutoff = pending->cutoff;
        p.cutoffValue = QString(sp.predicateColumn) == u"id"
                            ? QVariant(pending->cutoffValue.toLongLong())
                            : QVariant(pending->cutoff);
        p.warnings.append(
            Tr::tr("Resuming the run started at %1 (interrupted after %L2 rows) with its cutoff.")
                .arg(pending->startedAt.toLocalTime().toString(Qt::ISODate))
                .arg(pending->done));
    } else {
        QString err;
        p.cutoffValue = computeCutoff(s, &p.cutoff, &err);
        if (!err.isEmpty()) {
            p.refusal = err;
            return p;
        }
    }

    const QString t = s.table(sp.table);
    const QString c = s.column(sp.predicateColumn);
    if (QString why = countAffected(s, url, sp, p); !why.isEmpty()) {
        p.refusal = why;
        return p;
    }
    const QString key = s.column(QLatin1StringView("id"));
    p.statements = {
        QStringLiteral("SELECT MAX(%2), COUNT(*) FROM (SELECT %2 FROM %1 WHERE %2 > :last ORDER "
                       "BY %2 LIMIT :batch) chunk")
            .arg(t, key),
        QStringLiteral("DELETE FROM %1 WHERE %2 > :last AND %2 <= :chunk_end AND %3 "
                       "-- autocommit, one transaction per chunk")
            .arg(t, key,
                 goesCondition(s) == QStringLiteral("%1 < ?").arg(c)
                     ? QStringLiteral("%1 < :cutoff").arg(c)
                     : goesCondition(s)),
    };
    for (const QString &dep : dependentDeletes(
             s,
             QStringLiteral("%1 > :last AND %1 <= :chunk_end AND %2").arg(key, goesCondition(s))))
        p.statements.insert(p.statements.size() - 1,
                            dep + QStringLiteral(" -- before the chunk's DELETE"));
    describe(s, p);
    estimate(p);
    return p;
}

ActionResult TableCleanup::execute(const ActionPreview &confirmed, ActionControl &control)
{
    const Spec sp = spec();
    ActionResult r;
    r.startedAt = QDateTime::currentDateTimeUtc();
    QElapsedTimer clock;
    clock.start();
    auto finish = [&](ActionResult::Outcome o, const QString &message) {
        r.outcome = o;
        r.message = message;
        r.finishedAt = QDateTime::currentDateTimeUtc();
        r.durationSeconds = clock.nsecsElapsed() / 1e9;
        return r;
    };

    const DatabaseUrl url = DatabaseUrl::parse(m_profile.databaseUrl);
    DbConnection db(url, m_secrets.databasePassword);
    SqlSession s(db);
    QString reason;
    if (!s.begin(&reason))
        return finish(ActionResult::Outcome::Failed, reason);
    const bool mysql = s.isMySql();
    giveWayToKeystone(s);
    // The server must be the one the operator confirmed (the target names an
    // address, and another server may answer there now), and one run per
    // table at a time, across workstations: the lock lives on the server, in
    // this very session.
    ActionLock lock(s, url.database + u'.' + tableName(sp.table));
    QString claimRefusal;
    bool refused = false;
    const QString identity = claimConfirmedServer(
        s, confirmed.target.text, confirmed.serverIdentity, lock, &claimRefusal, &refused);
    if (identity.isEmpty())
        return finish(refused ? ActionResult::Outcome::Refused : ActionResult::Outcome::Failed,
                      claimRefusal);
    bool galera = false;
    if (mysql) {
        const SqlResult w = s.run(QStringLiteral("SELECT @@GLOBAL.wsrep_on"));
        galera = w.ok() && w.value(0, 0).toInt() == 1;
    }

    const QString t = s.table(sp.table);
    const QString key = s.column(QLatin1StringView("id"));
    const QString pred = s.column(sp.predicateColumn);
    // Before and after counts on a connection of their own, exact for small
    // tables and the server's estimate for big ones: a COUNT(*) over millions
    // of rows that are being deleted can take minutes, and a purge must never
    // fail or wait for its own bookkeeping.
    auto tableRows = [&](bool *estimated) -> qint64 {
        // A fresh connection each time: the purge's may have been killed.
        DbConnection countDb(url, m_secrets.databasePassword);
        const RowCount c = countRows(countDb, sp.table);
        if (estimated && c.estimated)
            *estimated = true;
        return c.rows.value_or(-1);
    };
    r.before = tableRows(&r.beforeEstimated);

    PendingRun run;
    run.action = confirmed.action;
    run.target = confirmed.target.text;
    run.startedAt = r.startedAt;
    run.cutoff = confirmed.cutoff;
    run.parametersKey = parametersKey();
    run.cutoffValue = confirmed.cutoffValue;
    run.serverIdentity = identity;
    if (confirmed.resumesRunStartedAt.isValid()) {
        if (const auto pending = PendingJournal::load(run.action, run.target)) {
            run.startedAt = pending->startedAt;
            run.lastKey = keyFromJournal(pending->lastKey, sp.integerKey);
            run.regions = pending->regions;
            run.done = pending->done; // the journal counts the whole job
        }
    }
    PendingJournal::save(run);

    Q_UNUSED(pred)
    const QString goes = goesCondition(s);
    const QVariantList goesValues = goesBinds(confirmed.cutoffValue);
    const QString firstChunk = QStringLiteral("%1 <= ? AND (%2)").arg(key, goes);
    const QString nextChunk = QStringLiteral("%1 > ? AND %1 <= ? AND (%2)").arg(key, goes);
    const QString deleteFirst = QStringLiteral("DELETE FROM %1 WHERE %2").arg(t, firstChunk);
    const QString deleteNext = QStringLiteral("DELETE FROM %1 WHERE %2").arg(t, nextChunk);
    // The dependents' rows of a chunk go first: once the chunk's own rows are
    // gone nothing says which dependents were theirs. A kill between the two
    // leaves rows that still match and go on the re-run.
    const QStringList dependentsFirst = dependentDeletes(s, firstChunk);
    const QStringList dependentsNext = dependentDeletes(s, nextChunk);
    QList<qint64> dependentsDone(dependentsFirst.size(), 0);
    // Said in every result, a failed one included: those rows are gone.
    auto recordDependents = [&] {
        for (qsizetype i = 0; i < dependentsDone.size() && i < sp.dependents.size(); ++i)
            r.details.insert(tableName(sp.dependents.at(i)) + QStringLiteral("_deleted"),
                             dependentsDone.at(i));
    };

    // The key space is cut into regions, one per connection, far apart: each
    // connection walks its own region chunk by chunk (keyset, never OFFSET),
    // so side-by-side DELETEs never work on neighbouring pages (adjacent
    // chunks handed to two connections measured little faster than one).
    // With one connection there is one region, walked by this session. The
    // journal keeps each region's position, so a resume finishes every one.
    const int connections = std::clamp(m_throttle.connections, 1, kMaxConnections);
    struct Region
    {
        QVariant pos;         // the walk's position (exclusive); invalid = the table's start
        QVariant upper;       // inclusive bound; invalid = the table's end
        bool claimed = false; // a walker has taken it (and walks it to its end)
    };
    std::vector<Region> regions;
    if (!run.regions.isEmpty()) {
        for (const QVariant &v : std::as_const(run.regions)) {
            const QVariantList pair = v.toList();
            regions.push_back(Region{keyFromJournal(pair.value(0), sp.integerKey),
                                     keyFromJournal(pair.value(1), sp.integerKey)});
        }
    } else {
        const QVariantList splits = connections > 1 ? splitKeys(s, t, key, sp.integerKey,
                                                                run.lastKey, r.before, connections)
                                                    : QVariantList{};
        QVariant from = run.lastKey;
        for (const QVariant &split : splits) {
            regions.push_back(Region{from, split});
            from = split;
        }
        regions.push_back(Region{from, QVariant()});
    }
    auto boundary = [&](SqlSession &session, const Region &g, int n) {
        QStringList where;
        QVariantList binds;
        if (g.pos.isValid()) {
            where << QStringLiteral("%1 > ?").arg(key);
            binds << g.pos;
        }
        if (g.upper.isValid()) {
            where << QStringLiteral("%1 <= ?").arg(key);
            binds << g.upper;
        }
        // LIMIT takes the integer from our own throttle, not from outside.
        return session.run(QStringLiteral("SELECT MAX(%2), COUNT(*) FROM (SELECT %2 FROM %1%3 "
                                          "ORDER BY %2 LIMIT %4) chunk")
                               .arg(t, key,
                                    where.isEmpty() ? QString()
                                                    : QStringLiteral(" WHERE ") +
                                                          where.join(QStringLiteral(" AND ")))
                               .arg(n),
                           binds);
    };

    Throttle throttle(m_throttle);
    ActionProgress progress;
    progress.total = confirmed.rowsToGo;
    QElapsedTimer journalClock;
    journalClock.start();
    double lastPausedNs = -1;
    QElapsedTimer galeraClock;
    galeraClock.start();
    if (galera) { // the first sample's interval starts here
        lastPausedNs = flowControlPausedNs(s);
    }
    int flowControlWaits = 0;        // samples spent waiting for Galera flow control to end
    QElapsedTimer flowControlWaited; // how long, in all
    qint64 flowControlWaitMs = 0;

    // Guarded by `mutex` while workers run: the regions, the tallies, the
    // throttle, the pause and the first failure.
    QMutex mutex;
    QWaitCondition changed;
    qint64 done = 0;
    double lastBatchMs = 0;
    int lastSleepMs = 0;
    QString failure;
    bool paused = false; // Galera flow control: no chunk starts
    int running = 0;     // workers not yet finished

    auto snapshot = [&] { // under mutex, or with no worker running
        PendingRun j = run;
        j.done = run.done + done;
        j.lastKey = regions.size() == 1 ? regions.front().pos : QVariant();
        j.regions.clear();
        if (regions.size() > 1)
            for (const Region &g : regions)
                j.regions.append(QVariant(QVariantList{g.pos, g.upper}));
        return j;
    };

    // Deletes the chunk (g.pos, end] of region g on `session`, retrying lock
    // conflicts with backoff; advances the region on success.
    auto deleteChunk = [&](SqlSession &session, Region &g, const QVariant &end) {
        const QVariant from = g.pos;
        const QVariantList binds =
            (from.isValid() ? QVariantList{from, end} : QVariantList{end}) + goesValues;
        const QStringList &deps = from.isValid() ? dependentsNext : dependentsFirst;
        QList<qint64> depsDone(deps.size(), 0);
        SqlResult d;
        for (int attempt = 1;; ++attempt) {
            d = SqlResult{};
            for (qsizetype i = 0; i < deps.size() && d.ok(); ++i) {
                d = session.run(deps.at(i), binds);
                if (d.ok())
                    depsDone[i] += std::max<qint64>(0, d.rowsAffected);
            }
            if (d.ok())
                d = session.run(from.isValid() ? deleteNext : deleteFirst, binds);
            if (d.ok() || !isLockConflict(d, mysql))
                break;
            int wait = 0;
            {
                QMutexLocker locked(&mutex);
                wait = throttle.afterLockConflict(attempt);
                if (wait >= 0) {
                    ++r.retries;
                    ++progress.retries;
                }
            }
            if (wait < 0)
                break;
            sleepUnlessCancelled(wait, control);
        }
        int sleepMs = 0;
        {
            QMutexLocker locked(&mutex);
            for (qsizetype i = 0; i < depsDone.size(); ++i)
                dependentsDone[i] += depsDone.at(i);
            if (!d.ok()) {
                if (failure.isEmpty())
                    failure = d.error;
            } else {
                g.pos = end;
                done += std::max<qint64>(0, d.rowsAffected);
                ++r.batches;
                r.slowestBatchMs = std::max(r.slowestBatchMs, d.ms);
                lastBatchMs = d.ms;
                sleepMs = lastSleepMs = throttle.afterBatch(d.ms);
            }
            changed.wakeAll();
        }
        // The connection that ran the chunk leaves the server to Keystone
        // for a moment after a slow one.
        if (sleepMs > 0)
            sleepUnlessCancelled(sleepMs, control);
        return d.ok();
    };

    // What the walking session does between chunks (alone) or while the
    // workers delete: progress, Galera flow control, the journal. Holds the
    // mutex except while it sleeps.
    auto oversee = [&] {
        QMutexLocker locked(&mutex);
        auto report = [&] {
            progress.done = done;
            progress.batches = r.batches;
            progress.elapsedSeconds = clock.nsecsElapsed() / 1e9;
            progress.rowsPerSecond =
                progress.elapsedSeconds > 0 ? done / progress.elapsedSeconds : 0;
            progress.secondsLeft = progress.rowsPerSecond > 0 && progress.total >= done
                                       ? (progress.total - done) / progress.rowsPerSecond
                                       : -1;
            progress.currentBatchSize = throttle.batchSize();
            progress.lastBatchMs = lastBatchMs;
            control.report(progress);
        };
        progress.lastSleepMs = lastSleepMs;
        progress.throttled.clear();
        const ThrottleSettings &ts = throttle.settings();
        if (galera && galeraClock.elapsed() >= ts.flowControlSampleMs) {
            // The share of the time since the last sample that flow control paused this
            // node: the change of the cumulative counter, never the counter itself.
            auto sampleShare = [&]() -> double {
                const double ns = flowControlPausedNs(s);
                const auto share =
                    flowControlShare(qint64(lastPausedNs), 0, qint64(ns), galeraClock.elapsed());
                lastPausedNs = ns;
                galeraClock.restart();
                return share.value_or(0);
            };
            const qint64 intervalMs = galeraClock.elapsed();
            double share = sampleShare();
            // A batch this slow that flow control paused for less than half its time: a
            // stalled node (SIGSTOP, a frozen disk) held the group communication and the
            // batch only waited. Said at once, even when the node's backlog brings flow
            // control next.
            if (lastBatchMs >= ts.stallBatchMs && share * double(intervalMs) < lastBatchMs / 2) {
                progress.throttled =
                    Tr::tr("slowed: a batch took %1 without Galera flow control; a node may be "
                           "stalled")
                        .arg(formatLatency(lastBatchMs));
                report();
            }
            // Flow control above the limit: no chunk starts until a sample shows the
            // cluster caught up, so our writes keep it above the limit for one sample at
            // most. (A chunk already running on another connection finishes.)
            while (share > ts.maxFlowControlShare && !control.isCancelled()) {
                paused = true;
                progress.throttled = Tr::tr("throttled: Galera flow control %1 %")
                                         .arg(QLocale().toString(share * 100, 'f', 0));
                progress.lastSleepMs = ts.flowControlSampleMs;
                report();
                ++flowControlWaits;
                flowControlWaited.start();
                locked.unlock();
                sleepUnlessCancelled(ts.flowControlSampleMs, control);
                locked.relock();
                flowControlWaitMs += flowControlWaited.elapsed();
                share = sampleShare();
            }
            paused = false;
            changed.wakeAll();
            progress.throttled.clear(); // said above; the run goes on at its own pace
            if (const int fcSleep = throttle.afterFlowControl(share); fcSleep > 0) {
                progress.lastSleepMs = std::max(progress.lastSleepMs, fcSleep);
                paused = true;
                locked.unlock();
                sleepUnlessCancelled(fcSleep, control);
                locked.relock();
                paused = false;
                changed.wakeAll();
            }
        }
        report();
        if (journalClock.elapsed() >= 1000) {
            PendingJournal::save(snapshot());
            journalClock.restart();
        }
    };

    // Walks regions on `session` until none is left, the run is cancelled or
    // something failed. `alone`: this is the walking session itself, which
    // also oversees and keeps the lock.
    auto walk = [&](SqlSession &session, bool alone) {
        QMutexLocker locked(&mutex);
        for (;;) {
            auto next = std::find_if(regions.begin(), regions.end(),
                                     [](const Region &g) { return !g.claimed; });
            if (next == regions.end())
                return;
            Region &g = *next;
            g.claimed = true;
            for (;;) {
                while (paused && failure.isEmpty() && !control.isCancelled())
                    changed.wait(&mutex, 50);
                if (!failure.isEmpty() || control.isCancelled())
                    return;
                const int n = throttle.batchSize();
                locked.unlock();
                const SqlResult b = boundary(session, g, n);
                if (!b.ok()) {
                    locked.relock();
                    if (failure.isEmpty())
                        failure = b.error;
                    changed.wakeAll();
                    return;
                }
                if (b.value(0, 1).toLongLong() == 0 || b.value(0, 0).isNull()) {
                    locked.relock();
                    break; // walked past the region's last key
                }
                const QVariant end = sp.integerKey ? QVariant(b.value(0, 0).toLongLong())
                                                   : QVariant(b.value(0, 0).toString());
                // A reconnect (a killed connection) drops the lock with the session.
                if (alone && !lock.stillHeld()) {
                    if (QString why; !lock.acquire(&why)) {
                        locked.relock();
                        failure = Tr::tr("the connection was lost, and the lock could not be "
                                         "taken again. %1")
                                      .arg(why);
                        return;
                    }
                }
                const bool ok = deleteChunk(session, g, end);
                if (alone)
                    oversee();
                locked.relock();
                if (!ok)
                    return;
            }
        }
    };

    if (connections == 1) {
        walk(s, true);
    } else {
        // Workers: each opens its own session to the same server, checked to
        // be the confirmed one, before any of them deletes. This session
        // walks nothing then; it keeps the lock and oversees.
        std::vector<std::unique_ptr<QThread>> workers;
        int ready = 0;
        bool go = false;
        const int workerCount = std::min<int>(connections, int(regions.size()));
        for (int w = 0; w < workerCount; ++w) {
            workers.emplace_back(QThread::create([&, w] {
                DbConnection wdb(url, m_secrets.databasePassword);
                SqlSession ws(wdb);
                QString why;
                bool another = false;
                bool ok = ws.begin(&why);
                if (ok) {
                    giveWayToKeystone(ws);
                    ok = confirmedServerIdentity(ws, confirmed.target.text, identity, &why,
                                                 &another) == identity;
                }
                {
                    QMutexLocker locked(&mutex);
                    ++ready;
                    if (!ok && failure.isEmpty())
                        failure =
                            Tr::tr("connection %1 of %2: %3").arg(w + 1).arg(workerCount).arg(why);
                    changed.wakeAll();
                    while (!go && failure.isEmpty())
                        changed.wait(&mutex);
                    if (!failure.isEmpty()) {
                        --running;
                        changed.wakeAll();
                        return;
                    }
                }
                walk(ws, false);
                QMutexLocker locked(&mutex);
                --running;
                changed.wakeAll();
            }));
        }
        running = workerCount;
        for (auto &w : workers)
            w->start();
        QMutexLocker locked(&mutex);
        while (ready < workerCount)
            changed.wait(&mutex);
        if (!failure.isEmpty()) {
            const QString why = failure;
            changed.wakeAll();
            locked.unlock();
            for (auto &w : workers)
                w->wait();
            // Nothing was deleted: a fresh run leaves no journal to resume.
            if (!confirmed.resumesRunStartedAt.isValid())
                PendingJournal::remove(run.action, run.target);
            return finish(ActionResult::Outcome::Failed,
                          Tr::tr("Could not open the %1 connections asked for, so nothing was "
                                 "changed: %2")
                              .arg(workerCount)
                              .arg(why));
        }
        go = true;
        changed.wakeAll();
        QElapsedTimer oversight;
        oversight.start();
        while (running > 0) {
            changed.wait(&mutex, 100);
            if (oversight.elapsed() < 100)
                continue;
            oversight.restart();
            locked.unlock();
            // The lock lives in this session: after a reconnect, take it again
            // before the workers go on; they stop when it cannot be had.
            if (s.run(QStringLiteral("SELECT 1")).ok() && !lock.stillHeld()) {
                if (QString why; !lock.acquire(&why)) {
                    QMutexLocker l(&mutex);
                    if (failure.isEmpty())
                        failure = Tr::tr("the connection was lost, and the lock could not be "
                                         "taken again. %1")
                                      .arg(why);
                }
            }
            oversee();
            locked.relock();
        }
        locked.unlock();
        for (auto &w : workers)
            w->wait();
    }

    r.affected = done;
    recordDependents();
    if (!failure.isEmpty()) {
        run = snapshot();
        PendingJournal::save(run);
        return finish(ActionResult::Outcome::Failed,
                      Tr::tr("Stopped after %L1 rows and %2 retries: %3. Nothing past the "
                             "cutoff was touched; run it again to resume.")
                          .arg(done)
                          .arg(r.retries)
                          .arg(failure));
    }
    if (flowControlWaits > 0) {
        r.details.insert(QStringLiteral("flow_control_waits"), flowControlWaits);
        r.details.insert(QStringLiteral("flow_control_wait_ms"), flowControlWaitMs);
    }
    if (connections > 1) {
        r.details.insert(QStringLiteral("connections"), connections);
        r.details.insert(QStringLiteral("regions"), int(regions.size()));
    }
    r.after = tableRows(&r.afterEstimated);
    if (r.beforeEstimated || r.afterEstimated)
        r.details.insert(QStringLiteral("counts_estimated"), true);
    if (control.isCancelled()) {
        run = snapshot();
        PendingJournal::save(run);
        return finish(ActionResult::Outcome::Cancelled,
                      Tr::tr("Cancelled after %L1 rows in %2 batches; run it again to resume.")
                          .arg(done)
                          .arg(r.batches));
    }
    PendingJournal::remove(run.action, run.target);
    return finish(ActionResult::Outcome::Completed,
                  Tr::tr("Deleted %L1 rows in %2 batches.").arg(done).arg(r.batches));
}

} // namespace turnstile
