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

    static DatabaseUrl parse(const QString &url, QString *error = nullptr);

    bool isValid() const { return backend != Backend::Unknown; }
    // Qt SQL driver name: QMYSQL, QPSQL, QSQLITE
    QString qtDriver() const;
    int effectivePort() const;
    // The URL again. Without the password unless asked, and then percent-encoded.
    QString toString(bool withPassword = false) const;
    // "keystone@db1:3306" - what the UI and the typed confirmation show.
    QString displayHost() const;

    bool operator==(const DatabaseUrl &) const = default;
};

} // namespace turnstile
