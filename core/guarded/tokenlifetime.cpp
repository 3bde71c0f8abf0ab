#include "guarded/tokenlifetime.h"

#include "keystone/keystoneclient.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(TokenLifetime)
};
} // namespace

std::optional<qint64> liveTokenLifetime(const Profile &profile, const Secrets &secrets,
                                        QString *error)
{
    auto fail = [&](const QString &why) -> std::optional<qint64> {
        if (error)
            *error = why;
        return std::nullopt;
    };
    if (!profile.authUrl.isValid() || profile.authUrl.isEmpty())
        return fail(Tr::tr("the profile has no Keystone URL"));
    if (secrets.password.isEmpty() && secrets.applicationCredentialSecret.isEmpty() &&
        secrets.token.isEmpty())
        return fail(Tr::tr("no Keystone credentials are available"));
    KeystoneClient client(profile, secrets);
    const TokenInfo t = client.issueToken();
    if (!t.ok())
        return fail(t.error);
    // TokenInfo carries expires_at only; issued_at is read from the same body.
    const QJsonObject tok =
        QJsonDocument::fromJson(t.http.body).object().value(u"token").toObject();
    const QDateTime issued =
        QDateTime::fromString(tok.value(u"issued_at").toString(), Qt::ISODateWithMs);
    if (!issued.isValid() || !t.expiresAt.isValid())
        return fail(Tr::tr("the token Keystone issued has no issued_at or expires_at"));
    const qint64 secs = issued.secsTo(t.expiresAt);
    if (secs <= 0)
        return fail(Tr::tr("the token Keystone issued expires before it was issued"));
    // A token can be cut short by an application credential's or a trust's
    // expiry, so this figure is a lower bound: callers take the larger of it
    // and the configured value, never the smaller.
    return secs;
}

} // namespace turnstile
