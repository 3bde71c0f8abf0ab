#include "events/eventexport.h"

#include "util/timetext.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace turnstile {

namespace {

struct Tr
{
    // The CLI's context: these sentences were translated there first.
    Q_DECLARE_TR_FUNCTIONS(EventCommands)
};

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString csvField(const QString &s)
{
    if (!s.contains(u',') && !s.contains(u'"') && !s.contains(u'\n') && !s.contains(u'\r'))
        return s;
    QString q = s;
    q.replace(u'"', QStringLiteral("\"\""));
    return u'"' + q + u'"';
}

} // namespace

QString eventTargetKind(const KeystoneEvent &e)
{
    // CADF typeURIs Keystone uses: data/security/account/user, …/project,
    // …/group, …/role, …/trust, …/domain, …/credential.
    return e.targetType.section(u'/', -1);
}

QString eventDescription(const KeystoneEvent &e)
{
    const QString who = e.initiatorName.isEmpty() ? e.initiatorId : e.initiatorName;
    QString text;
    if (e.isAuthentication()) {
        if (e.outcome == u"success")
            text = Tr::tr("%1 logged in").arg(who.isEmpty() ? Tr::tr("someone") : who);
        else if (e.outcome == u"failure")
            text = Tr::tr("%1 failed to log in").arg(who.isEmpty() ? Tr::tr("someone") : who);
        else
            text = Tr::tr("%1 authentication %2").arg(who, e.outcome);
    } else {
        const QString kind = eventTargetKind(e);
        // "deleted.user" → "deleted"; Keystone's actions are verb.kind.
        const QString verb = e.action.section(u'.', 0, 0);
        QString target;
        if (!e.targetId.isEmpty())
            target = e.targetName.isEmpty()
                         ? Tr::tr("%1 %2").arg(kind, e.targetId)
                         : Tr::tr("%1 %2 (id %3)").arg(kind, e.targetName, e.targetId);
        else
            target = kind;
        text = Tr::tr("%1 %2").arg(target, verb);
        if (!who.isEmpty())
            text += u' ' + Tr::tr("by %1").arg(who);
        if (e.outcome != u"success" && !e.outcome.isEmpty())
            text += u' ' + Tr::tr("(%1)").arg(e.outcome);
    }
    if (!e.initiatorAddress.isEmpty())
        text += u' ' + Tr::tr("from %1").arg(e.initiatorAddress);
    if (!e.reasonType.isEmpty())
        text += QStringLiteral(": ") + e.reasonType;
    return text;
}

QString eventTextLine(const KeystoneEvent &e)
{
    QString line = formatUtcTime(QDateTime::fromMSecsSinceEpoch(e.eventTimeMs, Qt::UTC)) + u' ' +
                   e.action + u' ' + e.outcome + u':';
    const QString who = e.initiatorName.isEmpty() ? e.initiatorId : e.initiatorName;
    if (!e.isAuthentication() && !e.targetId.isEmpty()) {
        const QString kind = eventTargetKind(e);
        line += u' ' + (e.targetName.isEmpty()
                            ? Tr::tr("%1 %2").arg(kind, e.targetId)
                            : Tr::tr("%1 %2 (id %3)").arg(kind, e.targetName, e.targetId));
        if (!who.isEmpty())
            line += u' ' + Tr::tr("by %1").arg(who);
    } else if (!who.isEmpty()) {
        line += u' ' + who;
    }
    if (!e.initiatorAddress.isEmpty())
        line += u' ' + Tr::tr("from %1").arg(e.initiatorAddress);
    if (!e.initiatorAgent.isEmpty())
        line += QStringLiteral(" (%1)").arg(e.initiatorAgent);
    if (!e.reasonType.isEmpty())
        line += QStringLiteral(" - %1").arg(e.reasonType);
    return line;
}

QJsonObject eventToJson(const KeystoneEvent &e)
{
    QJsonObject o{{QStringLiteral("time"), isoTime(e.eventTimeMs)},
                  {QStringLiteral("message_id"), e.messageId},
                  {QStringLiteral("event_type"), e.eventType},
                  {QStringLiteral("action"), e.action},
                  {QStringLiteral("outcome"), e.outcome}};
    auto put = [&](const char *key, const QString &v) {
        if (!v.isEmpty())
            o.insert(QLatin1String(key), v);
    };
    put("initiator_id", e.initiatorId);
    put("initiator_name", e.initiatorName);
    put("initiator_address", e.initiatorAddress);
    put("initiator_agent", e.initiatorAgent);
    put("target_type", e.targetType);
    put("target_id", e.targetId);
    put("target_name", e.targetName);
    put("reason", e.reasonType);
    put("reason_code", e.reasonCode);
    return o;
}

QString eventCsvHeader()
{
    return QStringLiteral(
        "time,action,outcome,initiator_name,initiator_id,initiator_address,initiator_agent,"
        "target_type,target_id,target_name,reason,reason_code,event_type,message_id");
}

QString eventCsvLine(const KeystoneEvent &e)
{
    QStringList f{
        isoTime(e.eventTimeMs), e.action,         e.outcome,    e.initiatorName, e.initiatorId,
        e.initiatorAddress,     e.initiatorAgent, e.targetType, e.targetId,      e.targetName,
        e.reasonType,           e.reasonCode,     e.eventType,  e.messageId};
    for (QString &s : f)
        s = csvField(s);
    return f.join(u',');
}

QByteArray eventsCsv(const QList<KeystoneEvent> &events)
{
    QString text = eventCsvHeader() + u'\n';
    for (const KeystoneEvent &e : events)
        text += eventCsvLine(e) + u'\n';
    return text.toUtf8();
}

QByteArray eventsJson(const QString &profile, const QList<KeystoneEvent> &events)
{
    QJsonArray list;
    for (const KeystoneEvent &e : events)
        list.append(eventToJson(e));
    return QJsonDocument(
               QJsonObject{{QStringLiteral("profile"), profile}, {QStringLiteral("events"), list}})
        .toJson(QJsonDocument::Indented);
}

} // namespace turnstile
