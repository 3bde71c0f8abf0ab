#pragma once

#include <QHashFunctions>
#include <QString>

namespace turnstile {

// Identifies one series: a metric of one profile, e.g. {"prod-east",
// "token.rows"}. Stores map it to a small integer id, so the name costs
// nothing per sample.
struct SeriesKey
{
    QString profile;
    QString metric; // ^[a-z0-9_.]+$, e.g. token.rows, validate.p50_ms

    bool isValid() const;
    // Empty when valid, otherwise one translated sentence saying what is wrong.
    QString validationError() const;

    static bool isValidMetric(const QString &metric);

    bool operator==(const SeriesKey &) const = default;
};

inline size_t qHash(const SeriesKey &key, size_t seed = 0)
{
    return qHashMulti(seed, key.profile, key.metric);
}

} // namespace turnstile
