#pragma once

#include "events/notificationparser.h"

#include <QMetaType>
#include <QString>

#include <array>

namespace turnstile {

// What the event consumer is doing, for a tile's status line and
// `turnstilectl events --follow`. A value, copied out under a lock.
struct EventConsumerStatus
{
    enum class State
    {
        Stopped,
        Connecting,
        Consuming,
        Retrying, // the broker is unreachable or refused something; trying again
        Failed    // the configuration cannot work (no URL, no password); not retried
    };
    State state = State::Stopped;
    QString where; // amqp[s]://user@host:port/vhost, no password
    QString queue;
    QString error; // the last failure, one sentence
    int retryInSeconds = 0;
    int reconnects = 0; // successful connections after the first
    qint64 received = 0;
    qint64 stored = 0;
    qint64 duplicates = 0; // redelivered messages already stored
    qint64 rejected = 0;
    std::array<qint64, kRejectReasonCount> rejectedBy{};
    qint64 lastEventMs = 0;

    // One sentence: "Events: 1,204 stored from amqp://…, 2 rejected." or
    // "Events: RabbitMQ at … is unreachable (…); retrying in 8 s."
    QString line() const;
};

} // namespace turnstile

Q_DECLARE_METATYPE(turnstile::EventConsumerStatus)
