#pragma once

#include "db/databaseurl.h"
#include "db/galerastatus.h"

#include <QStringList>

namespace turnstile {

class SqlSession;

// Reads the Galera status of every node of a cluster, in parallel (one thread and one
// connection per node, each through DbConnection and SqlSession like every inspector), so a
// hung node costs its connect timeout once, not once per node. Blocking: call it on a worker.
//
// Flow control is judged on the change of each node's cumulative
// wsrep_flow_control_paused_ns since that node's previous sample in this process (the
// counter belongs to the server, so any probe of the node in this process counts as the
// previous sample); the first sample of a node has no share yet.
class GaleraInspector
{
public:
    // `base`: the profile's database URL; each node is reached with its user, password, TLS
    // settings and database, at the node's host:port instead.
    GaleraInspector(DatabaseUrl base, QString password, int connectTimeoutSec = 3);

    // The nodes `session`'s server lists in wsrep_incoming_addresses; empty when it is not a
    // Galera node (or says "AUTO").
    static QStringList discoverNodes(SqlSession &session);

    // The nodes this process has seen in the cluster behind `server` (the profile's database
    // host:port): `discovered` added to those remembered, sorted. wsrep_incoming_addresses
    // lists only the members of the moment, so a node that left would vanish from the
    // expected size with it, and a profile whose own node is down could not discover at all
    // (call with an empty list: the remembered nodes). Listing galera_nodes in the profile
    // fixes the set instead (a node decommissioned on purpose is remembered until restart).
    static QStringList rememberNodes(const QString &server, const QStringList &discovered);
    // Inspects `addresses` (host:port); expectedSize 0 = their number.
    GaleraStatus inspect(const QStringList &addresses, int expectedSize = 0,
                         bool discovered = false) const;

    // Forgets the previous samples and the remembered nodes (tests).
    static void forgetSamples();

private:
    GaleraNodeStatus inspectNode(const QString &address) const;

    DatabaseUrl m_base;
    QString m_password;
    int m_timeoutSec;
};

} // namespace turnstile
