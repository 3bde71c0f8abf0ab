#include "keys/keyrotation.h"

#include "guarded/actioncontrol.h"
#include "guarded/pendingjournal.h"
#include "keys/keyconsistency.h"
#include "keys/keyscripts.h"
#include "keys/nodeshell.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QThread>

#include <algorithm>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(KeyRotation)
};

QMap<int, QString> fingerprintsOf(const RepositoryState &s)
{
    QMap<int, QString> m;
    for (const KeyFile &k : s.keys)
        m.insert(k.index, k.fingerprint);
    return m;
}

QString listText(const QList<int> &l)
{
    QStringList s;
    for (int i : l)
        s << QString::number(i);
    return s.join(u' ');
}
} // namespace

KeyRotation::KeyRotation(QList<KeyLocation> nodes, RotationSettings settings, SshOptions ssh,
                         ActionTarget target)
    : m_nodes(std::move(nodes)), m_settings(std::move(settings)), m_ssh(std::move(ssh)),
      m_target(std::move(target))
{}

ActionTarget KeyRotation::targetFor(const QString &profile, const QList<KeyLocation> &nodes)
{
    ActionTarget t;
    if (!profile.isEmpty()) {
        t.text = QStringLiteral("fernet-keys@") + profile;
        t.description = Tr::tr("the Fernet key repositories of profile %1 (%n node(s))", nullptr,
                               int(nodes.size()))
                            .arg(profile);
        return t;
    }
    if (nodes.size() == 1) {
        t.text = nodes.first().text;
        t.description = Tr::tr("the Fernet key repository %1").arg(nodes.first().text);
        return t;
    }
    QStringList hosts;
    for (const KeyLocation &l : nodes)
        hosts << l.node();
    t.text = QStringLiteral("fernet-keys@") + hosts.join(u',');
    t.description =
        Tr::tr("the Fernet key repositories on %1").arg(hosts.join(QStringLiteral(", ")));
    return t;
}

ActionPreview KeyRotation::preview()
{
    ActionPreview p;
    p.action = kind();
    p.title = Tr::tr("Rotate Fernet keys");
    p.target = m_target;
    p.at = QDateTime::currentDateTimeUtc();
    QJsonArray nodeArray;
    for (const KeyLocation &l : m_nodes)
        nodeArray.append(l.text);
    p.parameters[u"nodes"] = nodeArray;
    p.parameters[u"max_active_keys"] = m_settings.maxActiveKeys;
    p.parameters[u"token_expiration"] = m_settings.tokenExpiration;
    p.parameters[u"allow_expired_window"] = m_settings.allowExpiredWindow;
    if (m_nodes.isEmpty()) {
        p.refusal = Tr::tr("No key repository is configured.");
        return p;
    }
    if (m_settings.maxActiveKeys < 2) {
        // With 1, fernet_rotate keeps max_active_keys - 1 = 0 non-staged
        // keys: the new primary itself would go.
        p.refusal = Tr::tr("max_active_keys is %1; it must be at least 2 (a staged and a "
                           "primary key), or the rotation removes the new primary key.")
                        .arg(m_settings.maxActiveKeys);
        return p;
    }

    const QList<RepositoryState> states =
        readRepositories(m_nodes, RepositoryState::Kind::Fernet, m_ssh);
    for (const RepositoryState &s : states) {
        if (!s.readable()) {
            p.refusal =
                Tr::tr("Not every node can be read, so no key is changed: %1").arg(s.errorMessage);
            return p;
        }
    }
    for (const RepositoryState &s : states) {
        if (!s.unsafe.isEmpty()) {
            p.refusal = s.unsafe.first();
            return p;
        }
    }
    const int src = newestPrimaryNode(states);
    if (src < 0) {
        p.refusal = Tr::tr("Every repository is empty; set them up with keystone-manage "
                           "fernet_setup first.");
        return p;
    }
    const RepositoryState &source = states[src];
    if (!source.hasStaged()) {
        p.refusal = Tr::tr("%1 has no staged key 0, so there is nothing to promote.")
                        .arg(source.location.node());
        return p;
    }
    const KeyConsistency before = compareRepositories(states);
    const auto pending = PendingJournal::load(kind(), m_target.text);
    // An interrupted run may have rotated the source: when the source's
    // primary is the one that run was making, finish its distribution
    // instead of rotating a second time (also when the nodes happen to
    // agree: the run may have stopped after the copies, before the check).
    const bool repair = pending && pending->lastKey.toInt() == source.primary();
    p.parameters[u"source"] = source.location.text;
    if (m_settings.runAsOwner) {
        QJsonObject runAs;
        for (const RepositoryState &s : states) {
            if (!isAccountName(s.dirOwner)) {
                p.refusal = Tr::tr("%1: the repository's owner \"%2\" is not an account name "
                                   "Turnstile can run a command as.")
                                .arg(s.location.node(), s.dirOwner);
                return p;
            }
            runAs[s.location.text] = s.dirOwner;
        }
        p.parameters[u"run_as"] = runAs;
    }
    p.parameters[u"mode"] = repair ? QStringLiteral("repair") : QStringLiteral("rotate");
    p.parameters[u"primary_before"] = source.primary();
    p.cutoffValue = source.primary();

    const QString S = source.location.node();
    if (repair) {
        p.consequences << Tr::tr("A previous rotation (started %1) stopped before every node had "
                                 "its keys. This run does not rotate again: it copies the keys "
                                 "of %2 (primary %3) to the other nodes.")
                              .arg(pending->startedAt.toString(Qt::ISODate), S)
                              .arg(source.primary());
    } else {
        const RotationPreflight pf = preflightRotation(
            source, m_settings, source.nodeTime.isValid() ? source.nodeTime : p.at);
        p.parameters[u"preflight"] = pf.toJson();
        p.parameters[u"new_primary"] = pf.newPrimary;
        p.statements << Tr::tr("on %1: copy staged key 0 to %2 (the new primary), create a new "
                               "staged key 0 from 32 random bytes of the node's /dev/urandom, "
                               "keep keys %3 (max_active_keys %4); temporary files in a private "
                               "directory outside the repository, sync, rename, mode 0600, owner "
                               "kept; refused if the repository, a key file or a .turnstile "
                               "entry is a symbolic link")
                            .arg(S)
                            .arg(pf.newPrimary)
                            .arg(listText(pf.keysAfter))
                            .arg(m_settings.maxActiveKeys);
        p.consequences += pf.sentences;
        p.warnings += pf.warnings;
        if (pf.stillNeededCount() > 0)
            p.mustAcknowledge = pf.stillNeededCount();
        QList<int> dropped;
        for (const DroppedKey &d : pf.dropped)
            dropped << d.index;
        p.parameters[u"dropped"] = listText(dropped);
    }
    for (int i = 0; i < states.size(); ++i) {
        if (i == src)
            continue;
        const KeyLocation &d = states[i].location;
        const bool viaWorkstation = !source.location.remote || !d.remote;
        p.statements << (viaWorkstation
                             ? Tr::tr("%1 → %2: tar of the key files, piped through this "
                                      "workstation (a local repository is involved); "
                                      "fingerprints checked before the keys replace %2's")
                                   .arg(S, d.node())
                             : Tr::tr("%1 → %2: %1 runs tar | ssh %2 (node to node, the keys "
                                      "never reach this workstation); fingerprints checked "
                                      "before the keys replace %2's")
                                   .arg(S, d.node()));
    }
    p.statements << Tr::tr("read every node again and compare the fingerprints");
    if (pending && !repair)
        p.consequences << Tr::tr("A previous rotation (started %1) stopped before it reported "
                                 "back, and %2 still has primary %3: this run rotates, and the "
                                 "node refuses if its primary has moved in the meantime.")
                              .arg(pending->startedAt.toString(Qt::ISODate), S)
                              .arg(source.primary());
    if (m_settings.runAsOwner)
        p.statements << Tr::tr("the scripts that change a repository run as the repository's "
                               "owner (runuser, or sudo -n, on the node)");
    if (!before.consistent())
        p.warnings << Tr::tr("The nodes disagree now; %1 holds the newest primary and its keys "
                             "will replace the others': %2")
                          .arg(S, before.summary);
    p.warnings += before.problems;
    p.estimatedSeconds = 1.0 + 0.5 * states.size();
    p.estimateBasis = Tr::tr("about one ssh round trip per step");
    return p;
}

QString KeyRotation::distribute(const KeyLocation &source, const KeyLocation &dest,
                                const QMap<int, QString> &fingerprints, const QString &runAs,
                                const NodeCancel &cancelled) const
{
    QString why;
    const QString recv = receiveScript(dest.path, fingerprints, &why);
    if (recv.isEmpty())
        return Tr::tr("%1 → %2: not copied, %1's listing is not trustworthy (%3).")
            .arg(source.node(), dest.node(), why);
    NodeShell dst(dest, m_ssh);
    dst.setRunAs(runAs);
    const NodeShell srcShell(source, m_ssh);
    const int timeoutMs = m_ssh.stepTimeoutSeconds * 1000;
    if (source.remote && dest.remote) {
        const QString peer = dst.peerCommand(m_ssh.peerConfigFile, encodedShellCommand(recv));
        const NodeOutput o = srcShell.run(pushScript(source.path, peer), timeoutMs, cancelled);
        if (!o.ok())
            return o.message.isEmpty() ? Tr::tr("%1 → %2 failed.").arg(source.node(), dest.node())
                                       : o.message;
        return {};
    }
    // A local repository is involved: the workstation pipes one side into
    // the other (the operator chose to keep keys here).
    QProcess sender;
    QProcess receiver;
    sender.setStandardOutputProcess(&receiver);
    sender.setProgram(srcShell.program());
    sender.setArguments(srcShell.arguments());
    receiver.setProgram(dst.commandProgram());
    receiver.setArguments(dst.commandArguments(recv));
    NodeShell::ownSession(sender);
    NodeShell::ownSession(receiver);
    receiver.start();
    sender.start();
    if (!sender.waitForStarted(10000) || !receiver.waitForStarted(10000)) {
        NodeShell::stop(sender);
        NodeShell::stop(receiver);
        return Tr::tr("%1 → %2: could not start the copy.").arg(source.node(), dest.node());
    }
    sender.write(sendScript(source.path));
    sender.closeWriteChannel();
    const QDeadlineTimer deadline(timeoutMs);
    const NodeOutput s = NodeShell::collect(sender, source, deadline, cancelled);
    if (s.error != NodeError::None) {
        NodeShell::stop(receiver);
        return s.message;
    }
    const NodeOutput r = NodeShell::collect(receiver, dest, deadline, cancelled);
    if (r.error != NodeError::None)
        return r.message;
    return {};
}

ActionResult KeyRotation::execute(const ActionPreview &confirmed, ActionControl &control)
{
    ActionResult r;
    r.startedAt = QDateTime::currentDateTimeUtc();
    QElapsedTimer timer;
    timer.start();
    auto finish = [&](ActionResult::Outcome o, const QString &msg) {
        r.outcome = o;
        r.message = msg;
        r.finishedAt = QDateTime::currentDateTimeUtc();
        r.durationSeconds = timer.elapsed() / 1000.0;
        return r;
    };
    const QString sourceText = confirmed.parameters.value(u"source").toString();
    const bool repair = confirmed.parameters.value(u"mode").toString() == u"repair";
    int srcIdx = -1;
    for (int i = 0; i < m_nodes.size(); ++i)
        if (m_nodes[i].text == sourceText)
            srcIdx = i;
    if (srcIdx < 0)
        return finish(ActionResult::Outcome::Failed,
                      Tr::tr("The confirmed preview names no source node."));
    const KeyLocation source = m_nodes[srcIdx];
    if (m_settings.maxActiveKeys < 2)
        return finish(
            ActionResult::Outcome::Failed,
            Tr::tr("max_active_keys is %1; it must be at least 2.").arg(m_settings.maxActiveKeys));
    const QJsonObject runAs = confirmed.parameters.value(u"run_as").toObject();
    auto runAsFor = [&](const KeyLocation &l) { return runAs.value(l.text).toString(); };
    const int steps = int(m_nodes.size()) + 1;
    ActionProgress prog;
    prog.total = steps;
    auto step = [&] {
        ++prog.done;
        prog.elapsedSeconds = timer.elapsed() / 1000.0;
        control.report(prog);
    };
    // Polled while an ssh step runs: the report keeps the clock moving (and
    // is where turnstilectl passes a Ctrl-C on), the flag stops the step.
    const NodeCancel cancelled = [&] {
        prog.elapsedSeconds = timer.elapsed() / 1000.0;
        control.report(prog);
        return control.isCancelled();
    };

    // The source must still look as it did in the preview: the operator
    // confirmed a rotation from that primary.
    const QList<RepositoryState> now =
        readRepositories({source}, RepositoryState::Kind::Fernet, m_ssh, cancelled);
    if (control.isCancelled())
        return finish(ActionResult::Outcome::Cancelled,
                      Tr::tr("Cancelled before anything changed."));
    if (!now.first().readable())
        return finish(ActionResult::Outcome::Failed, now.first().errorMessage);
    const int primaryBefore = confirmed.parameters.value(u"primary_before").toInt();
    r.before = primaryBefore;
    if (now.first().primary() != primaryBefore)
        return finish(ActionResult::Outcome::Failed,
                      Tr::tr("%1's primary key changed since the preview (%2, now %3); run the "
                             "preview again.")
                          .arg(source.node())
                          .arg(primaryBefore)
                          .arg(now.first().primary()));

    int newPrimary = primaryBefore;
    if (!repair) {
        const int expected = std::max(0, primaryBefore) + 1;
        PendingRun run;
        run.action = kind();
        run.target = confirmed.target.text;
        run.startedAt = r.startedAt;
        run.cutoff = r.startedAt; // the journal needs one; a rotation has no row cutoff
        run.parametersKey = source.text;
        run.lastKey = expected;
        QString jerr;
        if (!PendingJournal::save(run, &jerr))
            return finish(ActionResult::Outcome::Failed, jerr);
        NodeShell shell(source, m_ssh);
        shell.setRunAs(runAsFor(source));
        const NodeOutput o =
            shell.run(rotateScript(source.path, m_settings.maxActiveKeys, primaryBefore),
                      m_ssh.stepTimeoutSeconds * 1000, cancelled);
        static const QRegularExpression rotatedLine(QStringLiteral("^ROTATED ([0-9]{1,9})$"));
        const auto m = rotatedLine.match(QString::fromUtf8(o.out).trimmed());
        if (o.ok() && m.hasMatch() && m.captured(1).toInt() == expected) {
            newPrimary = expected;
        } else if (o.error == NodeError::Cancelled) {
            // The remote shell may still finish: the journal stays, and the
            // next run finds out which way it went.
            return finish(ActionResult::Outcome::Cancelled,
                          Tr::tr("Cancelled while %1 was rotating; the rotation may still "
                                 "complete on the node. Run the rotation again: it reads %1 "
                                 "first, finishes the distribution if the rotation happened and "
                                 "never rotates twice.")
                              .arg(source.node()));
        } else {
            // Did the rotation happen? Ask the node instead of guessing from
            // how the ssh ended.
            const RepositoryState again =
                readRepositories({source}, RepositoryState::Kind::Fernet, m_ssh, cancelled).first();
            const bool refusedBeforeChange =
                o.error == NodeError::Failed &&
                (o.exitCode == KeyScriptNoStaged || o.exitCode == KeyScriptNoNewKey ||
                 o.exitCode == KeyScriptUnsafe);
            if (again.readable() && again.primary() == expected) {
                newPrimary = expected;
                r.details[u"rotation_report"] = o.message;
            } else if (again.readable() && again.primary() == primaryBefore &&
                       refusedBeforeChange) {
                PendingJournal::remove(kind(), confirmed.target.text);
                return finish(ActionResult::Outcome::Failed,
                              Tr::tr("The rotation on %1 was refused before anything changed: %2")
                                  .arg(source.node(), o.message));
            } else {
                return finish(
                    ActionResult::Outcome::Failed,
                    Tr::tr("The rotation on %1 did not report back (%2); it may still complete "
                           "on the node, which never leaves a repository without a primary key. "
                           "Run the rotation again: it reads %1 first, finishes the "
                           "distribution if the rotation happened and never rotates twice.")
                        .arg(source.node(), o.message.isEmpty()
                                                ? QString::fromUtf8(o.out).trimmed().left(200)
                                                : o.message));
            }
        }
        r.details[u"rotated_on"] = source.node();
    }
    r.after = newPrimary;
    step();
    if (control.isCancelled())
        return finish(ActionResult::Outcome::Cancelled,
                      Tr::tr("Cancelled after the rotation on %1, before the other nodes had the "
                             "new keys; run the rotation again to finish the distribution (it "
                             "will not rotate twice).")
                          .arg(source.node()));

    const QList<RepositoryState> rotated =
        readRepositories({source}, RepositoryState::Kind::Fernet, m_ssh, cancelled);
    if (!rotated.first().readable())
        return finish(ActionResult::Outcome::Failed, rotated.first().errorMessage);
    const QMap<int, QString> fingerprints = fingerprintsOf(rotated.first());

    const int pauseMs = qEnvironmentVariableIntValue("TURNSTILE_KEYS_TEST_PAUSE_MS");
    QStringList failures;
    int written = 0;
    for (int i = 0; i < m_nodes.size(); ++i) {
        if (i == srcIdx)
            continue;
        if (control.isCancelled()) {
            return finish(ActionResult::Outcome::Cancelled,
                          Tr::tr("Cancelled before %1 had the new keys; run the rotation again "
                                 "to finish the distribution (it will not rotate twice).")
                              .arg(m_nodes[i].node()));
        }
        const QString err =
            distribute(source, m_nodes[i], fingerprints, runAsFor(m_nodes[i]), cancelled);
        if (err.isEmpty())
            ++written;
        else
            failures << err;
        step();
        // Test hook: a window in which a test kills the process between two
        // nodes, the crash that a re-run has to repair.
        if (pauseMs > 0)
            QThread::msleep(ulong(pauseMs));
    }
    r.affected = written + (repair ? 0 : 1);
    if (control.isCancelled())
        return finish(ActionResult::Outcome::Cancelled,
                      Tr::tr("Cancelled before every node had the new keys; run the rotation "
                             "again to finish the distribution (it will not rotate twice)."));

    const QList<RepositoryState> after =
        readRepositories(m_nodes, RepositoryState::Kind::Fernet, m_ssh, cancelled);
    const KeyConsistency c = compareRepositories(after);
    QJsonObject fps;
    for (const RepositoryState &s : after) {
        QJsonObject n;
        for (const KeyFile &k : s.keys)
            n[QString::number(k.index)] = k.fingerprint;
        fps[s.location.text] = n;
    }
    r.details[u"fingerprints"] = fps;
    r.details[u"primary"] = newPrimary;
    r.details[u"consistency"] = c.toJson();
    step();
    bool allMatch = c.consistent();
    for (const RepositoryState &s : after)
        allMatch = allMatch && fingerprintsOf(s) == fingerprints;
    if (!failures.isEmpty() || !allMatch) {
        QString msg = failures.isEmpty() ? c.summary : failures.join(u' ');
        return finish(ActionResult::Outcome::Failed,
                      Tr::tr("Rotated on %1 (primary %2), but not every node has the new keys: "
                             "%3 Run the rotation again to finish the distribution.")
                          .arg(source.node())
                          .arg(newPrimary)
                          .arg(msg));
    }
    PendingJournal::remove(kind(), confirmed.target.text);
    return finish(ActionResult::Outcome::Completed,
                  repair ? Tr::tr("Every node has the keys of %1 again (primary %2); fingerprints "
                                  "verified on %n node(s).",
                                  nullptr, int(m_nodes.size()))
                               .arg(source.node())
                               .arg(newPrimary)
                         : Tr::tr("Rotated on %1: primary %2; fingerprints verified on %n "
                                  "node(s).",
                                  nullptr, int(m_nodes.size()))
                               .arg(source.node())
                               .arg(newPrimary));
}

} // namespace turnstile
