#pragma once

#include <QString>
#include <QStringList>

namespace turnstile {

// How Turnstile calls the system ssh client. The operator's ~/.ssh/config,
// agent and jump hosts apply unchanged; Turnstile only adds what it must
// insist on: BatchMode (never a prompt: the GUI has no terminal, cron has no
// person) and StrictHostKeyChecking=yes (an unknown or changed host key is an
// error, never accepted silently), plus connection sharing so that reading
// three nodes and rotating costs one TCP/SSH handshake per node.
struct SshOptions
{
    // An extra client configuration (ssh -F). Note that ssh then reads this
    // file *instead of* ~/.ssh/config. Default: $TURNSTILE_SSH_CONFIG.
    QString configFile;
    // The ssh configuration *on the source node* used when one node pushes
    // keys to another (ssh -F there). Default: $TURNSTILE_KEYS_PEER_SSH_CONFIG.
    QString peerConfigFile;
    // Private 0700 directory for the ControlMaster sockets; empty = no sharing.
    QString controlDir;
    int connectTimeoutSeconds = 10;
    int controlPersistSeconds = 60;
    // How long one step that changes a node (a rotation, one node's
    // distribution) may take before Turnstile stops waiting for it.
    int stepTimeoutSeconds = 120;

    // From the environment, with a private control directory under
    // $XDG_RUNTIME_DIR (else /tmp/turnstile-ssh-UID, checked to be ours and 0700).
    static SshOptions fromEnvironment();
    // Arguments for `ssh` before the destination, without -p/-l.
    QStringList commonArguments() const;
};

} // namespace turnstile
