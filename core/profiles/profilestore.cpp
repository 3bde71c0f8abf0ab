#include "profiles/profilestore.h"
#include "db/databaseurl.h"
#include "health/thresholdoverrides.h"
#include "util/apppaths.h"

#include <QCoreApplication>
#include <QDebug>
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

// Threshold overrides live beside the profiles, one section per profile, in
// the form a person writes and `turnstilectl thresholds --set` takes:
//
//     [thresholds.lab]
//     validate.ms=300:800
//     token.live\day=500000:
//
// (QSettings writes the '/' of a growth key as '\'.) They used to be JSON
// inside the profile's JSON string; that form is still read, and written
// back in this one (migrateLegacyThresholds, and every save).
constexpr auto kThresholdPrefix = "thresholds.";

QString thresholdGroup(const QString &profile)
{
    return QLatin1String(kThresholdPrefix) + profile;
}

// The overrides of the current group of `s`, read with the one parser; a
// line it refuses is reported and left out (its default applies).
QJsonObject readThresholdGroup(QSettings &s, const QString &file)
{
    QJsonObject out;
    const QStringList keys = s.allKeys();
    for (const QString &key : keys) {
        QString error;
        const auto levels = parseThresholdLevels(key, s.value(key).toString(), &error);
        if (levels)
            out.insert(key, levels->toJson());
        else
            qWarning().noquote() << Tr::tr("%1, [%2]: %3").arg(file, s.group(), error);
    }
    return out;
}

// The profile's overrides: the old JSON ones, each replaced by the same key
// in its section.
void mergeThresholds(Profile &p, const QJsonObject &fromSection)
{
    for (auto it = fromSection.constBegin(); it != fromSection.constEnd(); ++it)
        p.thresholds.insert(it.key(), it.value());
}

Profile decode(const QString &name, const QByteArray &json, bool *ok)
{
    *ok = !json.isEmpty();
    if (!*ok)
        return {};
    Profile p = Profile::fromJson(QJsonDocument::fromJson(json).object());
    p.name = name;
    return p;
}

QString encode(Profile p)
{
    // One compact JSON value per profile keeps the INI readable and the
    // round-trip exact (QSettings would otherwise mangle lists and types).
    // The thresholds have their own section, for people to read and edit.
    p.thresholds = {};
    return QString::fromUtf8(QJsonDocument(p.toJson()).toJson(QJsonDocument::Compact));
}

void writeThresholds(QSettings &s, const Profile &p)
{
    s.remove(thresholdGroup(p.name));
    if (p.thresholds.isEmpty())
        return;
    s.beginGroup(thresholdGroup(p.name));
    for (auto it = p.thresholds.constBegin(); it != p.thresholds.constEnd(); ++it) {
        const ThresholdLevels l = ThresholdLevels::fromJson(it.value().toObject());
        if (!l.isEmpty())
            s.setValue(it.key(), formatThresholdLevels(l));
    }
    s.endGroup();
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
    QHash<QString, QJsonObject> thresholds;
    const QLatin1String prefix(kThresholdPrefix);
    for (const QString &group : s.childGroups()) {
        if (!group.startsWith(prefix))
            continue;
        s.beginGroup(group);
        thresholds.insert(group.mid(prefix.size()), readThresholdGroup(s, m_file));
        s.endGroup();
    }
    s.beginGroup(QLatin1String(kGroup));
    QStringList keys = s.childKeys();
    keys.sort();
    QList<Profile> out;
    out.reserve(keys.size());
    for (const QString &n : std::as_const(keys)) {
        bool ok = false;
        Profile p = decode(n, s.value(n).toByteArray(), &ok);
        if (!ok)
            continue;
        mergeThresholds(p, thresholds.value(n));
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
    s.endGroup();
    if (ok) {
        s.beginGroup(thresholdGroup(name));
        mergeThresholds(p, readThresholdGroup(s, m_file));
    }
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
    for (Profile p : profiles) {
        QString password;
        p.databaseUrl = DatabaseUrl::stripPassword(p.databaseUrl, &password);
        if (!password.isEmpty() && databasePasswords)
            databasePasswords->insert(p.name, password);
        s.setValue(QLatin1String(kGroup) + u'/' + p.name, encode(p));
        writeThresholds(s, p);
    }
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
    s.remove(thresholdGroup(name));
    s.sync();
    return s.status() == QSettings::NoError;
}

QStringList ProfileStore::migrateLegacyThresholds(QString *error)
{
    QStringList legacy;
    {
        QSettings s(m_file, QSettings::IniFormat);
        s.beginGroup(QLatin1String(kGroup));
        for (const QString &n : s.childKeys())
            if (QJsonDocument::fromJson(s.value(n).toByteArray()).object().contains(u"thresholds"))
                legacy.append(n);
    }
    if (legacy.isEmpty())
        return {};
    QList<Profile> changed;
    QStringList names;
    for (const Profile &p : profiles()) {
        // A password still in the database URL would be dropped by a save
        // without a caller to hand it to: that profile moves with the
        // password (stripDatabasePasswords saves it, thresholds included).
        QString password;
        DatabaseUrl::stripPassword(p.databaseUrl, &password);
        if (legacy.contains(p.name) && password.isEmpty()) {
            changed.append(p);
            names.append(p.name);
        }
    }
    if (changed.isEmpty() || !saveAll(changed, error))
        return {};
    return names;
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
