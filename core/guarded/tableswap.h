#pragma once

#include "db/keystonetables.h"
#include "db/sqlsession.h"
#include "guarded/throttle.h"

#include <QString>
#include <QStringList>
#include <QVariant>

#include <functional>

namespace turnstile {

class ActionControl;

// Copy-and-swap on MariaDB/MySQL, the technique of pt-online-schema-change,
// for a purge where most rows go: the rows that stay are copied into a new
// table in short key-ordered chunks while triggers on the table carry every
// concurrent INSERT, UPDATE and DELETE across; one atomic RENAME TABLE swaps
// the two, and the old table (with all the rows that go) is dropped. The space
// comes back at the drop, and no transaction holds more than a chunk's locks.
//
// Every name is fixed: the Keystone table's and fixed suffixes
// (_token_new, _token_old, _token_swap_ins/_upd/_del), never from input.
//
// Crash safety comes from the order of the steps, each of which leaves the
// table itself present, complete and in use:
//  - copy (after the new table and the triggers exist): the table is
//    untouched; a re-run drops the triggers, then the half-built copy;
//  - the RENAME is atomic: before it the old table is the table, after it the
//    complete copy is;
//  - drop: the table is already the copy; a re-run drops the leftover old
//    table (and its triggers, which moved with it).
// The database's own state says which case a re-run is in (leftover()).
class TableSwap
{
public:
    enum class Leftover
    {
        None,
        HalfBuilt, // triggers and/or the new table, no old table: repair = drop them
        Swapped,   // the old table is there: finish = drop it (and its triggers)
    };
    // Stops at a step for the crash tests ($TURNSTILE_TEST_SWAP_STOP = copy,
    // triggers, swap or drop): the process kills itself with SIGKILL there.
    static void testStopPoint(const char *step);

    TableSwap(SqlSession &session, KeystoneTable table);

    // Of the privileges the swap needs on the whole schema (SELECT, INSERT,
    // DELETE, CREATE, DROP, ALTER, TRIGGER), those the lines of SHOW GRANTS do
    // not give on *.* or on `schema`.*. Grants through roles are not read:
    // that only ever makes the swap fall back to the chunked delete.
    static QStringList missingGrants(const QStringList &showGrants, const QString &schema);

    // Why a Galera node cannot swap, empty when it can: only when every write
    // goes through this node (the profile says so: the triggers see no write
    // another node replicates) and DDL replicates in total order (with RSU
    // the RENAME would happen on this node alone).
    // How the copy paces itself, from the operator's throttle: chunks of
    // about 5 ms (at most 10), each followed by a pause of 1.5 times its
    // length. The copy is several times faster than any delete, and run flat
    // out its redo stream made every commit of Keystone's wait for the log
    // (bench/purge, medians of three: writers' INSERT p99 29 ms flat out,
    // 9.9 ms paced; the swap takes 4.5 s instead of 2.9 s).
    static ThrottleSettings copyPacing(ThrottleSettings operatorSettings);
    static QString galeraRefusal(bool wsrepOn, const QString &osuMethod, bool galeraSingleWriter);

    // Why the swap cannot run here; empty when it can. Reads grants, foreign
    // keys, foreign triggers and Galera; changes nothing.
    QString unsuitable(bool galeraSingleWriter);
    Leftover leftover(QString *error);
    // Drops what an interrupted run left (see the class comment).
    bool repair(QString *error);

    // A statement that needed the table's metadata lock (CREATE/DROP TRIGGER,
    // RENAME): while one waits or runs, Keystone's statements on the table
    // queue behind it, so its time is the longest lock the swap takes.
    struct DdlTiming
    {
        QString step;                // "create_trigger_ins", "rename", "drop_trigger_del", …
        double longestAttemptMs = 0; // the longest single attempt (wait + run)
        double totalMs = 0;          // all attempts, with the pauses between them
        int attempts = 0;
    };
    const QList<DdlTiming> &ddlTimings() const { return m_ddl; }

    // Step 1: the new table and the triggers that keep it current.
    bool prepare(QString *error);
    // Step 2: copies the rows for which staysCondition (with its binds) holds,
    // in key order, chunks sized by the throttle. progress(copiedSoFar, the
    // chunk's INSERT … SELECT in ms).
    bool copy(const QString &staysCondition, const QVariantList &staysBinds, Throttle &throttle,
              const ActionControl &control, const std::function<void(qint64, double)> &progress,
              qint64 *copied, QString *error);
    // Step 3: the atomic swap. Waits at most a second for the metadata lock,
    // a few times, so Keystone's statements never queue behind it for long.
    bool swap(double *lockMs, QString *error);
    // Step 4: drops the triggers (now on the old table) and the old table.
    bool dropOld(QString *error);

    // The statements, for the preview.
    QStringList plannedStatements(const QString &staysCondition) const;

    QString newName() const { return m_new; }
    QString oldName() const { return m_old; }

private:
    QString quoted(const QString &name) const;
    // A statement that needs the table's metadata lock (CREATE/DROP TRIGGER,
    // RENAME): waits at most a second for it and retries, ten times. While a
    // DDL statement waits, every later statement on the table queues behind
    // it, so a long wait would stall Keystone (pt-online-schema-change does
    // the same).
    // step names the statement in ddlTimings().
    SqlResult runDdl(const QString &step, const QString &sql);
    QStringList columns(QString *error);
    bool dropTriggers(QString *error);

    SqlSession &m_s;
    KeystoneTable m_table;
    QString m_name; // unquoted: "token"
    QString m_new;  // "_token_new"
    QString m_old;  // "_token_old"
    QStringList m_triggers;
    QList<DdlTiming> m_ddl;
};

} // namespace turnstile
