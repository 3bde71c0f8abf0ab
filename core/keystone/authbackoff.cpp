#include "keystone/authbackoff.h"

#include "keystone/keystoneclient.h"
#include "util/apppaths.h"
#include "util/timetext.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QPasswordDigestor>
#include <QRandomGenerator>
#include <QSaveFile>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(AuthBackoff)
};

// Guards the read-modify-write of the file between the pool threads of one
// process. Two processes racing cost at most one extra attempt each.
QMutex s_mutex;

// A slow salted hash: the file must not make a weak password cheap to test
// for someone who can read it.
constexpr int kIterations = 20000;

QByteArray fingerprint(const Profile &p, const Secrets &s, const QByteArray &salt)
{
    QByteArray material;
    for (const QString &part :
         {p.authUrl.toString(), authMethodToString(p.authMethod), p.username, p.userId,
          p.userDomainName, p.userDomainId, p.applicationCredentialId, p.applicationCredentialName,
          s.password, s.applicationCredentialSecret, s.token}) {
        material += part.toUtf8();
        material += '\0';
    }
    const QByteArray fp = QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, material,
                                                             salt, kIterations, 32)
                              .toHex();
    material.fill('\0');
    return fp;
}

QJsonObject load()
{
    QFile f(AuthBackoff::path());
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.read(1 << 20)).object();
}

void save(const QJsonObject &o)
{
    const QString file = AuthBackoff::path();
    // Owner-only directory and file first: QSaveFile keeps the file's mode.
    if (!AppPaths::makePrivateFile(file))
        return;
    QSaveFile f(file);
    if (!f.open(QIODevice::WriteOnly))
        return;
    f.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
    f.commit();
}
} // namespace

QString AuthBackoff::path()
{
    return AppPaths::authStateFile();
}

std::optional<AuthBackoff::Stop> AuthBackoff::stopped(const Profile &profile,
                                                      const Secrets &secrets)
{
    QMutexLocker lock(&s_mutex);
    const QJsonObject e = load().value(profile.name).toObject();
    if (e.isEmpty())
        return std::nullopt;
    const QByteArray salt = QByteArray::fromHex(e.value(u"salt").toString().toLatin1());
    if (salt.isEmpty() ||
        fingerprint(profile, secrets, salt) != e.value(u"fingerprint").toString().toLatin1())
        return std::nullopt; // the credentials changed since: try them
    Stop s;
    s.at = QDateTime::fromString(e.value(u"at").toString(), Qt::ISODate);
    s.message = e.value(u"message").toString();
    return s;
}

void AuthBackoff::recordRejected(const Profile &profile, const Secrets &secrets,
                                 const QString &message)
{
    QByteArray salt(16, '\0');
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(salt.data()), 4);
    const QByteArray fp = fingerprint(profile, secrets, salt);
    QMutexLocker lock(&s_mutex);
    QJsonObject all = load();
    all.insert(
        profile.name,
        QJsonObject{{QStringLiteral("salt"), QString::fromLatin1(salt.toHex())},
                    {QStringLiteral("fingerprint"), QString::fromLatin1(fp)},
                    {QStringLiteral("at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)},
                    {QStringLiteral("message"), message}});
    save(all);
}

void AuthBackoff::clear(const QString &profileName)
{
    QMutexLocker lock(&s_mutex);
    QJsonObject all = load();
    if (!all.contains(profileName))
        return;
    all.remove(profileName);
    save(all);
}

TokenInfo AuthBackoff::issueToken(KeystoneClient &client, const Profile &profile,
                                  const Secrets &secrets, bool withCatalog, bool *refused)
{
    if (refused)
        *refused = false;
    if (const auto stop = stopped(profile, secrets)) {
        TokenInfo t;
        t.http.status = 401;
        t.error = Tr::tr("Keystone rejected these credentials at %1; Turnstile does not try them "
                         "again until they change, so as not to lock the account.")
                      .arg(formatUtcTime(stop->at));
        if (refused)
            *refused = true;
        return t;
    }
    TokenInfo t = client.issueToken(withCatalog);
    if (t.http.status == 401)
        recordRejected(profile, secrets, t.error);
    else if (t.ok())
        clear(profile.name);
    return t;
}

} // namespace turnstile
