#pragma once

#include "keystone/httpresult.h"

#include <QDateTime>
#include <QStringList>
#include <QUrl>

namespace turnstile {

struct VersionInfo
{
    HttpResult http;
    QString id;     // "v3.14"
    QString status; // "stable"
    QUrl v3Url;     // the identity v3 base used for every other call
    QString error;
    bool ok() const { return error.isEmpty(); }
};

struct TokenInfo
{
    HttpResult http;
    QByteArray token; // the X-Subject-Token value; keep in memory only
    qint64 tokenBytes = 0;
    qint64 catalogBytes = 0; // size of the serialised catalog in the body, 0 with ?nocatalog
    QDateTime expiresAt;
    QString auditId;
    QString userId;
    QString projectId;
    QStringList warnings; // header-size warnings
    QString error;
    bool ok() const { return error.isEmpty(); }
};

// Pure readers of Keystone's answers: no network, no state, so they can be
// unit-tested and fuzzed on their own. A failed exchange (!http.ok()) gives
// its error back unchanged.

// GET <auth URL>: a version document ({"version": ...}) or the root document
// ({"versions": {"values": [...]}}). The v3 base keeps the scheme, host and
// port of authUrl and takes only the path of the "self" link; without one it
// is currentV3.
VersionInfo parseVersionDocument(const HttpResult &http, const QUrl &authUrl,
                                 const QUrl &currentV3);
// POST /v3/auth/tokens: the X-Subject-Token header and the token document.
TokenInfo parseTokenResponse(const HttpResult &http);

} // namespace turnstile
