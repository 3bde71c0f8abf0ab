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
    // Host only, no user and no port: the operator names the server, and the
    // same schema reached through another account is the same target.
    QString host = url.host;
    if (host.isEmpty())
        host = url.unixSocket.isEmpty() ? QStringLiteral("localhost") : url.unixSocket;
    t.text = QStringLiteral("%1.%2@%3").arg(url.database, table, host);
    t.description =
        Tr::tr("table %1 of schema %2 on %3").arg(table, url.database, url.displayHost());
    return t;
}

bool ActionTarget::matches(const QString &typed) const
{
    return isValid() && typed.trimmed() == text;
}

} // namespace turnstile
