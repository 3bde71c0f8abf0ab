#include "keystone/responses.h"

#include "keystone/keystoneclient.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace turnstile {

namespace {

// These messages belong to the "KeystoneClient" translation context, where
// they were written before the parsers left keystoneclient.cpp.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(KeystoneClient)
};

QString where(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery).toString();
}

} // namespace

VersionInfo parseVersionDocument(const HttpResult &http, const QUrl &authUrl, const QUrl &currentV3)
{
    VersionInfo v;
    v.http = http;
    if (!v.http.ok()) {
        v.error = v.http.error;
        return v;
    }
    QJsonParseError pe{};
    const QJsonObject doc = QJsonDocument::fromJson(v.http.body, &pe).object();
    if (pe.error != QJsonParseError::NoError) {
        v.error = Tr::tr("The version document at %1 is not JSON (%2).")
                      .arg(where(authUrl), pe.errorString());
        return v;
    }
    auto selfLink = [](const QJsonObject &ver) {
        for (const QJsonValue &l : ver.value(u"links").toArray())
            if (l.toObject().value(u"rel").toString() == u"self")
                return QUrl(l.toObject().value(u"href").toString());
        return QUrl();
    };
    QJsonObject ver = doc.value(u"version").toObject();
    if (ver.isEmpty()) {
        // Root document: {"versions": {"values": [...]}}
        for (const QJsonValue &val : doc.value(u"versions").toObject().value(u"values").toArray()) {
            if (val.toObject().value(u"id").toString().startsWith(u"v3")) {
                ver = val.toObject();
                break;
            }
        }
    }
    if (ver.isEmpty()) {
        v.error = Tr::tr("%1 does not advertise the Identity v3 API.").arg(where(authUrl));
        return v;
    }
    v.id = ver.value(u"id").toString();
    v.status = ver.value(u"status").toString();
    QUrl self = selfLink(ver);
    if (self.isValid() && !self.isEmpty()) {
        // Keystone behind a proxy often advertises an internal host name; keep the
        // scheme, host and port the operator configured, take only the path.
        QUrl base = authUrl;
        QString path = self.path();
        while (path.endsWith(u'/'))
            path.chop(1);
        base.setPath(path);
        base.setQuery(QString());
        v.v3Url = base;
    } else {
        v.v3Url = currentV3;
    }
    return v;
}

TokenInfo parseTokenResponse(const HttpResult &http)
{
    TokenInfo t;
    t.http = http;
    if (!t.http.ok()) {
        t.error = t.http.error;
        return t;
    }
    t.token = t.http.header("x-subject-token");
    if (t.token.isEmpty()) {
        t.error =
            Tr::tr("Keystone answered %1 but sent no X-Subject-Token header.").arg(t.http.status);
        return t;
    }
    t.tokenBytes = t.token.size();
    QJsonParseError pe{};
    const QJsonObject tok =
        QJsonDocument::fromJson(t.http.body, &pe).object().value(u"token").toObject();
    if (pe.error != QJsonParseError::NoError || tok.isEmpty()) {
        t.error = Tr::tr("The token response from %1 is not a Keystone token document.")
                      .arg(where(t.http.url));
        return t;
    }
    t.expiresAt = QDateTime::fromString(tok.value(u"expires_at").toString(), Qt::ISODateWithMs);
    const QJsonArray audit = tok.value(u"audit_ids").toArray();
    if (!audit.isEmpty())
        t.auditId = audit.first().toString();
    t.userId = tok.value(u"user").toObject().value(u"id").toString();
    t.projectId = tok.value(u"project").toObject().value(u"id").toString();
    if (tok.contains(u"catalog"))
        t.catalogBytes =
            QJsonDocument(tok.value(u"catalog").toArray()).toJson(QJsonDocument::Compact).size();
    t.warnings = KeystoneClient::sizeWarnings(t.tokenBytes, t.catalogBytes);
    return t;
}

} // namespace turnstile
