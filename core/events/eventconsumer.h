#pragma once

#include "events/eventconsumerconfig.h"
#include "events/eventconsumerstatus.h"
#include "events/keystoneevent.h"

#include <QList>
#include <QMutex>
#include <QObject>

#include <atomic>
#include <memory>

class QThread;

namespace turnstile {

// Seconds to wait before the next connection attempt. A broker restart
// removes Keystone's non-durable exchange and every binding to it: Keystone
// re-binds its own notifications.info with its next notification, Turnstile
// only when it reconnects, and whatever Keystone sends in between never
// reaches Turnstile's queue. So for the first two minutes after a working
// connection was lost (`secondsSinceConsuming` >= 0) it retries every
// second; otherwise (never connected, or down for long) the delay doubles
// from 1 up to `maxSeconds`. `previous` is the last delay (0: none yet).
int reconnectDelaySeconds(int previous, qint64 secondsSinceConsuming, int maxSeconds);

// Consumes Keystone's CADF notifications from RabbitMQ into the history
// store, on a thread of its own (a worker that keeps a connection across
// calls, like ActionRunner): a durable queue of Turnstile's own
// (EventConsumerConfig::queueName, x-max-length) bound to Keystone's
// exchange, redeclared on every connect because a broker restart loses the
// non-durable exchange and its bindings. Messages are acknowledged only
// after their batch is stored, so a crash or a lost connection redelivers
// them and the store drops what it already has (message_id). Reconnects
// every second right after losing a working connection, then with
// exponential backoff (reconnectDelaySeconds). Malformed messages are acknowledged, counted per
// reason and logged, never stored.
//
// Owned RAII-style: the destructor stops the thread and waits for it (at
// most one batch and the socket timeout, about a second).
class EventConsumer : public QObject
{
    Q_OBJECT
public:
    explicit EventConsumer(QObject *parent = nullptr);
    ~EventConsumer() override;

    void start(const EventConsumerConfig &config);
    void stop();
    bool isRunning() const;
    EventConsumerStatus status() const;

signals:
    // Emitted on the consumer's thread; connect queued (the default across
    // threads) to use them on the GUI thread.
    void statusChanged(const turnstile::EventConsumerStatus &status);
    void eventsStored(const QList<turnstile::KeystoneEvent> &events);

private:
    void run(const EventConsumerConfig &config);
    template <typename F> void update(F &&change);
    bool sleepUnlessStopped(int seconds);

    QThread *m_thread = nullptr;
    std::atomic<bool> m_stop{false};
    mutable QMutex m_mutex;
    EventConsumerStatus m_status;
};

} // namespace turnstile
