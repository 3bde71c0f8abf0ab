#pragma once

#include "keystone/httpresult.h"

#include <QDateTime>
#include <QJsonArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace turnstile {

class KeystoneClient;

// Listing calls on top of KeystoneClient. Each returns a value with the items
// it got and a sentence when something went wrong, so a caller can show
// partial data honestly.

struct ListResult
{
    QJsonArray items;
    int pages = 0;
    bool truncated = false; // Keystone hit [DEFAULT] list_limit: the list is incomplete
    QString error;
    bool ok() const { return error.isEmpty(); }
};

// GET a collection ("/users", "/projects"), following links.next until the
// end or maxPages. `key` is the member holding the array ("users").
ListResult listAll(KeystoneClient &client, const QString &pathAndQuery, const QString &key,
                   int maxPages = 1000);

struct RevocationEvent
{
    enum class Kind
    {
        AuditId,
        User,
        Project,
        Domain,
        Other
    };
    QString auditId;
    QString auditChainId;
    QString userId;
    QString projectId;
    QString domainId;
    QString roleId;
    QString trustId;
    QDateTime issuedBefore;
    QDateTime revokedAt;
    // Which rows Keystone's validation path has to scan: per-token (audit id)
    // events are found through an index; user-, project- and domain-wide ones
    // are checked against every token.
    Kind kind() const;
};

struct RevocationEventsResult
{
    QList<RevocationEvent> events;
    HttpResult http;
    QString error;
    bool ok() const { return error.isEmpty(); }
};

// GET /v3/OS-REVOKE/events[?since=...]. Keystone does not paginate this list.
RevocationEventsResult listRevocationEvents(KeystoneClient &client, const QDateTime &since = {});
// Pure parser, for tests and fuzzing.
RevocationEventsResult parseRevocationEvents(const HttpResult &http);

struct CatalogResult
{
    HttpResult http;
    qint64 catalogBytes = 0;
    int services = 0;
    QStringList regions;
    QString error;
    bool ok() const { return error.isEmpty(); }
};

// GET /v3/auth/catalog for the current token.
CatalogResult fetchCatalog(KeystoneClient &client);
CatalogResult parseCatalog(const HttpResult &http);

struct HealthResult
{
    HttpResult http;
    bool enabled = false; // 404: the healthcheck middleware is not deployed
    bool healthy = false;
    QString error;
};

// GET <root>/healthcheck (oslo.middleware), unauthenticated.
HealthResult healthcheck(KeystoneClient &client);

} // namespace turnstile
