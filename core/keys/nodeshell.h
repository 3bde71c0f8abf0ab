#pragma once

#include "keys/keylocation.h"
#include "keys/sshoptions.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace turnstile {

// Why a command on a node did not run.
enum class NodeError
{
    None,
    Unreachable,      // no route, refused, timed out, unknown host name
    PermissionDenied, // ssh authentication failed
    HostKey,          // unknown or changed host key
    Ssh,              // any other ssh failure (exit 255)
    Failed            // ssh worked, the command failed
};

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
class NodeShell
{
public:
    NodeShell(KeyLocation location, SshOptions options);

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

    NodeOutput run(const QByteArray &script, int timeoutMs = 60000) const;
    // Classifies a finished ssh/sh process (exposed for tests).
    static NodeOutput classify(const KeyLocation &location, int exitCode, const QByteArray &out,
                               const QByteArray &err);

    const KeyLocation &location() const { return m_location; }

private:
    KeyLocation m_location;
    SshOptions m_options;
};

QString nodeErrorName(NodeError e);

} // namespace turnstile
