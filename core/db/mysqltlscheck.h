#pragma once

#include "db/databaseurl.h"

#include <QString>

namespace turnstile {

// Qt 6.4's QMYSQL driver cannot ask MariaDB Connector/C to check the server's
// host name (no MYSQL_OPT_SSL_VERIFY_SERVER_CERT, no CLIENT_SSL_VERIFY_SERVER_CERT
// among its connect options); it passes only SSL_CA/SSL_CERT/SSL_KEY, which make
// TLS mandatory and the chain checked. So before the driver connects,
// DbConnection runs this: the MySQL protocol's own TLS upgrade (greeting,
// SSLRequest, handshake) with Qt's TLS, the chain checked against the CA and,
// for VerifyFull, the host name. Blocking; for worker threads.
//
// What remains: a machine on the path that lets this check through to the
// real server and then answers the driver's connection itself must hold a
// certificate from the same CA (Connector/C checks the chain, not the name).
class MysqlTlsCheck
{
public:
    // Empty when the server proved its identity, else one sentence.
    static QString verify(const DatabaseUrl &url, const QString &caFile, int timeoutMs);
};

} // namespace turnstile
