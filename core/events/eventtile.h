#pragma once

#include "events/eventconsumerstatus.h"
#include "events/lockoutwarning.h"
#include "health/fixtarget.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include <optional>

namespace turnstile {

// What a profile's event consumer contributes to its Overview tile: the
// consumer's status line, the lockout early warning over the recent
// authentication events, and whether a broken notification transport
// explains Keystone's latency. A value the window hands to the OverviewModel.
struct ProfileEvents
{
    bool consuming = false; // a consumer runs for the profile (it has a broker)
    EventConsumerStatus status;
    QList<LockoutFinding> lockout; // evaluateLockout over the recent events
    // TransportUrl::cleartextWarning(): a plain amqp:// broker off loopback.
    QString transportWarning;
    // The status line, and the clear-text warning after it.
    QString line() const
    {
        return transportWarning.isEmpty() ? status.line() : status.line() + u' ' + transportWarning;
    }
    bool operator==(const ProfileEvents &other) const
    {
        return consuming == other.consuming && line() == other.line() && lockout == other.lockout;
    }
};

// Keystone's latency next to the latency it had while the broker was
// reachable, in ms.
struct TransportLatency
{
    std::optional<double> issueMs;
    std::optional<double> validateMs;
    std::optional<double> calmIssueMs; // the last figures while Turnstile reached the broker
    std::optional<double> calmValidateMs;
};

// With RabbitMQ down, oslo.messaging retries every notification Keystone
// sends for about 6 s before it gives up (measured in the lab), so each call
// that notifies (a login, a change; a validation that records activity)
// takes that much longer. When Turnstile cannot reach the broker either and
// a latency jumped by at least kTransportJumpMs over its calm figure (or is
// above kTransportSlowMs with no calm figure yet), the broker is the likely
// cause: one sentence saying so, else empty. Pure.
inline constexpr double kTransportJumpMs = 2000;
inline constexpr double kTransportSlowMs = 4000;
QString notificationTransportHint(const EventConsumerStatus &status,
                                  const TransportLatency &latency);

// The tile's verdict from events: 3 (red) for a locked account or a service
// account one failure from its lockout, 2 (amber) for an account one failure
// from its lockout (a service account two) or a transport hint, 1 otherwise;
// the sentences, most urgent first.
struct EventTileVerdict
{
    int level = 1;
    QStringList reasons;
};
EventTileVerdict eventTileVerdict(const ProfileEvents &events, const QString &transportHint);

// Where the lockout findings are acted on, in the verdict's order: a locked
// service account's guarded unlock, every other named user on the
// Compliance page (people's accounts are a list to look at, not a button).
QList<FixTarget> lockoutFixTargets(const QList<LockoutFinding> &findings);

} // namespace turnstile

Q_DECLARE_METATYPE(turnstile::ProfileEvents)
