#include "db/dbconnection.h"
#include "db/mysqltlscheck.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QSqlError>
#include <QThread>

namespace turnstile {

namespace {
QAtomicInteger<quint64> s_counter;

QString caFile(const DatabaseUrl &url)
{
    return url.tlsCaFile.isEmpty() ? DatabaseUrl::systemCaBundle() : url.tlsCaFile;
}

// Qt 6.4's QMYSQL knows SSL_CA, SSL_CERT, SSL_KEY, SSL_CAPATH and SSL_CIPHER
// (mysql_ssl_set) and nothing to ask for host-name checking; MariaDB
// Connector/C then insists on TLS (no fall-back to plain text) and checks the
// chain against SSL_CA (verified against the lab: an unknown CA is refused, a
// certificate for another host is not). The host name is checked by
// MysqlTlsCheck first.
QStringList mysqlTlsOptions(const DatabaseUrl &url)
{
    QStringList o;
    using Mode = DatabaseUrl::TlsMode;
    const Mode mode = url.effectiveTlsMode();
    if (mode == Mode::Disable)
        return o;
    if (mode == Mode::VerifyCa || mode == Mode::VerifyFull)
        o << QStringLiteral("SSL_CA=%1").arg(caFile(url));
    if (!url.tlsCertFile.isEmpty())
        o << QStringLiteral("SSL_CERT=%1").arg(url.tlsCertFile);
    if (!url.tlsKeyFile.isEmpty())
        o << QStringLiteral("SSL_KEY=%1").arg(url.tlsKeyFile);
    // Encryption without a CA to check against: any of the mysql_ssl_set()
    // values switches TLS on (and makes it mandatory); Qt 6.4 ignores the
    // CLIENT_SSL flag, which would connect in plain text.
    if (mode == Mode::Require)
        o << QStringLiteral("SSL_CIPHER=HIGH:!aNULL");
    return o;
}

QString conninfoValue(const QString &v)
{
    // libpq's quoting: single quotes, backslash escapes.
    QString q = v;
    q.replace(u'\\', QStringLiteral("\\\\")).replace(u'\'', QStringLiteral("\\'"));
    return u'\'' + q + u'\'';
}

QStringList postgresTlsOptions(const DatabaseUrl &url)
{
    QStringList o;
    using Mode = DatabaseUrl::TlsMode;
    switch (url.effectiveTlsMode()) {
    case Mode::Default:
    case Mode::Disable:
        o << QStringLiteral("sslmode=disable");
        break;
    case Mode::Require:
        o << QStringLiteral("sslmode=require");
        break;
    case Mode::VerifyCa:
        o << QStringLiteral("sslmode=verify-ca");
        break;
    case Mode::VerifyFull:
        o << QStringLiteral("sslmode=verify-full");
        break;
    }
    const Mode mode = url.effectiveTlsMode();
    if (mode == Mode::VerifyCa || mode == Mode::VerifyFull)
        o << QStringLiteral("sslrootcert=%1").arg(conninfoValue(caFile(url)));
    if (!url.tlsCertFile.isEmpty())
        o << QStringLiteral("sslcert=%1").arg(conninfoValue(url.tlsCertFile));
    if (!url.tlsKeyFile.isEmpty())
        o << QStringLiteral("sslkey=%1").arg(conninfoValue(url.tlsKeyFile));
    return o;
}
} // namespace

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
    const DatabaseUrl::TlsMode tls = m_url.effectiveTlsMode();
    if (m_url.backend == DatabaseUrl::Backend::MySql && m_url.unixSocket.isEmpty() &&
        (tls == DatabaseUrl::TlsMode::VerifyCa || tls == DatabaseUrl::TlsMode::VerifyFull)) {
        const QString refused = MysqlTlsCheck::verify(m_url, caFile(m_url), m_timeout * 1000);
        if (!refused.isEmpty()) {
            m_error = refused;
            return false;
        }
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
        options << mysqlTlsOptions(m_url);
    } else if (m_url.backend == DatabaseUrl::Backend::PostgreSql) {
        options << QStringLiteral("connect_timeout=%1").arg(m_timeout);
        // libpq has no read timeout: keepalives and tcp_user_timeout make a
        // server that silently stops answering fail instead of hanging a worker.
        options << QStringLiteral("keepalives=1") << QStringLiteral("keepalives_idle=15")
                << QStringLiteral("keepalives_interval=5") << QStringLiteral("keepalives_count=3")
                << QStringLiteral("tcp_user_timeout=%1").arg(std::max(30, m_timeout * 6) * 1000);
        if (!m_url.unixSocket.isEmpty())
            db.setHostName(m_url.unixSocket);
        options << postgresTlsOptions(m_url);
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
