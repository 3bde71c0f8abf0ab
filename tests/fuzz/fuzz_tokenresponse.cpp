// libFuzzer target: a Keystone response body through the pure response
// parsers (token document and version document).
#include "keystone/responses.h"

#include <QByteArray>

#include <cstdint>
#include <cstdlib>

using namespace turnstile;

namespace {

// Every failure must come with a sentence.
void check(bool condition)
{
    if (!condition)
        abort();
}

HttpResult answer(const QByteArray &method, const QUrl &url, int status, const QByteArray &body,
                  const QByteArray &subjectToken = {})
{
    HttpResult http;
    http.method = method;
    http.url = url;
    http.status = status;
    http.body = body;
    http.bodyBytes = body.size();
    http.headers = {{"content-type", "application/json"}, {"vary", "X-Auth-Token"}};
    if (!subjectToken.isEmpty())
        http.headers.append({"x-subject-token", subjectToken});
    return http;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QUrl authUrl(QStringLiteral("https://keystone.example.com:5000/"));
    static const QUrl tokensUrl(
        QStringLiteral("https://keystone.example.com:5000/v3/auth/tokens?nocatalog"));
    static const QByteArray token = QByteArray("gAAAAAB").append(176, 'x');

    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));

    const TokenInfo t = parseTokenResponse(answer("POST", tokensUrl, 201, body, token));
    check(t.ok() || !t.error.isEmpty());
    check(t.token == token);

    const VersionInfo v = parseVersionDocument(answer("GET", authUrl, 300, body), authUrl, QUrl());
    check(v.ok() || !v.error.isEmpty());
    return 0;
}
