#pragma once

#include <QString>

namespace turnstile {

// A database driver's failure as one sentence for people — what the server
// did, at which address — with the driver's own words kept as the detail
// (a tooltip, `--json`), never shown instead of the sentence. MySQL's
// "Lost connection to server at 'handshake: reading initial communication
// packet', system error: 110" becomes "The database keystone@db1:3306
// accepted the connection and sent nothing for 5 s."
struct DatabaseFailure
{
    enum class Kind
    {
        Other,      // kept as the driver said it
        Silent,     // accepted the connection, then sent nothing (frozen, overloaded)
        NoAnswer,   // the connection attempt itself timed out (down, firewalled)
        Refused,    // nothing listens there
        Lost,       // the connection broke during a query
        Login,      // wrong user or password
        NoDatabase, // the schema does not exist
        HostUnknown // the host name does not resolve
    };
    Kind kind = Kind::Other;
    QString sentence;
    QString detail; // the driver's full text
    // What the server did, as the end of a sentence ("accepted the
    // connection and sent nothing for 5 s"); empty for Kind::Other.
    QString behaviour;

    // A failure that makes everything built on this database wait.
    bool stalls() const { return kind == Kind::Silent || kind == Kind::NoAnswer; }
};

// `error`: DbConnection::error() or a query's error text; `target`: the
// database and its address ("keystone@db1:3306"); `waitedMs`: how long the
// attempt took, for the stalled kinds.
DatabaseFailure describeDatabaseFailure(const QString &error, const QString &target,
                                        qint64 waitedMs);

} // namespace turnstile
