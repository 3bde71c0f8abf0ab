#include "guarded/guardedworkflow.h"

#include "guarded/actioncontrol.h"
#include "guarded/actionpreview.h"
#include "guarded/auditlog.h"
#include "guarded/guardedaction.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QSysInfo>

#include <pwd.h>
#include <unistd.h>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(GuardedWorkflow)
};
} // namespace

GuardedWorkflow::GuardedWorkflow(Profile profile, AuditLog &audit)
    : m_profile(std::move(profile)), m_audit(audit)
{}

QString GuardedWorkflow::osUser()
{
    if (const passwd *pw = ::getpwuid(::geteuid()))
        return QString::fromLocal8Bit(pw->pw_name);
    return QString::number(::geteuid());
}

QString GuardedWorkflow::refusal(const ActionPreview &preview,
                                 const Confirmation &confirmation) const
{
    if (m_profile.readOnly)
        return Tr::tr("Profile %1 is read-only; no guarded action runs against it.")
            .arg(m_profile.name);
    if (preview.refused())
        return preview.refusal;
    if (!preview.target.isValid())
        return Tr::tr("The preview names no target; run the preview again.");
    if (!preview.target.matches(confirmation.typedTarget))
        return Tr::tr("The confirmation \"%1\" does not match the target %2.")
            .arg(confirmation.typedTarget.trimmed(), preview.target.text);
    // The exact count, not "at least": a number typed without reading the
    // preview (--acknowledge 999999) must not pass for having read it.
    // Nothing typed counts as 0, so a count of 0 needs no flag.
    if (preview.mustAcknowledge >= 0 &&
        qMax<qint64>(0, confirmation.acknowledged) != preview.mustAcknowledge)
        return Tr::tr("This action needs an acknowledgement of exactly %L1 affected item(s); "
                      "%L2 was acknowledged.")
            .arg(preview.mustAcknowledge)
            .arg(qMax<qint64>(0, confirmation.acknowledged));
    return {};
}

ActionResult GuardedWorkflow::run(GuardedAction &action, const ActionPreview &preview,
                                  const Confirmation &confirmation, ActionControl &control)
{
    const QString why = refusal(preview, confirmation);
    if (!why.isEmpty()) {
        ActionResult r;
        r.outcome = ActionResult::Outcome::Refused;
        r.message = why;
        return r;
    }
    const QDateTime start = QDateTime::currentDateTimeUtc();
    QJsonObject rec;
    rec.insert(QStringLiteral("os_user"), osUser());
    rec.insert(QStringLiteral("host"), QSysInfo::machineHostName());
    rec.insert(QStringLiteral("profile"), m_profile.name);
    rec.insert(QStringLiteral("action"), action.kind());
    rec.insert(QStringLiteral("target"), preview.target.text);
    if (!preview.serverIdentity.isEmpty())
        rec.insert(QStringLiteral("server_identity"), preview.serverIdentity);
    rec.insert(QStringLiteral("parameters"), preview.parameters);

    // The intent is on disk before anything changes: a run killed midway,
    // or one whose result cannot be written, still left its trace. No
    // record, no run.
    QJsonObject started = rec;
    started.insert(QStringLiteral("phase"), QStringLiteral("started"));
    if (preview.cutoff.isValid())
        started.insert(QStringLiteral("cutoff"), preview.cutoff.toUTC().toString(Qt::ISODate));
    started.insert(QStringLiteral("start"), start.toString(Qt::ISODateWithMs));
    QString auditError;
    qint64 startedSeq = -1;
    if (!m_audit.append(started, &auditError, &startedSeq)) {
        ActionResult r;
        r.outcome = ActionResult::Outcome::Refused;
        r.message = Tr::tr("Nothing was changed: the audit record could not be written first. %1")
                        .arg(auditError);
        return r;
    }

    ActionResult r = action.execute(preview, control);
    if (!r.startedAt.isValid())
        r.startedAt = start;
    if (!r.finishedAt.isValid())
        r.finishedAt = QDateTime::currentDateTimeUtc();

    rec.insert(QStringLiteral("phase"), QStringLiteral("finished"));
    rec.insert(QStringLiteral("started_seq"), startedSeq);
    rec.insert(QStringLiteral("preview"), preview.toJson());
    rec.insert(QStringLiteral("result"), r.toJson());
    rec.insert(QStringLiteral("start"), r.startedAt.toString(Qt::ISODateWithMs));
    rec.insert(QStringLiteral("end"), r.finishedAt.toString(Qt::ISODateWithMs));
    if (!m_audit.append(rec, &auditError)) {
        // The action happened and its start is recorded; losing the result
        // must be loud.
        r.details.insert(QStringLiteral("audit_error"), auditError);
        r.message += u' ' + Tr::tr("WARNING: %1").arg(auditError);
    }
    return r;
}

} // namespace turnstile
