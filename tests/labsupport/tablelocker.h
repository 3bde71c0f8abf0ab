#pragma once

#include "db/databaseurl.h"

#include <QSemaphore>
#include <QString>
#include <QThread>

#include <atomic>
#include <memory>

namespace labsupport {

// Holds LOCK TABLES token WRITE on its own thread and connection (a
// QSqlDatabase belongs to one thread; nothing here runs on the thread being
// measured). Once armed, it waits until one more session than before queues
// behind the lock (the query under test), keeps it waiting `holdMs` more,
// and unlocks — so that query stalls holdMs however long Keystone took
// before it reached the database. A real slow session of a real MariaDB.
class TableLocker
{
public:
    // `root`: a MariaDB account allowed to lock Keystone's token table.
    // Returns once the lock is held (or failed: see error()).
    explicit TableLocker(const turnstile::DatabaseUrl &root);
    ~TableLocker();
    TableLocker(const TableLocker &) = delete;
    TableLocker &operator=(const TableLocker &) = delete;

    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    void arm(int holdMs);
    bool finished() const { return m_thread->isFinished(); }
    // Sessions waiting on the lock just before it was released.
    int waitersAtRelease() const { return m_waiters; }
    // From arming until the new waiter appeared, and the whole time held.
    double newWaiterAfterMs() const { return m_newWaiterAfterMs; }
    double heldMs() const { return m_heldMs; }

private:
    void run();

    turnstile::DatabaseUrl m_root;
    std::unique_ptr<QThread> m_thread;
    QSemaphore m_locked, m_armed;
    QString m_error;
    std::atomic<int> m_holdMs{0};
    std::atomic<int> m_waiters{-1};
    std::atomic<double> m_newWaiterAfterMs{0};
    std::atomic<double> m_heldMs{0};
};

} // namespace labsupport
