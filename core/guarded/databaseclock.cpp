#include "guarded/databaseclock.h"

#include "db/sqlsession.h"

namespace turnstile {

QDateTime databaseNowUtc(SqlSession &session, QString *error)
{
    const SqlResult r = session.run(
        session.isMySql() ? QStringLiteral("SELECT UNIX_TIMESTAMP()")
                          : QStringLiteral("SELECT CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)"));
    if (!r.ok() || r.isEmpty()) {
        if (error)
            *error = r.error;
        return {};
    }
    return QDateTime::fromSecsSinceEpoch(r.value(0, 0).toLongLong(), Qt::UTC);
}

} // namespace turnstile
