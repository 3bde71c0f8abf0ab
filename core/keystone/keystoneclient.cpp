#include "keystone/keystoneclient.h"

#include "keystone/authrequest.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslCertificate>
#include <QSslError>
#include <QSslKey>
#include <QTimer>
#include <QUrl>

namespace turnstile {

QString apiPathSegment(const QString &id)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(id));
}

namespace {

// lupdate resolves Tr::tr() through this declaration to the "KeystoneClient"
// context; a free Tr::tr() wrapper would leave the strings context-less.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(KeystoneClient)
};

QString where(const QUrl &url)
{
    return url.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery).toString();
}

int defaultPort(const QUrl &u)
{
    return u.port(u.scheme() == u"https" ? 443 : u.scheme() == u"http" ? 80 : -1);
}

bool sameOrigin(const QUrl &a, const QUrl &b)
{
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0 &&
           a.host().compare(b.host(), Qt::CaseInsensitive) == 0 && defaultPort(a) == defaultPort(b);
}

QString describeStatus(int status, const QByteArray &method, const QUrl &url,
                       const QByteArray &body)
{
    // Keystone's error documents carry a human message; keep it short.
    QString detail;
    const QJsonObject err = QJsonDocument::fromJson(body).object().value(u"error").toObject();
    if (!err.isEmpty())
        detail = err.value(u"message").toString().left(200);
    const QString target = QStringLiteral("%1 %2").arg(QString::fromLatin1(method), where(url));
    QString msg;
    if (status == 401)
        msg = Tr::tr("Keystone rejected the credentials (401) for %1; check the user, password or "
                     "secret, and whether "
                     "the account is locked.")
                  .arg(target);
    else if (status == 403)
        msg = Tr::tr("Keystone refused the request (403) for %1; the account lacks the role or "
                     "scope it needs.")
                  .arg(target);
    else if (status == 404)
        msg = Tr::tr("Not found (404) at %1.").arg(target);
    else if (status >= 500)
        msg = Tr::tr("Keystone failed with a server error (%1) at %2.").arg(status).arg(target);
    else
        msg = Tr::tr("Unexpected HTTP status %1 from %2.").arg(status).arg(target);
    if (!detail.isEmpty() && status != 401)
        msg += QLatin1Char(' ') + Tr::tr("Keystone said: %1").arg(detail);
    return msg;
}

QString describeNetworkError(QNetworkReply::NetworkError e, const QString &qtText, const QUrl &url,
                             const QList<QSslError> &sslErrors)
{
    const QString host = url.host();
    const QString hp = url.port() > 0 ? QStringLiteral("%1:%2").arg(host).arg(url.port()) : host;
    switch (e) {
    case QNetworkReply::ConnectionRefusedError:
        return Tr::tr("Connection refused by %1: nothing listens there, or a firewall rejects it.")
            .arg(hp);
    case QNetworkReply::HostNotFoundError:
        return Tr::tr("The host name %1 cannot be resolved (DNS).").arg(host);
    case QNetworkReply::RemoteHostClosedError:
        return Tr::tr("%1 closed the connection before answering.").arg(hp);
    case QNetworkReply::TooManyRedirectsError:
    case QNetworkReply::InsecureRedirectError:
        return Tr::tr("Too many or unsafe redirects starting at %1 (a redirect loop?).")
            .arg(where(url));
    case QNetworkReply::SslHandshakeFailedError: {
        QStringList reasons;
        for (const QSslError &s : sslErrors) {
            switch (s.error()) {
            case QSslError::UnableToGetLocalIssuerCertificate:
            case QSslError::UnableToGetIssuerCertificate:
            case QSslError::SelfSignedCertificateInChain:
            case QSslError::SelfSignedCertificate:
            case QSslError::UnableToVerifyFirstCertificate:
            case QSslError::CertificateUntrusted:
                reasons.append(Tr::tr(
                    "the certificate is signed by an unknown CA (set a CA bundle in the profile)"));
                break;
            case QSslError::HostNameMismatch:
                reasons.append(Tr::tr("the certificate does not match the host name %1").arg(host));
                break;
            case QSslError::CertificateExpired:
                reasons.append(Tr::tr("the certificate has expired"));
                break;
            case QSslError::CertificateNotYetValid:
                reasons.append(Tr::tr("the certificate is not yet valid"));
                break;
            default:
                reasons.append(s.errorString());
            }
        }
        reasons.removeDuplicates();
        if (reasons.isEmpty())
            reasons.append(qtText);
        return Tr::tr("TLS verification of %1 failed: %2.")
            .arg(hp, reasons.join(QStringLiteral("; ")));
    }
    default:
        // OpenSSL reports a missing client certificate as a TLS alert on read.
        if (qtText.contains(QStringLiteral("certificate required"), Qt::CaseInsensitive))
            return Tr::tr("%1 requires a client certificate; set one (and its key) in the profile.")
                .arg(hp);
        return Tr::tr("Cannot reach %1: %2").arg(hp, qtText);
    }
}

} // namespace

KeystoneClient::KeystoneClient(const Profile &profile, const Secrets &secrets)
    : m_profile(profile), m_secrets(secrets), m_nam(std::make_unique<QNetworkAccessManager>())
{
    // Redirects are followed by send() itself: Qt would copy every header
    // (X-Auth-Token) and a 307's body (the password) onto a redirected request
    // to any host, so only the same origin is followed.
    m_nam->setRedirectPolicy(QNetworkRequest::ManualRedirectPolicy);
    m_ssl = QSslConfiguration::defaultConfiguration();
    if (!profile.caCertFile.isEmpty()) {
        const QList<QSslCertificate> cas = QSslCertificate::fromPath(profile.caCertFile, QSsl::Pem);
        if (cas.isEmpty())
            m_sslSetupError = Tr::tr("The CA bundle %1 is missing or holds no PEM certificate.")
                                  .arg(profile.caCertFile);
        else
            m_ssl.addCaCertificates(cas);
    }
    if (!profile.clientCertFile.isEmpty()) {
        const QList<QSslCertificate> certs =
            QSslCertificate::fromPath(profile.clientCertFile, QSsl::Pem);
        if (certs.isEmpty()) {
            m_sslSetupError = Tr::tr("The client certificate %1 is missing or not PEM.")
                                  .arg(profile.clientCertFile);
        } else {
            m_ssl.setLocalCertificate(certs.first());
            QFile kf(profile.clientKeyFile.isEmpty() ? profile.clientCertFile
                                                     : profile.clientKeyFile);
            QSslKey key;
            if (kf.open(QIODevice::ReadOnly)) {
                const QByteArray pem = kf.readAll();
                for (QSsl::KeyAlgorithm alg : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
                    key = QSslKey(pem, alg, QSsl::Pem);
                    if (!key.isNull())
                        break;
                }
            }
            if (key.isNull())
                m_sslSetupError = Tr::tr("The client key %1 is missing, encrypted or not PEM.")
                                      .arg(kf.fileName());
            else
                m_ssl.setPrivateKey(key);
        }
    }
    if (!profile.verifyTls)
        m_ssl.setPeerVerifyMode(QSslSocket::VerifyNone);

    // The v3 base is the auth URL when it already names v3; otherwise discovery finds it.
    QUrl u = profile.authUrl;
    QString path = u.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (path.endsWith(u"/v3")) {
        u.setPath(path);
        m_v3 = u;
    }
}

KeystoneClient::~KeystoneClient() = default;

QUrl KeystoneClient::v3Url(const QString &pathAndQuery) const
{
    QUrl base = m_v3.isValid() && !m_v3.isEmpty() ? m_v3 : m_profile.authUrl;
    QString rel = pathAndQuery;
    QString query;
    const qsizetype q = rel.indexOf(u'?');
    if (q >= 0) {
        query = rel.mid(q + 1);
        rel = rel.left(q);
    }
    QString path = base.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    // TolerantMode: a path segment arrives percent-encoded (apiPathSegment), and
    // DecodedMode would encode its '%' again, sending "%252F" for an id's "/".
    base.setPath(path + (rel.startsWith(u'/') ? rel : u'/' + rel), QUrl::TolerantMode);
    base.setQuery(query.isEmpty() ? QString() : query);
    return base;
}

HttpResult KeystoneClient::send(const QByteArray &verb, const QUrl &url, const QByteArray &body,
                                const QList<QPair<QByteArray, QByteArray>> &headers)
{
    constexpr int kMaxRedirects = 5;
    QUrl at = url;
    qint64 elapsedUs = 0;
    for (int redirects = 0;; ++redirects) {
        HttpResult r = sendOnce(verb, at, body, headers);
        elapsedUs += r.elapsedUs;
        r.elapsedUs = elapsedUs;
        const QByteArray location = r.header("location");
        const bool redirect = (r.status == 301 || r.status == 302 || r.status == 303 ||
                               r.status == 307 || r.status == 308) &&
                              !location.isEmpty();
        if (!redirect)
            return r;
        const QUrl target = at.resolved(QUrl::fromEncoded(location));
        if (!sameOrigin(url, target)) {
            r.error = Tr::tr("%1 redirected to %2, another host, port or scheme; Turnstile does "
                             "not send credentials there and did not follow it.")
                          .arg(where(at), where(target));
            return r;
        }
        if (redirects >= kMaxRedirects) {
            r.error = describeNetworkError(QNetworkReply::TooManyRedirectsError, {}, url, {});
            return r;
        }
        at = target;
    }
}

HttpResult KeystoneClient::sendOnce(const QByteArray &verb, const QUrl &url, const QByteArray &body,
                                    const QList<QPair<QByteArray, QByteArray>> &headers)
{
    HttpResult r;
    r.method = verb;
    r.url = url.adjusted(QUrl::RemoveUserInfo);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https")) {
        r.error = Tr::tr("The endpoint \"%1\" is not an http(s) URL.").arg(url.toString());
        return r;
    }
    if (url.scheme() == u"https" && !m_sslSetupError.isEmpty()) {
        r.error = m_sslSetupError;
        return r;
    }
    QNetworkRequest req(url);
    req.setRawHeader("Accept", "application/json");
    req.setRawHeader("User-Agent", "turnstile/" TURNSTILE_VERSION);
    for (const auto &[k, v] : headers)
        req.setRawHeader(k, v);
    if (!body.isEmpty())
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (url.scheme() == u"https")
        req.setSslConfiguration(m_ssl);

    QElapsedTimer timer;
    timer.start();
    // Standard verbs through their own calls, anything else as a custom one.
    QNetworkReply *reply = nullptr;
    if (verb == "GET")
        reply = m_nam->get(req);
    else if (verb == "HEAD")
        reply = m_nam->head(req);
    else if (verb == "POST")
        reply = m_nam->post(req, body);
    else if (verb == "DELETE")
        reply = m_nam->deleteResource(req);
    else
        reply = m_nam->sendCustomRequest(req, verb, body);
    QEventLoop loop;
    bool timedOut = false;
    bool tooLarge = false;
    QList<QSslError> sslErrors;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, [&] {
        timedOut = true;
        reply->abort();
    });
    QObject::connect(reply, &QNetworkReply::sslErrors, &loop,
                     [&](const QList<QSslError> &errs) { sslErrors = errs; });
    QObject::connect(reply, &QNetworkReply::downloadProgress, &loop, [&](qint64 received, qint64) {
        if (received > m_bodyLimit && !tooLarge) {
            tooLarge = true;
            reply->abort();
        }
    });
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    deadline.start(std::max(100, m_profile.timeoutMs));
    if (!reply->isFinished())
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    deadline.stop();
    r.elapsedUs = timer.nsecsElapsed() / 1000;

    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (!tooLarge && reply->isOpen())
        r.body = reply->readAll();
    r.bodyBytes = r.body.size();
    for (const auto &[k, v] : reply->rawHeaderPairs())
        r.headers.append({k.toLower(), v});

    if (timedOut) {
        r.status = 0;
        r.error = Tr::tr("No answer from %1 within %2 s (timeout).")
                      .arg(where(url))
                      .arg(m_profile.timeoutMs / 1000.0);
    } else if (tooLarge) {
        r.error = Tr::tr("The response from %1 exceeds the %2 MiB limit and was cut off.")
                      .arg(where(url))
                      .arg(m_bodyLimit / (1024 * 1024));
    } else if ((reply->error() != QNetworkReply::NoError && r.status == 0) ||
               (reply->error() > QNetworkReply::NoError &&
                reply->error() < QNetworkReply::ContentAccessDenied)) {
        // Transport-level failures (below Qt's HTTP-status range) win over a
        // status that may be set, e.g. the last 302 of a redirect loop.
        r.error = describeNetworkError(reply->error(), reply->errorString(), url, sslErrors);
    } else if (r.status >= 300 && !(r.status == 300 && verb == "GET")) {
        r.error = describeStatus(r.status, verb, url, r.body);
    }
    reply->deleteLater();
    return r;
}

VersionInfo KeystoneClient::discover()
{
    const VersionInfo v =
        parseVersionDocument(send("GET", m_profile.authUrl, {}, {}), m_profile.authUrl, m_v3);
    if (v.ok() && v.v3Url.isValid() && !v.v3Url.isEmpty())
        m_v3 = v.v3Url;
    return v;
}

QStringList KeystoneClient::sizeWarnings(qint64 tokenBytes, qint64 catalogBytes)
{
    QStringList w;
    auto check = [&](qint64 n, const QString &what) {
        if (n > kHeaderCritical)
            w.append(
                Tr::tr(
                    "%1 is %2 bytes, above the common 8 KB header limit; requests will fail behind "
                    "default proxies.")
                    .arg(what)
                    .arg(n));
        else if (n > kHeaderWarn)
            w.append(Tr::tr("%1 is %2 bytes, above the 4 KB header limit of some proxies.")
                         .arg(what)
                         .arg(n));
    };
    check(tokenBytes, Tr::tr("The token"));
    check(catalogBytes, Tr::tr("The catalog"));
    return w;
}

TokenInfo KeystoneClient::issueToken(bool withCatalog)
{
    TokenInfo t;
    if (m_v3.isEmpty()) {
        const VersionInfo v = discover();
        if (!v.ok()) {
            t.error = v.error;
            t.http = v.http;
            return t;
        }
    }
    QString err;
    const QJsonObject req = buildAuthRequest(m_profile, m_secrets, &err);
    if (req.isEmpty()) {
        t.error = err;
        return t;
    }
    t = parseTokenResponse(send("POST",
                                v3Url(withCatalog ? QStringLiteral("/auth/tokens")
                                                  : QStringLiteral("/auth/tokens?nocatalog")),
                                QJsonDocument(req).toJson(QJsonDocument::Compact), {}));
    if (t.ok())
        m_authToken = t.token;
    return t;
}

HttpResult KeystoneClient::validateToken(const QByteArray &subjectToken, bool head,
                                         bool allowExpired)
{
    return send(head ? QByteArrayLiteral("HEAD") : QByteArrayLiteral("GET"),
                v3Url(allowExpired ? QStringLiteral("/auth/tokens?allow_expired=1")
                                   : QStringLiteral("/auth/tokens")),
                {}, {{"X-Auth-Token", m_authToken}, {"X-Subject-Token", subjectToken}});
}

HttpResult KeystoneClient::revokeToken(const QByteArray &subjectToken)
{
    return send("DELETE", v3Url(QStringLiteral("/auth/tokens")), {},
                {{"X-Auth-Token", m_authToken}, {"X-Subject-Token", subjectToken}});
}

HttpResult KeystoneClient::get(const QString &pathAndQuery)
{
    return send("GET", v3Url(pathAndQuery), {}, {{"X-Auth-Token", m_authToken}});
}

HttpResult KeystoneClient::getAbsolute(const QUrl &url, bool authenticated)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    if (authenticated)
        headers.append({"X-Auth-Token", m_authToken});
    return getAbsoluteWithHeaders(url, headers);
}

HttpResult
KeystoneClient::getAbsoluteWithHeaders(const QUrl &url,
                                       const QList<QPair<QByteArray, QByteArray>> &headers)
{
    const QUrl mine = m_profile.authUrl;
    if (url.scheme() != mine.scheme() || url.host() != mine.host() ||
        url.port(-1) != mine.port(-1)) {
        HttpResult r;
        r.method = "GET";
        r.url = url.adjusted(QUrl::RemoveUserInfo);
        r.error = Tr::tr("Refusing to follow %1: it leaves the profile's endpoint %2.")
                      .arg(r.url.toString(),
                           mine.adjusted(QUrl::RemovePath | QUrl::RemoveQuery).toString());
        return r;
    }
    return send("GET", url, {}, headers);
}

HttpResult KeystoneClient::post(const QString &pathAndQuery, const QByteArray &json)
{
    return send("POST", v3Url(pathAndQuery), json, {{"X-Auth-Token", m_authToken}});
}

HttpResult KeystoneClient::patch(const QString &pathAndQuery, const QByteArray &json)
{
    return send("PATCH", v3Url(pathAndQuery), json, {{"X-Auth-Token", m_authToken}});
}

HttpResult KeystoneClient::put(const QString &pathAndQuery, const QByteArray &json)
{
    return send("PUT", v3Url(pathAndQuery), json, {{"X-Auth-Token", m_authToken}});
}

HttpResult KeystoneClient::remove(const QString &pathAndQuery)
{
    return send("DELETE", v3Url(pathAndQuery), {}, {{"X-Auth-Token", m_authToken}});
}

QUrl KeystoneClient::rootUrl() const
{
    QUrl u = m_v3.isEmpty() ? m_profile.authUrl : m_v3;
    QString path = u.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    if (path.endsWith(u"/v3"))
        path.chop(3);
    u.setPath(path);
    u.setQuery(QString());
    return u;
}

} // namespace turnstile
