#pragma once

#include <QString>

namespace turnstile {

// oslo.messaging's transport_url for RabbitMQ:
//   rabbit://USER:PASS@HOST:PORT[,USER:PASS@HOST2:PORT]/VHOST[?ssl=1]
// (also amqp:// and amqps://). Only the first host is used; a cluster's
// nodes share the queue definitions. toString() never carries the password.
struct TransportUrl
{
    QString host;
    int port = 5672;
    QString user;
    QString password; // in memory only
    QString vhost = QStringLiteral("/");
    bool tls = false;

    bool isValid() const { return !host.isEmpty(); }
    // "amqp[s]://user@host:port/vhost": for profiles, logs and the UI.
    QString toString() const;

    // One sentence when the broker is reached without TLS on another machine
    // (SASL PLAIN: the password crosses the network in clear text), else
    // empty. Loopback is exempt, as for Profile::cleartextWarning.
    QString cleartextWarning() const;

    // Sets *error to one sentence (never containing the password) on failure.
    static TransportUrl parse(const QString &url, QString *error = nullptr);
};

} // namespace turnstile
