#pragma once

#include <QString>
#include <QtGlobal>

namespace turnstile {

// One Keystone audit event (a CADF notification), as parsed from the message
// and as stored in the history store. Names are resolved when the event
// arrives (EventNameResolver), so they survive the deletion of the user or
// project they name.
struct KeystoneEvent
{
    QString messageId;      // oslo.messaging's message_id: the dedupe key
    QString eventType;      // "identity.authenticate", "identity.user.deleted", ...
    QString publisherId;    // "identity.<host>"
    qint64 eventTimeMs = 0; // CADF eventTime (UTC, ms since the epoch)
    QString action;         // "authenticate", "created.user", ...
    QString outcome;        // "success", "failure", "pending"
    QString initiatorId;    // user id, when Keystone knew it
    QString initiatorName;  // user name from the payload, or resolved by id
    QString initiatorAddress;
    QString initiatorAgent;
    QString initiatorProjectId;
    QString targetType; // CADF typeURI, e.g. "data/security/account/user"
    QString targetId;
    QString targetName; // resolved by id at event time; empty when unknown
    QString reasonType; // "Could not find user: x.", "The account is locked for user: <id>."
    QString reasonCode; // "401", "404"
    QString observerId;
    qint64 rowId = 0; // history_events.id once stored (the --follow cursor)

    bool isAuthentication() const { return action == QLatin1String("authenticate"); }
    bool isAuthFailure() const { return isAuthentication() && outcome == QLatin1String("failure"); }
    // Keystone says so only in the reason text (the API answers a plain 401).
    bool isLockedOut() const
    {
        return reasonType.startsWith(QLatin1String("The account is locked"));
    }
    // Who the authentication was for: the name when the payload has one, else the id.
    QString authUser() const { return initiatorName.isEmpty() ? initiatorId : initiatorName; }
    bool operator==(const KeystoneEvent &) const = default;
};

} // namespace turnstile
