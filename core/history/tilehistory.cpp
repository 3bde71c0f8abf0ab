#include "history/tilehistory.h"

#include "history/historystore.h"

#include <QFileInfo>

namespace turnstile {

QStringList TileHistory::sparklineMetrics()
{
    return {QStringLiteral("validate.p99.ms"), QStringLiteral("token.live"),
            QStringLiteral("revocation_event.rows")};
}

TileHistory TileHistory::load(const HistoryConfig &config, const QString &profile, qint64 now,
                              int width)
{
    TileHistory r;
    r.profile = profile;
    r.from = now - kWindowSeconds;
    r.to = now + 1; // the sample of this very second belongs in
    // Reading must not leave an empty store where a collector is about to write.
    if (config.backend == HistoryConfig::Backend::Sqlite &&
        !QFileInfo::exists(config.effectiveSqlitePath())) {
        r.noStore = true;
        return r;
    }
    HistoryStore store;
    if (!store.open(config)) {
        r.error = store.error();
        return r;
    }
    for (const QString &metric : sparklineMetrics()) {
        // The one read path of every chart: buckets reduced in the database
        // and by decimateMinMax to the pixels there are.
        const auto q = store.query(SeriesKey{profile, metric}, r.from, r.to, std::max(1, width));
        if (!q) {
            r.error = store.error();
            r.sparklines.clear();
            return r;
        }
        r.sparklines.append(q->buckets);
    }
    // Raw samples: an outage of one probe must stay one probe long. The raw
    // rows are kept for days (HistoryConfig::rawRetentionDays), so a day is
    // always there.
    const auto up = store.samples(SeriesKey{profile, QStringLiteral("keystone.up")}, r.from, r.to);
    if (!up) {
        r.error = store.error();
        return r;
    }
    r.up = *up;
    return r;
}

} // namespace turnstile
