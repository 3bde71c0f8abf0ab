#include "events/notificationparser.h"

#include <QCoreApplication>
#include <QDate>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QTime>

namespace turnstile {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(NotificationParser)
};

ParsedNotification reject(RejectReason reason)
{
    ParsedNotification out;
    out.reason = reason;
    return out;
}

std::optional<QJsonObject> jsonObject(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    return doc.object();
}

// A field Keystone writes as a string; anything else (a number, an object)
// is taken as absent rather than converted.
QString text(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isString() ? v.toString() : QString();
}

QJsonObject object(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isObject() ? v.toObject() : QJsonObject();
}

} // namespace

std::optional<qint64> parseCadfTime(const QString &input)
{
    static const QRegularExpression re(QStringLiteral(
        R"(^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$)"));
    const QRegularExpressionMatch m = re.match(input.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    const QDate date(m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt());
    const QTime time(m.captured(4).toInt(), m.captured(5).toInt(), m.captured(6).toInt());
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    qint64 ms = QDateTime(date, time, Qt::UTC).toMSecsSinceEpoch();
    if (const QString frac = m.captured(7); !frac.isEmpty())
        ms += (frac + QStringLiteral("00")).left(3).toInt();
    // No zone: oslo writes naive UTC times.
    if (const QString zone = m.captured(8); !zone.isEmpty() && zone != u'Z') {
        QString digits = zone.mid(1);
        digits.remove(u':');
        const int minutes = digits.left(2).toInt() * 60 + digits.mid(2, 2).toInt();
        if (minutes > 18 * 60)
            return std::nullopt;
        ms -= (zone.startsWith(u'-') ? -1 : 1) * qint64(minutes) * 60000;
    }
    return ms;
}

ParsedNotification parseNotification(const QByteArray &body)
{
    if (body.trimmed().isEmpty())
        return reject(RejectReason::Empty);
    if (body.size() > kMaxNotificationBytes)
        return reject(RejectReason::TooLarge);
    const std::optional<QJsonObject> outer = jsonObject(body);
    if (!outer)
        return reject(RejectReason::NotJson);

    QJsonObject message;
    if (outer->contains(QLatin1String("oslo.message"))) {
        // messagingv2: the message is a JSON text inside a string
        const QJsonValue inner = outer->value(QLatin1String("oslo.message"));
        if (!inner.isString())
            return reject(RejectReason::BadEnvelope);
        const std::optional<QJsonObject> parsed = jsonObject(inner.toString().toUtf8());
        if (!parsed)
            return reject(RejectReason::BadEnvelope);
        message = *parsed;
    } else if (outer->contains(QLatin1String("event_type"))) {
        message = *outer; // messaging (v1): the message itself
    } else {
        return reject(RejectReason::BadEnvelope);
    }

    KeystoneEvent e;
    e.messageId = text(message, "message_id");
    if (e.messageId.isEmpty())
        return reject(RejectReason::NoMessageId);
    e.eventType = text(message, "event_type");
    if (e.eventType.isEmpty())
        return reject(RejectReason::NoEventType);
    e.publisherId = text(message, "publisher_id");
    const QJsonValue payloadValue = message.value(QLatin1String("payload"));
    if (!payloadValue.isObject())
        return reject(RejectReason::NoPayload);
    const QJsonObject payload = payloadValue.toObject();
    e.action = text(payload, "action");
    if (e.action.isEmpty())
        return reject(RejectReason::NotCadf);
    const std::optional<qint64> when = parseCadfTime(text(payload, "eventTime"));
    if (!when)
        return reject(RejectReason::BadEventTime);
    e.eventTimeMs = *when;
    e.outcome = text(payload, "outcome");

    const QJsonObject initiator = object(payload, "initiator");
    // The authenticate event names the user in the initiator; an unknown
    // user has only user_name, a known one user_id and username.
    e.initiatorId = text(initiator, "user_id");
    if (e.initiatorId.isEmpty())
        e.initiatorId = text(initiator, "id");
    e.initiatorName = text(initiator, "username");
    if (e.initiatorName.isEmpty())
        e.initiatorName = text(initiator, "user_name");
    if (e.initiatorName.isEmpty())
        e.initiatorName = text(initiator, "name");
    const QJsonObject host = object(initiator, "host");
    e.initiatorAddress = text(host, "address");
    e.initiatorAgent = text(host, "agent");
    e.initiatorProjectId = text(initiator, "project_id");

    const QJsonObject target = object(payload, "target");
    e.targetType = text(target, "typeURI");
    e.targetId = text(target, "id");
    const QJsonObject reason = object(payload, "reason");
    e.reasonType = text(reason, "reasonType");
    e.reasonCode = text(reason, "reasonCode");
    e.observerId = text(object(payload, "observer"), "id");

    ParsedNotification out;
    out.event = e;
    return out;
}

QString rejectReasonKey(RejectReason reason)
{
    switch (reason) {
    case RejectReason::None:
        return QStringLiteral("none");
    case RejectReason::Empty:
        return QStringLiteral("empty");
    case RejectReason::TooLarge:
        return QStringLiteral("too_large");
    case RejectReason::NotJson:
        return QStringLiteral("not_json");
    case RejectReason::BadEnvelope:
        return QStringLiteral("bad_envelope");
    case RejectReason::NoMessageId:
        return QStringLiteral("no_message_id");
    case RejectReason::NoEventType:
        return QStringLiteral("no_event_type");
    case RejectReason::NoPayload:
        return QStringLiteral("no_payload");
    case RejectReason::NotCadf:
        return QStringLiteral("not_cadf");
    case RejectReason::BadEventTime:
        return QStringLiteral("bad_event_time");
    }
    return QStringLiteral("unknown");
}

QString rejectReasonText(RejectReason reason)
{
    switch (reason) {
    case RejectReason::None:
        return {};
    case RejectReason::Empty:
        return Tr::tr("The message is empty.");
    case RejectReason::TooLarge:
        return Tr::tr("The message is larger than %1 KiB, which no Keystone notification is.")
            .arg(kMaxNotificationBytes / 1024);
    case RejectReason::NotJson:
        return Tr::tr("The message is not a JSON object.");
    case RejectReason::BadEnvelope:
        return Tr::tr("The message has no oslo.messaging envelope with a JSON message inside.");
    case RejectReason::NoMessageId:
        return Tr::tr("The notification has no message_id.");
    case RejectReason::NoEventType:
        return Tr::tr("The notification has no event_type.");
    case RejectReason::NoPayload:
        return Tr::tr("The notification has no payload object.");
    case RejectReason::NotCadf:
        return Tr::tr("The payload is not a CADF event (set notification_format = cadf in "
                      "keystone.conf).");
    case RejectReason::BadEventTime:
        return Tr::tr("The CADF event has no valid eventTime.");
    }
    return {};
}

} // namespace turnstile
