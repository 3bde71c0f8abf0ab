#pragma once

#include "profiles/profile.h"

#include <QList>
#include <QString>

namespace turnstile {

// Profiles persist in QSettings (INI under the XDG config dir). No secret is
// ever written here: Profile has no secret fields by construction.
class ProfileStore
{
public:
    // Default location: $XDG_CONFIG_HOME/turnstile/profiles.ini
    ProfileStore();
    explicit ProfileStore(const QString &settingsFile);

    QString fileName() const { return m_file; }

    QList<Profile> profiles() const;
    QStringList names() const;
    bool contains(const QString &name) const;
    Profile profile(const QString &name, bool *found = nullptr) const;
    // Adds or replaces. Returns false with a sentence in *error when the name
    // is unusable or the settings file cannot be written.
    bool save(const Profile &p, QString *error = nullptr);
    bool remove(const QString &name);

    static bool isValidName(const QString &name);
    static QString defaultFile();

private:
    QString m_file;
};

} // namespace turnstile
