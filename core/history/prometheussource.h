#pragma once

#include "history/decimatedseries.h"
#include "history/sample.h"
#include "history/serieskey.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace turnstile {

// A Prometheus-compatible query API (Prometheus, Thanos Query,
// VictoriaMetrics) as a source of the history charts: the series
// `turnstilectl collect --listen` exports, read back through
// /api/v1/query_range. Credentials are values the caller read from the
// keychain; they never come from a file or a URL.
struct PrometheusSourceSettings
{
    QUrl url; // the API root, e.g. https://prometheus.example:9090 (no user info)
    QString caCertFile;
    bool verifyTls = true; // off only by an explicit choice, as for profiles
    int timeoutMs = 15000;
    QString username; // basic auth with password, or
    QString password;
    QString bearerToken; // a bearer token (wins over basic auth)

    bool operator==(const PrometheusSourceSettings &) const = default;
};

// Prometheus answers at most this many points per series.
inline constexpr int kPrometheusMaxPoints = 11000;

// The query step for [from, to] at a budget of `points`: the smallest whole
// number of seconds that keeps every series within the budget and within
// Prometheus' 11,000-point cap. Pure.
qint64 prometheusStep(qint64 from, qint64 to, int points);

// The PromQL that gives a history metric of a profile from the exported
// series, in the history's units ("validate.p99.ms" is the 0.99 quantile of
// turnstile_token_validation_seconds times 1000). nullopt, with the reason,
// for a metric the exporter does not export. The series of every instance
// that reports the profile are one curve (max by profile). Pure.
std::optional<QString> prometheusQueryFor(const SeriesKey &key, QString *why = nullptr);

// Whether a chart metric can be drawn from Prometheus at all: the exporter
// serves it. A wildcard (schema.*.bytes) or a metric without a query
// (prometheusQueryFor) is only in Turnstile's own history. Pure.
bool prometheusServes(const QString &metric);

// One query_range answer: the first series' points, Prometheus' warnings,
// or the error as one sentence. Pure.
struct PrometheusRange
{
    QList<Sample> samples;
    int seriesCount = 0;
    QStringList warnings;
    QString error;
};
PrometheusRange parsePrometheusRange(int httpStatus, const QByteArray &body, const QString &where);

// Blocking (KeystoneClient's HTTP path): call on a worker thread.
class PrometheusSource
{
public:
    explicit PrometheusSource(PrometheusSourceSettings settings);

    // Like HistoryStore::query: at most `points` buckets over [from, to];
    // each bucket holds the value Prometheus evaluates at its start.
    std::optional<DecimatedSeries> query(const SeriesKey &key, qint64 from, qint64 to, int points);
    QString error() const { return m_error; }
    // Prometheus' warnings of the last query (a partial answer, for example).
    QStringList warnings() const { return m_warnings; }

private:
    PrometheusSourceSettings m_settings;
    QString m_error;
    QStringList m_warnings;
};

} // namespace turnstile
