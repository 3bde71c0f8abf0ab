#include "guarded/actionrunner.h"

#include "guarded/actioncontrol.h"
#include "guarded/auditlog.h"
#include "guarded/guardedaction.h"
#include "guarded/guardedworkflow.h"

#include <QElapsedTimer>
#include <QPointer>

namespace turnstile {

ActionRunner::ActionRunner(std::shared_ptr<GuardedAction> action, Profile profile, QObject *parent)
    : QObject(parent), m_action(std::move(action)), m_profile(std::move(profile)),
      m_worker(new QObject)
{
    m_thread.setObjectName(QStringLiteral("guarded-action"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

ActionRunner::~ActionRunner()
{
    cancel();
    m_thread.quit();
    m_thread.wait();
}

void ActionRunner::requestPreview()
{
    m_busy = true;
    QPointer<ActionRunner> self(this);
    auto action = m_action;
    QMetaObject::invokeMethod(m_worker, [self, action] {
        const ActionPreview p = action->preview();
        if (!self)
            return;
        QMetaObject::invokeMethod(
            self.data(),
            [self, p] {
                if (!self)
                    return;
                self->m_busy = false;
                emit self->previewReady(p);
            },
            Qt::QueuedConnection);
    });
}

void ActionRunner::requestRun(const ActionPreview &preview, const Confirmation &confirmation)
{
    m_busy = true;
    QPointer<ActionRunner> self(this);
    auto action = m_action;
    const Profile profile = m_profile;
    // Progress arrives after every batch; the GUI needs a few updates a
    // second, not hundreds.
    auto lastSent = std::make_shared<QElapsedTimer>();
    auto control = std::make_shared<ActionControl>([self, lastSent](const ActionProgress &p) {
        if (lastSent->isValid() && lastSent->elapsed() < 100)
            return;
        lastSent->start();
        QMetaObject::invokeMethod(
            self.data(),
            [self, p] {
                if (self)
                    emit self->progress(p);
            },
            Qt::QueuedConnection);
    });
    {
        QMutexLocker lock(&m_controlMutex);
        m_control = control;
    }
    QMetaObject::invokeMethod(m_worker, [self, action, profile, preview, confirmation, control] {
        AuditLog audit;
        GuardedWorkflow workflow(profile, audit);
        const ActionResult r = workflow.run(*action, preview, confirmation, *control);
        QMetaObject::invokeMethod(
            self.data(),
            [self, r] {
                if (!self)
                    return;
                self->m_busy = false;
                emit self->finished(r);
            },
            Qt::QueuedConnection);
    });
}

void ActionRunner::cancel()
{
    QMutexLocker lock(&m_controlMutex);
    if (m_control)
        m_control->cancel();
}

} // namespace turnstile
