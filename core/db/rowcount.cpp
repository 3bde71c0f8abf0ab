#include "db/rowcount.h"

#include "db/dbconnection.h"
#include "db/sqlsession.h"

#include <QCoreApplication>

namespace turnstile {

namespace {
std::optional<qint64> estimate(SqlSession &s, KeystoneTable table, double *ms)
{
    const SqlResult r = s.run(
        s.isMySql()
            ? QStringLiteral("SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA "
                             "= DATABASE() AND TABLE_NAME = ?")
            : QStringLiteral("SELECT CASE WHEN c.reltuples < 0 THEN NULL ELSE CAST(c.reltuples AS "
                             "BIGINT) END FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace "
                             "n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND "
                             "c.relname = ?"),
        {tableName(table)});
    *ms += r.ms;
    if (!r.ok() || r.isEmpty() || r.value(0, 0).isNull())
        return std::nullopt;
    bool ok = false;
    const qint64 n = r.value(0, 0).toLongLong(&ok);
    return ok ? std::optional<qint64>(n) : std::nullopt;
}
} // namespace

RowCount countRows(DbConnection &db, KeystoneTable table, qint64 exactBelow, int limitMs)
{
    RowCount rc;
    SqlSession s(db, limitMs);
    QString reason;
    if (!s.begin(&reason)) {
        rc.error = SqlSession::unavailable(reason);
        return rc;
    }
    const std::optional<qint64> guess = estimate(s, table, &rc.queryMs);
    if (guess && *guess >= exactBelow) {
        rc.rows = guess;
        rc.estimated = true;
        return rc;
    }
    const SqlResult r = s.run(QStringLiteral("SELECT COUNT(*) FROM %1").arg(s.table(table)));
    rc.queryMs += r.ms;
    if (r.ok() && !r.isEmpty()) {
        rc.rows = r.value(0, 0).toLongLong();
    } else if (guess) {
        // Slower than the limit (a big table the estimate underrated, or a
        // busy server): the estimate is better than nothing, and says so.
        rc.rows = guess;
        rc.estimated = true;
    } else {
        rc.error = r.error;
    }
    return rc;
}

} // namespace turnstile
