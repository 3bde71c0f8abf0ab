#include "keys/sshoptions.h"
#include "util/apppaths.h"

#include <QFile>

#include <sys/stat.h>
#include <unistd.h>

namespace turnstile {

namespace {
// A directory only this user can enter: the control sockets in it let anyone
// who can connect to them run commands on the nodes as us.
bool privateDir(const QString &path)
{
    const QByteArray p = QFile::encodeName(path);
    if (::mkdir(p.constData(), 0700) != 0 && errno != EEXIST)
        return false;
    struct stat st
    {};
    if (::lstat(p.constData(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid())
        return false;
    if ((st.st_mode & 077) != 0 && ::chmod(p.constData(), 0700) != 0)
        return false;
    return true;
}
} // namespace

SshOptions SshOptions::fromEnvironment()
{
    SshOptions o;
    o.configFile = qEnvironmentVariable("TURNSTILE_SSH_CONFIG");
    o.peerConfigFile = qEnvironmentVariable("TURNSTILE_KEYS_PEER_SSH_CONFIG");
    const QString dir = AppPaths::sshControlDir();
    if (privateDir(dir))
        o.controlDir = dir;
    return o;
}

QStringList SshOptions::commonArguments() const
{
    QStringList a;
    if (!configFile.isEmpty())
        a << QStringLiteral("-F") << configFile;
    a << QStringLiteral("-o") << QStringLiteral("BatchMode=yes") << QStringLiteral("-o")
      << QStringLiteral("StrictHostKeyChecking=yes") << QStringLiteral("-o")
      << QStringLiteral("ConnectTimeout=%1").arg(connectTimeoutSeconds);
    if (!controlDir.isEmpty()) {
        // %C is a hash of host, port, user: short enough for a socket path.
        a << QStringLiteral("-o") << QStringLiteral("ControlMaster=auto") << QStringLiteral("-o")
          << QStringLiteral("ControlPath=%1/cm-%C").arg(controlDir) << QStringLiteral("-o")
          << QStringLiteral("ControlPersist=%1").arg(controlPersistSeconds);
    }
    return a;
}

} // namespace turnstile
