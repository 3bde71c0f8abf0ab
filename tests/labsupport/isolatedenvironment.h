#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QTemporaryDir>

#include <optional>
#include <utility>

namespace testsupport {

// A test's own configuration, data and state, so no test reads or writes the
// profiles, history, audit log, pending journals, settings or rejected-login
// state of whoever runs it, and no secret from their shell leaks in.
//
// One temporary directory, and the variables that put every durable file of
// Turnstile into it: HOME, XDG_CONFIG_HOME, XDG_DATA_HOME, XDG_CACHE_HOME,
// XDG_STATE_HOME, TURNSTILE_PROFILES, TURNSTILE_HISTORY, TURNSTILE_AUDIT_LOG,
// TURNSTILE_PENDING_DIR and TURNSTILE_AUTH_STATE; TURNSTILE_HISTORY_PASSWORD
// and TURNSTILE_DB_PASSWORD are removed (a test that wants them sets them).
//
// Scope::Process changes this process's environment until the object is
// destroyed, which restores every variable it touched as it was. Scope::Children
// leaves this process alone: the variables only reach child processes
// through environment().
class IsolatedEnvironment
{
public:
    enum class Scope
    {
        Process,
        Children
    };

    explicit IsolatedEnvironment(Scope scope = Scope::Process);
    ~IsolatedEnvironment();
    IsolatedEnvironment(const IsolatedEnvironment &) = delete;
    IsolatedEnvironment &operator=(const IsolatedEnvironment &) = delete;

    bool isValid() const { return m_dir.isValid(); }
    QString path() const { return m_dir.path(); }
    QString filePath(const QString &name) const { return m_dir.filePath(name); }

    // The files the variables name (none of them exists yet, but for home()).
    QString profilesFile() const { return filePath(QStringLiteral("profiles.ini")); }
    QString historyFile() const { return filePath(QStringLiteral("history.sqlite")); }
    QString auditLogFile() const { return filePath(QStringLiteral("audit.jsonl")); }
    QString pendingDir() const { return filePath(QStringLiteral("pending")); }
    QString authStateFile() const { return filePath(QStringLiteral("auth-state.json")); }
    QString configHome() const { return filePath(QStringLiteral("config")); }
    QString dataHome() const { return filePath(QStringLiteral("data")); }
    QString home() const { return filePath(QStringLiteral("home")); } // created

    // Any other variable, restored on destruction like the ones above.
    void set(const QString &name, const QString &value);
    void unset(const QString &name);
    // No keychain: the session bus is a socket that does not exist, so
    // QtKeychain fails at once instead of waiting for a Secret Service.
    void withoutKeychain();

    // The system environment with every change above, for a QProcess.
    QProcessEnvironment environment() const;

private:
    void change(const QString &name, const std::optional<QString> &value);

    Scope m_scope;
    QTemporaryDir m_dir;
    // name → new value (nullopt: removed), in the order they were changed
    QList<std::pair<QString, std::optional<QString>>> m_changes;
    // name → value before the first change (nullopt: was not set)
    QHash<QString, std::optional<QByteArray>> m_saved;
};

} // namespace testsupport
