#pragma once

#include "guarded/guardedaction.h"
#include "keys/keylocation.h"
#include "keys/keyrepository.h"
#include "keys/nodeshell.h"
#include "keys/rotationpreflight.h"
#include "keys/sshoptions.h"

#include <QList>

namespace turnstile {

// `keystone-manage fernet_rotate` across the nodes of a deployment, as a
// guarded action: the preview reads every node, picks the node with the
// newest primary as the source, runs the pre-flight (which keys go, whether
// live tokens still need them: those need an acknowledgement), and lists
// every step. execute() rotates on the source node (keyscripts.h), pushes
// the source's keys to every other node *node to node* (the source node runs
// tar | ssh: key material never passes through this workstation unless a
// repository is local), then reads every node again and checks that all
// fingerprints agree.
//
// A run that stops half-way (kill, lost connection, cancel, a rotation step
// that did not report back) leaves a pending journal; the next run sees the
// source's primary is the one that run was making and distributes from it
// *without rotating again*. The rotation script itself refuses to run when
// the source's primary is not the one the preview read, so even a rotation
// still running on the node from an interrupted run is never repeated.
// Cancelling stops the ssh child at once (its own session: a Ctrl-C at the
// terminal does not reach it, Turnstile stops it deliberately).
class KeyRotation : public GuardedAction
{
public:
    KeyRotation(QList<KeyLocation> nodes, RotationSettings settings, SshOptions ssh,
                ActionTarget target);

    QString kind() const override { return QStringLiteral("keys.rotate"); }
    ActionPreview preview() override;
    ActionResult execute(const ActionPreview &confirmed, ActionControl &control) override;

    // The confirmation target for a profile, or for ad-hoc repositories (a
    // single local repository: its path).
    static ActionTarget targetFor(const QString &profile, const QList<KeyLocation> &nodes);

private:
    QString distribute(const KeyLocation &source, const KeyLocation &dest,
                       const QMap<int, QString> &fingerprints, const QString &runAs,
                       const NodeCancel &cancelled) const;

    QList<KeyLocation> m_nodes;
    RotationSettings m_settings;
    SshOptions m_ssh;
    ActionTarget m_target;
};

} // namespace turnstile
