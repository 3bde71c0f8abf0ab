#include "db/galerainspector.h"

#include "db/dbconnection.h"
#include "db/drivererror.h"
#include "db/sqlsession.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QMutexLocker>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(GaleraInspector)
};

struct Previous
{
    qint64 ns = -1;
    qint64 atMs = 0;
};

QMutex s_mutex;
QHash<QString, Previous> &previousSamples()
{
    static QHash<QString, Previous> h;
    return h;
}

QHash<QString, QStringList> &rememberedNodes()
{
    static QHash<QString, QStringList> h;
    return h;
}

qint64 steadyMs()
{
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// "host:port", "[v6]:port" or "host" (port of the base URL).
bool splitAddress(const QString &address, QString *host, int *port)
{
    QString h = address.trimmed();
    int p = 0;
    if (h.startsWith(u'[')) {
        const qsizetype close = h.indexOf(u']');
        if (close < 0)
            return false;
        const QString rest = h.mid(close + 1);
        h = h.mid(1, close - 1);
        if (rest.startsWith(u':'))
            p = rest.mid(1).toInt();
    } else if (h.count(u':') == 1) {
        p = h.section(u':', 1).toInt();
        h = h.section(u':', 0, 0);
    }
    if (h.isEmpty() || p < 0 || p > 65535)
        return false;
    *host = h;
    *port = p;
    return true;
}
} // namespace

GaleraInspector::GaleraInspector(DatabaseUrl base, QString password, int connectTimeoutSec)
    : m_base(std::move(base)), m_password(std::move(password)), m_timeoutSec(connectTimeoutSec)
{}

QStringList GaleraInspector::discoverNodes(SqlSession &session)
{
    const SqlResult r =
        session.run(QStringLiteral("SHOW GLOBAL STATUS LIKE 'wsrep_incoming_addresses'"));
    if (!r.ok() || r.isEmpty())
        return {};
    const QString v = r.value(0, 1).toString().trimmed();
    if (v.isEmpty() || v.compare(u"AUTO", Qt::CaseInsensitive) == 0)
        return {};
    QStringList out;
    for (const QString &a : v.split(u',', Qt::SkipEmptyParts))
        if (!a.trimmed().isEmpty() && !a.trimmed().startsWith(u"AUTO"))
            out.append(a.trimmed());
    // The server lists them in join order, which changes with every rejoin: sorted, the
    // Database page's rows and the probe's JSON keep their order.
    std::sort(out.begin(), out.end());
    return out;
}

QStringList GaleraInspector::rememberNodes(const QString &server, const QStringList &discovered)
{
    QMutexLocker lock(&s_mutex);
    QStringList &known = rememberedNodes()[server];
    for (const QString &a : discovered)
        if (!known.contains(a))
            known.append(a);
    std::sort(known.begin(), known.end());
    return known;
}

void GaleraInspector::forgetSamples()
{
    QMutexLocker lock(&s_mutex);
    previousSamples().clear();
    rememberedNodes().clear();
}

GaleraNodeStatus GaleraInspector::inspectNode(const QString &address) const
{
    GaleraNodeStatus n;
    n.address = address;
    n.name = address;
    DatabaseUrl url = m_base;
    QString host;
    int port = 0;
    if (!splitAddress(address, &host, &port)) {
        n.error = Tr::tr("%1 is not a host:port").arg(address);
        return n;
    }
    url.host = host;
    url.port = port > 0 ? port : m_base.port;
    url.unixSocket.clear(); // the base's socket is one node's; the others are over TCP
    DbConnection db(url, m_password, m_timeoutSec);
    SqlSession session(db, m_timeoutSec * 1000);
    QString why;
    QElapsedTimer t;
    t.start();
    if (!session.begin(&why)) {
        n.error =
            describeDatabaseFailure(db.error().isEmpty() ? why : db.error(), address, t.elapsed())
                .sentence;
        return n;
    }
    const SqlResult st = session.run(QStringLiteral("SHOW GLOBAL STATUS LIKE 'wsrep%'"));
    const qint64 at = steadyMs();
    if (!st.ok()) {
        n.error = st.error;
        return n;
    }
    QHash<QString, QString> v;
    for (const QVariantList &row : st.rows)
        if (row.size() >= 2)
            v.insert(row.at(0).toString().toLower(), row.at(1).toString());
    const SqlResult name = session.run(QStringLiteral("SELECT @@wsrep_node_name"));
    if (name.ok() && !name.isEmpty() && !name.value(0, 0).toString().isEmpty())
        n.name = name.value(0, 0).toString();
    n.queryMs = t.nsecsElapsed() / 1e6;
    if (!v.contains(QStringLiteral("wsrep_cluster_status"))) {
        n.error = Tr::tr("%1 is not a Galera node (no wsrep status)").arg(address);
        return n;
    }
    n.reachable = true;
    n.clusterStatus = v.value(QStringLiteral("wsrep_cluster_status"));
    n.localState = v.value(QStringLiteral("wsrep_local_state_comment"));
    n.clusterSize = v.value(QStringLiteral("wsrep_cluster_size")).toInt();
    n.ready = v.value(QStringLiteral("wsrep_ready")).compare(u"ON", Qt::CaseInsensitive) == 0;
    n.recvQueueAvg = v.value(QStringLiteral("wsrep_local_recv_queue_avg")).toDouble();
    n.certDepsDistance = v.value(QStringLiteral("wsrep_cert_deps_distance")).toDouble();
    n.confId = v.value(QStringLiteral("wsrep_cluster_conf_id")).toLongLong();
    n.clusterStateUuid = v.value(QStringLiteral("wsrep_cluster_state_uuid"));
    n.incomingAddresses =
        v.value(QStringLiteral("wsrep_incoming_addresses")).split(u',', Qt::SkipEmptyParts);
    bool ok = false;
    n.flowControlPausedNs = v.value(QStringLiteral("wsrep_flow_control_paused_ns")).toLongLong(&ok);
    if (!ok)
        n.flowControlPausedNs = -1;
    n.sampledAtMs = at;
    // The previous sample of the same server: the address and the node's own name, so a
    // node listed by name and discovered by address is one node.
    const QString key = address + u'|' + n.name;
    QMutexLocker lock(&s_mutex);
    const Previous prev = previousSamples().value(key);
    n.flowControlPausedShare = flowControlShare(prev.ns, prev.atMs, n.flowControlPausedNs, at);
    if (n.flowControlPausedShare)
        n.flowControlIntervalSec = (at - prev.atMs) / 1000.0;
    if (n.flowControlPausedNs >= 0)
        previousSamples().insert(key, Previous{n.flowControlPausedNs, at});
    return n;
}

GaleraStatus GaleraInspector::inspect(const QStringList &addresses, int expectedSize,
                                      bool discovered) const
{
    GaleraStatus s;
    s.discovered = discovered;
    s.expectedSize = expectedSize > 0 ? expectedSize : int(addresses.size());
    s.nodes.resize(addresses.size());
    QElapsedTimer t;
    t.start();
    // One plain thread per node: the caller is already a pool thread, and waiting on the
    // same pool for the nodes could starve it.
    std::vector<std::thread> threads;
    threads.reserve(addresses.size());
    for (qsizetype i = 0; i < addresses.size(); ++i)
        threads.emplace_back(
            [this, &s, &addresses, i] { s.nodes[i] = inspectNode(addresses.at(i)); });
    for (std::thread &th : threads)
        th.join();
    s.durationMs = t.nsecsElapsed() / 1e6;
    return s;
}

} // namespace turnstile
