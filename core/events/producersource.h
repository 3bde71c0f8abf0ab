#pragma once

#include "events/producerranking.h"

#include <QString>

#include <optional>

namespace turnstile {

class HistoryStore;
struct Profile;
struct Secrets;

// Where `turnstilectl producers` and the Database page read who mints the
// tokens from, and what went wrong. Blocking: a worker thread or the CLI.
struct ProducerReport
{
    std::optional<ProducerRanking> ranking;
    // "the authenticate events in the history store", "the token table of
    // keystone@db:3306": what the output says it was read from.
    QString source;
    QString error; // one sentence when ranking is empty
};

// Whether the store holds any authenticate event of the profile: a Fernet
// cloud's only record of who logged in (a consumer ran for it).
bool hasAuthEvents(HistoryStore &store, const QString &profile);

// The successful logins of [now - windowSec, now) ranked (top N users).
ProducerReport producersFromEvents(HistoryStore &store, const QString &profile, qint64 windowSec,
                                   qint64 now, int top);

// KeystoneInspector::tokenProducers() on the profile's database: the rows
// issued in the last windowSec (by their expiry and keystone.conf's token
// lifetime), or every row when windowSec is empty, with the count behind the
// shares. A cloud without the table (Fernet) gets an error saying where the
// answer is instead.
ProducerReport producersFromTokenTable(const Profile &profile, const Secrets &secrets,
                                       std::optional<qint64> windowSec, int top);

} // namespace turnstile
