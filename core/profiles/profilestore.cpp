#include "profiles/profilestore.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSettings>
#include <QStandardPaths>

namespace turnstile {

namespace {
constexpr auto kGroup = "profiles";
}

ProfileStore::ProfileStore() : m_file(defaultFile()) {}

ProfileStore::ProfileStore(const QString &settingsFile) : m_file(settingsFile) {}

QString ProfileStore::defaultFile()
{
    const QString env = qEnvironmentVariable("TURNSTILE_PROFILES");
    if (!env.isEmpty())
        return env;
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/turnstile/profiles.ini");
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
    QList<Profile> out;
    for (const QString &n : names()) {
        bool found = false;
        Profile p = profile(n, &found);
        if (found)
            out.append(p);
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
    const QByteArray json = s.value(name).toByteArray();
    if (found)
        *found = !json.isEmpty();
    if (json.isEmpty())
        return {};
    Profile p = Profile::fromJson(QJsonDocument::fromJson(json).object());
    p.name = name;
    return p;
}

bool ProfileStore::save(const Profile &p, QString *error)
{
    if (!isValidName(p.name)) {
        if (error)
            *error = QCoreApplication::translate(
                         "ProfileStore",
                         "\"%1\" is not a valid profile name (letters, digits, '.', '_' and '-', "
                         "at most 64 characters).")
                         .arg(p.name);
        return false;
    }
    QDir().mkpath(QFileInfo(m_file).absolutePath());
    QSettings s(m_file, QSettings::IniFormat);
    s.beginGroup(QLatin1String(kGroup));
    // One compact JSON value per profile keeps the INI readable and the
    // round-trip exact (QSettings would otherwise mangle lists and types).
    s.setValue(p.name, QString::fromUtf8(QJsonDocument(p.toJson()).toJson(QJsonDocument::Compact)));
    s.endGroup();
    s.sync();
    if (s.status() != QSettings::NoError) {
        if (error)
            *error =
                QCoreApplication::translate("ProfileStore", "Cannot write the profile file %1.")
                    .arg(m_file);
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

} // namespace turnstile
