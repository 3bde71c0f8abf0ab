#pragma once

#include "db/databaseurl.h"

#include <QSqlDatabase>
#include <QString>

namespace turnstile {

// One QSqlDatabase connection owned by the thread that creates this object,
// removed again when it goes out of scope. Qt SQL connections must not cross
// threads, so every worker opens its own.
class DbConnection
{
public:
    DbConnection(const DatabaseUrl &url, const QString &password, int connectTimeoutSec = 5);
    ~DbConnection();
    DbConnection(const DbConnection &) = delete;
    DbConnection &operator=(const DbConnection &) = delete;

    bool open();
    bool isOpen() const;
    // One sentence: what failed and where, without the password.
    QString error() const { return m_error; }
    QSqlDatabase database() const;
    QString connectionName() const { return m_name; }
    const DatabaseUrl &url() const { return m_url; }

private:
    DatabaseUrl m_url;
    QString m_password;
    int m_timeout;
    QString m_name;
    QString m_error;
};

} // namespace turnstile
