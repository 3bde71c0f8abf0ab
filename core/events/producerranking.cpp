#include "events/producerranking.h"

#include <algorithm>

namespace turnstile {

namespace {

std::optional<double> ratePerHour(qint64 tokens, qint64 windowSec)
{
    if (windowSec <= 0)
        return std::nullopt;
    return double(tokens) * 3600.0 / double(windowSec);
}

std::optional<double> shareOf(qint64 tokens, std::optional<qint64> total)
{
    if (!total || *total <= 0)
        return std::nullopt;
    return double(tokens) / double(*total);
}

} // namespace

ProducerRanking rankAuthSuccesses(const QList<AuthSuccessCount> &counts, qint64 windowSec, int top)
{
    ProducerRanking r;
    r.source = ProducerRanking::Source::Events;
    r.windowSec = windowSec;
    qint64 total = 0;
    for (const AuthSuccessCount &c : counts)
        total += c.count;
    r.total = total;
    QList<AuthSuccessCount> sorted = counts;
    // Most first; equal counts by name, so the order never depends on the
    // database's.
    std::sort(sorted.begin(), sorted.end(),
              [](const AuthSuccessCount &a, const AuthSuccessCount &b) {
                  return a.count != b.count ? a.count > b.count : a.user < b.user;
              });
    for (const AuthSuccessCount &c : std::as_const(sorted)) {
        if (r.rows.size() >= std::max(1, top) || c.count <= 0)
            break;
        r.rows.append({ProducerRow::Kind::User, c.user, c.count, shareOf(c.count, r.total),
                       ratePerHour(c.count, windowSec)});
    }
    return r;
}

ProducerRanking rankTokenTable(const TokenProducers &producers, std::optional<qint64> total,
                               qint64 windowSec)
{
    ProducerRanking r;
    r.source = ProducerRanking::Source::TokenTable;
    r.windowSec = windowSec;
    r.total = total;
    for (const auto &[kind, list] : {std::pair{ProducerRow::Kind::User, &producers.byUser},
                                     std::pair{ProducerRow::Kind::Trust, &producers.byTrust}}) {
        if (!list->value)
            continue;
        for (const TokenProducer &p : *list->value)
            r.rows.append({kind, p.id, p.tokens, total ? shareOf(p.tokens, total) : p.share,
                           ratePerHour(p.tokens, windowSec)});
    }
    return r;
}

QString producerKindKey(ProducerRow::Kind kind)
{
    return kind == ProducerRow::Kind::Trust ? QStringLiteral("trust") : QStringLiteral("user");
}

} // namespace turnstile
