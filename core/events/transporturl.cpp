#include "events/transporturl.h"

#include <QCoreApplication>
#include <QHostAddress>
#include <QUrl>

namespace turnstile {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(TransportUrl)
};

TransportUrl fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return {};
}

QString decoded(const QString &s)
{
    return QUrl::fromPercentEncoding(s.toUtf8());
}

} // namespace

QString TransportUrl::toString() const
{
    if (!isValid())
        return {};
    QString v = vhost == u'/' ? QString() : QString::fromUtf8(QUrl::toPercentEncoding(vhost));
    return QStringLiteral("%1://%2%3:%4/%5")
        .arg(tls ? QStringLiteral("amqps") : QStringLiteral("amqp"),
             user.isEmpty() ? QString() : QString::fromUtf8(QUrl::toPercentEncoding(user)) + u'@',
             host.contains(u':') ? u'[' + host + u']' : host)
        .arg(port)
        .arg(v);
}

QString TransportUrl::cleartextWarning() const
{
    if (tls || host.isEmpty())
        return {};
    const QHostAddress address(host);
    if ((!address.isNull() && address.isLoopback()) ||
        host.compare(u"localhost", Qt::CaseInsensitive) == 0)
        return {};
    return Tr::tr("RabbitMQ at %1 is reached without TLS: its password crosses the network in "
                  "clear text; use amqps:// (or ?ssl=1).")
        .arg(toString());
}

TransportUrl TransportUrl::parse(const QString &input, QString *error)
{
    if (error)
        error->clear();
    const QString url = input.trimmed();
    const qsizetype schemeEnd = url.indexOf(QLatin1String("://"));
    if (schemeEnd <= 0)
        return fail(error, Tr::tr("The transport URL has no scheme (rabbit://…)."));
    const QString scheme = url.left(schemeEnd).toLower();
    TransportUrl t;
    if (scheme == u"amqps") {
        t.tls = true;
        t.port = 5671;
    } else if (scheme != u"rabbit" && scheme != u"amqp") {
        return fail(error,
                    Tr::tr("The transport URL uses %1://; Turnstile reads RabbitMQ (rabbit://).")
                        .arg(scheme));
    }
    QString rest = url.mid(schemeEnd + 3);
    QString query;
    if (const qsizetype q = rest.indexOf(u'?'); q >= 0) {
        query = rest.mid(q + 1);
        rest.truncate(q);
    }
    // the user info may contain '/' only percent-encoded, so the first '/'
    // after the last '@' of the first host ends the host list
    QString hosts = rest;
    QString path;
    const qsizetype at = rest.lastIndexOf(u'@');
    if (const qsizetype slash = rest.indexOf(u'/', at < 0 ? 0 : at); slash >= 0) {
        hosts = rest.left(slash);
        path = rest.mid(slash + 1);
    }
    QString first = hosts.section(u',', 0, 0);
    if (const qsizetype a = first.lastIndexOf(u'@'); a >= 0) {
        const QString userInfo = first.left(a);
        first = first.mid(a + 1);
        const qsizetype colon = userInfo.indexOf(u':');
        t.user = decoded(colon < 0 ? userInfo : userInfo.left(colon));
        if (colon >= 0)
            t.password = decoded(userInfo.mid(colon + 1));
    }
    QString hostPart = first;
    QString portPart;
    if (hostPart.startsWith(u'[')) {
        const qsizetype close = hostPart.indexOf(u']');
        if (close < 0)
            return fail(error, Tr::tr("The transport URL has an unclosed [IPv6] host."));
        portPart = hostPart.mid(close + 1);
        hostPart = hostPart.mid(1, close - 1);
        if (portPart.startsWith(u':'))
            portPart = portPart.mid(1);
        else if (!portPart.isEmpty())
            return fail(error, Tr::tr("The transport URL has text after its [IPv6] host."));
    } else if (const qsizetype colon = hostPart.lastIndexOf(u':'); colon >= 0) {
        portPart = hostPart.mid(colon + 1);
        hostPart.truncate(colon);
    }
    if (hostPart.isEmpty())
        return fail(error, Tr::tr("The transport URL names no host."));
    if (!portPart.isEmpty()) {
        bool ok = false;
        const int port = portPart.toInt(&ok);
        if (!ok || port < 1 || port > 65535)
            return fail(
                error,
                Tr::tr("The transport URL's port \"%1\" is not a port number.").arg(portPart));
        t.port = port;
    }
    t.host = hostPart;
    if (!path.isEmpty())
        t.vhost = decoded(path);
    for (const QString &kv : query.split(u'&', Qt::SkipEmptyParts)) {
        const QString key = kv.section(u'=', 0, 0).toLower();
        const QString value = kv.section(u'=', 1).toLower();
        if (key == u"ssl" && (value == u"1" || value == u"true" || value == u"yes")) {
            if (!t.tls && portPart.isEmpty())
                t.port = 5671;
            t.tls = true;
        }
    }
    return t;
}

} // namespace turnstile
