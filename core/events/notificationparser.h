#pragma once

#include "events/keystoneevent.h"

#include <QByteArray>
#include <QString>

#include <array>
#include <optional>

namespace turnstile {

// Why a message was not taken as an event. Each reason is counted (the
// consumer's status) and logged with the message id when there is one.
enum class RejectReason
{
    None,
    Empty,
    TooLarge,     // more than kMaxNotificationBytes
    NotJson,      // the body is not a JSON object
    BadEnvelope,  // "oslo.message" missing, not a string, or not a JSON object inside
    NoMessageId,  // no message_id: cannot be deduplicated
    NoEventType,  // no event_type
    NoPayload,    // payload missing or not an object
    NotCadf,      // payload without CADF action (e.g. notification_format = basic)
    BadEventTime, // eventTime missing or not an ISO 8601 time
};
inline constexpr int kRejectReasonCount = 10;

// A Keystone notification is a few KiB; anything far larger is not one.
inline constexpr qsizetype kMaxNotificationBytes = 256 * 1024;

struct ParsedNotification
{
    std::optional<KeystoneEvent> event;
    RejectReason reason = RejectReason::None;
};

// Parses one AMQP message body from Keystone: oslo.messaging's v2 envelope
// ({"oslo.version": "2.0", "oslo.message": "<JSON text>"}) or a bare v1
// message, holding a CADF payload. Pure; never throws; rejects rather than
// guesses.
ParsedNotification parseNotification(const QByteArray &body);

// "2026-12-07T05:06:25.518309+0000" (Keystone's CADF form) and other ISO
// 8601 times, to ms since the epoch.
std::optional<qint64> parseCadfTime(const QString &text);

// A stable key for counters and logs ("not_json"), and a sentence for people.
QString rejectReasonKey(RejectReason reason);
QString rejectReasonText(RejectReason reason);

} // namespace turnstile
