#pragma once

#include "db/tokenstats.h"
#include "events/eventquery.h"

#include <QList>
#include <QString>

#include <optional>

namespace turnstile {

// Who mints the tokens, from whichever record the cloud has: the stored
// authenticate `success` events (Fernet: tokens leave no rows, each
// successful login is one token) or the legacy token table's rows.
struct ProducerRow
{
    enum class Kind
    {
        User,
        Trust
    };
    Kind kind = Kind::User;
    QString who; // the user's name (events), or the user or trust id (token table)
    qint64 tokens = 0;
    std::optional<double> share;   // of every token in the window, not only the top ones
    std::optional<double> perHour; // tokens an hour over the window; none for the whole table
    bool operator==(const ProducerRow &) const = default;
};

struct ProducerRanking
{
    enum class Source
    {
        Events,
        TokenTable
    };
    Source source = Source::Events;
    qint64 windowSec = 0;        // 0: every row of the token table, whenever issued
    std::optional<qint64> total; // tokens in the window from every producer
    QList<ProducerRow> rows;     // users, most first; then trusts, most first
};

// Pure. The store's per-user counts (every user, not only the top ones, so
// the total and the shares are exact) ranked: the top `top` users with their
// share of all successful logins and their rate per hour. Keystone 22's
// authenticate event names no trust (build_audit_initiator copies the user,
// project and domain of the request only), so events rank users only.
ProducerRanking rankAuthSuccesses(const QList<AuthSuccessCount> &counts, qint64 windowSec, int top);

// Pure. KeystoneInspector::tokenProducers() as rows: users, then trusts;
// shares of `total` when it is known. Lists the inspector could not read
// are left out (their error is the caller's to say).
ProducerRanking rankTokenTable(const TokenProducers &producers, std::optional<qint64> total,
                               qint64 windowSec);

// "user" / "trust": the words of --json, --csv and the Database page's key.
QString producerKindKey(ProducerRow::Kind kind);

} // namespace turnstile
