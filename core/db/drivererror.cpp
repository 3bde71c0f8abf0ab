#include "db/drivererror.h"

#include <QCoreApplication>
#include <QLocale>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(DatabaseFailure)
};

bool has(const QString &text, const char *needle)
{
    return text.contains(QLatin1String(needle), Qt::CaseInsensitive);
}
} // namespace

DatabaseFailure describeDatabaseFailure(const QString &error, const QString &target,
                                        qint64 waitedMs)
{
    using K = DatabaseFailure::Kind;
    DatabaseFailure f;
    f.detail = error;
    const QString secs = QLocale().toString(std::max<qint64>(1, (waitedMs + 500) / 1000));
    // MariaDB Connector/C and libmysqlclient (CR_* texts, errno in the
    // "system error: N" suffix) and libpq, in that order of specificity.
    if (has(error, "handshake") || has(error, "reading initial communication packet") ||
        has(error, "reading authorization packet")) {
        f.kind = K::Silent;
        f.behaviour = Tr::tr("accepted the connection and sent nothing for %1 s").arg(secs);
    } else if (has(error, "during query") || has(error, "server has gone away") ||
               has(error, "server closed the connection unexpectedly") ||
               has(error, "Lost connection")) {
        f.kind = (has(error, "system error: 110") || has(error, "timed out")) ? K::Silent : K::Lost;
        f.behaviour = f.kind == K::Silent ? Tr::tr("stopped answering a query for %1 s").arg(secs)
                                          : Tr::tr("dropped the connection during a query");
    } else if (has(error, "Connection refused") || has(error, "(111)") ||
               has(error, "system error: 111")) {
        f.kind = K::Refused;
        f.behaviour = Tr::tr("refused the connection (nothing listens there)");
    } else if (has(error, "(110)") || has(error, "system error: 110") ||
               has(error, "timeout expired") || has(error, "timed out")) {
        f.kind = K::NoAnswer;
        f.behaviour = Tr::tr("did not answer for %1 s").arg(secs);
    } else if (has(error, "Access denied") || has(error, "password authentication failed") ||
               has(error, "no password supplied")) {
        f.kind = K::Login;
        f.behaviour = Tr::tr("refused the login (wrong user or password, or no access from here)");
    } else if (has(error, "Unknown database") ||
               (has(error, "database") && has(error, "does not exist"))) {
        f.kind = K::NoDatabase;
        f.behaviour = Tr::tr("has no such database");
    } else if (has(error, "Unknown MySQL server host") || has(error, "Unknown server host") ||
               has(error, "could not translate host name")) {
        f.kind = K::HostUnknown;
        f.behaviour = Tr::tr("cannot be found: its host name does not resolve");
    }
    f.sentence =
        f.kind == K::Other ? error : Tr::tr("The database %1 %2.").arg(target, f.behaviour);
    return f;
}

} // namespace turnstile
