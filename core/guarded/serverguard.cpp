#include "guarded/serverguard.h"

#include "db/sqlsession.h"

#include <QCoreApplication>
#include <QCryptographicHash>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ServerGuard)
};

// PostgreSQL's two-key form: a fixed first key keeps Turnstile's locks apart
// from anybody else's single-key ones. "TS" in ASCII.
constexpr int kPgLockClass = 0x5453;

// MariaDB lock names are at most 64 characters; a long schema name is hashed.
QString mysqlLockName(const QString &name)
{
    const QString full = QStringLiteral("turnstile:") + name;
    if (full.size() <= 64)
        return full;
    return QStringLiteral("turnstile:") +
           QString::fromLatin1(QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256)
                                   .toHex()
                                   .left(40));
}
} // namespace

QString serverIdentity(SqlSession &s, QString *error)
{
    if (s.isMySql()) {
        // MySQL has @@server_uuid; MariaDB has not (the SELECT fails there).
        if (!s.isMariaDb()) {
            const SqlResult u = s.run(QStringLiteral("SELECT @@server_uuid"));
            if (u.ok() && !u.value(0, 0).toString().isEmpty())
                return QStringLiteral("mysql:uuid:") + u.value(0, 0).toString();
        }
        const SqlResult h = s.run(QStringLiteral("SELECT @@hostname, @@port"));
        if (!h.ok()) {
            if (error)
                *error = h.error;
            return {};
        }
        return QStringLiteral("mysql:%1:%2")
            .arg(h.value(0, 0).toString(), h.value(0, 1).toString());
    }
    // pg_control_system() is readable by superusers and pg_monitor members;
    // without it the address and port still tell two tunnels apart.
    QString system;
    const SqlResult sys =
        s.run(QStringLiteral("SELECT system_identifier FROM pg_control_system()"));
    if (sys.ok())
        system = sys.value(0, 0).toString();
    const SqlResult a = s.run(QStringLiteral(
        "SELECT COALESCE(host(inet_server_addr()), 'local'), current_setting('port')"));
    if (!a.ok()) {
        if (error)
            *error = a.error;
        return {};
    }
    return QStringLiteral("postgresql:%1@%2:%3")
        .arg(system.isEmpty() ? QStringLiteral("?") : system, a.value(0, 0).toString(),
             a.value(0, 1).toString());
}

void giveWayToKeystone(SqlSession &session)
{
    if (!session.isMySql()) {
        session.addSessionStatement(QStringLiteral("SET lock_timeout = '2s'"));
        return;
    }
    session.addSessionStatement(QStringLiteral("SET SESSION innodb_lock_wait_timeout = 2"));
    // Statement-based logging refuses InnoDB writes under READ COMMITTED
    // (ERROR 1665), so such a server keeps the default isolation.
    const SqlResult binlog =
        session.run(QStringLiteral("SELECT @@GLOBAL.log_bin, @@SESSION.binlog_format"));
    if (binlog.ok() && !binlog.isEmpty() &&
        (binlog.value(0, 0).toInt() == 0 ||
         binlog.value(0, 1).toString().compare(u"STATEMENT", Qt::CaseInsensitive) != 0))
        session.addSessionStatement(
            QStringLiteral("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"));
}

QString confirmedServerIdentity(SqlSession &session, const QString &target,
                                const QString &confirmedIdentity, QString *why, bool *anotherServer)
{
    *anotherServer = false;
    QString error;
    const QString identity = serverIdentity(session, &error);
    if (identity.isEmpty()) {
        *why =
            Tr::tr("Cannot tell which server %1 is: %2; nothing was changed.").arg(target, error);
        return {};
    }
    if (!confirmedIdentity.isEmpty() && identity != confirmedIdentity) {
        *anotherServer = true;
        *why = Tr::tr("%1 now reaches server %2, not %3 that the preview looked at; nothing was "
                      "changed. Run the preview again.")
                   .arg(target, identity, confirmedIdentity);
        return {};
    }
    return identity;
}

QString claimConfirmedServer(SqlSession &session, const QString &target,
                             const QString &confirmedIdentity, ActionLock &lock, QString *why,
                             bool *refused)
{
    const QString identity =
        confirmedServerIdentity(session, target, confirmedIdentity, why, refused);
    if (identity.isEmpty())
        return {};
    if (QString held; !lock.acquire(&held)) {
        *refused = true;
        *why = held + u' ' + Tr::tr("Nothing was changed.");
        return {};
    }
    return identity;
}

ActionLock::ActionLock(SqlSession &session, QString name)
    : m_session(session), m_name(std::move(name))
{}

ActionLock::~ActionLock()
{
    if (!m_held || !stillHeld())
        return;
    if (m_session.isMySql())
        m_session.run(QStringLiteral("SELECT RELEASE_LOCK(?)"), {mysqlLockName(m_name)});
    else
        m_session.run(
            QStringLiteral("SELECT pg_advisory_unlock(%1, hashtext(?))").arg(kPgLockClass),
            {m_name});
}

bool ActionLock::stillHeld() const
{
    return m_held && m_session.reconnects() == m_reconnectsAtAcquire;
}

bool ActionLock::acquire(QString *why)
{
    const SqlResult r =
        m_session.isMySql()
            ? m_session.run(QStringLiteral("SELECT GET_LOCK(?, 0)"), {mysqlLockName(m_name)})
            : m_session.run(
                  QStringLiteral("SELECT pg_try_advisory_lock(%1, hashtext(?))").arg(kPgLockClass),
                  {m_name});
    if (!r.ok()) {
        if (why)
            *why = Tr::tr("Cannot take the database lock for %1: %2").arg(m_name, r.error);
        return false;
    }
    const QVariant got = r.value(0, 0);
    // GET_LOCK: 1 = ours, 0 = held elsewhere; pg_try_advisory_lock: true/false.
    if (!got.isNull() && (got.toInt() == 1 || got.toBool())) {
        m_held = true;
        m_reconnectsAtAcquire = m_session.reconnects();
        return true;
    }
    if (why)
        *why = Tr::tr("Another run on %1 holds its database lock (%2); wait for it to finish, or "
                      "stop it.")
                   .arg(m_name, holder());
    return false;
}

QString ActionLock::holderNow()
{
    const SqlResult r =
        m_session.isMySql()
            ? m_session.run(QStringLiteral("SELECT IS_USED_LOCK(?)"), {mysqlLockName(m_name)})
            : m_session.run(QStringLiteral("SELECT COUNT(*) FROM pg_locks WHERE locktype = "
                                           "'advisory' AND granted AND classid = %1 AND objid = "
                                           "CAST(hashtext(?) AS oid) AND objsubid = 2")
                                .arg(kPgLockClass),
                            {m_name});
    if (!r.ok() || r.value(0, 0).isNull() || r.value(0, 0).toLongLong() == 0)
        return {};
    return holder();
}

QString ActionLock::holder()
{
    if (m_session.isMySql()) {
        const SqlResult id =
            m_session.run(QStringLiteral("SELECT IS_USED_LOCK(?)"), {mysqlLockName(m_name)});
        if (!id.ok() || id.value(0, 0).isNull())
            return Tr::tr("holder unknown");
        const qint64 conn = id.value(0, 0).toLongLong();
        // The processlist shows other users' sessions only with PROCESS.
        const SqlResult who = m_session.run(
            QStringLiteral(
                "SELECT USER, HOST, TIME FROM information_schema.PROCESSLIST WHERE ID = ?"),
            {conn});
        if (!who.ok() || who.isEmpty())
            return Tr::tr("connection %1").arg(conn);
        return Tr::tr("connection %1 of %2 from %3, for %4 s")
            .arg(conn)
            .arg(who.value(0, 0).toString(), who.value(0, 1).toString())
            .arg(who.value(0, 2).toLongLong());
    }
    const SqlResult who = m_session.run(
        QStringLiteral("SELECT a.pid, a.usename, COALESCE(host(a.client_addr), 'local'), "
                       "a.application_name, CAST(EXTRACT(EPOCH FROM now() - a.backend_start) AS "
                       "bigint) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE "
                       "l.locktype = 'advisory' AND l.granted AND l.classid = %1 AND l.objid = "
                       "CAST(hashtext(?) AS oid) AND l.objsubid = 2")
            .arg(kPgLockClass),
        {m_name});
    if (!who.ok() || who.isEmpty())
        return Tr::tr("holder unknown");
    return Tr::tr("process %1 of %2 from %3 (%4), connected %5 s")
        .arg(who.value(0, 0).toLongLong())
        .arg(who.value(0, 1).toString(), who.value(0, 2).toString(), who.value(0, 3).toString())
        .arg(who.value(0, 4).toLongLong());
}

} // namespace turnstile
