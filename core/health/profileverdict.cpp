#include "health/profileverdict.h"

#include "events/producerranking.h"
#include "history/growthrate.h"
#include "history/historystore.h"

namespace turnstile {

namespace {
// A figure older than this no longer describes the profile.
constexpr qint64 kStaleAfterSec = 3 * 3600;
} // namespace

ProfileVerdict evaluateProfileHealth(const QJsonObject &thresholdOverrides, const QString &profile,
                                     HistoryStore *store, qint64 now,
                                     const QHash<QString, double> &fresh)
{
    const QList<ThresholdRule> rules = effectiveThresholds(thresholdOverrides);
    ProfileVerdict out;
    out.latest = fresh;
    // Who minted the last hour's tokens, from the stored authenticate events
    // (only a profile whose events are consumed has any).
    if (store) {
        if (const auto counts =
                store->authSuccesses(profile, (now - 3600) * 1000, (now + 1) * 1000);
            counts && !counts->isEmpty()) {
            const ProducerRanking top = rankAuthSuccesses(*counts, 3600, 1);
            out.latest.insert(QStringLiteral("auth.success.hour"), double(top.total.value_or(0)));
            if (!top.rows.isEmpty()) {
                out.latest.insert(QStringLiteral("auth.top_user.hour"),
                                  double(top.rows.constFirst().tokens));
                out.subjects.insert(QStringLiteral("auth.top_user.hour"),
                                    top.rows.constFirst().who);
            }
        }
    }
    QHash<QString, double> growth;
    for (const ThresholdRule &r : rules) {
        if (store) {
            for (const QString &m : {r.metric, r.denominator, r.measure}) {
                if (m.isEmpty() || out.latest.contains(m))
                    continue;
                if (const auto s = store->latest(SeriesKey{profile, m});
                    s && now - s->ts < kStaleAfterSec)
                    out.latest.insert(m, s->value);
            }
        }
        if (r.kind == ThresholdRule::Kind::GrowthPerDay && store) {
            const auto g =
                observedGrowth(*store, SeriesKey{profile, r.metric}, now - 86400, now + 1);
            if (g && g->spanSec >= kMinGrowthSpanSec)
                growth.insert(r.metric, g->perDay());
        }
    }
    out.verdict = evaluateHealth(rules, out.latest, growth, out.subjects);
    return out;
}

} // namespace turnstile
