#include "guarded/auditnotifier.h"

#include <QCoreApplication>
#include <QThread>

namespace turnstile {

AuditNotifier::AuditNotifier()
{
    // The first append may come from a pool thread; the object belongs to
    // the main thread all the same, so its lifetime is not tied to a worker.
    if (const QCoreApplication *app = QCoreApplication::instance();
        app && thread() != app->thread())
        moveToThread(app->thread());
}

AuditNotifier *AuditNotifier::instance()
{
    // Never deleted: appends may still run on pool threads while the
    // application goes away, and static destruction order is not ours.
    static AuditNotifier *const notifier = new AuditNotifier;
    return notifier;
}

void AuditNotifier::notifyAppended(const QString &path, const QString &profile, qint64 seq)
{
    emit appended(path, profile, seq);
}

} // namespace turnstile
