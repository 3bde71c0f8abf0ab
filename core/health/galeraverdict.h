#pragma once

#include "db/galerastatus.h"
#include "health/thresholds.h"

#include <QHash>

namespace turnstile {

// Judges a Galera cluster from its nodes' samples. Pure; unit-tested.
// Per node: not Primary or not ready is critical, any state but Synced (Donor/Desynced,
// Joining…) a warning, an unreachable node a warning (the cluster size says how bad).
// The cluster: fewer nodes than expected (galera.nodes_missing), two configurations
// (wsrep_cluster_conf_id or state uuid differ: a split) critical; the flow-control
// share paused since the previous sample (galera.flow_control_paused) and the average
// receive queue (galera.recv_queue_avg) against the profile's thresholds.
// Sets status.level/reason/findings: one sentence naming the node, the figure and the
// threshold ("n2 is Donor/Desynced; cluster size 2 of 3 (critical above 1 missing)…").
void evaluateGalera(GaleraStatus &status, const QList<ThresholdRule> &rules);

// The cluster's figures for the history store and the exporter: galera.size (largest
// wsrep_cluster_size seen), galera.expected_size, galera.nodes_missing, galera.nodes_synced,
// galera.nodes_primary, galera.conf_ids (distinct configurations: 2 = split),
// galera.flow_control_paused (largest share), galera.recv_queue_avg (largest),
// galera.cert_deps_distance (smallest among answering nodes), galera.level.
QList<QPair<QString, double>> galeraMetrics(const GaleraStatus &status);

} // namespace turnstile
