#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

namespace turnstile {

// Says that this process appended a record to an audit log, so that whoever
// shows the log (the Audit page, the chart annotations) follows it without
// the code that ran the action knowing who that is.
//
// AuditLog::append runs on worker threads (the guarded workflow runs on
// ioPool()), so appended() is emitted on the appending thread, after the
// line is on disk and the log's lock is released. The notifier itself lives
// on the application's main thread; connect with a receiver on the GUI
// thread (AutoConnection then queues, or say Qt::QueuedConnection) and the
// slot runs there, never on the worker.
//
// Appends of other processes (a turnstilectl run from cron) are seen through
// a FileWatch on each log someone asked to follow (watch()); they come as
// appended(path, "", -1), once per burst of writes.
class AuditNotifier : public QObject
{
    Q_OBJECT
public:
    static AuditNotifier *instance();

    // Also say when another process changes the log at `path`. Call on the
    // main thread; watching the same log twice is one watch.
    void watch(const QString &path);

signals:
    // `path` is the log's file, `profile` the record's "profile" (may be
    // empty), `seq` its sequence number.
    void appended(const QString &path, const QString &profile, qint64 seq);

private:
    friend class AuditLog;
    AuditNotifier();
    void notifyAppended(const QString &path, const QString &profile, qint64 seq);

    QStringList m_watched;
};

} // namespace turnstile
