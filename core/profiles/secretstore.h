#pragma once

#include "profiles/secrets.h"

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

namespace turnstile {

struct SecretResult
{
    bool ok = false;
    bool notFound = false; // the keychain works, the entry does not exist
    QString value;
    QString error;          // one sentence, never contains the secret
    bool plaintext = false; // served from (or stored in) the opt-in plain-text file
};

// Secrets in the OS keychain through QtKeychain (Secret Service / libsecret on
// Linux). QtKeychain jobs are asynchronous and deliver on the thread that
// started them; use this object on the GUI (or CLI main) thread only.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const SecretResult &)>;

    explicit SecretStore(QObject *parent = nullptr);

    void read(const QString &profile, SecretKind kind, Callback done);
    void write(const QString &profile, SecretKind kind, const QString &value, Callback done);
    void remove(const QString &profile, SecretKind kind, Callback done);

    // Reads every kind, one after the other, then calls done once. Missing
    // entries stay empty; error is set only when the keychain is unusable.
    void readAll(const QString &profile,
                 std::function<void(const Secrets &, const QString &error)> done);

    // Applies an edited profile's secrets: each non-empty kind is written
    // under `name`; when `complete` (the caller knew every stored secret, so
    // an empty one was cleared on purpose) each empty kind is removed; and
    // when the profile was renamed, every entry of `previousName` is removed,
    // so no old secret stays behind in the keychain or the plain-text file.
    // `done` gets the result of every write (removals are best effort).
    void replace(const QString &previousName, const QString &name, const Secrets &secrets,
                 bool complete, std::function<void(const QList<SecretResult> &)> done);
    QList<SecretResult> replaceBlocking(const QString &previousName, const QString &name,
                                        const Secrets &secrets, bool complete);

    // Blocking variants that spin a local event loop: for turnstilectl only.
    SecretResult readBlocking(const QString &profile, SecretKind kind);
    SecretResult writeBlocking(const QString &profile, SecretKind kind, const QString &value);
    SecretResult removeBlocking(const QString &profile, SecretKind kind);
    // Reads every kind; missing entries are simply empty. Returns false and an
    // error sentence only when the keychain itself is unusable.
    bool readAllBlocking(const QString &profile, Secrets *out, QString *error);

    // Profiles whose owner explicitly accepted plain-text storage for when no
    // keychain works (Profile::allowPlaintextSecrets). For every other profile
    // a missing keychain means the secret is simply not stored.
    void setPlaintextProfiles(const QStringList &profiles) { m_plaintextProfiles = profiles; }
    void setPlaintextFile(const QString &path) { m_plaintextFile = path; }
    QString plaintextFile() const;

    // How long one keychain call may take before it fails with a sentence:
    // $TURNSTILE_KEYCHAIN_TIMEOUT seconds, else 20.
    static int timeoutMs();
    static QString serviceName();
    static QString keyFor(const QString &profile, SecretKind kind);

private:
    bool plaintextAllowed(const QString &profile) const
    {
        return m_plaintextProfiles.contains(profile);
    }
    void removeQuietly(const QString &profile, SecretKind kind, Callback done);
    SecretResult readPlaintext(const QString &key) const;
    SecretResult writePlaintext(const QString &key, const QString *value) const; // nullptr removes

    QStringList m_plaintextProfiles;
    QString m_plaintextFile;
};

} // namespace turnstile
