#include "probe/connectiontest.h"

#include "keys/keystatus.h"
#include "probe/prober.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ConnectionTest)
};

using Part = ConnectionTest::Part;
using State = ConnectionTest::State;

ConnectionTest::Line keystoneLine(const Profile &profile, const ProbeResult &r)
{
    if (!r.endpointError.isEmpty())
        return {Part::Keystone, State::Failed, r.endpointError};
    if (!r.issueMs)
        return {Part::Keystone, State::Failed,
                r.tokenError.isEmpty() ? Tr::tr("Keystone at %1 answered, but issued no token.")
                                             .arg(profile.authUrl.toString())
                                       : r.tokenError};
    const QLocale loc;
    return {Part::Keystone, State::Ok,
            Tr::tr("Keystone %1 at %2 accepted the credentials of %3 and issued a token in %4 ms.")
                .arg(r.keystoneVersion, profile.authUrl.toString(), r.authUser,
                     loc.toString(*r.issueMs, 'f', 0))};
}

ConnectionTest::Line databaseLine(const ProbeResult &r)
{
    if (!r.databaseConfigured)
        return {Part::Database, State::NotConfigured, Tr::tr("No database is configured.")};
    if (!r.databaseError.isEmpty())
        return {Part::Database, State::Failed, r.databaseError};
    const QLocale loc;
    if (r.revocationEvents)
        return {Part::Database, State::Ok,
                Tr::tr("The database %1 answered; it holds %2 revocation events.")
                    .arg(r.databaseTarget, loc.toString(*r.revocationEvents))};
    return {Part::Database, State::Failed,
            Tr::tr("The database %1 answered, but revocation_event could not be counted: %2")
                .arg(r.databaseTarget, r.revocationError)};
}

QList<ConnectionTest::Line> nodeLines(const Profile &profile,
                                      const std::function<bool()> &cancelled)
{
    if (profile.keyRepositories.isEmpty())
        return {{Part::Node, State::NotConfigured,
                 Tr::tr("No Keystone nodes (key repositories) are configured.")}};
    QString error;
    const auto setup = KeySetup::fromProfile(profile, &error);
    if (!setup)
        return {{Part::Node, State::Failed, error}};
    const KeyStatus status = readKeyStatus(*setup, cancelled ? cancelled : NodeCancel{});
    QList<ConnectionTest::Line> lines;
    for (const RepositoryState &s : status.fernet) {
        if (!s.readable()) {
            // The reader's sentences mostly name the node already.
            const bool named = s.errorMessage.startsWith(s.location.sshDestination()) ||
                               s.errorMessage.startsWith(s.location.node());
            lines.append(
                {Part::Node, State::Failed,
                 named ? s.errorMessage : Tr::tr("%1: %2").arg(s.location.node(), s.errorMessage)});
        } else if (!s.location.remote) {
            lines.append({Part::Node, State::Ok,
                          Tr::tr("The local key repository %1 is readable and holds %n key(s).",
                                 nullptr, int(s.keys.size()))
                              .arg(s.location.path)});
        } else {
            lines.append({Part::Node, State::Ok,
                          Tr::tr("%1: the key repository %2 is readable and holds %n key(s).",
                                 nullptr, int(s.keys.size()))
                              .arg(s.location.node(), s.location.path)});
        }
    }
    return lines;
}
} // namespace

bool ConnectionTest::ok() const
{
    return std::none_of(lines.cbegin(), lines.cend(),
                        [](const Line &l) { return l.state == State::Failed; });
}

ConnectionTest testConnection(const Profile &profile, const Secrets &secrets,
                              const std::function<bool()> &cancelled)
{
    ConnectionTest t;
    // One validation: this asks "does it answer", not "how fast".
    const ProbeResult r = runProbe(profile, secrets, 1);
    t.lines.append(keystoneLine(profile, r));
    t.lines.append(databaseLine(r));
    if (cancelled && cancelled())
        return t;
    t.lines.append(nodeLines(profile, cancelled));
    return t;
}

} // namespace turnstile
