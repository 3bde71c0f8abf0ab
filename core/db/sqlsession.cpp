#include "db/sqlsession.h"

#include "db/dbconnection.h"

#include <QCoreApplication>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>
#include <QSqlQuery>
#include <QSqlRecord>

namespace turnstile {

namespace {

// lupdate resolves Tr::tr() through this declaration to the "SqlSession" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(SqlSession)
};

// While a server stays unreachable, statements fail at once with the last
// reason instead of each waiting for its own connect timeout; a sampling cycle
// then costs one timeout, not one per figure.
constexpr qint64 kRetryAfterMs = 5000;

QString reasonOf(const QSqlError &e)
{
    QString text = e.databaseText().trimmed();
    if (text.isEmpty())
        text = e.driverText().trimmed();
    if (text.isEmpty())
        text = e.text().trimmed();
    // libpq: "ERROR:  permission denied …\n"; one line without the severity.
    text = text.simplified();
    for (const QLatin1String prefix : {QLatin1String("ERROR: "), QLatin1String("FATAL: ")}) {
        if (text.startsWith(prefix))
            text = text.mid(prefix.size());
    }
    const QString code = e.nativeErrorCode();
    if (!code.isEmpty() && !text.contains(code))
        text += QStringLiteral(" (%1)").arg(code);
    return text;
}

} // namespace

QVariant SqlResult::value(int row, int column) const
{
    if (row < 0 || row >= rows.size() || column < 0 || column >= rows.at(row).size())
        return {};
    return rows.at(row).at(column);
}

QVariant SqlResult::value(int row, const QString &column) const
{
    for (int i = 0; i < columns.size(); ++i) {
        if (columns.at(i).compare(column, Qt::CaseInsensitive) == 0)
            return value(row, i);
    }
    return {};
}

SqlSession::SqlSession(DbConnection &db, int statementTimeoutMs)
    : m_db(db), m_timeoutMs(statementTimeoutMs)
{}

bool SqlSession::isMySql() const
{
    return m_db.url().backend == DatabaseUrl::Backend::MySql;
}

bool SqlSession::isPostgres() const
{
    return m_db.url().backend == DatabaseUrl::Backend::PostgreSql;
}

QString SqlSession::unavailable(const QString &reason)
{
    return Tr::tr("unavailable: %1").arg(reason);
}

void SqlSession::markDown(const QString &reason)
{
    m_ready = false;
    m_downReason = reason;
    m_downSince.start();
}

bool SqlSession::begin(QString *reason)
{
    QString why;
    const bool ok = ensureOpen(&why);
    if (!ok && reason)
        *reason = why;
    return ok;
}

bool SqlSession::ensureOpen(QString *reason)
{
    if (m_ready && m_db.isOpen())
        return true;
    if (!m_downReason.isEmpty() && m_downSince.isValid() && m_downSince.elapsed() < kRetryAfterMs) {
        *reason = m_downReason;
        return false;
    }
    if (!isMySql() && !isPostgres()) {
        *reason = Tr::tr("the database inspectors read MySQL/MariaDB and PostgreSQL only.");
        markDown(*reason);
        return false;
    }
    QSqlDatabase conn = m_db.database();
    if (!conn.isValid()) {
        // First use: DbConnection registers the connection on this thread.
        if (!m_db.open()) {
            *reason = m_db.error();
            markDown(*reason);
            return false;
        }
    } else if (!conn.isOpen() && !conn.open()) {
        *reason =
            Tr::tr("cannot connect to the database %1 at %2: %3")
                .arg(m_db.url().database, m_db.url().displayHost(), reasonOf(conn.lastError()));
        markDown(*reason);
        return false;
    }
    if (!setUpSession(reason)) {
        markDown(*reason);
        return false;
    }
    m_downReason.clear();
    m_ready = true;
    return true;
}

bool SqlSession::setUpSession(QString *reason)
{
    QSqlQuery q(m_db.database());
    if (isMySql()) {
        if (!q.exec(QStringLiteral("SELECT VERSION(), CONNECTION_ID()")) || !q.next()) {
            *reason = reasonOf(q.lastError());
            return false;
        }
        m_serverVersion = q.value(0).toString();
        m_mariaDb = m_serverVersion.contains(u"mariadb", Qt::CaseInsensitive);
        m_connectionId = q.value(1).toLongLong();
        // Keystone stores naive UTC; NOW() and any implicit conversion must
        // agree with the UTC values we bind.
        if (!q.exec(QStringLiteral("SET time_zone = '+00:00'"))) {
            *reason = reasonOf(q.lastError());
            return false;
        }
        // Best effort: a server without these variables just has no limit,
        // and the client read timeout of DbConnection still applies.
        if (m_timeoutMs > 0) {
            if (m_mariaDb)
                q.exec(QStringLiteral("SET SESSION max_statement_time = %1")
                           .arg(m_timeoutMs / 1000.0, 0, 'f', 3));
            else
                q.exec(QStringLiteral("SET SESSION max_execution_time = %1").arg(m_timeoutMs));
        }
    } else {
        if (!q.exec(QStringLiteral("SELECT version(), pg_backend_pid()")) || !q.next()) {
            *reason = reasonOf(q.lastError());
            return false;
        }
        m_serverVersion = q.value(0).toString();
        m_connectionId = q.value(1).toLongLong();
        // QPSQL sends bound QDateTimes as "TIMESTAMP WITH TIME ZONE '…Z'";
        // against Keystone's naive columns the server converts them with the
        // session zone, which therefore has to be UTC.
        if (!q.exec(QStringLiteral("SET TIME ZONE 'UTC'"))) {
            *reason = reasonOf(q.lastError());
            return false;
        }
        if (m_timeoutMs > 0)
            q.exec(QStringLiteral("SET statement_timeout = %1").arg(m_timeoutMs));
    }
    for (const QString &statement : std::as_const(m_sessionStatements)) {
        if (!q.exec(statement)) {
            *reason = reasonOf(q.lastError());
            return false;
        }
    }
    return true;
}

void SqlSession::addSessionStatement(const QString &sql)
{
    m_sessionStatements.append(sql);
    if (m_ready) {
        QSqlQuery q(m_db.database());
        q.exec(sql);
    }
}

bool SqlSession::alive()
{
    // QPSQL closes the handle itself once libpq reports the connection bad.
    if (!m_db.database().isOpen())
        return false;
    QSqlQuery q(m_db.database());
    return q.exec(QStringLiteral("SELECT 1")) && q.next();
}

bool SqlSession::reopen(QString *reason)
{
    m_ready = false;
    QSqlDatabase conn = m_db.database();
    conn.close();
    if (!conn.open()) {
        *reason = reasonOf(conn.lastError());
        markDown(*reason);
        return false;
    }
    if (!setUpSession(reason)) {
        markDown(*reason);
        return false;
    }
    m_downReason.clear();
    m_ready = true;
    return true;
}

bool SqlSession::execOnce(const QString &sql, const QVariantList &binds, SqlResult &out,
                          QString *reason)
{
    out.columns.clear();
    out.rows.clear();
    QSqlQuery q(m_db.database());
    q.setForwardOnly(true);
    bool ok = false;
    if (binds.isEmpty()) {
        ok = q.exec(sql);
    } else {
        ok = q.prepare(sql);
        if (ok) {
            for (const QVariant &v : binds)
                q.addBindValue(v);
            ok = q.exec();
        }
    }
    if (!ok) {
        *reason = reasonOf(q.lastError());
        out.nativeError = q.lastError().nativeErrorCode();
        return false;
    }
    out.nativeError.clear();
    out.rowsAffected = q.isSelect() ? -1 : q.numRowsAffected();
    const QSqlRecord rec = q.record();
    for (int i = 0; i < rec.count(); ++i)
        out.columns.append(rec.fieldName(i));
    while (q.next()) {
        QVariantList row;
        row.reserve(rec.count());
        for (int i = 0; i < rec.count(); ++i)
            row.append(q.value(i));
        out.rows.append(row);
    }
    if (q.lastError().type() != QSqlError::NoError) {
        *reason = reasonOf(q.lastError());
        return false;
    }
    return true;
}

SqlResult SqlSession::run(const QString &sql, const QVariantList &binds)
{
    SqlResult r;
    QElapsedTimer t;
    t.start();
    QString reason;
    if (!ensureOpen(&reason)) {
        r.error = unavailable(reason);
    } else if (!execOnce(sql, binds, r, &reason)) {
        // A bad statement or a lost connection? Only the server can tell; the
        // ping costs one round trip and runs only after a failure.
        if (alive()) {
            r.error = unavailable(reason);
        } else {
            QString reopenReason;
            if (reopen(&reopenReason)) {
                ++m_reconnects;
                r.reconnected = true;
                QString retryReason;
                if (!execOnce(sql, binds, r, &retryReason))
                    r.error = unavailable(retryReason);
            } else {
                r.error = unavailable(
                    Tr::tr("the connection was lost (%1) and could not be opened again: %2")
                        .arg(reason, reopenReason));
            }
        }
    }
    r.ms = t.nsecsElapsed() / 1e6;
    m_elapsedMs += r.ms;
    return r;
}

QString SqlSession::table(KeystoneTable t) const
{
    const QSqlDatabase conn = m_db.database();
    return conn.driver()->escapeIdentifier(tableName(t), QSqlDriver::TableName);
}

QString SqlSession::column(QLatin1StringView name) const
{
    const QSqlDatabase conn = m_db.database();
    return conn.driver()->escapeIdentifier(QString(name), QSqlDriver::FieldName);
}

QString SqlSession::literal(const QVariant &value) const
{
    QSqlField f(QString(), value.metaType());
    f.setValue(value);
    return m_db.database().driver()->formatValue(f);
}

QString SqlSession::epochSeconds(const QString &expression) const
{
    // Plain date arithmetic on the naive value: no session or client zone
    // can shift it.
    if (isMySql())
        return QStringLiteral("TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', %1)").arg(expression);
    return QStringLiteral("CAST(FLOOR(EXTRACT(EPOCH FROM %1)) AS BIGINT)").arg(expression);
}

} // namespace turnstile
