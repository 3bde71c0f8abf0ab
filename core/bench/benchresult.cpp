#include "bench/benchresult.h"

#include <QCoreApplication>
#include <QJsonArray>

#include <cmath>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(BenchResult)
};
} // namespace

BenchResult BenchResult::summarize(const BenchConfig &config, const QList<BenchSample> &samples,
                                   qint64 windowNs)
{
    BenchResult r;
    r.config = config;
    r.targetRate = config.mode == BenchConfig::Mode::Open ? config.rate : 0;
    QList<qint64> latency, wire, queue;
    latency.reserve(samples.size());
    wire.reserve(samples.size());
    queue.reserve(samples.size());
    qint64 lastDone = 0;
    for (const BenchSample &s : samples) {
        ++r.sent;
        lastDone = std::max(lastDone, s.doneNs);
        switch (s.outcome) {
        case BenchSample::Outcome::Http:
            ++r.completed;
            if (s.ok())
                ++r.ok;
            else
                r.errorsByStatus[QString::number(s.status)] += 1;
            break;
        case BenchSample::Outcome::Timeout:
            r.errorsByStatus[QStringLiteral("timeout")] += 1;
            break;
        case BenchSample::Outcome::Network:
            r.errorsByStatus[QStringLiteral("network")] += 1;
            break;
        }
        // A refused connection answers in microseconds; counting it would
        // make a dead server look fast.
        if (s.outcome != BenchSample::Outcome::Network) {
            latency.append(s.latencyNs());
            wire.append(s.wireNs());
            queue.append(s.queueNs());
        }
        if (s.outcome == BenchSample::Outcome::Http && s.doneNs >= 0) {
            const qsizetype sec = qsizetype(s.doneNs / 1000000000);
            if (r.perSecond.size() <= sec)
                r.perSecond.resize(sec + 1, 0);
            r.perSecond[sec] += 1;
        }
    }
    r.errors = r.sent - r.ok;
    const qint64 window = windowNs > 0 ? windowNs : lastDone;
    r.elapsedS = double(window) / 1e9;
    r.achievedRate = r.elapsedS > 0 ? double(r.completed) / r.elapsedS : 0;
    r.latency = LatencySummary::fromNanoseconds(latency);
    r.wire = LatencySummary::fromNanoseconds(wire);
    r.queue = LatencySummary::fromNanoseconds(queue);
    return r;
}

QJsonObject BenchResult::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("profile"), profile);
    o.insert(QStringLiteral("config"), config.toJson());
    o.insert(QStringLiteral("started_at"), startedAt.toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("finished_at"), finishedAt.toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("workers"), workers);
    o.insert(QStringLiteral("tokens"), tokens);
    o.insert(QStringLiteral("elapsed_s"), std::round(elapsedS * 1000) / 1000);
    o.insert(QStringLiteral("sent"), sent);
    o.insert(QStringLiteral("completed"), completed);
    o.insert(QStringLiteral("ok"), ok);
    o.insert(QStringLiteral("errors"), errors);
    QJsonObject by;
    for (auto it = errorsByStatus.cbegin(); it != errorsByStatus.cend(); ++it)
        by.insert(it.key(), it.value());
    o.insert(QStringLiteral("errors_by_status"), by);
    if (targetRate > 0)
        o.insert(QStringLiteral("target_rate"), targetRate);
    o.insert(QStringLiteral("achieved_rate"), std::round(achievedRate * 100) / 100);
    o.insert(QStringLiteral("latency"), latency.toJson());
    o.insert(QStringLiteral("wire"), wire.toJson());
    o.insert(QStringLiteral("client_queue"), queue.toJson());
    QJsonArray ps;
    for (qint64 v : perSecond)
        ps.append(v);
    o.insert(QStringLiteral("per_second"), ps);
    o.insert(QStringLiteral("incomplete"), incomplete);
    if (!stopReason.isEmpty())
        o.insert(QStringLiteral("stop_reason"), stopReason);
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    if (revocationEvents >= 0)
        o.insert(QStringLiteral("revocation_events"), revocationEvents);
    if (revocationStep >= 0)
        o.insert(QStringLiteral("step"), revocationStep);
    if (!eventKind.isEmpty())
        o.insert(QStringLiteral("event_kind"), eventKind);
    return o;
}

BenchResult BenchResult::fromJson(const QJsonObject &o)
{
    BenchResult r;
    r.profile = o.value(u"profile").toString();
    r.config = BenchConfig::fromJson(o.value(u"config").toObject());
    r.startedAt = QDateTime::fromString(o.value(u"started_at").toString(), Qt::ISODateWithMs);
    r.finishedAt = QDateTime::fromString(o.value(u"finished_at").toString(), Qt::ISODateWithMs);
    r.workers = o.value(u"workers").toInt();
    r.tokens = o.value(u"tokens").toInt();
    r.elapsedS = o.value(u"elapsed_s").toDouble();
    r.sent = o.value(u"sent").toInteger();
    r.completed = o.value(u"completed").toInteger();
    r.ok = o.value(u"ok").toInteger();
    r.errors = o.value(u"errors").toInteger();
    const QJsonObject by = o.value(u"errors_by_status").toObject();
    for (auto it = by.begin(); it != by.end(); ++it)
        r.errorsByStatus.insert(it.key(), it.value().toInteger());
    r.targetRate = o.value(u"target_rate").toDouble();
    r.achievedRate = o.value(u"achieved_rate").toDouble();
    r.latency = LatencySummary::fromJson(o.value(u"latency").toObject());
    r.wire = LatencySummary::fromJson(o.value(u"wire").toObject());
    r.queue = LatencySummary::fromJson(o.value(u"client_queue").toObject());
    for (const QJsonValue &v : o.value(u"per_second").toArray())
        r.perSecond.append(v.toInteger());
    r.incomplete = o.value(u"incomplete").toBool();
    r.stopReason = o.value(u"stop_reason").toString();
    r.error = o.value(u"error").toString();
    r.revocationEvents = o.value(u"revocation_events").toInteger(-1);
    r.revocationStep = o.value(u"step").toInteger(-1);
    r.eventKind = o.value(u"event_kind").toString();
    return r;
}

QString BenchResult::oneLine() const
{
    if (failed())
        return error;
    QString s = Tr::tr("%1 validations/s, p50 %2 ms, p99 %3 ms, %4 errors (%5, c=%6)")
                    .arg(achievedRate, 0, 'f', 1)
                    .arg(latency.p50Ms, 0, 'f', 1)
                    .arg(latency.p99Ms, 0, 'f', 1)
                    .arg(errors)
                    .arg(config.mode == BenchConfig::Mode::Open
                             ? Tr::tr("open loop at %1/s").arg(config.rate)
                             : Tr::tr("closed loop"))
                    .arg(config.concurrency);
    if (incomplete)
        s += u' ' + Tr::tr("INCOMPLETE: %1").arg(stopReason);
    return s;
}

} // namespace turnstile
