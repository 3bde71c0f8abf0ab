#include "health/galeraverdict.h"

#include <QCoreApplication>
#include <QLocale>
#include <QSet>

#include <algorithm>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(GaleraVerdict)
};

const ThresholdRule *ruleFor(const QList<ThresholdRule> &rules, QStringView metric)
{
    for (const ThresholdRule &r : rules)
        if (r.metric == metric)
            return &r;
    return nullptr;
}

HealthLevel judge(const ThresholdRule *r, double value)
{
    if (!r)
        return HealthLevel::Ok;
    if (value > r->critical)
        return HealthLevel::Critical;
    if (value > r->warn)
        return HealthLevel::Warning;
    return HealthLevel::Ok;
}

QString percent(double share)
{
    return Tr::tr("%1 %").arg(QLocale().toString(share * 100, 'f', 0));
}

QString limitClause(HealthLevel level, const QString &limit)
{
    return level == HealthLevel::Critical ? Tr::tr("(critical above %1)").arg(limit)
                                          : Tr::tr("(warning above %1)").arg(limit);
}

QString interval(double sec)
{
    const QLocale loc;
    if (sec >= 90)
        return Tr::tr("the last %1 min").arg(loc.toString(sec / 60, 'f', 0));
    return Tr::tr("the last %1 s").arg(loc.toString(sec, 'f', sec < 10 ? 1 : 0));
}
} // namespace

void evaluateGalera(GaleraStatus &status, const QList<ThresholdRule> &rules)
{
    struct Finding
    {
        HealthLevel level;
        QString text;
    };
    QList<Finding> found;
    auto add = [&](HealthLevel l, const QString &t) {
        if (l == HealthLevel::Warning || l == HealthLevel::Critical)
            found.append({l, t});
    };

    int answering = 0;
    int size = 0;
    QHash<qint64, QStringList> byConf;
    for (const GaleraNodeStatus &n : std::as_const(status.nodes)) {
        if (!n.reachable) {
            // The error is a sentence of its own; inside the parentheses it is a clause.
            QString why = n.error.trimmed();
            if (why.endsWith(u'.'))
                why.chop(1);
            if (!why.isEmpty() && why.at(0).isUpper() && (why.size() < 2 || !why.at(1).isUpper()))
                why[0] = why.at(0).toLower();
            add(HealthLevel::Warning, Tr::tr("%1 does not answer (%2)").arg(n.name, why));
            continue;
        }
        ++answering;
        size = std::max(size, n.clusterSize);
        if (n.clusterStatus != u"Primary")
            add(HealthLevel::Critical,
                Tr::tr("%1 is %2, not in the Primary component (no quorum: it refuses writes)")
                    .arg(n.name,
                         n.clusterStatus.isEmpty() ? Tr::tr("disconnected") : n.clusterStatus));
        else if (!n.ready)
            add(HealthLevel::Critical, Tr::tr("%1 is not ready (wsrep_ready OFF)").arg(n.name));
        if (n.localState != u"Synced")
            add(HealthLevel::Warning, Tr::tr("%1 is %2").arg(n.name, n.localState));
        if (n.clusterStatus == u"Primary")
            byConf[n.confId].append(n.name);
    }

    if (byConf.size() > 1) {
        QStringList parts;
        QList<qint64> ids = byConf.keys();
        std::sort(ids.begin(), ids.end());
        for (qint64 id : ids)
            parts.append(
                Tr::tr("configuration %1 on %2").arg(id).arg(byConf.value(id).join(u", ")));
        add(HealthLevel::Critical, Tr::tr("the cluster is split into %1 configurations: %2")
                                       .arg(byConf.size())
                                       .arg(parts.join(QStringLiteral("; "))));
    }

    const int expected = status.expectedSize;
    if (answering > 0 && expected > 0) {
        const int missing = std::max(0, expected - size);
        const ThresholdRule *r = ruleFor(rules, u"galera.nodes_missing");
        const HealthLevel l = judge(r, missing);
        if (l == HealthLevel::Warning || l == HealthLevel::Critical) {
            // "Above 0" reads badly for whole nodes: the limit is said as the first count
            // that triggers ("warning from 1 missing").
            const int from = int(l == HealthLevel::Critical ? r->critical : r->warn) + 1;
            const QString clause = l == HealthLevel::Critical
                                       ? Tr::tr("(critical from %n missing)", nullptr, from)
                                       : Tr::tr("(warning from %n missing)", nullptr, from);
            add(l, Tr::tr("cluster size %1 of %2 %3").arg(size).arg(expected).arg(clause));
        }
    }
    if (answering == 0 && !status.nodes.isEmpty())
        add(HealthLevel::Critical, Tr::tr("no Galera node answers"));

    // Flow control: the node that paused replication the most since its last sample.
    const GaleraNodeStatus *worstFc = nullptr;
    const GaleraNodeStatus *worstQueue = nullptr;
    for (const GaleraNodeStatus &n : std::as_const(status.nodes)) {
        if (!n.reachable)
            continue;
        if (n.flowControlPausedShare &&
            (!worstFc || *n.flowControlPausedShare > *worstFc->flowControlPausedShare))
            worstFc = &n;
        if (!worstQueue || n.recvQueueAvg > worstQueue->recvQueueAvg)
            worstQueue = &n;
    }
    if (worstFc) {
        const ThresholdRule *r = ruleFor(rules, u"galera.flow_control_paused");
        const HealthLevel l = judge(r, *worstFc->flowControlPausedShare);
        if (l == HealthLevel::Warning || l == HealthLevel::Critical)
            add(l, Tr::tr("flow control paused %1 for %2 of %3 %4")
                       .arg(worstFc->name, percent(*worstFc->flowControlPausedShare),
                            interval(worstFc->flowControlIntervalSec),
                            limitClause(
                                l, percent(l == HealthLevel::Critical ? r->critical : r->warn))));
    }
    if (worstQueue) {
        const ThresholdRule *r = ruleFor(rules, u"galera.recv_queue_avg");
        const HealthLevel l = judge(r, worstQueue->recvQueueAvg);
        const QLocale loc;
        if (l == HealthLevel::Warning || l == HealthLevel::Critical)
            add(l, Tr::tr("%1's receive queue averages %2 write sets %3")
                       .arg(worstQueue->name, loc.toString(worstQueue->recvQueueAvg, 'f', 1),
                            limitClause(l, loc.toString(l == HealthLevel::Critical ? r->critical
                                                                                   : r->warn))));
    }

    std::stable_sort(found.begin(), found.end(),
                     [](const Finding &a, const Finding &b) { return a.level > b.level; });
    status.findings.clear();
    HealthLevel level = status.nodes.isEmpty() ? HealthLevel::Unknown : HealthLevel::Ok;
    for (const Finding &f : std::as_const(found)) {
        status.findings.append(f.text);
        level = std::max(level, f.level);
    }
    status.level = int(level);
    status.reason = status.findings.isEmpty()
                        ? QString()
                        : Tr::tr("Galera: %1.").arg(status.findings.join(QStringLiteral("; ")));
}

QList<QPair<QString, double>> galeraMetrics(const GaleraStatus &s)
{
    QList<QPair<QString, double>> out;
    if (s.nodes.isEmpty())
        return out;
    int size = 0, synced = 0, primary = 0;
    QSet<qint64> confs;
    std::optional<double> fc, queue, deps;
    for (const GaleraNodeStatus &n : s.nodes) {
        if (!n.reachable)
            continue;
        size = std::max(size, n.clusterSize);
        synced += n.localState == u"Synced";
        if (n.clusterStatus == u"Primary") {
            ++primary;
            confs.insert(n.confId);
        }
        if (n.flowControlPausedShare)
            fc = std::max(fc.value_or(0), *n.flowControlPausedShare);
        queue = std::max(queue.value_or(0), n.recvQueueAvg);
        deps = std::min(deps.value_or(n.certDepsDistance), n.certDepsDistance);
    }
    out.append({QStringLiteral("galera.size"), double(size)});
    out.append({QStringLiteral("galera.expected_size"), double(s.expectedSize)});
    out.append(
        {QStringLiteral("galera.nodes_missing"), double(std::max(0, s.expectedSize - size))});
    out.append({QStringLiteral("galera.nodes_synced"), double(synced)});
    out.append({QStringLiteral("galera.nodes_primary"), double(primary)});
    out.append({QStringLiteral("galera.conf_ids"), double(confs.size())});
    if (fc)
        out.append({QStringLiteral("galera.flow_control_paused"), *fc});
    if (queue)
        out.append({QStringLiteral("galera.recv_queue_avg"), *queue});
    if (deps)
        out.append({QStringLiteral("galera.cert_deps_distance"), *deps});
    out.append({QStringLiteral("galera.level"), double(s.level)});
    return out;
}

} // namespace turnstile
