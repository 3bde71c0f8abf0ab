#include "db/rowcount.h"

#include "db/dbconnection.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

namespace turnstile {

RowCount countRows(DbConnection &db, KeystoneTable table)
{
    RowCount rc;
    QSqlDatabase conn = db.database();
    QSqlQuery q(conn);
    QElapsedTimer t;
    t.start();
    // Identifier from the closed KeystoneTable list; quoted by the driver.
    const QString ident = conn.driver()->escapeIdentifier(tableName(table), QSqlDriver::TableName);
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM ") + ident) || !q.next()) {
        rc.error = QCoreApplication::translate("RowCount", "unavailable: %1")
                       .arg(q.lastError().databaseText().trimmed().isEmpty()
                                ? q.lastError().text()
                                : q.lastError().databaseText().trimmed());
    } else {
        rc.rows = q.value(0).toLongLong();
    }
    rc.queryMs = t.nsecsElapsed() / 1e6;
    return rc;
}

} // namespace turnstile
