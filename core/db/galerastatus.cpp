#include "db/galerastatus.h"

#include <QJsonArray>

#include <algorithm>

namespace turnstile {

std::optional<double> flowControlShare(qint64 prevNs, qint64 prevAtMs, qint64 ns, qint64 atMs)
{
    if (prevNs < 0 || ns < 0 || atMs <= prevAtMs || ns < prevNs)
        return std::nullopt;
    const double share = double(ns - prevNs) / (double(atMs - prevAtMs) * 1e6);
    // The counter and the clock are read a few ms apart: clamp the rounding.
    return std::clamp(share, 0.0, 1.0);
}

QJsonObject GaleraNodeStatus::toJson() const
{
    QJsonObject o{{QStringLiteral("address"), address},
                  {QStringLiteral("name"), name},
                  {QStringLiteral("reachable"), reachable}};
    if (!reachable) {
        o[QStringLiteral("error")] = error;
        return o;
    }
    o[QStringLiteral("cluster_status")] = clusterStatus;
    o[QStringLiteral("local_state")] = localState;
    o[QStringLiteral("cluster_size")] = clusterSize;
    o[QStringLiteral("ready")] = ready;
    o[QStringLiteral("recv_queue_avg")] = recvQueueAvg;
    o[QStringLiteral("cert_deps_distance")] = certDepsDistance;
    o[QStringLiteral("cluster_conf_id")] = confId;
    o[QStringLiteral("cluster_state_uuid")] = clusterStateUuid;
    o[QStringLiteral("flow_control_paused_ns")] = flowControlPausedNs;
    o[QStringLiteral("flow_control_paused_share")] =
        flowControlPausedShare ? QJsonValue(*flowControlPausedShare) : QJsonValue();
    o[QStringLiteral("flow_control_interval_s")] = flowControlIntervalSec;
    o[QStringLiteral("query_ms")] = queryMs;
    return o;
}

GaleraNodeStatus GaleraNodeStatus::fromJson(const QJsonObject &o)
{
    GaleraNodeStatus n;
    n.address = o[u"address"].toString();
    n.name = o[u"name"].toString();
    n.reachable = o[u"reachable"].toBool();
    n.error = o[u"error"].toString();
    n.clusterStatus = o[u"cluster_status"].toString();
    n.localState = o[u"local_state"].toString();
    n.clusterSize = o[u"cluster_size"].toInt(-1);
    n.ready = o[u"ready"].toBool();
    n.recvQueueAvg = o[u"recv_queue_avg"].toDouble();
    n.certDepsDistance = o[u"cert_deps_distance"].toDouble();
    n.confId = o[u"cluster_conf_id"].toInteger(-1);
    n.clusterStateUuid = o[u"cluster_state_uuid"].toString();
    n.flowControlPausedNs = o[u"flow_control_paused_ns"].toInteger(-1);
    if (o[u"flow_control_paused_share"].isDouble())
        n.flowControlPausedShare = o[u"flow_control_paused_share"].toDouble();
    n.flowControlIntervalSec = o[u"flow_control_interval_s"].toDouble();
    n.queryMs = o[u"query_ms"].toDouble();
    return n;
}

QJsonObject GaleraStatus::toJson() const
{
    QJsonArray a;
    for (const GaleraNodeStatus &n : nodes)
        a.append(n.toJson());
    return {{QStringLiteral("nodes"), a},
            {QStringLiteral("expected_size"), expectedSize},
            {QStringLiteral("discovered"), discovered},
            {QStringLiteral("duration_ms"), durationMs},
            {QStringLiteral("level"), level},
            {QStringLiteral("reason"), reason},
            {QStringLiteral("findings"), QJsonArray::fromStringList(findings)}};
}

GaleraStatus GaleraStatus::fromJson(const QJsonObject &o)
{
    GaleraStatus s;
    for (const QJsonValue &v : o[u"nodes"].toArray())
        s.nodes.append(GaleraNodeStatus::fromJson(v.toObject()));
    s.expectedSize = o[u"expected_size"].toInt();
    s.discovered = o[u"discovered"].toBool();
    s.durationMs = o[u"duration_ms"].toDouble();
    s.level = o[u"level"].toInt();
    s.reason = o[u"reason"].toString();
    for (const QJsonValue &v : o[u"findings"].toArray())
        s.findings.append(v.toString());
    return s;
}

} // namespace turnstile
