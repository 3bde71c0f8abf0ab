#pragma once

#include <QList>
#include <QPair>
#include <QString>

namespace turnstile {

// A database location in SQLAlchemy URL form, as written in keystone.conf
// ([database] connection), e.g.
//   mysql+pymysql://keystone:p%40ss@db1:3306/keystone?charset=utf8
//   postgresql://keystone@db1/keystone
// Parsing is strict: anything we cannot map to a Qt SQL driver is an error
// with a sentence, never a guess.
struct DatabaseUrl
{
    enum class Backend
    {
        Unknown,
        MySql,
        PostgreSql,
        Sqlite
    };

    Backend backend = Backend::Unknown;
    QString dialect; // "mysql+pymysql", "postgresql", ...
    QString user;
    QString password; // decoded; never written to QSettings or logs
    QString host;
    int port = 0; // 0 = backend default
    QString database;
    QString unixSocket; // from ?unix_socket= (mysql) or ?host=/path (postgres)
    QList<QPair<QString, QString>> query;

    // TLS to the database, from the query: ssl_ca, ssl_cert, ssl_key,
    // ssl_verify_cert (MySQL drivers) or sslmode, sslrootcert, sslcert, sslkey
    // (libpq). Default: verified when the host is not this machine.
    enum class TlsMode
    {
        Default, // VerifyFull for a remote host, Disable for loopback and sockets
        Disable,
        Require,  // encrypted, certificate not checked (an explicit choice)
        VerifyCa, // chain checked, host name not
        VerifyFull
    };
    TlsMode tlsMode = TlsMode::Default;
    QString tlsCaFile;
    QString tlsCertFile;
    QString tlsKeyFile;

    // Unknown query parameters are refused with a sentence naming them: a
    // parameter silently ignored could be a TLS setting that is then not applied.
    static DatabaseUrl parse(const QString &url, QString *error = nullptr);
    // The same text without the password in its user info (nothing else is
    // changed, so even a URL parse() refuses loses its password); the decoded
    // password goes to *password. For saving and for every display.
    static QString stripPassword(const QString &url, QString *password = nullptr);
    // The system's CA bundle, used for a remote database when the URL names none.
    static QString systemCaBundle();

    bool isValid() const { return backend != Backend::Unknown; }
    // Qt SQL driver name: QMYSQL, QPSQL, QSQLITE
    QString qtDriver() const;
    int effectivePort() const;
    // The TLS mode that applies: Default resolved by the host.
    TlsMode effectiveTlsMode() const;
    bool isLoopback() const;
    // The URL again. Without the password unless asked, and then percent-encoded.
    QString toString(bool withPassword = false) const;
    // "keystone@db1:3306" - what the UI and the typed confirmation show.
    QString displayHost() const;

    bool operator==(const DatabaseUrl &) const = default;
};

} // namespace turnstile
