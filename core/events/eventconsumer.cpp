#include "events/eventconsumer.h"

#include "events/amqpsession.h"
#include "events/eventnameresolver.h"
#include "events/notificationparser.h"
#include "history/historystore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QThread>

#include <algorithm>

namespace turnstile {

namespace {

Q_LOGGING_CATEGORY(lcEvents, "turnstile.events")

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(EventConsumer)
};

constexpr int kMaxBatch = 500;
constexpr int kPollMs = 200; // how soon stop() is noticed while the queue is idle

} // namespace

EventConsumer::EventConsumer(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<EventConsumerStatus>();
    qRegisterMetaType<QList<KeystoneEvent>>();
}

EventConsumer::~EventConsumer()
{
    stop();
}

bool EventConsumer::isRunning() const
{
    return m_thread && m_thread->isRunning();
}

EventConsumerStatus EventConsumer::status() const
{
    QMutexLocker lock(&m_mutex);
    return m_status;
}

template <typename F> void EventConsumer::update(F &&change)
{
    EventConsumerStatus copy;
    {
        QMutexLocker lock(&m_mutex);
        change(m_status);
        copy = m_status;
    }
    emit statusChanged(copy);
}

void EventConsumer::start(const EventConsumerConfig &config)
{
    stop();
    m_stop = false;
    {
        QMutexLocker lock(&m_mutex);
        m_status = EventConsumerStatus{};
        m_status.state = EventConsumerStatus::State::Connecting;
        m_status.where = config.transport.toString();
        m_status.queue = config.queueName;
    }
    m_thread = QThread::create([this, config] { run(config); });
    m_thread->setObjectName(QStringLiteral("events-%1").arg(config.profile.name));
    m_thread->start(QThread::LowPriority);
}

void EventConsumer::stop()
{
    if (!m_thread)
        return;
    m_stop = true;
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    update([](EventConsumerStatus &s) { s.state = EventConsumerStatus::State::Stopped; });
}

bool EventConsumer::sleepUnlessStopped(int seconds)
{
    for (int i = 0; i < seconds * 10; ++i) {
        if (m_stop)
            return false;
        QThread::msleep(100);
    }
    return !m_stop;
}

int reconnectDelaySeconds(int previous, qint64 secondsSinceConsuming, int maxSeconds)
{
    constexpr qint64 kFastRetrySeconds = 120;
    if (secondsSinceConsuming >= 0 && secondsSinceConsuming < kFastRetrySeconds)
        return 1;
    return previous <= 0 ? 1 : std::max(1, std::min(previous * 2, maxSeconds));
}

void EventConsumer::run(const EventConsumerConfig &config)
{
    using State = EventConsumerStatus::State;
    const QString profile = config.profile.name;
    HistoryStore store;
    std::unique_ptr<EventNameResolver> resolver;
    if (config.resolveNames)
        resolver = std::make_unique<EventNameResolver>(config.profile, config.secrets);
    AmqpSession session;
    AmqpSession::Options options;
    options.url = config.transport;
    options.url.password = config.secrets.notificationPassword;
    options.caFile = config.profile.caCertFile;
    options.verifyTls = config.profile.verifyTls;

    int backoff = 0;
    bool connectedBefore = false;
    QElapsedTimer lost; // since a working connection was lost
    auto retry = [&](const QString &error) {
        qCWarning(lcEvents).noquote() << profile << error;
        backoff = reconnectDelaySeconds(backoff, lost.isValid() ? lost.elapsed() / 1000 : -1,
                                        config.maxBackoffSeconds);
        update([&](EventConsumerStatus &s) {
            s.state = State::Retrying;
            s.error = error;
            s.retryInSeconds = backoff;
        });
        return sleepUnlessStopped(backoff);
    };
    auto dropped = [&](const QString &error) {
        lost.start();
        return retry(error);
    };

    while (!m_stop) {
        update([](EventConsumerStatus &s) { s.state = State::Connecting; });
        if (!store.isOpen() && !store.open(config.history)) {
            if (!retry(store.error()))
                break;
            continue;
        }
        if (!session.open(options) || !session.declareExchange(config.exchange) ||
            !session.declareQueue(config.queueName, config.maxLength) ||
            !session.bind(config.queueName, config.exchange, config.routingKey) ||
            !session.consume(config.queueName, config.prefetch)) {
            const QString error = session.error();
            session.close();
            if (!retry(error))
                break;
            continue;
        }
        backoff = 0;
        lost.invalidate();
        update([&](EventConsumerStatus &s) {
            s.state = State::Consuming;
            s.error.clear();
            s.retryInSeconds = 0;
            if (connectedBefore)
                ++s.reconnects;
        });
        connectedBefore = true;

        QList<KeystoneEvent> batch;
        quint64 lastTag = 0;
        qint64 received = 0;
        std::array<qint64, kRejectReasonCount> rejectedBy{};
        QElapsedTimer batchAge;
        // Stores the batch, then acknowledges everything up to the last
        // delivery; on a store failure the deliveries go back to the queue.
        auto flush = [&]() -> bool {
            if (lastTag == 0)
                return true;
            const int inserted = store.appendEvents(profile, batch);
            if (inserted < 0) {
                const QString error = store.error();
                session.nackUpTo(lastTag);
                store.close(); // reopened on the next attempt
                session.close();
                dropped(error);
                return false;
            }
            if (!session.ackUpTo(lastTag)) {
                // stored but not acknowledged: redelivered and dropped as duplicates
                dropped(session.error());
                return false;
            }
            const QList<KeystoneEvent> stored = batch;
            update([&](EventConsumerStatus &s) {
                s.received += received;
                s.stored += inserted;
                s.duplicates += batch.size() - inserted;
                for (int i = 0; i < kRejectReasonCount; ++i) {
                    s.rejectedBy[size_t(i)] += rejectedBy[size_t(i)];
                    s.rejected += rejectedBy[size_t(i)];
                }
                if (!batch.isEmpty())
                    s.lastEventMs = batch.constLast().eventTimeMs;
            });
            batch.clear();
            lastTag = 0;
            received = 0;
            rejectedBy.fill(0);
            if (inserted > 0)
                emit eventsStored(stored);
            return true;
        };

        bool alive = true;
        while (alive && !m_stop) {
            AmqpSession::Delivery d;
            const int wait = lastTag == 0 ? kPollMs
                                          : int(std::clamp(config.batchMs - batchAge.elapsed(),
                                                           qint64(1), qint64(kPollMs)));
            switch (session.next(wait, &d)) {
            case AmqpSession::Wait::Message: {
                if (lastTag == 0)
                    batchAge.start();
                lastTag = d.tag;
                ++received;
                ParsedNotification p = parseNotification(d.body);
                if (p.event) {
                    if (resolver)
                        resolver->resolve(*p.event, store, profile);
                    batch << *p.event;
                } else {
                    rejectedBy[size_t(p.reason)] += 1;
                    qCWarning(lcEvents).noquote() << profile
                                                  << Tr::tr("Rejected a message of %1 bytes: %2")
                                                         .arg(d.body.size())
                                                         .arg(rejectReasonText(p.reason));
                }
                if (batch.size() >= kMaxBatch || batchAge.elapsed() >= config.batchMs)
                    alive = flush();
                break;
            }
            case AmqpSession::Wait::Timeout:
                alive = flush();
                break;
            case AmqpSession::Wait::Failed:
                // unacknowledged deliveries come back after the reconnect
                alive = false;
                dropped(session.error());
                break;
            }
        }
        if (m_stop) {
            flush();
            session.close();
        }
    }
    update([](EventConsumerStatus &s) { s.state = State::Stopped; });
}

} // namespace turnstile
