#include "guarded/tableswap.h"

#include "db/sqlsession.h"
#include "guarded/actioncontrol.h"
#include "guarded/throttle.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRegularExpression>
#include <QThread>

#include <algorithm>
#include <csignal>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(TableSwap)
};

bool isLockConflict(const SqlResult &r)
{
    return r.nativeError == u"1205" || r.nativeError == u"1213";
}

// The privileges the swap needs beyond the DELETE the chunked method checks:
// at schema level, because two of the tables do not exist yet.
const QStringList kNeeded = {QStringLiteral("SELECT"), QStringLiteral("INSERT"),
                             QStringLiteral("DELETE"), QStringLiteral("CREATE"),
                             QStringLiteral("DROP"),   QStringLiteral("ALTER"),
                             QStringLiteral("TRIGGER")};
} // namespace

void TableSwap::testStopPoint(const char *step)
{
    // Fault injection for tst_purge_swap only: a kill at exactly this step.
    if (qEnvironmentVariable("TURNSTILE_TEST_SWAP_STOP") == QLatin1StringView(step))
        ::raise(SIGKILL);
}

TableSwap::TableSwap(SqlSession &session, KeystoneTable table)
    : m_s(session), m_table(table), m_name(tableName(table))
{
    m_new = u'_' + m_name + QStringLiteral("_new");
    m_old = u'_' + m_name + QStringLiteral("_old");
    for (const char *suffix : {"_swap_ins", "_swap_upd", "_swap_del"})
        m_triggers.append(u'_' + m_name + QLatin1StringView(suffix));
}

QString TableSwap::quoted(const QString &name) const
{
    // Only names of the form above or read from the catalogue and checked by
    // columns(); a backtick can never be in them.
    Q_ASSERT(!name.contains(u'`'));
    return u'`' + name + u'`';
}

SqlResult TableSwap::runDdl(const QString &step, const QString &sql)
{
    m_s.run(QStringLiteral("SET SESSION lock_wait_timeout = 1"));
    DdlTiming timing;
    timing.step = step;
    QElapsedTimer clock;
    clock.start();
    SqlResult r;
    for (int attempt = 1; attempt <= 10; ++attempt) {
        r = m_s.run(sql);
        timing.attempts = attempt;
        timing.longestAttemptMs = std::max(timing.longestAttemptMs, r.ms);
        if (r.ok() || r.nativeError != u"1205")
            break;
        QThread::msleep(static_cast<unsigned long>(std::min(2000, 100 * attempt)));
    }
    timing.totalMs = double(clock.nsecsElapsed()) / 1e6;
    m_ddl.append(timing);
    return r;
}

QStringList TableSwap::columns(QString *error)
{
    const SqlResult r = m_s.run(
        QStringLiteral("SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = "
                       "DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION"),
        {m_name});
    if (!r.ok() || r.isEmpty()) {
        *error = Tr::tr("Cannot read the columns of %1: %2").arg(m_name, r.error);
        return {};
    }
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_]+$"));
    QStringList cols;
    for (const QVariantList &row : r.rows) {
        const QString c = row.value(0).toString();
        if (!plain.match(c).hasMatch()) {
            *error = Tr::tr("Table %1 has a column named %2; the swap only copies plain column "
                            "names.")
                         .arg(m_name, c);
            return {};
        }
        cols.append(quoted(c));
    }
    return cols;
}

QStringList TableSwap::missingGrants(const QStringList &showGrants, const QString &schema)
{
    static const QRegularExpression grantLine(QStringLiteral("^GRANT (.+?) ON (\\S+) TO "));
    QSet<QString> held;
    for (const QString &line : showGrants) {
        const auto m = grantLine.match(line);
        if (!m.hasMatch())
            continue;
        QString scope = m.captured(2);
        scope.remove(u'\\'); // `tst\_db`.* names tst_db
        if (scope != u"*.*" && scope != u'`' + schema + QStringLiteral("`.*"))
            continue;
        for (QString priv : m.captured(1).split(u',')) {
            // "SELECT (id)" is a column grant: not enough for a new table.
            if (priv.contains(u'('))
                continue;
            priv = priv.trimmed().toUpper();
            if (priv == u"ALL" || priv == u"ALL PRIVILEGES")
                held.unite(QSet<QString>(kNeeded.cbegin(), kNeeded.cend()));
            else
                held.insert(priv);
        }
    }
    QStringList missing;
    for (const QString &p : kNeeded)
        if (!held.contains(p))
            missing.append(p);
    return missing;
}

QString TableSwap::galeraRefusal(bool wsrepOn, const QString &osuMethod, bool galeraSingleWriter)
{
    if (!wsrepOn)
        return {};
    if (!galeraSingleWriter)
        return Tr::tr("The server is a Galera node, and triggers do not see writes that other "
                      "nodes replicate to it. If Keystone writes through this node only, say so "
                      "in the profile (Galera: Keystone writes through this node only).");
    if (osuMethod.compare(QLatin1StringView("TOI"), Qt::CaseInsensitive) != 0)
        return Tr::tr("The Galera node applies schema changes with wsrep_OSU_method = %1, so the "
                      "RENAME would happen on this node alone; the swap needs TOI.")
            .arg(osuMethod.isEmpty() ? Tr::tr("(unknown)") : osuMethod);
    return {};
}

QString TableSwap::unsuitable(bool galeraSingleWriter)
{
    if (!m_s.isMySql())
        return Tr::tr("PostgreSQL has no rename that swaps a table under concurrent writers "
                      "without an exclusive lock.");
    const SqlResult w = m_s.run(QStringLiteral("SELECT @@GLOBAL.wsrep_on"));
    if (w.ok() && w.value(0, 0).toInt() == 1) {
        const SqlResult osu = m_s.run(QStringLiteral("SELECT @@SESSION.wsrep_OSU_method"));
        if (const QString why = galeraRefusal(
                true, osu.ok() ? osu.value(0, 0).toString() : QString(), galeraSingleWriter);
            !why.isEmpty())
            return why;
    }

    const SqlResult g = m_s.run(QStringLiteral("SHOW GRANTS"));
    const SqlResult db = m_s.run(QStringLiteral("SELECT DATABASE()"));
    if (!g.ok() || !db.ok())
        return Tr::tr("Cannot read the database user's grants: %1")
            .arg(g.ok() ? db.error : g.error);
    const QString schema = db.value(0, 0).toString();
    QStringList lines;
    for (const QVariantList &row : g.rows)
        lines.append(row.value(0).toString());
    const QStringList missing = missingGrants(lines, schema);
    if (!missing.isEmpty())
        return Tr::tr("The database user lacks %1 on the whole schema %2, which the copy, the "
                      "triggers and the swap need.")
            .arg(missing.join(QStringLiteral(", ")), schema);

    const SqlResult fk = m_s.run(
        QStringLiteral("SELECT COUNT(*) FROM information_schema.KEY_COLUMN_USAGE WHERE "
                       "REFERENCED_TABLE_NAME IS NOT NULL AND ((REFERENCED_TABLE_SCHEMA = "
                       "DATABASE() AND REFERENCED_TABLE_NAME = ?) OR (TABLE_SCHEMA = DATABASE() "
                       "AND TABLE_NAME = ?))"),
        {m_name, m_name});
    if (!fk.ok())
        return Tr::tr("Cannot read the foreign keys of %1: %2").arg(m_name, fk.error);
    if (fk.value(0, 0).toLongLong() > 0)
        return Tr::tr("A foreign key involves %1, and a renamed copy would not keep it.")
            .arg(m_name);

    const SqlResult tr =
        m_s.run(QStringLiteral("SELECT TRIGGER_NAME FROM information_schema.TRIGGERS WHERE "
                               "EVENT_OBJECT_SCHEMA = DATABASE() AND EVENT_OBJECT_TABLE = ?"),
                {m_name});
    if (!tr.ok())
        return Tr::tr("Cannot read the triggers of %1: %2").arg(m_name, tr.error);
    for (const QVariantList &row : tr.rows)
        if (!m_triggers.contains(row.value(0).toString()))
            return Tr::tr("Table %1 has a trigger of its own (%2), which the copy would not "
                          "keep.")
                .arg(m_name, row.value(0).toString());
    return {};
}

TableSwap::Leftover TableSwap::leftover(QString *error)
{
    const SqlResult t = m_s.run(
        QStringLiteral("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                       "DATABASE() AND TABLE_NAME IN (?, ?)"),
        {m_new, m_old});
    const SqlResult g = m_s.run(QStringLiteral("SELECT TRIGGER_NAME FROM "
                                               "information_schema.TRIGGERS WHERE TRIGGER_SCHEMA "
                                               "= DATABASE() AND TRIGGER_NAME IN (?, ?, ?)"),
                                {m_triggers.at(0), m_triggers.at(1), m_triggers.at(2)});
    if (!t.ok() || !g.ok()) {
        *error = Tr::tr("Cannot look for what an interrupted swap left: %1")
                     .arg(t.ok() ? g.error : t.error);
        return Leftover::None;
    }
    bool hasNew = false;
    bool hasOld = false;
    for (const QVariantList &row : t.rows) {
        hasNew = hasNew || row.value(0).toString() == m_new;
        hasOld = hasOld || row.value(0).toString() == m_old;
    }
    if (hasOld)
        return Leftover::Swapped;
    if (hasNew || !g.isEmpty())
        return Leftover::HalfBuilt;
    return Leftover::None;
}

bool TableSwap::dropTriggers(QString *error)
{
    for (const QString &trig : m_triggers) {
        const SqlResult r =
            runDdl(QStringLiteral("drop_trigger") + trig.mid(trig.lastIndexOf(u'_')),
                   QStringLiteral("DROP TRIGGER IF EXISTS %1").arg(quoted(trig)));
        if (!r.ok()) {
            *error = Tr::tr("Cannot drop trigger %1: %2").arg(trig, r.error);
            return false;
        }
    }
    return true;
}

bool TableSwap::repair(QString *error)
{
    // Never drop anything while the table itself is missing: then this is not
    // a state a swap leaves, and a person has to look.
    const SqlResult t =
        m_s.run(QStringLiteral("SELECT COUNT(*) FROM information_schema.TABLES "
                               "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?"),
                {m_name});
    if (!t.ok() || t.value(0, 0).toLongLong() != 1) {
        *error = Tr::tr("Table %1 is missing; Turnstile drops none of %2 and %3 then.")
                     .arg(m_name, m_new, m_old);
        return false;
    }
    // Triggers first: with the new table gone they would make Keystone's own
    // writes fail.
    if (!dropTriggers(error))
        return false;
    for (const QString &name : {m_new, m_old}) {
        const SqlResult r = m_s.run(QStringLiteral("DROP TABLE IF EXISTS %1").arg(quoted(name)));
        if (!r.ok()) {
            *error = Tr::tr("Cannot drop %1: %2").arg(name, r.error);
            return false;
        }
    }
    return true;
}

bool TableSwap::prepare(QString *error)
{
    const QStringList cols = columns(error);
    if (cols.isEmpty())
        return false;
    const SqlResult c =
        m_s.run(QStringLiteral("CREATE TABLE %1 LIKE %2").arg(quoted(m_new), m_s.table(m_table)));
    if (!c.ok()) {
        *error = Tr::tr("Cannot create %1: %2").arg(m_new, c.error);
        return false;
    }
    QStringList newValues;
    for (const QString &col : cols)
        newValues.append(QStringLiteral("NEW.") + col);
    const QString colList = cols.join(QStringLiteral(", "));
    const QString replaceNew =
        QStringLiteral("REPLACE INTO %1 (%2) VALUES (%3)")
            .arg(quoted(m_new), colList, newValues.join(QStringLiteral(", ")));
    const QString id = quoted(QStringLiteral("id"));
    const QStringList triggers = {
        QStringLiteral("CREATE TRIGGER %1 AFTER INSERT ON %2 FOR EACH ROW %3")
            .arg(quoted(m_triggers.at(0)), m_s.table(m_table), replaceNew),
        // A changed key leaves the old one behind unless it is deleted first.
        QStringLiteral("CREATE TRIGGER %1 AFTER UPDATE ON %2 FOR EACH ROW BEGIN DELETE IGNORE "
                       "FROM %3 WHERE NOT (OLD.%4 <=> NEW.%4) AND %4 <=> OLD.%4; %5; END")
            .arg(quoted(m_triggers.at(1)), m_s.table(m_table), quoted(m_new), id, replaceNew),
        QStringLiteral("CREATE TRIGGER %1 AFTER DELETE ON %2 FOR EACH ROW DELETE IGNORE FROM %3 "
                       "WHERE %4 <=> OLD.%4")
            .arg(quoted(m_triggers.at(2)), m_s.table(m_table), quoted(m_new), id),
    };
    for (int i = 0; i < triggers.size(); ++i) {
        const QString &trig = m_triggers.at(i);
        const SqlResult r = runDdl(
            QStringLiteral("create_trigger") + trig.mid(trig.lastIndexOf(u'_')), triggers.at(i));
        if (!r.ok()) {
            *error =
                Tr::tr("Cannot create the triggers that keep %1 current: %2").arg(m_new, r.error);
            return false;
        }
    }
    return true;
}

ThrottleSettings TableSwap::copyPacing(ThrottleSettings s)
{
    s.maxBatchMs = std::min(s.maxBatchMs, 10.0);
    s.sleepRatio = std::max(s.sleepRatio, 1.5);
    return s;
}

bool TableSwap::copy(const QString &staysCondition, const QVariantList &staysBinds,
                     Throttle &throttle, const ActionControl &control,
                     const std::function<void(qint64, double)> &progress, qint64 *copied,
                     QString *error)
{
    const QStringList cols = columns(error);
    if (cols.isEmpty())
        return false;
    const QString t = m_s.table(m_table);
    const QString id = quoted(QStringLiteral("id"));
    const QString colList = cols.join(QStringLiteral(", "));
    // The chunk's end is read without locks; the INSERT … SELECT then holds
    // shared locks on that chunk's rows only, for one short transaction.
    // LOCK IN SHARE MODE whatever the isolation level: under READ COMMITTED
    // the copy would read a snapshot, and a row Keystone deleted meanwhile
    // (its trigger finding nothing to delete yet) would come back in the copy.
    const QString endFirst = QStringLiteral("SELECT MAX(%2), COUNT(*) FROM (SELECT %2 FROM %1 "
                                            "WHERE (%3) ORDER BY %2 LIMIT %4) chunk")
                                 .arg(t, id, staysCondition);
    const QString endNext = QStringLiteral("SELECT MAX(%2), COUNT(*) FROM (SELECT %2 FROM %1 "
                                           "WHERE %2 > ? AND (%3) ORDER BY %2 LIMIT %4) chunk")
                                .arg(t, id, staysCondition);
    const QString insFirst =
        QStringLiteral("INSERT IGNORE INTO %1 (%2) SELECT %2 FROM %3 WHERE %4 <= ? AND (%5) "
                       "LOCK IN SHARE MODE")
            .arg(quoted(m_new), colList, t, id, staysCondition);
    const QString insNext = QStringLiteral("INSERT IGNORE INTO %1 (%2) SELECT %2 FROM %3 WHERE "
                                           "%4 > ? AND %4 <= ? AND (%5) LOCK IN SHARE MODE")
                                .arg(quoted(m_new), colList, t, id, staysCondition);
    QVariant last;
    *copied = 0;
    int chunks = 0;
    while (!control.isCancelled()) {
        const int n = throttle.batchSize();
        const SqlResult e = last.isValid()
                                ? m_s.run(endNext.arg(n), QVariantList{last} + staysBinds)
                                : m_s.run(endFirst.arg(n), staysBinds);
        if (!e.ok()) {
            *error = e.error;
            return false;
        }
        if (e.value(0, 1).toLongLong() == 0 || e.value(0, 0).isNull())
            return true;
        const QVariant end = e.value(0, 0).toString();
        const QVariantList binds =
            (last.isValid() ? QVariantList{last, end} : QVariantList{end}) + staysBinds;
        SqlResult r;
        for (int attempt = 1;; ++attempt) {
            r = m_s.run(last.isValid() ? insNext : insFirst, binds);
            if (r.ok() || !isLockConflict(r))
                break;
            const int wait = throttle.afterLockConflict(attempt);
            if (wait < 0)
                break;
            QThread::msleep(static_cast<unsigned long>(wait));
        }
        if (!r.ok()) {
            *error = r.error;
            return false;
        }
        last = end;
        *copied += e.value(0, 1).toLongLong();
        if (const int sleepMs = throttle.afterBatch(r.ms); sleepMs > 0)
            QThread::msleep(static_cast<unsigned long>(sleepMs));
        if (progress)
            progress(*copied, r.ms);
        if (++chunks == 2)
            testStopPoint("copy");
    }
    return true;
}

bool TableSwap::swap(double *lockMs, QString *error)
{
    // A RENAME waits for every open transaction on the table, and everything
    // after it waits for the RENAME: runDdl's short, retried wait.
    const QString sql = QStringLiteral("RENAME TABLE %1 TO %2, %3 TO %1")
                            .arg(m_s.table(m_table), quoted(m_old), quoted(m_new));
    const SqlResult r = runDdl(QStringLiteral("rename"), sql);
    *lockMs = r.ms;
    if (r.ok())
        return true;
    // A connection lost after the server had renamed: the retry finds the
    // names taken. The state says whether the swap happened.
    QString err;
    if (leftover(&err) == Leftover::Swapped)
        return true;
    *error = Tr::tr("The swap did not happen (%1); %2 is unchanged.").arg(r.error, m_name);
    return false;
}

bool TableSwap::dropOld(QString *error)
{
    if (!dropTriggers(error))
        return false;
    testStopPoint("drop");
    const SqlResult r = m_s.run(QStringLiteral("DROP TABLE IF EXISTS %1").arg(quoted(m_old)));
    if (!r.ok()) {
        *error = Tr::tr("Cannot drop %1: %2").arg(m_old, r.error);
        return false;
    }
    return true;
}

QStringList TableSwap::plannedStatements(const QString &staysCondition) const
{
    const QString t = m_s.table(m_table);
    return {
        QStringLiteral("CREATE TABLE %1 LIKE %2").arg(quoted(m_new), t),
        QStringLiteral("CREATE TRIGGER %1 / %2 / %3 AFTER INSERT / UPDATE / DELETE ON %4 -- "
                       "REPLACE INTO / DELETE FROM %5")
            .arg(m_triggers.at(0), m_triggers.at(1), m_triggers.at(2), t, quoted(m_new)),
        QStringLiteral("INSERT IGNORE INTO %1 SELECT … FROM %2 WHERE `id` > :last AND `id` <= "
                       ":chunk_end AND (%3) LOCK IN SHARE MODE -- chunks sized by time")
            .arg(quoted(m_new), t, staysCondition),
        QStringLiteral("RENAME TABLE %1 TO %2, %3 TO %1 -- atomic")
            .arg(t, quoted(m_old), quoted(m_new)),
        QStringLiteral("DROP TRIGGER …; DROP TABLE %1").arg(quoted(m_old)),
    };
}

} // namespace turnstile
