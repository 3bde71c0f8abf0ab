#pragma once

#include "events/transporturl.h"

#include <QByteArray>
#include <QString>
#include <QUrl>

#include <optional>

namespace turnstile {

struct EventConsumerConfig;

// Keystone's standard notification queue (notifications.info) as RabbitMQ's
// management API reports it: oslo.messaging declares and binds it with
// every notification, whether or not anything reads it, so a cloud without
// Ceilometer fills the broker with it. Turnstile never reads it (it has a
// queue of its own); it only reports its depth.
struct BrokerQueueDepth
{
    QString queue;
    qint64 messages = 0; // ready + unacknowledged
    int consumers = 0;
    bool operator==(const BrokerQueueDepth &) const = default;
};

struct BrokerQueueReading
{
    std::optional<BrokerQueueDepth> depth;
    QString error;        // one sentence when depth is empty
    bool answered = true; // false: no HTTP answer at all (no management plugin there)
};

// Pure: GET /api/queues/VHOST/NAME's answer (status and JSON body); `where`
// names the API in the sentences.
BrokerQueueReading parseManagementQueue(int status, const QByteArray &body, const QString &where);

// The management plugin's usual address for a broker: http://HOST:15672,
// https://HOST:15671 when the broker is reached over TLS.
QUrl managementUrlFor(const TransportUrl &broker);

// Blocking (a worker thread or the CLI): the queue's depth through the
// management API at `api`, with the broker account (it needs the
// `monitoring` or `management` tag), TLS verified against `caFile` unless
// verifyTls is false. Through KeystoneClient's one blocking HTTP path.
BrokerQueueReading readBrokerQueueDepth(const QUrl &api, const TransportUrl &broker,
                                        const QString &queue, const QString &caFile = {},
                                        bool verifyTls = true, int timeoutMs = 5000);

// Keystone's notification queue of a consumer's broker (config.routingKey,
// "notifications.info"), read with the consumer's account at the profile's
// brokerManagementUrl, else managementUrlFor. Blocking. The one reading that
// `events --follow` and `probe` share.
BrokerQueueReading readNotificationQueue(const EventConsumerConfig &config);
// Why the broker password may not be sent to `api`, or empty. A plain http:// management URL off
// loopback while the broker itself is reached over TLS would send, in clear text, the password
// that amqps:// protects (an amqp:// broker already sends it in clear, and says so). Pure.
QString managementUrlRefusal(const QUrl &api, const TransportUrl &broker);

// One sentence when the queue holds more than `warnAbove` messages: nobody
// reads it (no consumer), or its readers fall behind. Empty otherwise.
QString unreadQueueFinding(const BrokerQueueDepth &depth, qint64 warnAbove = 10000);

} // namespace turnstile
