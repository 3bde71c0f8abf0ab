#pragma once

#include "db/databaseurl.h"
#include "db/keystonetables.h"

#include <QElapsedTimer>
#include <QList>
#include <QStringList>
#include <QVariant>

namespace turnstile {

class DbConnection;

// What one statement returned: the rows as plain values, or why it failed.
struct SqlResult
{
    QStringList columns;
    QList<QVariantList> rows;
    QString error; // translated "unavailable: …"; empty on success
    double ms = 0; // database time including a reconnect and retry
    bool reconnected = false;
    QString nativeError;      // the server's error code ("1205", "40P01"), empty on success
    qint64 rowsAffected = -1; // for DELETE/UPDATE; -1 when the driver cannot tell

    bool ok() const { return error.isEmpty(); }
    bool isEmpty() const { return rows.isEmpty(); }
    QVariant value(int row, int column) const;
    QVariant value(int row, const QString &column) const; // case-insensitive column name
};

// Runs the inspectors' statements on one DbConnection: every statement is
// timed, bound parameters carry every value, and a lost connection is opened
// again once per statement (a database restart or a KILL between two queries
// costs one figure at most, never a hang or a crash). Lives on the thread that
// owns the connection.
class SqlSession
{
public:
    explicit SqlSession(DbConnection &db, int statementTimeoutMs = 25000);
    SqlSession(const SqlSession &) = delete;
    SqlSession &operator=(const SqlSession &) = delete;

    // Opens the connection if needed and prepares the session (UTC, statement
    // timeout). Call before building SQL: table() needs the driver.
    bool begin(QString *reason = nullptr);
    SqlResult run(const QString &sql, const QVariantList &binds = {});
    // Extra session settings (e.g. a short lock wait for a purge), applied now
    // if connected and again after every reconnect. Turnstile's own text only.
    void addSessionStatement(const QString &sql);

    bool isMySql() const;
    bool isPostgres() const;
    bool isMariaDb() const { return m_mariaDb; }
    QString serverVersion() const { return m_serverVersion; }
    // The server's id for this session (CONNECTION_ID(), pg_backend_pid()); -1 before the first
    // statement.
    qint64 connectionId() const { return m_connectionId; }
    int reconnects() const { return m_reconnects; }
    // Sum of SqlResult::ms since the last resetClock().
    double elapsedMs() const { return m_elapsedMs; }
    void resetClock() { m_elapsedMs = 0; }

    // A Keystone table name quoted by the driver. Identifiers never come from
    // anywhere else.
    QString table(KeystoneTable t) const;
    // A column name quoted by the driver. Takes only Latin-1 literals written
    // in Turnstile's code (Keystone's fixed column names), never user text.
    QString column(QLatin1StringView name) const;
    // A value as the driver writes it into SQL text, for the statements a
    // server cannot prepare (PostgreSQL's EXPLAIN). Only for values Turnstile
    // made itself (timestamps, numbers), never for text from outside.
    QString literal(const QVariant &value) const;
    // An SQL expression giving a naive-UTC DATETIME/timestamp as whole
    // seconds since the epoch, independent of any time zone setting.
    QString epochSeconds(const QString &expression) const;

    // "unavailable: <reason>", translated.
    static QString unavailable(const QString &reason);

private:
    bool ensureOpen(QString *reason);
    bool setUpSession(QString *reason);
    bool reopen(QString *reason);
    bool alive();
    bool execOnce(const QString &sql, const QVariantList &binds, SqlResult &out, QString *reason);
    void markDown(const QString &reason);

    DbConnection &m_db;
    int m_timeoutMs;
    bool m_ready = false;
    bool m_mariaDb = false;
    QString m_serverVersion;
    qint64 m_connectionId = -1;
    int m_reconnects = 0;
    double m_elapsedMs = 0;
    QStringList m_sessionStatements;
    QString m_downReason;
    QElapsedTimer m_downSince;
};

} // namespace turnstile
