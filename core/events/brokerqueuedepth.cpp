#include "events/brokerqueuedepth.h"

#include "events/eventconsumerconfig.h"
#include "keystone/keystoneclient.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(BrokerQueueDepth)
};
} // namespace

BrokerQueueReading parseManagementQueue(int status, const QByteArray &body, const QString &where)
{
    BrokerQueueReading r;
    if (status == 401 || status == 403) {
        r.error = Tr::tr("RabbitMQ's management API at %1 refused the broker account (HTTP %2); "
                         "it needs the monitoring or management tag to read queue depths.")
                      .arg(where)
                      .arg(status);
        return r;
    }
    if (status == 404) {
        r.error = Tr::tr("RabbitMQ's management API at %1 has no such queue (HTTP 404): nothing "
                         "declared it, so nothing piles up there.")
                      .arg(where);
        return r;
    }
    if (status != 200) {
        r.error =
            Tr::tr("RabbitMQ's management API at %1 answered HTTP %2.").arg(where).arg(status);
        return r;
    }
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    const QJsonObject o = doc.object();
    // "messages" is ready + unacknowledged; a queue the broker has not
    // sampled yet lacks it, so it is read from its parts when absent.
    const QJsonValue messages = o.value(u"messages");
    const QJsonValue ready = o.value(u"messages_ready");
    if (parseError.error != QJsonParseError::NoError || !doc.isObject() ||
        (!messages.isDouble() && !ready.isDouble())) {
        r.error = Tr::tr("RabbitMQ's management API at %1 sent something that is not a queue's "
                         "figures.")
                      .arg(where);
        return r;
    }
    BrokerQueueDepth d;
    d.queue = o.value(u"name").toString();
    d.messages = messages.isDouble()
                     ? qint64(messages.toDouble())
                     : qint64(ready.toDouble() + o.value(u"messages_unacknowledged").toDouble());
    d.consumers = o.value(u"consumers").toInt();
    r.depth = d;
    return r;
}

QUrl managementUrlFor(const TransportUrl &broker)
{
    QUrl u;
    u.setScheme(broker.tls ? QStringLiteral("https") : QStringLiteral("http"));
    u.setHost(broker.host);
    u.setPort(broker.tls ? 15671 : 15672);
    return u;
}

BrokerQueueReading readBrokerQueueDepth(const QUrl &api, const TransportUrl &broker,
                                        const QString &queue, const QString &caFile, bool verifyTls,
                                        int timeoutMs)
{
    QUrl url = api.adjusted(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
    // The vhost and queue are path segments: "/" is %2F.
    url.setPath(url.path() + QStringLiteral("/api/queues/") +
                    QString::fromLatin1(QUrl::toPercentEncoding(broker.vhost)) + u'/' +
                    QString::fromLatin1(QUrl::toPercentEncoding(queue)),
                QUrl::TolerantMode);
    Profile endpoint;
    endpoint.authUrl = url;
    endpoint.caCertFile = caFile;
    endpoint.verifyTls = verifyTls;
    endpoint.timeoutMs = timeoutMs;
    KeystoneClient http(endpoint, Secrets{});
    const HttpResult answer = http.getAbsoluteWithHeaders(
        url,
        {{"Authorization", "Basic " + (broker.user + u':' + broker.password).toUtf8().toBase64()}});
    const QString where =
        api.adjusted(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery).toString();
    if (answer.status == 0)
        return {std::nullopt, answer.error, false}; // refused, timeout, TLS: KeystoneClient's
    return parseManagementQueue(answer.status, answer.body, where);
}

BrokerQueueReading readNotificationQueue(const EventConsumerConfig &config)
{
    TransportUrl broker = config.transport;
    broker.password = config.secrets.notificationPassword;
    const QUrl api = config.profile.brokerManagementUrl.isEmpty()
                         ? managementUrlFor(broker)
                         : QUrl(config.profile.brokerManagementUrl);
    if (const QString refusal = managementUrlRefusal(api, broker); !refusal.isEmpty())
        return {std::nullopt, refusal, true};
    return readBrokerQueueDepth(api, broker, config.routingKey, config.profile.caCertFile,
                                config.profile.verifyTls);
}

QString managementUrlRefusal(const QUrl &api, const TransportUrl &broker)
{
    if (!broker.tls || api.scheme().compare(u"http", Qt::CaseInsensitive) != 0)
        return {};
    const QHostAddress address(api.host());
    if ((!address.isNull() && address.isLoopback()) ||
        api.host().compare(u"localhost", Qt::CaseInsensitive) == 0)
        return {};
    return Tr::tr("The broker's management URL %1 is plain http:// while the broker is reached "
                  "over TLS: its password would cross the network in clear text, so it is not "
                  "sent; use https://.")
        .arg(api.adjusted(QUrl::RemoveUserInfo).toString());
}

QString unreadQueueFinding(const BrokerQueueDepth &d, qint64 warnAbove)
{
    if (d.messages <= warnAbove)
        return {};
    const QLocale loc;
    if (d.consumers == 0)
        return Tr::tr("RabbitMQ's queue %1 holds %2 messages and nothing reads it: oslo.messaging "
                      "fills it with every Keystone notification, so it grows until the broker's "
                      "memory or disk alarm blocks the publishers. Give it a consumer or cap it "
                      "with a policy (max-length).")
            .arg(d.queue, loc.toString(d.messages));
    return Tr::tr("RabbitMQ's queue %1 holds %2 messages: its %n consumer(s) fall behind.", nullptr,
                  d.consumers)
        .arg(d.queue, loc.toString(d.messages));
}

} // namespace turnstile
