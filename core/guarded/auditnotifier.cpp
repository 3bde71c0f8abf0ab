#include "guarded/auditnotifier.h"
#include "util/filewatch.h"

#include <QFileInfo>

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

void AuditNotifier::watch(const QString &path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (m_watched.contains(absolute))
        return;
    m_watched.append(absolute);
    auto *w = new FileWatch(absolute, 250, this);
    connect(w, &FileWatch::changed, this, [this, absolute] { emit appended(absolute, {}, -1); });
}

void AuditNotifier::notifyAppended(const QString &path, const QString &profile, qint64 seq)
{
    emit appended(path, profile, seq);
}

} // namespace turnstile
