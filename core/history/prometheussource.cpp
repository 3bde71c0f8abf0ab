#include "history/prometheussource.h"

#include "exporter/prometheustext.h"
#include "keystone/keystoneclient.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrlQuery>

#include <cmath>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(PrometheusSource)
};

QString selector(const QString &name, const SeriesKey &key, const QString &extra = {})
{
    return QStringLiteral("%1{profile=\"%2\"%3}")
        .arg(name, prometheusLabelValue(key.profile), extra.isEmpty() ? QString() : u',' + extra);
}
} // namespace

qint64 prometheusStep(qint64 from, qint64 to, int points)
{
    const qint64 span = std::max<qint64>(1, to - from);
    // A range of span / step steps has one point more than steps: budget - 1
    // steps fill the budget (and 10,999 Prometheus' cap of 11,000).
    const qint64 steps = std::max(1, std::min(points, kPrometheusMaxPoints) - 1);
    return std::max<qint64>(1, (span + steps - 1) / steps);
}

bool prometheusServes(const QString &metric)
{
    return !metric.contains(u'*') && prometheusQueryFor(SeriesKey{QString(), metric}).has_value();
}

namespace {
// The exported series of one history metric, before they become one curve.
std::optional<QString> exportedSeries(const SeriesKey &key, QString *why)
{
    const QString &m = key.metric;
    static const QRegularExpression percentile(
        QStringLiteral("^(validate|issue)\\.p(50|95|99)\\.ms$"));
    static const QRegularExpression table(QStringLiteral("^table\\.([a-z0-9_]+)\\.(rows|bytes)$"));
    if (const auto p = percentile.match(m); p.hasMatch()) {
        const QString family = p.captured(1) == u"validate"
                                   ? QStringLiteral("turnstile_token_validation_seconds")
                                   : QStringLiteral("turnstile_token_issue_seconds");
        const QString q =
            p.captured(2) == u"50" ? QStringLiteral("0.5") : QStringLiteral("0.") + p.captured(2);
        return selector(family, key, QStringLiteral("quantile=\"%1\"").arg(q)) +
               QStringLiteral(" * 1000");
    }
    if (const auto t = table.match(m); t.hasMatch())
        return t.captured(2) == u"rows"
                   ? selector(QStringLiteral("turnstile_table_rows"), key,
                              QStringLiteral("table=\"%1\",state=\"all\"").arg(t.captured(1)))
                   : selector(QStringLiteral("turnstile_table_size_bytes"), key,
                              QStringLiteral("table=\"%1\"").arg(t.captured(1)));
    static const QHash<QString, QPair<QString, QString>> plain{
        {QStringLiteral("keystone.up"), {QStringLiteral("turnstile_keystone_up"), {}}},
        {QStringLiteral("token.bytes"), {QStringLiteral("turnstile_token_size_bytes"), {}}},
        {QStringLiteral("catalog.bytes"), {QStringLiteral("turnstile_catalog_size_bytes"), {}}},
        {QStringLiteral("token.live"),
         {QStringLiteral("turnstile_table_rows"),
          QStringLiteral("table=\"token\",state=\"live\"")}},
        {QStringLiteral("token.expired"),
         {QStringLiteral("turnstile_table_rows"),
          QStringLiteral("table=\"token\",state=\"expired\"")}},
        {QStringLiteral("revocation_event.rows"),
         {QStringLiteral("turnstile_revocation_events"), QStringLiteral("kind=\"all\"")}},
        {QStringLiteral("revocation_event.obsolete"),
         {QStringLiteral("turnstile_revocation_events_obsolete"), {}}},
        {QStringLiteral("users.locked"), {QStringLiteral("turnstile_locked_users"), {}}},
        {QStringLiteral("memcached.hit_ratio"),
         {QStringLiteral("turnstile_memcached_hit_ratio"), {}}},
        {QStringLiteral("memcached.items"), {QStringLiteral("turnstile_memcached_items"), {}}},
        {QStringLiteral("memcached.hits"), {QStringLiteral("turnstile_memcached_hits_total"), {}}},
        {QStringLiteral("memcached.misses"),
         {QStringLiteral("turnstile_memcached_misses_total"), {}}},
        {QStringLiteral("memcached.evictions"),
         {QStringLiteral("turnstile_memcached_evictions_total"), {}}},
    };
    if (const auto it = plain.constFind(m); it != plain.cend())
        return selector(it->first, key, it->second);
    if (why)
        *why = Tr::tr("%1 is not among the figures the exporter serves to Prometheus; it is only "
                      "in Turnstile's own history.")
                   .arg(m);
    return std::nullopt;
}
} // namespace

std::optional<QString> prometheusQueryFor(const SeriesKey &key, QString *why)
{
    // One curve per profile: a collector that moved host or port (a new
    // `instance`) or a second one for the same profile gives Prometheus
    // series of their own, and the chart reads only one series per query.
    const std::optional<QString> q = exportedSeries(key, why);
    if (!q)
        return std::nullopt;
    return QStringLiteral("max by (profile) (%1)").arg(*q);
}

PrometheusRange parsePrometheusRange(int httpStatus, const QByteArray &body, const QString &where)
{
    PrometheusRange r;
    QJsonParseError perr;
    const QJsonObject o = QJsonDocument::fromJson(body, &perr).object();
    for (const QJsonValue &w : o.value(u"warnings").toArray())
        r.warnings.append(w.toString());
    const QString apiError = o.value(u"error").toString();
    if (httpStatus == 401 || httpStatus == 403) {
        r.error = Tr::tr("%1 refused the query (HTTP %2): check the user name and password or the "
                         "bearer token in the keychain.")
                      .arg(where)
                      .arg(httpStatus);
        return r;
    }
    if (httpStatus >= 400 || o.value(u"status").toString() == u"error") {
        const QString detail =
            apiError.isEmpty() ? QString::fromUtf8(body.left(200)).simplified() : apiError;
        if (httpStatus >= 500)
            r.error = Tr::tr("%1 failed to answer the query (HTTP %2): %3")
                          .arg(where)
                          .arg(httpStatus)
                          .arg(detail);
        else
            r.error = Tr::tr("%1 rejected the query (HTTP %2): %3")
                          .arg(where)
                          .arg(httpStatus)
                          .arg(detail);
        return r;
    }
    if (perr.error != QJsonParseError::NoError || o.value(u"status").toString() != u"success") {
        r.error = Tr::tr("%1 did not answer as a Prometheus query API (HTTP %2).")
                      .arg(where)
                      .arg(httpStatus);
        return r;
    }
    const QJsonObject data = o.value(u"data").toObject();
    if (data.value(u"resultType").toString() != u"matrix") {
        r.error = Tr::tr("%1 answered a range query with a %2 instead of a matrix.")
                      .arg(where, data.value(u"resultType").toString());
        return r;
    }
    const QJsonArray result = data.value(u"result").toArray();
    r.seriesCount = int(result.size());
    if (result.isEmpty())
        return r;
    for (const QJsonValue &point : result.at(0).toObject().value(u"values").toArray()) {
        const QJsonArray pair = point.toArray();
        bool ok = false;
        const double v = pair.at(1).toString().toDouble(&ok);
        if (ok && std::isfinite(v))
            r.samples.append({qint64(pair.at(0).toDouble()), v});
    }
    return r;
}

PrometheusSource::PrometheusSource(PrometheusSourceSettings settings)
    : m_settings(std::move(settings))
{}

std::optional<DecimatedSeries> PrometheusSource::query(const SeriesKey &key, qint64 from, qint64 to,
                                                       int points)
{
    m_error.clear();
    m_warnings.clear();
    QString why;
    const std::optional<QString> promql = prometheusQueryFor(key, &why);
    if (!promql) {
        m_error = why;
        return std::nullopt;
    }
    const qint64 step = prometheusStep(from, to, points);
    QUrl url = m_settings.url.adjusted(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
    url.setPath(url.path() + QStringLiteral("/api/v1/query_range"));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("query"), *promql);
    // Start on the step grid, so buckets line up between loads; rounded up,
    // so the range never grows past the budget.
    q.addQueryItem(QStringLiteral("start"), QString::number((from + step - 1) / step * step));
    q.addQueryItem(QStringLiteral("end"), QString::number(to));
    q.addQueryItem(QStringLiteral("step"), QString::number(step));
    url.setQuery(q);

    Profile endpoint;
    endpoint.authUrl = url;
    endpoint.caCertFile = m_settings.caCertFile;
    endpoint.verifyTls = m_settings.verifyTls;
    endpoint.timeoutMs = m_settings.timeoutMs;
    KeystoneClient http(endpoint, Secrets{});
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!m_settings.bearerToken.isEmpty())
        headers.append({"Authorization", "Bearer " + m_settings.bearerToken.toUtf8()});
    else if (!m_settings.username.isEmpty())
        headers.append(
            {"Authorization",
             "Basic " + (m_settings.username + u':' + m_settings.password).toUtf8().toBase64()});
    const HttpResult answer = http.getAbsoluteWithHeaders(url, headers);
    const QString where =
        m_settings.url.adjusted(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery)
            .toString();
    if (answer.status == 0) {
        m_error = answer.error; // timeout, refused, TLS: KeystoneClient's sentence
        return std::nullopt;
    }
    const PrometheusRange range = parsePrometheusRange(answer.status, answer.body, where);
    m_warnings = range.warnings;
    if (!range.error.isEmpty()) {
        m_error = range.error;
        return std::nullopt;
    }
    DecimatedSeries out;
    out.bucketSeconds = step;
    for (const Sample &s : range.samples)
        out.buckets.append(Bucket{s.ts, s.value, s.value, s.value, 1});
    return out;
}

} // namespace turnstile
