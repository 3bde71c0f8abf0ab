#include "guarded/actiontarget.h"

#include "db/databaseurl.h"

#include <QCoreApplication>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ActionTarget)
};
} // namespace

ActionTarget ActionTarget::forTable(const DatabaseUrl &url, const QString &table)
{
    ActionTarget t;
    // The server as the connection reaches it, with its port or socket and
    // without the user: two SSH tunnels on 127.0.0.1 are two servers, and the
    // same schema reached through another account is the same target.
    const bool socket =
        !url.unixSocket.isEmpty() && (url.host.isEmpty() || url.host == u"localhost");
    QString where;
    if (socket) {
        where = url.unixSocket;
        // PostgreSQL's socket is a directory; the port names the file in it.
        if (url.backend == DatabaseUrl::Backend::PostgreSql)
            where += u':' + QString::number(url.effectivePort());
    } else {
        const QString host = url.host.isEmpty() ? QStringLiteral("localhost") : url.host;
        where = (host.contains(u':') ? u'[' + host + u']' : host) + u':' +
                QString::number(url.effectivePort());
    }
    t.text = QStringLiteral("%1.%2@%3").arg(url.database, table, where);
    t.description = Tr::tr("table %1 of schema %2 on %3").arg(table, url.database, where);
    return t;
}

bool ActionTarget::matches(const QString &typed) const
{
    return isValid() && typed.trimmed() == text;
}

} // namespace turnstile
