#include "keys/nodeshell.h"

#include "keys/keyscripts.h"

#include <QCoreApplication>
#include <QProcess>

#include <signal.h>
#include <unistd.h>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(NodeShell)
};

QString firstLine(const QString &s)
{
    for (const QString &l : s.split(u'\n')) {
        const QString t = l.trimmed();
        if (!t.isEmpty() && !t.startsWith(u"Warning: Permanently added"))
            return t;
    }
    return {};
}
} // namespace

QString nodeErrorName(NodeError e)
{
    switch (e) {
    case NodeError::None:
        return QStringLiteral("none");
    case NodeError::Unreachable:
        return QStringLiteral("unreachable");
    case NodeError::PermissionDenied:
        return QStringLiteral("permission_denied");
    case NodeError::HostKey:
        return QStringLiteral("host_key");
    case NodeError::Ssh:
        return QStringLiteral("ssh");
    case NodeError::Failed:
        return QStringLiteral("failed");
    case NodeError::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

NodeShell::NodeShell(KeyLocation location, SshOptions options)
    : m_location(std::move(location)), m_options(std::move(options))
{}

QString NodeShell::program() const
{
    return m_location.remote ? QStringLiteral("ssh") : QStringLiteral("/bin/sh");
}

QString NodeShell::shellCommand(const QString &command) const
{
    return m_runAs.isEmpty() ? command : asUserCommand(m_runAs, command);
}

QStringList NodeShell::arguments() const
{
    if (!m_location.remote) {
        if (m_runAs.isEmpty())
            return {QStringLiteral("-s")};
        return {QStringLiteral("-c"), shellCommand(QStringLiteral("sh -s"))};
    }
    QStringList a = m_options.commonArguments();
    if (m_location.port > 0)
        a << QStringLiteral("-p") << QString::number(m_location.port);
    if (!m_location.user.isEmpty())
        a << QStringLiteral("-l") << m_location.user;
    // "--" ends the options: a host can never be read as one.
    a << QStringLiteral("--") << m_location.host << shellCommand(QStringLiteral("sh -s"));
    return a;
}

QString NodeShell::commandProgram() const
{
    return program();
}

QStringList NodeShell::commandArguments(const QString &script) const
{
    if (!m_location.remote) {
        if (m_runAs.isEmpty())
            return {QStringLiteral("-c"), script};
        return {QStringLiteral("-c"), shellCommand(encodedShellCommand(script))};
    }
    QStringList a = arguments();
    a.removeLast(); // "sh -s"
    a << shellCommand(encodedShellCommand(script));
    return a;
}

QString NodeShell::peerCommand(const QString &peerConfigFile, const QString &remoteCommand) const
{
    // Host, user and port passed KeyLocation::parse's character check, so
    // they need no quoting; the config path and command do.
    QString c = QStringLiteral("ssh");
    if (!peerConfigFile.isEmpty())
        c += QStringLiteral(" -F ") + shellQuote(peerConfigFile);
    c += QStringLiteral(" -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=%1")
             .arg(m_options.connectTimeoutSeconds);
    if (m_location.port > 0)
        c += QStringLiteral(" -p %1").arg(m_location.port);
    if (!m_location.user.isEmpty())
        c += QStringLiteral(" -l ") + m_location.user;
    c += QStringLiteral(" -- ") + m_location.host + u' ' + shellQuote(shellCommand(remoteCommand));
    return c;
}

NodeOutput NodeShell::classify(const KeyLocation &location, int exitCode, const QByteArray &out,
                               const QByteArray &errBytes)
{
    NodeOutput o;
    o.exitCode = exitCode;
    o.out = out;
    o.err = QString::fromLocal8Bit(errBytes);
    const QString node = location.sshDestination();
    if (location.remote && exitCode == 255) {
        const QString e = o.err;
        if (e.contains(u"REMOTE HOST IDENTIFICATION HAS CHANGED") ||
            e.contains(u"Host key verification failed") ||
            e.contains(u"No ED25519 host key is known") || e.contains(u"host key is known")) {
            o.error = NodeError::HostKey;
            o.message = Tr::tr("%1: the host key is unknown or has changed (host key verification "
                               "failed); check known_hosts before trusting this node.")
                            .arg(node);
        } else if (e.contains(u"Permission denied")) {
            o.error = NodeError::PermissionDenied;
            o.message = Tr::tr("%1: permission denied (ssh authentication failed).").arg(node);
        } else if (e.contains(u"Connection refused") || e.contains(u"timed out") ||
                   e.contains(u"No route to host") || e.contains(u"Could not resolve hostname") ||
                   e.contains(u"Network is unreachable") ||
                   e.contains(u"Connection closed by remote host")) {
            o.error = NodeError::Unreachable;
            o.message = Tr::tr("%1: unreachable (%2).").arg(node, firstLine(e));
        } else {
            o.error = NodeError::Ssh;
            o.message = Tr::tr("%1: ssh failed (%2).").arg(node, firstLine(e));
        }
        return o;
    }
    if (exitCode != 0) {
        o.error = NodeError::Failed;
        const QString why = firstLine(o.err);
        o.message =
            why.isEmpty()
                ? Tr::tr("%1: the command failed with exit code %2.").arg(node).arg(exitCode)
                : Tr::tr("%1: %2").arg(node, why);
    }
    return o;
}

void NodeShell::ownSession(QProcess &p)
{
    // Runs in the child between fork and exec: setsid is async-signal-safe.
    p.setChildProcessModifier([] { ::setsid(); });
}

void NodeShell::stop(QProcess &p)
{
    if (p.state() == QProcess::NotRunning)
        return;
    const qint64 pid = p.processId();
    if (pid > 0)
        ::kill(-pid_t(pid), SIGTERM);
    if (!p.waitForFinished(1000)) {
        if (pid > 0)
            ::kill(-pid_t(pid), SIGKILL);
        p.kill();
        p.waitForFinished(3000);
    }
}

NodeOutput NodeShell::collect(QProcess &p, const KeyLocation &location,
                              const QDeadlineTimer &deadline, const NodeCancel &cancelled)
{
    QByteArray out;
    QByteArray err;
    const QString node = location.sshDestination();
    auto drain = [&] {
        out += p.readAllStandardOutput();
        err += p.readAllStandardError();
    };
    auto stopped = [&](NodeError e, const QString &message) {
        stop(p);
        NodeOutput o;
        o.out = out.left(kMaxOutput);
        o.err = QString::fromLocal8Bit(err.left(kMaxError));
        o.error = e;
        o.message = message;
        return o;
    };
    while (p.state() != QProcess::NotRunning) {
        const bool done = p.waitForFinished(50);
        drain();
        if (done)
            break;
        if (out.size() > kMaxOutput || err.size() > kMaxError)
            return stopped(NodeError::Failed,
                           Tr::tr("%1: the command printed more than %2 KiB; Turnstile stopped "
                                  "it (a key listing is a few lines).")
                               .arg(node)
                               .arg((out.size() > kMaxOutput ? kMaxOutput : kMaxError) / 1024));
        if (cancelled && cancelled())
            return stopped(NodeError::Cancelled, Tr::tr("%1: stopped on request.").arg(node));
        if (deadline.hasExpired())
            return stopped(NodeError::Unreachable,
                           Tr::tr("%1: no answer within the time limit; Turnstile stopped "
                                  "waiting.")
                               .arg(node));
    }
    drain();
    if (out.size() > kMaxOutput || err.size() > kMaxError) {
        NodeOutput o;
        o.error = NodeError::Failed;
        o.message = Tr::tr("%1: the command printed more than %2 KiB (a key listing is a few "
                           "lines).")
                        .arg(node)
                        .arg((out.size() > kMaxOutput ? kMaxOutput : kMaxError) / 1024);
        return o;
    }
    const int code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return classify(location, code, out, err);
}

NodeOutput NodeShell::run(const QByteArray &script, int timeoutMs,
                          const NodeCancel &cancelled) const
{
    QProcess p;
    p.setProgram(program());
    p.setArguments(arguments());
    ownSession(p);
    p.start();
    if (!p.waitForStarted(10000)) {
        NodeOutput o;
        o.error = m_location.remote ? NodeError::Ssh : NodeError::Failed;
        o.message = Tr::tr("%1: could not start %2 (%3).")
                        .arg(m_location.sshDestination(), program(), p.errorString());
        return o;
    }
    p.write(script);
    p.closeWriteChannel();
    return collect(p, m_location, QDeadlineTimer(timeoutMs), cancelled);
}

} // namespace turnstile
