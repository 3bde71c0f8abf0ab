#include "tablelocker.h"

#include "db/dbconnection.h"

#include <QElapsedTimer>
#include <QSqlError>
#include <QSqlQuery>

namespace labsupport {

namespace {
int waiters(const QSqlDatabase &db)
{
    QSqlQuery w(db);
    return w.exec(QStringLiteral("SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                                 "WHERE STATE LIKE 'Waiting for table%lock'")) &&
                   w.next()
               ? w.value(0).toInt()
               : -1;
}
} // namespace

TableLocker::TableLocker(const turnstile::DatabaseUrl &root) : m_root(root)
{
    m_thread.reset(QThread::create([this] { run(); }));
    m_thread->start();
    m_locked.acquire();
}

TableLocker::~TableLocker()
{
    arm(0);
    m_thread->wait();
}

void TableLocker::arm(int holdMs)
{
    m_holdMs = holdMs;
    m_armed.release();
}

void TableLocker::run()
{
    turnstile::DbConnection root(m_root, QString());
    if (!root.open()) {
        m_error = root.error();
        m_locked.release();
        return;
    }
    QSqlQuery q(root.database());
    if (!q.exec(QStringLiteral("LOCK TABLES token WRITE"))) {
        m_error = q.lastError().text();
        m_locked.release();
        return;
    }
    QElapsedTimer held;
    held.start();
    m_locked.release();
    m_armed.tryAcquire(1, 120000);
    const int before = waiters(root.database());
    QElapsedTimer armed;
    armed.start();
    while (m_holdMs > 0 && waiters(root.database()) <= before && armed.elapsed() < 60000)
        QThread::msleep(50);
    m_newWaiterAfterMs = double(armed.elapsed());
    QThread::msleep(m_holdMs);
    m_waiters = waiters(root.database());
    q.exec(QStringLiteral("UNLOCK TABLES"));
    m_heldMs = double(held.nsecsElapsed()) / 1e6;
}

} // namespace labsupport
