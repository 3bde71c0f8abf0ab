#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace turnstile {

// What one Galera node said about itself and its cluster in one sample
// (SHOW GLOBAL STATUS LIKE 'wsrep%' and @@wsrep_node_name). A value: made on
// a worker, judged by evaluateGalera, shown by the Overview, the Database page,
// `probe --json`, the history store and the exporter.
struct GaleraNodeStatus
{
    QString address; // host:port as listed or discovered
    QString name;    // wsrep_node_name, else the address
    bool reachable = false;
    QString error;               // one sentence when not reachable
    QString clusterStatus;       // wsrep_cluster_status: Primary, non-Primary, Disconnected
    QString localState;          // wsrep_local_state_comment: Synced, Donor/Desynced, Joining…
    int clusterSize = -1;        // wsrep_cluster_size
    bool ready = false;          // wsrep_ready
    double recvQueueAvg = 0;     // wsrep_local_recv_queue_avg
    double certDepsDistance = 0; // wsrep_cert_deps_distance
    qint64 confId = -1;          // wsrep_cluster_conf_id
    QString clusterStateUuid;    // wsrep_cluster_state_uuid
    QStringList incomingAddresses;
    // The cumulative counter as read, and when (a steady clock, ms).
    qint64 flowControlPausedNs = -1;
    qint64 sampledAtMs = 0;
    // The change of the counter since this node's previous sample divided by
    // the time between them (0..1); empty on the first sample or after a
    // restart of the node (the counter went back).
    std::optional<double> flowControlPausedShare;
    double flowControlIntervalSec = 0;
    double queryMs = 0;

    QJsonObject toJson() const;
    static GaleraNodeStatus fromJson(const QJsonObject &o);
};

struct GaleraStatus
{
    QList<GaleraNodeStatus> nodes;
    int expectedSize = 0;    // the nodes listed in the profile, else those discovered
    bool discovered = false; // from wsrep_incoming_addresses, not the profile
    double durationMs = 0;   // wall time of the parallel inspection
    // evaluateGalera's verdict: HealthLevel as int, the sentence and its parts.
    int level = 0;
    QString reason;
    QStringList findings;

    QJsonObject toJson() const;
    static GaleraStatus fromJson(const QJsonObject &o);
};

// The share of [prevAtMs, atMs] that flow control paused replication, from
// two readings of the cumulative wsrep_flow_control_paused_ns; empty when
// there is no earlier reading, no time passed or the counter went back (the
// node restarted). Never the cumulative counter itself. Pure.
std::optional<double> flowControlShare(qint64 prevNs, qint64 prevAtMs, qint64 ns, qint64 atMs);

} // namespace turnstile
