#include "isolatedenvironment.h"

#include <QDir>
#include <QFile>

namespace testsupport {

IsolatedEnvironment::IsolatedEnvironment(Scope scope) : m_scope(scope)
{
    if (!m_dir.isValid())
        return;
    // Some tools (ssh, the key scripts) expect their home to exist.
    QDir().mkpath(filePath(QStringLiteral("home")));
    set(QStringLiteral("HOME"), filePath(QStringLiteral("home")));
    set(QStringLiteral("XDG_CONFIG_HOME"), configHome());
    set(QStringLiteral("XDG_DATA_HOME"), dataHome());
    set(QStringLiteral("XDG_CACHE_HOME"), filePath(QStringLiteral("cache")));
    set(QStringLiteral("XDG_STATE_HOME"), filePath(QStringLiteral("state")));
    set(QStringLiteral("TURNSTILE_PROFILES"), profilesFile());
    set(QStringLiteral("TURNSTILE_HISTORY"), historyFile());
    set(QStringLiteral("TURNSTILE_AUDIT_LOG"), auditLogFile());
    set(QStringLiteral("TURNSTILE_PENDING_DIR"), pendingDir());
    set(QStringLiteral("TURNSTILE_AUTH_STATE"), authStateFile());
    unset(QStringLiteral("TURNSTILE_HISTORY_PASSWORD"));
    unset(QStringLiteral("TURNSTILE_DB_PASSWORD"));
}

IsolatedEnvironment::~IsolatedEnvironment()
{
    if (m_scope != Scope::Process)
        return;
    for (auto it = m_saved.cbegin(); it != m_saved.cend(); ++it) {
        const QByteArray name = it.key().toLocal8Bit();
        if (it.value())
            qputenv(name.constData(), *it.value());
        else
            qunsetenv(name.constData());
    }
}

void IsolatedEnvironment::set(const QString &name, const QString &value)
{
    change(name, value);
}

void IsolatedEnvironment::unset(const QString &name)
{
    change(name, std::nullopt);
}

void IsolatedEnvironment::withoutKeychain()
{
    set(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
        QStringLiteral("unix:path=") + filePath(QStringLiteral("no-bus")));
}

void IsolatedEnvironment::change(const QString &name, const std::optional<QString> &value)
{
    m_changes.append({name, value});
    if (m_scope != Scope::Process)
        return;
    const QByteArray key = name.toLocal8Bit();
    if (!m_saved.contains(name))
        m_saved.insert(name, qEnvironmentVariableIsSet(key.constData())
                                 ? std::optional<QByteArray>(qgetenv(key.constData()))
                                 : std::nullopt);
    if (value)
        qputenv(key.constData(), QFile::encodeName(*value));
    else
        qunsetenv(key.constData());
}

QProcessEnvironment IsolatedEnvironment::environment() const
{
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    for (const auto &[name, value] : m_changes) {
        if (value)
            e.insert(name, *value);
        else
            e.remove(name);
    }
    return e;
}

} // namespace testsupport
