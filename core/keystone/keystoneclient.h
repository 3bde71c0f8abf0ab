#pragma once

#include "keystone/httpresult.h"
#include "keystone/responses.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QDateTime>
#include <QSslConfiguration>
#include <QStringList>

#include <memory>

class QNetworkAccessManager;

namespace turnstile {

// An id taken from a response or typed by a user, as one segment of an API
// path: percent-encoded, so "../x" or "a?b" can never reach another resource.
// The one way every caller puts an id into a path.
QString apiPathSegment(const QString &id);

// A blocking Keystone v3 client. Each call runs a local event loop until the
// reply, the timeout or the size cap, so it must live on a worker thread (or in
// turnstilectl, which has no window to freeze). One instance per thread: its
// QNetworkAccessManager belongs to the thread that created it.
class KeystoneClient
{
public:
    KeystoneClient(const Profile &profile, const Secrets &secrets);
    ~KeystoneClient();
    KeystoneClient(const KeystoneClient &) = delete;
    KeystoneClient &operator=(const KeystoneClient &) = delete;

    // Responses larger than this are cut off and reported, never buffered whole.
    void setBodyLimit(qint64 bytes) { m_bodyLimit = bytes; }
    qint64 bodyLimit() const { return m_bodyLimit; }

    // GET on the auth URL; follows the version document to the v3 base.
    VersionInfo discover();
    // POST /v3/auth/tokens. Stores the token as this client's X-Auth-Token.
    TokenInfo issueToken(bool withCatalog = false);
    // GET or HEAD /v3/auth/tokens with X-Subject-Token. 200 and 204 are success.
    HttpResult validateToken(const QByteArray &subjectToken, bool head = false,
                             bool allowExpired = false);
    // DELETE /v3/auth/tokens. For guarded actions and the lab only.
    HttpResult revokeToken(const QByteArray &subjectToken);
    // GET <v3>/<path>, authenticated with the current token.
    HttpResult get(const QString &pathAndQuery);
    // GET an absolute URL (links.next, /healthcheck). Only URLs on the
    // profile's own scheme, host and port are fetched, so a crafted "next"
    // link cannot send the token elsewhere.
    HttpResult getAbsolute(const QUrl &url, bool authenticated = true);
    // The same with headers of the caller's own instead of the token (a
    // Prometheus query API behind basic auth or a bearer token: the one
    // blocking HTTP path, with its timeout, body cap and TLS settings).
    HttpResult getAbsoluteWithHeaders(const QUrl &url,
                                      const QList<QPair<QByteArray, QByteArray>> &headers);
    // POST/PATCH <v3>/<path> with a JSON body, authenticated.
    HttpResult post(const QString &pathAndQuery, const QByteArray &json);
    HttpResult patch(const QString &pathAndQuery, const QByteArray &json);
    // PUT (an empty body for role grants) and DELETE <v3>/<path>, authenticated.
    // For guarded actions and the lab only.
    HttpResult put(const QString &pathAndQuery, const QByteArray &json = {});
    HttpResult remove(const QString &pathAndQuery);
    // The identity root (the auth URL without its /v3 suffix).
    QUrl rootUrl() const;

    QUrl v3Base() const { return m_v3; }
    // The TLS settings every request of this client uses (the profile's CA
    // bundle, client certificate, verification), for other sockets to the
    // same endpoint (the benchmark's connections). Not usable when
    // sslSetupError() is set.
    QSslConfiguration sslConfiguration() const { return m_ssl; }
    QString sslSetupError() const { return m_sslSetupError; }
    QByteArray authToken() const { return m_authToken; }
    void setAuthToken(const QByteArray &t) { m_authToken = t; }

    // Header limits commonly configured in front of OpenStack APIs.
    static constexpr qint64 kHeaderWarn = 4096;
    static constexpr qint64 kHeaderCritical = 8192;
    static QStringList sizeWarnings(qint64 tokenBytes, qint64 catalogBytes);

private:
    // Follows same-origin redirects only (at most 5), each through sendOnce().
    HttpResult send(const QByteArray &verb, const QUrl &url, const QByteArray &body,
                    const QList<QPair<QByteArray, QByteArray>> &headers);
    HttpResult sendOnce(const QByteArray &verb, const QUrl &url, const QByteArray &body,
                        const QList<QPair<QByteArray, QByteArray>> &headers);
    QUrl v3Url(const QString &pathAndQuery) const;

    Profile m_profile;
    Secrets m_secrets;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    QSslConfiguration m_ssl;
    QString m_sslSetupError;
    QUrl m_v3;
    QByteArray m_authToken;
    qint64 m_bodyLimit = 32 * 1024 * 1024;
};

} // namespace turnstile
