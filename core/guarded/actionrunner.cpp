#include "guarded/actionrunner.h"

#include "guarded/actioncontrol.h"
#include "guarded/auditlog.h"
#include "guarded/guardedaction.h"
#include "guarded/guardedworkflow.h"

#include <QElapsedTimer>

namespace turnstile {

template <typename F> void ActionRunner::post(const std::shared_ptr<Link> &link, F &&f)
{
    // Holding the mutex keeps the runner alive while the call is queued; once
    // queued, Qt drops it if the runner is destroyed before it is delivered.
    QMutexLocker lock(&link->mutex);
    if (link->runner)
        QMetaObject::invokeMethod(link->runner, std::forward<F>(f), Qt::QueuedConnection);
}

ActionRunner::ActionRunner(std::shared_ptr<GuardedAction> action, Profile profile, QObject *parent)
    : QObject(parent), m_action(std::move(action)), m_profile(std::move(profile)),
      m_link(std::make_shared<Link>()), m_thread(new QThread), m_worker(new QObject)
{
    m_link->runner = this;
    m_thread->setObjectName(QStringLiteral("guarded-action"));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread->start();
}

ActionRunner::~ActionRunner()
{
    {
        QMutexLocker lock(&m_link->mutex);
        m_link->runner = nullptr; // the worker reports nothing from now on
    }
    cancel();
    if (m_busy && !m_running) {
        // Only a read-only preview is in flight: let it finish on its own.
        connect(m_thread, &QThread::finished, m_thread, &QObject::deleteLater);
        m_thread->quit();
        return;
    }
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

void ActionRunner::requestPreview()
{
    m_busy = true;
    auto link = m_link;
    auto action = m_action;
    QMetaObject::invokeMethod(m_worker, [link, action] {
        const ActionPreview p = action->preview();
        post(link, [link, p] {
            ActionRunner *self = link->runner; // delivered only while it lives
            self->m_busy = false;
            emit self->previewReady(p);
        });
    });
}

void ActionRunner::requestRun(const ActionPreview &preview, const Confirmation &confirmation)
{
    m_busy = true;
    m_running = true;
    m_followUp.reset();
    auto link = m_link;
    auto action = m_action;
    const Profile profile = m_profile;
    // Progress arrives after every batch; the GUI needs a few updates a
    // second, not hundreds.
    auto lastSent = std::make_shared<QElapsedTimer>();
    auto control = std::make_shared<ActionControl>([link, lastSent](const ActionProgress &p) {
        if (lastSent->isValid() && lastSent->elapsed() < 100)
            return;
        lastSent->start();
        post(link, [link, p] { emit link->runner->progress(p); });
    });
    {
        QMutexLocker lock(&m_controlMutex);
        m_control = control;
    }
    QMetaObject::invokeMethod(m_worker, [link, action, profile, preview, confirmation, control] {
        AuditLog audit;
        GuardedWorkflow workflow(profile, audit);
        const ActionResult r = workflow.run(*action, preview, confirmation, *control);
        std::optional<GuardedAction::FollowUp> next = action->followUp(r);
        post(link, [link, r, next] {
            ActionRunner *self = link->runner;
            self->m_busy = false;
            self->m_running = false;
            self->m_followUp = next;
            emit self->finished(r);
        });
    });
}

bool ActionRunner::startFollowUp()
{
    if (m_busy || !m_followUp || !m_followUp->action)
        return false;
    m_action = m_followUp->action;
    m_followUp.reset();
    {
        QMutexLocker lock(&m_controlMutex);
        m_control.reset();
    }
    requestPreview();
    return true;
}

void ActionRunner::cancel()
{
    QMutexLocker lock(&m_controlMutex);
    if (m_control)
        m_control->cancel();
}

} // namespace turnstile
