#include "events/eventconsumerconfig.h"

#include "profiles/keystoneconf.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace turnstile {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(EventConsumerConfig)
};

} // namespace

QString EventConsumerConfig::queueNameFor(const QString &profileName)
{
    // AMQP names are at most 255 bytes; keep them readable in rabbitmqctl.
    QString safe = profileName;
    safe.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._-]")), QStringLiteral("_"));
    return QStringLiteral("turnstile.events.") + safe.left(200);
}

EventConsumerConfig EventConsumerConfig::forProfile(const Profile &profile, const Secrets &secrets,
                                                    const HistoryConfig &history, QString *error)
{
    EventConsumerConfig c;
    c.profile = profile;
    c.secrets = secrets;
    c.history = history;
    c.queueName = queueNameFor(profile.name);
    c.maxLength = qMax(1, profile.eventQueueMaxLength);
    if (error)
        error->clear();

    QString confError;
    std::optional<KeystoneConf> conf;
    if (!profile.keystoneConfPath.isEmpty()) {
        KeystoneConf loaded = KeystoneConf::load(profile.keystoneConfPath, &confError);
        if (confError.isEmpty())
            conf = loaded;
    }
    if (conf) {
        c.exchange = conf->controlExchange;
        c.routingKey = conf->notificationTopics.value(0, QStringLiteral("notifications")) +
                       QStringLiteral(".info");
    }
    QString urlError;
    if (!profile.notificationUrl.isEmpty()) {
        c.transport = TransportUrl::parse(profile.notificationUrl, &urlError);
    } else if (conf && conf->transportUrl) {
        c.transport = TransportUrl::parse(*conf->transportUrl, &urlError);
        c.transport.password.clear(); // the keychain's, not the file's
    }
    auto fail = [&](const QString &message) {
        if (error)
            *error = message;
        return c;
    };
    if (!urlError.isEmpty())
        return fail(urlError);
    if (!c.transport.isValid()) {
        if (!confError.isEmpty())
            return fail(Tr::tr("Profile %1 has no RabbitMQ URL, and its keystone.conf cannot be "
                               "read: %2")
                            .arg(profile.name, confError));
        return fail(Tr::tr("Profile %1 has no RabbitMQ URL: import its keystone.conf (with "
                           "transport_url) or set one.")
                        .arg(profile.name));
    }
    if (secrets.notificationPassword.isEmpty())
        return fail(Tr::tr("The keychain has no RabbitMQ password for profile %1; import its "
                           "keystone.conf again to store it.")
                        .arg(profile.name));
    return c;
}

} // namespace turnstile
