#include "keystone/identityapi.h"

#include "keystone/keystoneclient.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QUrlQuery>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(IdentityApi)
};

QDateTime keystoneTime(const QJsonValue &v)
{
    // Keystone writes "2026-11-23T12:30:10.000000Z": microseconds, which
    // Qt's ISO parser does not take; keep milliseconds.
    QString s = v.toString();
    const qsizetype dot = s.indexOf(u'.');
    if (dot > 0) {
        const qsizetype z = s.indexOf(u'Z', dot);
        s = s.left(std::min(dot + 4, z > 0 ? z : s.size())) + u'Z';
    }
    QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
    t.setTimeSpec(Qt::UTC);
    return t;
}
} // namespace

ListResult listAll(KeystoneClient &client, const QString &pathAndQuery, const QString &key,
                   int maxPages)
{
    ListResult r;
    QString next = pathAndQuery;
    QSet<QString> seen;
    while (!next.isEmpty() && r.pages < maxPages) {
        if (seen.contains(next)) {
            r.error = Tr::tr("Keystone's pagination for %1 points back to a page already read.")
                          .arg(pathAndQuery);
            return r;
        }
        seen.insert(next);
        const HttpResult h =
            next.startsWith(u"http") ? client.getAbsolute(QUrl(next)) : client.get(next);
        if (!h.ok()) {
            r.error = h.error;
            return r;
        }
        ++r.pages;
        QJsonParseError pe{};
        const QJsonObject doc = QJsonDocument::fromJson(h.body, &pe).object();
        if (pe.error != QJsonParseError::NoError || !doc.value(key).isArray()) {
            r.error =
                Tr::tr("The answer for %1 is not a Keystone \"%2\" list.").arg(pathAndQuery, key);
            return r;
        }
        for (const QJsonValue &v : doc.value(key).toArray())
            r.items.append(v);
        r.truncated = r.truncated || doc.value(u"truncated").toBool();
        next = doc.value(u"links").toObject().value(u"next").toString();
    }
    if (!next.isEmpty())
        r.truncated = true;
    return r;
}

RevocationEvent::Kind RevocationEvent::kind() const
{
    if (!auditId.isEmpty() || !auditChainId.isEmpty())
        return Kind::AuditId;
    if (!userId.isEmpty())
        return Kind::User;
    if (!projectId.isEmpty())
        return Kind::Project;
    if (!domainId.isEmpty())
        return Kind::Domain;
    return Kind::Other;
}

RevocationEventsResult parseRevocationEvents(const HttpResult &http)
{
    RevocationEventsResult r;
    r.http = http;
    if (!http.ok()) {
        r.error = http.error;
        return r;
    }
    QJsonParseError pe{};
    const QJsonObject doc = QJsonDocument::fromJson(http.body, &pe).object();
    if (pe.error != QJsonParseError::NoError || !doc.value(u"events").isArray()) {
        r.error = Tr::tr("The revocation list from %1 is not a Keystone OS-REVOKE document.")
                      .arg(http.url.adjusted(QUrl::RemoveQuery).toString());
        return r;
    }
    for (const QJsonValue &v : doc.value(u"events").toArray()) {
        const QJsonObject o = v.toObject();
        RevocationEvent e;
        e.auditId = o.value(u"audit_id").toString();
        e.auditChainId = o.value(u"audit_chain_id").toString();
        e.userId = o.value(u"user_id").toString();
        e.projectId = o.value(u"project_id").toString();
        e.domainId = o.value(u"domain_id").toString();
        e.roleId = o.value(u"role_id").toString();
        e.trustId = o.value(u"OS-TRUST:trust_id").toString(o.value(u"trust_id").toString());
        e.issuedBefore = keystoneTime(o.value(u"issued_before"));
        e.revokedAt = keystoneTime(o.value(u"revoked_at"));
        r.events.append(e);
    }
    return r;
}

RevocationEventsResult listRevocationEvents(KeystoneClient &client, const QDateTime &since)
{
    QString path = QStringLiteral("/OS-REVOKE/events");
    if (since.isValid()) {
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("since"), since.toUTC().toString(Qt::ISODate));
        path += u'?' + q.toString(QUrl::FullyEncoded);
    }
    return parseRevocationEvents(client.get(path));
}

CatalogResult parseCatalog(const HttpResult &http)
{
    CatalogResult r;
    r.http = http;
    if (!http.ok()) {
        r.error = http.error;
        return r;
    }
    QJsonParseError pe{};
    const QJsonObject doc = QJsonDocument::fromJson(http.body, &pe).object();
    if (pe.error != QJsonParseError::NoError || !doc.value(u"catalog").isArray()) {
        r.error = Tr::tr("The catalog from %1 is not a Keystone catalog document.")
                      .arg(http.url.toString());
        return r;
    }
    const QJsonArray catalog = doc.value(u"catalog").toArray();
    r.catalogBytes = QJsonDocument(catalog).toJson(QJsonDocument::Compact).size();
    r.services = int(catalog.size());
    QSet<QString> regions;
    for (const QJsonValue &svc : catalog)
        for (const QJsonValue &ep : svc.toObject().value(u"endpoints").toArray()) {
            const QJsonObject e = ep.toObject();
            const QString region = e.value(u"region_id").toString(e.value(u"region").toString());
            if (!region.isEmpty())
                regions.insert(region);
        }
    r.regions = QStringList(regions.begin(), regions.end());
    r.regions.sort();
    return r;
}

CatalogResult fetchCatalog(KeystoneClient &client)
{
    return parseCatalog(client.get(QStringLiteral("/auth/catalog")));
}

HealthResult healthcheck(KeystoneClient &client)
{
    HealthResult r;
    QUrl url = client.rootUrl();
    url.setPath(url.path() + QStringLiteral("/healthcheck"));
    r.http = client.getAbsolute(url, false);
    if (r.http.status == 404) {
        r.enabled = false;
        return r;
    }
    r.enabled = r.http.status > 0;
    // oslo.middleware answers 200 when healthy and 503 when a check failed
    // (for example the disable-by-file switch of a node being drained).
    r.healthy = r.http.status == 200 || r.http.status == 204;
    if (!r.healthy)
        r.error = r.http.error.isEmpty() ? Tr::tr("The healthcheck answered %1.").arg(r.http.status)
                                         : r.http.error;
    return r;
}

} // namespace turnstile
