#include "db/dbconnection.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QSqlError>
#include <QThread>

namespace turnstile {

namespace {
QAtomicInteger<quint64> s_counter;
}

DbConnection::DbConnection(const DatabaseUrl &url, const QString &password, int connectTimeoutSec)
    : m_url(url), m_password(password), m_timeout(connectTimeoutSec),
      m_name(QStringLiteral("turnstile-%1-%2")
                 .arg(quintptr(QThread::currentThreadId()))
                 .arg(s_counter.fetchAndAddRelaxed(1)))
{}

DbConnection::~DbConnection()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        if (db.isValid())
            db.close();
    }
    if (QSqlDatabase::contains(m_name))
        QSqlDatabase::removeDatabase(m_name);
}

bool DbConnection::open()
{
    if (!m_url.isValid()) {
        m_error =
            QCoreApplication::translate("DbConnection", "No valid database URL is configured.");
        return false;
    }
    if (!QSqlDatabase::isDriverAvailable(m_url.qtDriver())) {
        m_error =
            QCoreApplication::translate("DbConnection", "The Qt SQL driver %1 is not installed.")
                .arg(m_url.qtDriver());
        return false;
    }
    QSqlDatabase db = QSqlDatabase::addDatabase(m_url.qtDriver(), m_name);
    db.setDatabaseName(m_url.database);
    db.setUserName(m_url.user);
    db.setPassword(m_password);
    if (!m_url.host.isEmpty())
        db.setHostName(m_url.host);
    if (m_url.port > 0)
        db.setPort(m_url.port);
    QStringList options;
    if (m_url.backend == DatabaseUrl::Backend::MySql) {
        // Bounded connect/read/write so a dead server degrades a metric
        // instead of hanging a worker forever.
        options << QStringLiteral("MYSQL_OPT_CONNECT_TIMEOUT=%1").arg(m_timeout)
                << QStringLiteral("MYSQL_OPT_READ_TIMEOUT=%1").arg(std::max(30, m_timeout * 6))
                << QStringLiteral("MYSQL_OPT_WRITE_TIMEOUT=%1").arg(std::max(30, m_timeout * 6));
        if (!m_url.unixSocket.isEmpty())
            options << QStringLiteral("UNIX_SOCKET=%1").arg(m_url.unixSocket);
    } else if (m_url.backend == DatabaseUrl::Backend::PostgreSql) {
        options << QStringLiteral("connect_timeout=%1").arg(m_timeout);
        // libpq has no read timeout: keepalives and tcp_user_timeout make a
        // server that silently stops answering fail instead of hanging a worker.
        options << QStringLiteral("keepalives=1") << QStringLiteral("keepalives_idle=15")
                << QStringLiteral("keepalives_interval=5") << QStringLiteral("keepalives_count=3")
                << QStringLiteral("tcp_user_timeout=%1").arg(std::max(30, m_timeout * 6) * 1000);
        if (!m_url.unixSocket.isEmpty())
            db.setHostName(m_url.unixSocket);
    }
    db.setConnectOptions(options.join(u';'));
    if (!db.open()) {
        QString text = db.lastError().databaseText().trimmed();
        if (text.isEmpty())
            text = db.lastError().text().trimmed();
        m_error = QCoreApplication::translate("DbConnection",
                                              "Cannot connect to the database %1 at %2: %3")
                      .arg(m_url.database, m_url.displayHost(), text);
        return false;
    }
    return true;
}

bool DbConnection::isOpen() const
{
    return QSqlDatabase::database(m_name, false).isOpen();
}

QSqlDatabase DbConnection::database() const
{
    return QSqlDatabase::database(m_name, false);
}

} // namespace turnstile
