#include "exporter/prometheustext.h"

#include "db/keystonetables.h"

#include <QList>
#include <QPair>

#include <charconv>
#include <cmath>

namespace turnstile {

namespace {

using Labels = QList<QPair<QString, QString>>;

// One metric family: its samples in the order they were added.
struct Family
{
    const char *name;
    const char *type;
    const char *help;
    QByteArray lines;
};

enum FamilyId
{
    KeystoneUp,
    ValidationSeconds,
    IssueSeconds,
    TokenBytes,
    CatalogBytes,
    RevocationEvents,
    RevocationObsolete,
    TableRows,
    TableBytes,
    FernetConsistent,
    LockedUsers,
    MemcachedHits,
    MemcachedMisses,
    MemcachedEvictions,
    MemcachedItems,
    MemcachedHitRatio,
    GaleraNodeUp,
    GaleraClusterSize,
    GaleraExpectedSize,
    GaleraPrimary,
    GaleraSynced,
    GaleraReady,
    GaleraFlowControlRatio,
    GaleraFlowControlSeconds,
    GaleraRecvQueue,
    GaleraCertDeps,
    GaleraConfId,
    ThresholdLevel,
    CollectDuration,
    CollectErrors,
    CollectCycles,
    SampleAge,
    SampleTimestamp,
    FamilyCount
};

QList<Family> families()
{
    // Names follow Prometheus' conventions: base units in the name, _total
    // only on counters. High-cardinality data (per user, token producers)
    // stays in Turnstile's own history, never in a label.
    return {
        {"turnstile_keystone_up",
         "gauge",
         "1 when Keystone's identity endpoint answered in the last cycle, else 0.",
         {}},
        {"turnstile_token_validation_seconds",
         "summary",
         "Token validation latency over the profile's recent probes (the last 200 of the last "
         "hour), nearest-rank quantiles.",
         {}},
        {"turnstile_token_issue_seconds",
         "summary",
         "Token issue latency over the profile's recent probes, nearest-rank quantiles.",
         {}},
        {"turnstile_token_size_bytes", "gauge", "Size of an issued token.", {}},
        {"turnstile_catalog_size_bytes", "gauge", "Size of the service catalog in a token.", {}},
        {"turnstile_revocation_events",
         "gauge",
         "Revocation events by kind: all rows, audit_id (one token or chain) and the wide ones "
         "by what they name (user, project, domain, other); user and project overlap for role "
         "removals, so do not sum the kinds.",
         {}},
        {"turnstile_revocation_events_obsolete",
         "gauge",
         "Revocation events older than token expiration plus the revoke buffer: what a prune "
         "removes.",
         {}},
        {"turnstile_table_rows",
         "gauge",
         "Rows of a Keystone table: state=\"all\" is the server's estimate of the whole table; "
         "the token table is also split into live and expired.",
         {}},
        {"turnstile_table_size_bytes", "gauge", "Data and index size of a Keystone table.", {}},
        {"turnstile_fernet_repository_consistent",
         "gauge",
         "1 when the node's Fernet key repository is readable and holds the same keys as the "
         "reference node, else 0.",
         {}},
        {"turnstile_locked_users",
         "gauge",
         "Users locked out by lockout_failure_attempts now (from the hourly exact figures).",
         {}},
        {"turnstile_memcached_hits_total",
         "counter",
         "memcached get_hits, summed over the profile's servers, since they started.",
         {}},
        {"turnstile_memcached_misses_total",
         "counter",
         "memcached get_misses, summed over the profile's servers, since they started.",
         {}},
        {"turnstile_memcached_evictions_total",
         "counter",
         "memcached evictions, summed over the profile's servers, since they started.",
         {}},
        {"turnstile_memcached_items", "gauge", "Items in the profile's memcached servers.", {}},
        {"turnstile_memcached_hit_ratio",
         "gauge",
         "Hit ratio of the memcached reads since the previous cycle (0 to 1).",
         {}},
        {"turnstile_galera_node_up",
         "gauge",
         "1 when the Galera node answered Turnstile's status query, else 0.",
         {}},
        {"turnstile_galera_cluster_size",
         "gauge",
         "wsrep_cluster_size as the node reports it.",
         {}},
        {"turnstile_galera_expected_size",
         "gauge",
         "Nodes the profile lists (or that were discovered): the size the cluster should have.",
         {}},
        {"turnstile_galera_primary",
         "gauge",
         "1 when the node is in the Primary component (wsrep_cluster_status), else 0.",
         {}},
        {"turnstile_galera_synced",
         "gauge",
         "1 when the node's wsrep_local_state_comment is Synced, else 0.",
         {}},
        {"turnstile_galera_ready", "gauge", "1 when wsrep_ready is ON, else 0.", {}},
        {"turnstile_galera_flow_control_paused_ratio",
         "gauge",
         "Share of the time since the node's previous sample that flow control paused "
         "replication (0 to 1).",
         {}},
        {"turnstile_galera_flow_control_paused_seconds_total",
         "counter",
         "wsrep_flow_control_paused_ns in seconds, since the node started.",
         {}},
        {"turnstile_galera_recv_queue_avg",
         "gauge",
         "wsrep_local_recv_queue_avg: write sets waiting to be applied, on average.",
         {}},
        {"turnstile_galera_cert_deps_distance",
         "gauge",
         "wsrep_cert_deps_distance: write sets that could be applied in parallel.",
         {}},
        {"turnstile_galera_cluster_conf_id",
         "gauge",
         "wsrep_cluster_conf_id: nodes that disagree are in a split cluster.",
         {}},
        {"turnstile_threshold_level",
         "gauge",
         "Turnstile's verdict over the profile's thresholds: 0 unknown, 1 ok, 2 warning, 3 "
         "critical.",
         {}},
        {"turnstile_collect_duration_seconds",
         "gauge",
         "Wall time of the last collector cycle, store write included.",
         {}},
        {"turnstile_collect_errors_total",
         "counter",
         "Collector cycles in which a stage failed, since the collector started.",
         {}},
        {"turnstile_collect_cycles_total",
         "counter",
         "Collector cycles finished since the collector started.",
         {}},
        {"turnstile_sample_age_seconds",
         "gauge",
         "Age of the figures served: sample=\"cycle\" for the last cycle, \"exact\" for the "
         "hourly exact figures.",
         {}},
        {"turnstile_sample_timestamp_seconds",
         "gauge",
         "The history store timestamp (slot) of the last cycle's samples.",
         {}},
    };
}

void appendLabels(QByteArray &out, const Labels &labels)
{
    if (labels.isEmpty())
        return;
    out += '{';
    for (qsizetype i = 0; i < labels.size(); ++i) {
        if (i)
            out += ',';
        out += labels.at(i).first.toUtf8();
        out += "=\"";
        out += prometheusLabelValue(labels.at(i).second).toUtf8();
        out += '"';
    }
    out += '}';
}

void add(QList<Family> &f, FamilyId id, const Labels &labels, double value, const char *suffix = "")
{
    QByteArray &out = f[id].lines;
    out += f.at(id).name;
    out += suffix;
    appendLabels(out, labels);
    out += ' ';
    out += prometheusNumber(value);
    out += '\n';
}

Labels with(Labels base, const QString &name, const QString &value)
{
    base.append({name, value});
    return base;
}

void addQuantiles(QList<Family> &f, FamilyId id, const Labels &base,
                  const std::optional<LatencyPercentiles> &p)
{
    if (!p)
        return;
    add(f, id, with(base, QStringLiteral("quantile"), QStringLiteral("0.5")), p->p50 / 1000.0);
    add(f, id, with(base, QStringLiteral("quantile"), QStringLiteral("0.95")), p->p95 / 1000.0);
    add(f, id, with(base, QStringLiteral("quantile"), QStringLiteral("0.99")), p->p99 / 1000.0);
}

void renderProfile(QList<Family> &f, const ExportedProfile &e, qint64 nowMs)
{
    const CollectResult &r = e.cycle;
    const ProbeResult &p = r.probe;
    const Labels base{{QStringLiteral("profile"), r.profile}, {QStringLiteral("region"), e.region}};

    // The same condition as the history's keystone.up (flattenMetrics).
    add(f, KeystoneUp, base, p.endpointError.isEmpty() && p.reachable ? 1 : 0);
    addQuantiles(f, ValidationSeconds, base, p.validatePercentiles);
    addQuantiles(f, IssueSeconds, base, p.issuePercentiles);
    if (p.tokenBytes)
        add(f, TokenBytes, base, double(*p.tokenBytes));
    if (p.catalogBytes)
        add(f, CatalogBytes, base, double(*p.catalogBytes));

    if (r.frequent) {
        const RevocationStats &rev = r.frequent->revocations;
        auto kind = [&](const char *k, double v) {
            add(f, RevocationEvents, with(base, QStringLiteral("kind"), QLatin1String(k)), v);
        };
        if (rev.total.value)
            kind("all", double(*rev.total.value));
        if (const auto &k = rev.kinds.value) {
            if (k->auditId)
                kind("audit_id", double(*k->auditId));
            kind("user", double(k->userWide));
            kind("project", double(k->projectWide));
            kind("domain", double(k->domainWide));
            kind("other", double(k->otherWide));
        }
        if (rev.obsolete.value)
            add(f, RevocationObsolete, base, double(*rev.obsolete.value));

        for (const KeystoneTableStats &t : r.frequent->tables) {
            if (!t.size.value)
                continue;
            const Labels table = with(base, QStringLiteral("table"), tableName(t.table));
            const TableSize &s = *t.size.value;
            if (s.rowsEstimate)
                add(f, TableRows, with(table, QStringLiteral("state"), QStringLiteral("all")),
                    double(*s.rowsEstimate));
            if (t.table == KeystoneTable::Token) {
                const TokenStats &tok = r.frequent->tokens;
                if (tok.live.value)
                    add(f, TableRows, with(table, QStringLiteral("state"), QStringLiteral("live")),
                        double(*tok.live.value));
                if (tok.expired.value)
                    add(f, TableRows,
                        with(table, QStringLiteral("state"), QStringLiteral("expired")),
                        double(*tok.expired.value));
            }
            if (s.dataBytes || s.indexBytes)
                add(f, TableBytes, table,
                    double(s.dataBytes.value_or(0) + s.indexBytes.value_or(0)));
        }
    }

    if (r.keys) {
        const KeyConsistency &c = r.keys->fernetConsistency;
        for (const RepositoryState &node : r.keys->fernet) {
            const QString name = node.location.node();
            bool consistent = node.readable() && !node.empty();
            for (const KeyDifference &d : c.differences)
                if (d.node == name)
                    consistent = false;
            add(f, FernetConsistent, with(base, QStringLiteral("node"), name), consistent ? 1 : 0);
        }
    }

    if (e.exact && e.exact->users.locked.value)
        add(f, LockedUsers, base, double(*e.exact->users.locked.value));

    // memcached: the figures the cycle wrote (flattenMetrics sums the servers).
    for (const auto &[key, sample] : r.samples) {
        const QString &m = key.metric;
        if (m == u"memcached.hits")
            add(f, MemcachedHits, base, sample.value);
        else if (m == u"memcached.misses")
            add(f, MemcachedMisses, base, sample.value);
        else if (m == u"memcached.evictions")
            add(f, MemcachedEvictions, base, sample.value);
        else if (m == u"memcached.items")
            add(f, MemcachedItems, base, sample.value);
        else if (m == u"memcached.hit_ratio")
            add(f, MemcachedHitRatio, base, sample.value);
    }

    if (p.galera) {
        add(f, GaleraExpectedSize, base, p.galera->expectedSize);
        for (const GaleraNodeStatus &n : p.galera->nodes) {
            const Labels node = with(base, QStringLiteral("node"), n.name);
            add(f, GaleraNodeUp, node, n.reachable ? 1 : 0);
            if (!n.reachable)
                continue;
            add(f, GaleraClusterSize, node, n.clusterSize);
            add(f, GaleraPrimary, node, n.clusterStatus == u"Primary" ? 1 : 0);
            add(f, GaleraSynced, node, n.localState == u"Synced" ? 1 : 0);
            add(f, GaleraReady, node, n.ready ? 1 : 0);
            if (n.flowControlPausedShare)
                add(f, GaleraFlowControlRatio, node, *n.flowControlPausedShare);
            if (n.flowControlPausedNs >= 0)
                add(f, GaleraFlowControlSeconds, node, n.flowControlPausedNs / 1e9);
            add(f, GaleraRecvQueue, node, n.recvQueueAvg);
            add(f, GaleraCertDeps, node, n.certDepsDistance);
            add(f, GaleraConfId, node, double(n.confId));
        }
    }

    add(f, ThresholdLevel, base, p.thresholdLevel);
    add(f, CollectDuration, base, r.durationSec);
    for (auto it = e.errorsTotal.cbegin(); it != e.errorsTotal.cend(); ++it)
        add(f, CollectErrors, with(base, QStringLiteral("stage"), it.key()), double(it.value()));
    add(f, CollectCycles, base, double(e.cycles));
    add(f, SampleAge, with(base, QStringLiteral("sample"), QStringLiteral("cycle")),
        std::max<qint64>(0, nowMs - e.finishedAtMs) / 1000.0);
    if (e.exact)
        add(f, SampleAge, with(base, QStringLiteral("sample"), QStringLiteral("exact")),
            std::max<qint64>(0, nowMs - e.exactAtMs) / 1000.0);
    add(f, SampleTimestamp, base, double(r.slot));
}

} // namespace

QString prometheusLabelValue(const QString &value)
{
    QString out;
    out.reserve(value.size());
    for (const QChar c : value) {
        if (c == u'\\')
            out += QLatin1String("\\\\");
        else if (c == u'"')
            out += QLatin1String("\\\"");
        else if (c == u'\n')
            out += QLatin1String("\\n");
        else
            out += c;
    }
    return out;
}

QByteArray prometheusNumber(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    char buf[64];
    const auto res = std::to_chars(buf, buf + sizeof buf, value);
    return QByteArray(buf, int(res.ptr - buf));
}

QByteArray renderPrometheusText(const MetricsSnapshot &snapshot, qint64 nowMs)
{
    QList<Family> f = families();
    Q_ASSERT(f.size() == FamilyCount);
    for (const ExportedProfile &e : snapshot.profiles)
        renderProfile(f, e, nowMs);
    QByteArray out;
    for (const Family &family : std::as_const(f)) {
        // A family without a sample is left out: its HELP alone says nothing.
        if (family.lines.isEmpty())
            continue;
        out += "# HELP ";
        out += family.name;
        out += ' ';
        out += family.help;
        out += "\n# TYPE ";
        out += family.name;
        out += ' ';
        out += family.type;
        out += '\n';
        out += family.lines;
    }
    return out;
}

} // namespace turnstile
