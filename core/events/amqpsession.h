#pragma once

#include "events/transporturl.h"

#include <QByteArray>
#include <QString>

#include <memory>

struct amqp_rpc_reply_t_;

namespace turnstile {

// One AMQP 0-9-1 connection with one channel, through rabbitmq-c (blocking;
// used on the event consumer's own thread only). Every failing call returns
// false and leaves one sentence in error(); after a failure the session is
// closed and must be opened again.
class AmqpSession
{
public:
    struct Options
    {
        TransportUrl url; // password included, in memory only
        QString caFile;   // amqps: the CA bundle; empty: the system's
        bool verifyTls = true;
        int heartbeatSeconds = 30;
        int connectTimeoutMs = 10000;
    };
    struct Delivery
    {
        quint64 tag = 0;
        QByteArray body;
        bool redelivered = false;
    };
    enum class Wait
    {
        Message,
        Timeout,
        Failed
    };

    AmqpSession();
    ~AmqpSession();
    AmqpSession(const AmqpSession &) = delete;
    AmqpSession &operator=(const AmqpSession &) = delete;

    bool open(const Options &options);
    void close();
    bool isOpen() const;
    QString error() const { return m_error; }

    // The exchange Keystone publishes to is declared by oslo.messaging as a
    // non-durable topic exchange. Declared with exactly those flags (a
    // mismatch is refused by the broker); a user without configure rights on
    // it falls back to a passive declare, which only checks that it exists.
    bool declareExchange(const QString &exchange);
    // Durable, named, with x-max-length (oldest dropped): survives broker
    // restarts and cannot grow without bound while nobody reads it.
    bool declareQueue(const QString &queue, int maxLength);
    // For tests and for removing a profile's queue.
    bool deleteQueue(const QString &queue);
    bool bind(const QString &queue, const QString &exchange, const QString &routingKey);
    bool consume(const QString &queue, int prefetch);
    Wait next(int timeoutMs, Delivery *out);
    // Publishes one persistent message (tests and the bench use it to send
    // what Keystone would, or what it never would).
    bool publish(const QString &exchange, const QString &routingKey, const QByteArray &body);
    // Acknowledges every delivery up to and including `tag`.
    bool ackUpTo(quint64 tag);
    // Returns every unacknowledged delivery up to `tag` to the queue.
    bool nackUpTo(quint64 tag);

private:
    struct State;
    bool checkReply(const char *what);
    bool handleReply(const amqp_rpc_reply_t_ &reply, const char *what);
    bool reopenChannel();
    bool fail(const QString &message);

    std::unique_ptr<State> m_state;
    QString m_where; // "amqp://user@host:port/vhost", for messages
    QString m_error;
};

} // namespace turnstile
