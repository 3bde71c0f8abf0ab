#include "bench/benchhistory.h"

#include "history/historystore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QMap>

#include <cmath>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(BenchHistory)
};

const QString kRps = QStringLiteral("bench.rps");
const QString kP50 = QStringLiteral("bench.p50_ms");
const QString kP90 = QStringLiteral("bench.p90_ms");
const QString kP99 = QStringLiteral("bench.p99_ms");
const QString kP999 = QStringLiteral("bench.p999_ms");
const QString kMax = QStringLiteral("bench.max_ms");
const QString kErrors = QStringLiteral("bench.errors");
const QString kConc = QStringLiteral("bench.concurrency");
const QString kTarget = QStringLiteral("bench.target_rps");
const QString kEvents = QStringLiteral("bench.revocation_events");
const QString kRun = QStringLiteral("bench.run");
const QString kKind = QStringLiteral("bench.kind");
const QString kMode = QStringLiteral("bench.mode");
const QString kIncomplete = QStringLiteral("bench.incomplete");
} // namespace

QStringList BenchHistory::metrics()
{
    return {kRps,  kP50,    kP90,    kP99, kP999, kMax,  kErrors,
            kConc, kTarget, kEvents, kRun, kKind, kMode, kIncomplete};
}

QString BenchHistory::kindName(Kind k)
{
    switch (k) {
    case Kind::Validate:
        return QStringLiteral("validate");
    case Kind::Audit:
        return QStringLiteral("audit");
    case Kind::User:
        return QStringLiteral("user");
    case Kind::Project:
        return QStringLiteral("project");
    }
    return {};
}

std::optional<BenchHistory::Kind> BenchHistory::kindFromName(const QString &name)
{
    for (Kind k : {Kind::Validate, Kind::Audit, Kind::User, Kind::Project})
        if (kindName(k) == name)
            return k;
    return std::nullopt;
}

QString BenchHistory::kindTitle(Kind k)
{
    switch (k) {
    case Kind::Validate:
        return Tr::tr("validation benchmark");
    case Kind::Audit:
        return Tr::tr("per-token events");
    case Kind::User:
        return Tr::tr("per-user events");
    case Kind::Project:
        return Tr::tr("per-project events");
    }
    return {};
}

QString BenchHistory::Run::label() const
{
    return QDateTime::fromSecsSinceEpoch(runId, Qt::UTC)
               .toString(QStringLiteral("yyyy-MM-dd HH:mm")) +
           QStringLiteral(" · ") + kindTitle(kind);
}

qint64 BenchHistory::save(HistoryStore &store, const BenchResult &r, qint64 runId, Kind kind)
{
    qint64 ts = (r.finishedAt.isValid() ? r.finishedAt : QDateTime::currentDateTimeUtc())
                    .toSecsSinceEpoch();
    const QString &p = r.profile;
    for (int attempt = 0; attempt < 5; ++attempt, ++ts) {
        // One measurement per second and series: if the second is taken, the
        // next one is tried, so two quick runs are both kept.
        const auto stored = store.latest(SeriesKey{p, kRun});
        if (stored && stored->ts >= ts)
            continue;
        QList<QPair<SeriesKey, Sample>> points;
        auto add = [&](const QString &metric, double v) {
            points.append({SeriesKey{p, metric}, Sample{ts, v}});
        };
        const auto round3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };
        add(kRps, round3(r.achievedRate));
        add(kP50, round3(r.latency.p50Ms));
        add(kP90, round3(r.latency.p90Ms));
        add(kP99, round3(r.latency.p99Ms));
        add(kP999, round3(r.latency.p999Ms));
        add(kMax, round3(r.latency.maxMs));
        add(kErrors, double(r.errors));
        add(kConc, r.config.concurrency);
        if (r.targetRate > 0)
            add(kTarget, round3(r.targetRate));
        if (r.revocationEvents >= 0)
            add(kEvents, double(r.revocationEvents));
        add(kRun, double(runId));
        add(kKind, double(int(kind)));
        add(kMode, r.config.mode == BenchConfig::Mode::Open ? 1 : 0);
        add(kIncomplete, r.incomplete ? 1 : 0);
        for (const QString &m : {kRps, kP50, kP90, kP99, kP999, kMax, kTarget})
            // Latencies and rates keep three decimals; failing here only
            // means the series exists already, and append() tells real errors.
            (void)store.defineSeries(SeriesKey{p, m}, 3);
        const int n = store.append(points);
        if (n < 0)
            return -1;
        if (n > 0)
            return ts;
    }
    return -1;
}

QString BenchHistory::saveValidation(const HistoryConfig &history, const BenchResult &r)
{
    if (r.sent <= 0)
        return {};
    HistoryStore store;
    if (!store.open(history))
        return store.error();
    const qint64 ts = save(store, r, r.startedAt.toSecsSinceEpoch(), Kind::Validate);
    if (ts < 0)
        return store.error();
    if (!annotate(store, r.profile, ts, Kind::Validate, Tr::tr("benchmark: %1").arg(r.oneLine())))
        return Tr::tr("The result was stored, but its mark on the charts was not: %1")
            .arg(store.error());
    return {};
}

bool BenchHistory::annotate(HistoryStore &store, const QString &profile, qint64 ts, Kind kind,
                            const QString &text)
{
    Annotation a;
    a.ts = ts;
    a.profile = profile;
    a.kind = kind == Kind::Validate ? QStringLiteral("bench.validate")
                                    : QStringLiteral("bench.revocation_impact");
    a.text = text;
    return store.addAnnotation(a);
}

std::optional<QList<BenchHistory::Run>> BenchHistory::runs(HistoryStore &store,
                                                           const QString &profile)
{
    QMap<QString, QMap<qint64, double>> byMetric;
    for (const QString &m : metrics()) {
        const auto s = store.samples(SeriesKey{profile, m}, 0, HistoryStore::kMaxTimestamp);
        if (!s)
            return std::nullopt;
        for (const Sample &x : *s)
            byMetric[m].insert(x.ts, x.value);
    }
    QMap<qint64, Run> runs;
    const QMap<qint64, double> &ids = byMetric[kRun];
    for (auto it = ids.cbegin(); it != ids.cend(); ++it) {
        const qint64 ts = it.key();
        auto v = [&](const QString &m, double dflt) { return byMetric[m].value(ts, dflt); };
        Point pt;
        pt.ts = ts;
        pt.runId = qint64(it.value());
        pt.kind = Kind(std::clamp(int(v(kKind, 0)), 0, 3));
        pt.openLoop = v(kMode, 0) > 0.5;
        pt.incomplete = v(kIncomplete, 0) > 0.5;
        pt.rps = v(kRps, 0);
        pt.p50Ms = v(kP50, 0);
        pt.p90Ms = v(kP90, 0);
        pt.p99Ms = v(kP99, 0);
        pt.p999Ms = v(kP999, 0);
        pt.maxMs = v(kMax, 0);
        pt.errors = v(kErrors, 0);
        pt.concurrency = v(kConc, 0);
        pt.targetRps = v(kTarget, 0);
        pt.revocationEvents = v(kEvents, -1);
        Run &run = runs[pt.runId];
        run.runId = pt.runId;
        run.kind = pt.kind;
        run.points.append(pt);
    }
    return runs.values();
}

} // namespace turnstile
