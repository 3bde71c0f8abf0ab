#include "util/apppaths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace turnstile {

namespace {
// lupdate resolves Tr::tr() through this declaration to the "AppPaths" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(AppPaths)
};

QString configDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/turnstile");
}

QString dataDir()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/turnstile");
}

QString lastError()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}
} // namespace

QString AppPaths::fromEnvironment(const char *variable, const QString &fallback)
{
    // The overrides let a cron job and the tests point at their own files
    // without touching the user's directories.
    const QString env = qEnvironmentVariable(variable);
    return env.isEmpty() ? fallback : env;
}

QString AppPaths::profilesFile()
{
    return fromEnvironment("TURNSTILE_PROFILES", configDir() + QStringLiteral("/profiles.ini"));
}

QString AppPaths::authStateFile()
{
    return fromEnvironment("TURNSTILE_AUTH_STATE", dataDir() + QStringLiteral("/auth-state.json"));
}

QString AppPaths::settingsFile()
{
    return configDir() + QStringLiteral("/turnstile.conf");
}

QString AppPaths::plaintextSecretsFile()
{
    return configDir() + QStringLiteral("/plaintext-secrets.json");
}

QString AppPaths::auditLogFile()
{
    return fromEnvironment("TURNSTILE_AUDIT_LOG", dataDir() + QStringLiteral("/audit.jsonl"));
}

QString AppPaths::pendingDir()
{
    return fromEnvironment("TURNSTILE_PENDING_DIR", dataDir() + QStringLiteral("/pending"));
}

QString AppPaths::historyFile()
{
    return fromEnvironment("TURNSTILE_HISTORY", dataDir() + QStringLiteral("/history.sqlite"));
}

QString AppPaths::sshControlDir()
{
    const QString base = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!base.isEmpty() && QDir(base).exists())
        return base + QStringLiteral("/turnstile-ssh");
    // Cron has no runtime directory.
    return QDir::tempPath() + QStringLiteral("/turnstile-ssh-") + QString::number(::geteuid());
}

bool AppPaths::makePrivateDir(const QString &dir, QString *error)
{
    const QString absolute = QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
    if (QFileInfo(absolute).isDir())
        return true;
    // Create from the outermost missing component inwards, each with 0700
    // (QDir::mkpath would use 0777 minus the umask).
    QStringList missing;
    QString at = absolute;
    while (!at.isEmpty() && !QFileInfo::exists(at)) {
        missing.prepend(at);
        const QString parent = QFileInfo(at).path();
        if (parent == at)
            break;
        at = parent;
    }
    for (const QString &d : missing) {
        if (::mkdir(QFile::encodeName(d).constData(), 0700) != 0 && errno != EEXIST) {
            if (error)
                *error = Tr::tr("Cannot create the directory %1: %2").arg(d, lastError());
            return false;
        }
    }
    if (!QFileInfo(absolute).isDir()) {
        if (error)
            *error = Tr::tr("%1 is not a directory.").arg(absolute);
        return false;
    }
    return true;
}

bool AppPaths::makePrivateFile(const QString &path, QString *error)
{
    if (!makePrivateDir(QFileInfo(path).absolutePath(), error))
        return false;
    const QByteArray name = QFile::encodeName(path);
    // O_EXCL: never follow or reuse a file someone else placed there meanwhile.
    const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
        return true;
    }
    if (errno != EEXIST) {
        if (error)
            *error = Tr::tr("Cannot create %1: %2").arg(path, lastError());
        return false;
    }
    struct stat st
    {};
    if (::stat(name.constData(), &st) != 0) {
        if (error)
            *error = Tr::tr("Cannot read %1: %2").arg(path, lastError());
        return false;
    }
    // A file from an older version (or an umask of 022) is tightened, but only
    // our own regular file: a shared path given through a variable is not ours.
    if (S_ISREG(st.st_mode) && st.st_uid == ::geteuid() && (st.st_mode & 077) != 0 &&
        ::chmod(name.constData(), 0600) != 0) {
        if (error)
            *error = Tr::tr("Cannot make %1 private: %2").arg(path, lastError());
        return false;
    }
    return true;
}

} // namespace turnstile
