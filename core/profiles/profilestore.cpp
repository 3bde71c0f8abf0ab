#include "profiles/profilestore.h"
#include "db/databaseurl.h"
#include "util/apppaths.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSettings>

namespace turnstile {

namespace {
constexpr auto kGroup = "profiles";

// lupdate resolves Tr::tr() through this declaration to the "ProfileStore" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ProfileStore)
};

Profile decode(const QString &name, const QByteArray &json, bool *ok)
{
    *ok = !json.isEmpty();
    if (!*ok)
        return {};
    Profile p = Profile::fromJson(QJsonDocument::fromJson(json).object());
    p.name = name;
    return p;
}

QString encode(const Profile &p)
{
    // One compact JSON value per profile keeps the INI readable and the
    // round-trip exact (QSettings would otherwise mangle lists and types).
    return QString::fromUtf8(QJsonDocument(p.toJson()).toJson(QJsonDocument::Compact));
}
} // namespace

ProfileStore::ProfileStore() : m_file(defaultFile()) {}

ProfileStore::ProfileStore(const QString &settingsFile) : m_file(settingsFile) {}

QString ProfileStore::defaultFile()
{
    return AppPaths::profilesFile();
}

bool ProfileStore::isValidName(const QString &name)
{
    // Names become keychain keys, settings groups and confirmation targets:
    // keep them to a conservative alphabet.
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return re.match(name).hasMatch();
}

QList<Profile> ProfileStore::profiles() const
{
    // One QSettings for the whole list: a QSettings per profile re-reads and
    // re-parses the file each time (45 s for 2,000 profiles).
    QSettings s(m_file, QSettings::IniFormat);
    s.beginGroup(QLatin1String(kGroup));
    QStringList keys = s.childKeys();
    keys.sort();
    QList<Profile> out;
    out.reserve(keys.size());
    for (const QString &n : std::as_const(keys)) {
        bool ok = false;
        Profile p = decode(n, s.value(n).toByteArray(), &ok);
        if (ok)
            out.append(std::move(p));
    }
    return out;
}

QStringList ProfileStore::names() const
{
    QSettings s(m_file, QSettings::IniFormat);
    s.beginGroup(QLatin1String(kGroup));
    QStringList keys = s.childKeys();
    keys.sort();
    return keys;
}

bool ProfileStore::contains(const QString &name) const
{
    return names().contains(name);
}

Profile ProfileStore::profile(const QString &name, bool *found) const
{
    QSettings s(m_file, QSettings::IniFormat);
    s.beginGroup(QLatin1String(kGroup));
    bool ok = false;
    Profile p = decode(name, s.value(name).toByteArray(), &ok);
    if (found)
        *found = ok;
    return p;
}

bool ProfileStore::save(const Profile &p, QString *error,
                        QHash<QString, QString> *databasePasswords)
{
    return saveAll({p}, error, databasePasswords);
}

bool ProfileStore::saveAll(const QList<Profile> &profiles, QString *error,
                           QHash<QString, QString> *databasePasswords)
{
    for (const Profile &p : profiles) {
        if (!isValidName(p.name)) {
            if (error)
                *error = Tr::tr("\"%1\" is not a valid profile name (letters, digits, '.', '_' and "
                                "'-', at most 64 characters).")
                             .arg(p.name);
            return false;
        }
    }
    // 0600 in a 0700 directory before QSettings writes: QSettings replaces the
    // file through QSaveFile, which keeps the mode of the file it replaces.
    if (!AppPaths::makePrivateFile(m_file, error))
        return false;
    QSettings s(m_file, QSettings::IniFormat);
    s.beginGroup(QLatin1String(kGroup));
    for (Profile p : profiles) {
        QString password;
        p.databaseUrl = DatabaseUrl::stripPassword(p.databaseUrl, &password);
        if (!password.isEmpty() && databasePasswords)
            databasePasswords->insert(p.name, password);
        s.setValue(p.name, encode(p));
    }
    s.endGroup();
    s.sync();
    if (s.status() != QSettings::NoError) {
        if (error)
            *error = Tr::tr("Cannot write the profile file %1.").arg(m_file);
        return false;
    }
    return true;
}

bool ProfileStore::remove(const QString &name)
{
    QSettings s(m_file, QSettings::IniFormat);
    s.beginGroup(QLatin1String(kGroup));
    if (!s.contains(name))
        return false;
    s.remove(name);
    s.endGroup();
    s.sync();
    return s.status() == QSettings::NoError;
}

QHash<QString, QString> ProfileStore::databasePasswordsInFile() const
{
    QHash<QString, QString> out;
    for (const Profile &p : profiles()) {
        QString password;
        DatabaseUrl::stripPassword(p.databaseUrl, &password);
        if (!password.isEmpty())
            out.insert(p.name, password);
    }
    return out;
}

bool ProfileStore::stripDatabasePasswords(const QStringList &names, QString *error)
{
    QList<Profile> changed;
    for (const Profile &p : profiles())
        if (names.contains(p.name))
            changed.append(p);
    return saveAll(changed, error); // saveAll takes the password out of the URL
}

} // namespace turnstile
