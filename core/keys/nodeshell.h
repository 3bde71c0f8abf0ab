#pragma once

#include "keys/keylocation.h"
#include "keys/sshoptions.h"

#include <QByteArray>
#include <QDeadlineTimer>
#include <QString>
#include <QStringList>

#include <functional>

class QProcess;

namespace turnstile {

// Why a command on a node did not run.
enum class NodeError
{
    None,
    Unreachable,      // no route, refused, timed out, unknown host name
    PermissionDenied, // ssh authentication failed
    HostKey,          // unknown or changed host key
    Ssh,              // any other ssh failure (exit 255)
    Failed,           // ssh worked, the command failed
    Cancelled         // stopped on request; the command may have run on
};

// Polled while a command runs: true stops it (kills the process group).
using NodeCancel = std::function<bool()>;

struct NodeOutput
{
    int exitCode = -1;
    QByteArray out; // never key material: the scripts print names, stat and fingerprints
    QString err;
    NodeError error = NodeError::None;
    QString message; // one sentence when error != None

    bool ok() const { return error == NodeError::None && exitCode == 0; }
};

// Runs a POSIX sh script on a node: /bin/sh locally, or `ssh … sh -s` for a
// remote location. The script goes on stdin, never on a command line.
//
// Every child runs in its own session (setsid), so a Ctrl-C at the terminal
// reaches turnstilectl alone and never kills an ssh whose remote shell would
// run on: Turnstile stops its children itself, when it decides to. Output is
// read as it comes and capped (kMaxOutput, kMaxError): a node that prints
// without end is stopped, not buffered.
class NodeShell
{
public:
    static constexpr qsizetype kMaxOutput = 1024 * 1024;
    static constexpr qsizetype kMaxError = 64 * 1024;

    NodeShell(KeyLocation location, SshOptions options);

    // Run the scripts as this account on the node (runuser as root, else
    // sudo -n) instead of the login user. Must pass isAccountName().
    void setRunAs(const QString &user) { m_runAs = user; }
    const QString &runAs() const { return m_runAs; }

    // Program and arguments that run `sh -s` on the node.
    QString program() const;
    QStringList arguments() const;
    // Program and arguments that run one shell command on the node with
    // stdin left free for data (a tar stream).
    QString commandProgram() const;
    QStringList commandArguments(const QString &script) const;
    // The same, as a shell command word list for a node-to-node push: what
    // the *source node* runs to reach this node (its own ssh config).
    QString peerCommand(const QString &peerConfigFile, const QString &remoteCommand) const;

    NodeOutput run(const QByteArray &script, int timeoutMs = 60000,
                   const NodeCancel &cancelled = {}) const;
    // Puts a QProcess that is about to start into its own session.
    static void ownSession(QProcess &p);
    // Waits for a started process until it ends, the deadline passes or
    // cancelled() says so, reading both channels as they come (capped);
    // kills its process group otherwise. Classifies the result.
    static NodeOutput collect(QProcess &p, const KeyLocation &location,
                              const QDeadlineTimer &deadline, const NodeCancel &cancelled = {});
    // Stops a process and everything it started (its session's group).
    static void stop(QProcess &p);
    // Classifies a finished ssh/sh process (exposed for tests).
    static NodeOutput classify(const KeyLocation &location, int exitCode, const QByteArray &out,
                               const QByteArray &err);

    const KeyLocation &location() const { return m_location; }

private:
    QString shellCommand(const QString &command) const;

    KeyLocation m_location;
    SshOptions m_options;
    QString m_runAs;
};

QString nodeErrorName(NodeError e);

} // namespace turnstile
