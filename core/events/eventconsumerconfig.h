#pragma once

#include "events/transporturl.h"
#include "history/historyconfig.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QString>

namespace turnstile {

// Everything the consumer thread needs, by value: the profile (its Keystone,
// for resolving names), its secrets (read from the keychain on the caller's
// thread), the broker and the history store.
struct EventConsumerConfig
{
    Profile profile;
    Secrets secrets;        // the RabbitMQ password is secrets.notificationPassword
    TransportUrl transport; // without password
    QString exchange = QStringLiteral("keystone");             // [DEFAULT] control_exchange
    QString routingKey = QStringLiteral("notifications.info"); // <topic>.info
    QString queueName;
    int maxLength = 100000;
    HistoryConfig history;
    bool resolveNames = true;
    int prefetch = 500;
    int batchMs = 200; // a batch is stored (and acknowledged) at least this often
    int maxBackoffSeconds = 30;

    // "turnstile.events.<profile>": Turnstile's own queue, one per profile,
    // so no other consumer of Keystone's notifications loses a message.
    static QString queueNameFor(const QString &profileName);

    // The broker from the profile's notificationUrl, else from transport_url
    // in its keystone.conf; exchange and topic from keystone.conf when it is
    // readable. Sets *error (one sentence) when there is no broker or no
    // password.
    static EventConsumerConfig forProfile(const Profile &profile, const Secrets &secrets,
                                          const HistoryConfig &history, QString *error);
};

} // namespace turnstile
