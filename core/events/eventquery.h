#pragma once

#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace turnstile {

// Which stored events to read (HistoryStore::events). Times in ms since the
// epoch, [fromMs, toMs); afterId > 0 reads only rows stored after that one
// (how `turnstilectl events --follow` polls).
struct EventQuery
{
    QString profile;
    qint64 fromMs = 0;
    qint64 toMs = 0;     // 0: no upper bound
    QStringList actions; // exact CADF actions ("authenticate", "deleted.user"); empty: all
    QString outcome;     // empty: all
    qint64 afterId = 0;
    int limit = 10000;
};

// Failed logins of one user in one minute (history_auth_failures).
struct AuthFailureCount
{
    QString user;
    qint64 minute = 0; // seconds since the epoch, a multiple of 60
    int count = 0;
    bool operator==(const AuthFailureCount &) const = default;
};

// Successful logins of one user in a range (HistoryStore::authSuccesses):
// one token each, so this is who mints the tokens of a Fernet cloud.
struct AuthSuccessCount
{
    QString user; // the name when the payload had one, else the id (KeystoneEvent::authUser)
    qint64 count = 0;
    bool operator==(const AuthSuccessCount &) const = default;
};

} // namespace turnstile
