#pragma once

#include <QString>

namespace turnstile {

class SqlSession;

// Which server a session is connected to, in words that stay the same across
// connections to it and differ between servers: MariaDB/MySQL
// "mysql:uuid:<@@server_uuid>", else "mysql:<@@hostname>:<@@port>";
// PostgreSQL "postgresql:<system_identifier>@<inet_server_addr>:<port>".
// A target names an address; an SSH tunnel re-pointed, or two of them on one
// port in turn, put another server behind it. Empty with *error when the
// server does not say.
QString serverIdentity(SqlSession &session, QString *error = nullptr);

// Before the first change of a confirmed run: the server behind the session
// must be the one the preview looked at (`confirmedIdentity`; empty for a
// preview that could not tell). Its identity when it is; else empty, with
// *why the one sentence to end the run with (nothing changed yet) and
// *anotherServer saying whether another server answers (a refusal) or the
// server did not say (a failure).
QString confirmedServerIdentity(SqlSession &session, const QString &target,
                                const QString &confirmedIdentity, QString *why,
                                bool *anotherServer);

// The session settings of every statement a guarded action runs that writes
// rows, so that it gives way to Keystone rather than the other way round:
//  - a lock wait of two seconds (the caller retries with backoff) instead of
//    queueing Keystone's writers behind a long wait of ours;
//  - on MariaDB/MySQL, READ COMMITTED where the binary log allows it (off, or
//    not statement-based). Under REPEATABLE READ a range DELETE or a locking
//    INSERT … SELECT takes next-key locks on every row and gap it scans, so
//    Keystone's INSERT of a new random token id into the chunk's key range
//    waited for the whole chunk; under READ COMMITTED only the rows that
//    match stay locked and gaps are not locked at all. PostgreSQL locks rows
//    only in any case.
// Applied again after every reconnect (SqlSession::addSessionStatement).
void giveWayToKeystone(SqlSession &session);

// A database advisory lock named after what an action changes, held by the
// action's own session (MariaDB GET_LOCK, PostgreSQL pg_try_advisory_lock):
// two purges of one table never run at once, whichever workstation starts
// them. The server frees it when the session ends, so a killed run leaves
// nothing behind.
class ActionLock
{
public:
    ActionLock(SqlSession &session, QString name);
    ~ActionLock();
    ActionLock(const ActionLock &) = delete;
    ActionLock &operator=(const ActionLock &) = delete;

    // Never waits. False with *why saying who holds it, or why it could not
    // be asked.
    bool acquire(QString *why);
    // The lock lives in the connection: after the session reconnected, it
    // is gone and must be taken again before the next change.
    bool stillHeld() const;
    // Who holds the lock now, without taking it (for a preview); empty when
    // nobody does.
    QString holderNow();

private:
    QString holder();

    SqlSession &m_session;
    QString m_name;
    bool m_held = false;
    int m_reconnectsAtAcquire = -1;
};

// What every guarded session does before its first change, in this order:
// the server behind it is the one the operator confirmed
// (confirmedServerIdentity), and no other run holds `lock` (taken here). The
// server's identity when the session may go on; else empty, with *why the
// sentence to end the run with (nothing changed yet) and *refused saying
// whether that is a refusal (another server answers, another run holds the
// lock) or a failure (the server did not say which it is).
QString claimConfirmedServer(SqlSession &session, const QString &target,
                             const QString &confirmedIdentity, ActionLock &lock, QString *why,
                             bool *refused);

} // namespace turnstile
