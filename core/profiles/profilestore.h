#pragma once

#include "profiles/profile.h"

#include <QHash>
#include <QList>
#include <QString>

namespace turnstile {

// Profiles persist in QSettings (INI under the XDG config dir, see AppPaths),
// created 0600. No secret is ever written here: Profile has no secret fields,
// and a password inside a database URL is taken out before saving.
//
// Every call reads or writes the whole file once, so a caller that handles
// many profiles uses profiles() and saveAll(), never profile()/save() in a loop.
class ProfileStore
{
public:
    // Default location: AppPaths::profilesFile()
    ProfileStore();
    explicit ProfileStore(const QString &settingsFile);

    QString fileName() const { return m_file; }

    QList<Profile> profiles() const;
    QStringList names() const;
    bool contains(const QString &name) const;
    Profile profile(const QString &name, bool *found = nullptr) const;
    // Adds or replaces. Returns false with a sentence in *error when the name
    // is unusable or the settings file cannot be written. A password in the
    // database URL is removed from the URL and handed back in
    // *databasePasswords (profile name -> password) for the caller to store
    // in the keychain; it never reaches the file.
    bool save(const Profile &p, QString *error = nullptr,
              QHash<QString, QString> *databasePasswords = nullptr);
    // The same for many profiles with one read and one write of the file.
    bool saveAll(const QList<Profile> &profiles, QString *error = nullptr,
                 QHash<QString, QString> *databasePasswords = nullptr);
    bool remove(const QString &name);

    // Profiles whose saved database URL still holds a password (written by a
    // version before 0.x or by hand), with that password. See
    // stripDatabasePasswords() and Cli / MainWindow, which move them to the keychain.
    QHash<QString, QString> databasePasswordsInFile() const;
    // Rewrites these profiles' database URLs without their passwords.
    bool stripDatabasePasswords(const QStringList &names, QString *error = nullptr);

    // Profiles whose threshold overrides are still JSON inside the profile's
    // JSON (as earlier versions wrote them) get them rewritten as their own
    // section ([thresholds.NAME], METRIC=WARN:CRITICAL lines). Returns the
    // names rewritten; the old form is read either way, so nothing depends
    // on when this runs. Empty when there was nothing to do or on an error
    // (*error says which).
    QStringList migrateLegacyThresholds(QString *error = nullptr);

    static bool isValidName(const QString &name);
    static QString defaultFile();

private:
    QString m_file;
};

} // namespace turnstile
