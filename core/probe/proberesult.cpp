#include "probe/proberesult.h"

#include <QJsonArray>

namespace turnstile {

namespace {
template <typename T> QJsonValue opt(const std::optional<T> &v)
{
    return v ? QJsonValue(double(*v)) : QJsonValue(QJsonValue::Null);
}
std::optional<double> optD(const QJsonValue &v)
{
    return v.isDouble() ? std::optional<double>(v.toDouble()) : std::nullopt;
}
std::optional<qint64> optI(const QJsonValue &v)
{
    return v.isDouble() ? std::optional<qint64>(qint64(v.toDouble())) : std::nullopt;
}
// p50/p95/p99 flat in the token object ("validate_p99_ms"), so jq and
// monitoring scripts read them like the other figures.
void putPercentiles(QJsonObject &o, const QString &prefix,
                    const std::optional<LatencyPercentiles> &p)
{
    auto v = [&](double x) { return p ? QJsonValue(x) : QJsonValue(QJsonValue::Null); };
    o.insert(prefix + QStringLiteral("_p50_ms"), v(p ? p->p50 : 0));
    o.insert(prefix + QStringLiteral("_p95_ms"), v(p ? p->p95 : 0));
    o.insert(prefix + QStringLiteral("_p99_ms"), v(p ? p->p99 : 0));
    o.insert(prefix + QStringLiteral("_window_samples"), p ? p->samples : 0);
}
std::optional<LatencyPercentiles> getPercentiles(const QJsonObject &o, const QString &prefix)
{
    const QJsonValue p50 = o.value(prefix + QStringLiteral("_p50_ms"));
    if (!p50.isDouble())
        return std::nullopt;
    LatencyPercentiles p;
    p.p50 = p50.toDouble();
    p.p95 = o.value(prefix + QStringLiteral("_p95_ms")).toDouble();
    p.p99 = o.value(prefix + QStringLiteral("_p99_ms")).toDouble();
    p.samples = o.value(prefix + QStringLiteral("_window_samples")).toInt();
    return p;
}
QJsonValue str(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}
} // namespace

bool ProbeResult::healthy() const
{
    return reachable && endpointError.isEmpty() && tokenError.isEmpty() &&
           (!databaseConfigured ||
            (databaseError.isEmpty() && revocationError.isEmpty() && tokenRowsError.isEmpty()));
}

QJsonObject ProbeResult::toJson() const
{
    // null: not read; the depth with its finding, or the API's answer.
    QJsonValue queue;
    if (notificationQueueRead) {
        if (const auto &d = notificationQueue.depth)
            queue = QJsonObject{{QStringLiteral("queue"), d->queue},
                                {QStringLiteral("messages"), double(d->messages)},
                                {QStringLiteral("consumers"), d->consumers},
                                {QStringLiteral("finding"), unreadQueueFinding(*d)}};
        else
            queue = QJsonObject{{QStringLiteral("error"), notificationQueue.error}};
    }
    QJsonObject ks{{QStringLiteral("url"), endpoint},
                   {QStringLiteral("reachable"), reachable},
                   {QStringLiteral("version"), str(keystoneVersion)},
                   {QStringLiteral("health"), str(health)},
                   {QStringLiteral("regions"), QJsonArray::fromStringList(catalogRegions)},
                   {QStringLiteral("error"), str(endpointError)},
                   {QStringLiteral("error_detail"), str(keystoneErrorDetail)}};
    QJsonObject tok{{QStringLiteral("issue_ms"), opt(issueMs)},
                    {QStringLiteral("validate_ms"), opt(validateMs)},
                    {QStringLiteral("token_bytes"), opt(tokenBytes)},
                    {QStringLiteral("catalog_bytes"), opt(catalogBytes)},
                    {QStringLiteral("error"), str(tokenError)},
                    {QStringLiteral("warnings"), QJsonArray::fromStringList(warnings)},
                    {QStringLiteral("auth_rejected"), authRejected},
                    {QStringLiteral("lockout_failure_attempts"), opt(lockoutAttempts)}};
    putPercentiles(tok, QStringLiteral("validate"), validatePercentiles);
    putPercentiles(tok, QStringLiteral("issue"), issuePercentiles);
    QJsonObject db{{QStringLiteral("configured"), databaseConfigured},
                   {QStringLiteral("target"), str(databaseTarget)},
                   {QStringLiteral("revocation_event_rows"), opt(revocationEvents)},
                   {QStringLiteral("revocation_event_error"), str(revocationError)},
                   {QStringLiteral("revocation_event_obsolete"), opt(revocationObsolete)},
                   {QStringLiteral("token_growth_per_day"), opt(tokenGrowthPerDay)},
                   {QStringLiteral("token_growth_span_s"), opt(tokenGrowthSpanSec)},
                   {QStringLiteral("token_rows"), opt(tokenRows)},
                   {QStringLiteral("token_rows_estimated"), tokenRowsEstimated},
                   {QStringLiteral("token_rows_error"), str(tokenRowsError)},
                   {QStringLiteral("error"), str(databaseError)},
                   {QStringLiteral("error_detail"), str(databaseErrorDetail)},
                   {QStringLiteral("query_ms"), databaseMs}};
    return QJsonObject{
        {QStringLiteral("profile"), profile},
        {QStringLiteral("started_at"), startedAt.toUTC().toString(Qt::ISODateWithMs)},
        {QStringLiteral("duration_ms"), durationMs},
        {QStringLiteral("healthy"), healthy()},
        {QStringLiteral("threshold_level"), thresholdLevel},
        {QStringLiteral("threshold_reason"), str(thresholdReason)},
        {QStringLiteral("compliance"),
         compliance ? QJsonValue(compliance->toJson()) : QJsonValue()},
        {QStringLiteral("keys"),
         keysLevel > 0 ? QJsonValue(QJsonObject{{QStringLiteral("level"), keysLevel},
                                                {QStringLiteral("summary"), keysSummary}})
                       : QJsonValue()},
        {QStringLiteral("galera"), galera ? QJsonValue(galera->toJson()) : QJsonValue()},
        {QStringLiteral("keystone"), ks},
        {QStringLiteral("memcached"),
         QJsonObject{{QStringLiteral("hit_ratio"), opt(memcachedHitRatio)}}},
        {QStringLiteral("token"), tok},
        {QStringLiteral("database"), db},
        {QStringLiteral("notification_config"), QJsonArray::fromStringList(notificationProblems)},
        {QStringLiteral("notification_queue"), queue}};
}

ProbeResult ProbeResult::fromJson(const QJsonObject &o)
{
    ProbeResult r;
    r.profile = o[u"profile"].toString();
    r.startedAt = QDateTime::fromString(o[u"started_at"].toString(), Qt::ISODateWithMs);
    r.durationMs = o[u"duration_ms"].toDouble();
    r.thresholdLevel = o[u"threshold_level"].toInt();
    r.thresholdReason = o[u"threshold_reason"].toString();
    r.keysLevel = o[u"keys"].toObject()[u"level"].toInt();
    r.keysSummary = o[u"keys"].toObject()[u"summary"].toString();
    if (o[u"galera"].isObject())
        r.galera = GaleraStatus::fromJson(o[u"galera"].toObject());
    const QJsonObject ks = o[u"keystone"].toObject();
    r.endpoint = ks[u"url"].toString();
    r.reachable = ks[u"reachable"].toBool();
    r.keystoneVersion = ks[u"version"].toString();
    r.endpointError = ks[u"error"].toString();
    r.keystoneErrorDetail = ks[u"error_detail"].toString();
    r.health = ks[u"health"].toString();
    for (const QJsonValue &v : ks[u"regions"].toArray())
        r.catalogRegions.append(v.toString());
    const QJsonObject tok = o[u"token"].toObject();
    r.issueMs = optD(tok[u"issue_ms"]);
    r.validateMs = optD(tok[u"validate_ms"]);
    r.validatePercentiles = getPercentiles(tok, QStringLiteral("validate"));
    r.issuePercentiles = getPercentiles(tok, QStringLiteral("issue"));
    r.tokenBytes = optI(tok[u"token_bytes"]);
    r.catalogBytes = optI(tok[u"catalog_bytes"]);
    r.tokenError = tok[u"error"].toString();
    for (const QJsonValue &w : tok[u"warnings"].toArray())
        r.warnings.append(w.toString());
    r.authRejected = tok[u"auth_rejected"].toBool();
    for (const QJsonValue &v : o[u"notification_config"].toArray())
        r.notificationProblems.append(v.toString());
    if (const QJsonObject q = o[u"notification_queue"].toObject(); !q.isEmpty()) {
        r.notificationQueueRead = true;
        if (q[u"messages"].isDouble())
            r.notificationQueue.depth = BrokerQueueDepth{
                q[u"queue"].toString(), qint64(q[u"messages"].toDouble()), q[u"consumers"].toInt()};
        else
            r.notificationQueue.error = q[u"error"].toString();
    }
    if (tok[u"lockout_failure_attempts"].isDouble())
        r.lockoutAttempts = tok[u"lockout_failure_attempts"].toInt();
    const QJsonObject db = o[u"database"].toObject();
    r.databaseConfigured = db[u"configured"].toBool();
    r.databaseTarget = db[u"target"].toString();
    r.revocationEvents = optI(db[u"revocation_event_rows"]);
    r.revocationError = db[u"revocation_event_error"].toString();
    r.revocationObsolete = optI(db[u"revocation_event_obsolete"]);
    r.tokenGrowthPerDay = optD(db[u"token_growth_per_day"]);
    r.tokenGrowthSpanSec = optI(db[u"token_growth_span_s"]);
    r.memcachedHitRatio = optD(o[u"memcached"].toObject()[u"hit_ratio"]);
    r.tokenRows = optI(db[u"token_rows"]);
    r.tokenRowsError = db[u"token_rows_error"].toString();
    r.tokenRowsEstimated = db[u"token_rows_estimated"].toBool();
    r.databaseError = db[u"error"].toString();
    r.databaseErrorDetail = db[u"error_detail"].toString();
    r.databaseMs = db[u"query_ms"].toDouble();
    return r;
}

} // namespace turnstile
