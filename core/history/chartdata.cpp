#include "history/chartdata.h"

#include "guarded/auditannotations.h"
#include "guarded/auditlog.h"
#include "health/thresholds.h"
#include "history/historyconfig.h"
#include "history/historystore.h"
#include "history/metricnames.h"
#include "history/prometheussource.h"
#include "history/segmentbreaks.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ChartData)
};

// Guarded actions are recorded once, in the audit log; the charts draw them
// from there so a purge shows where its curve drops.
QList<Annotation> auditAnnotations(const QStringList &profiles, qint64 from, qint64 to)
{
    // From the end of the log back to the start of the range only: the log
    // grows with every action, a chart shows a window of it.
    QList<QJsonObject> records;
    AuditLog().readBackwards([&](const QJsonObject &o) {
        const QDateTime at =
            QDateTime::fromString(o.value(u"logged_at").toString(), Qt::ISODateWithMs);
        if (at.isValid() && at.toSecsSinceEpoch() < from)
            return false;
        if (profiles.contains(o.value(u"profile").toString()))
            records.prepend(o);
        return true;
    });
    return annotationsFromAudit(AuditLog::runs(records), from, to);
}

// With several profiles on one chart a marker has to say whose it is.
void nameProfiles(QList<Annotation> &annotations, bool severalProfiles)
{
    if (!severalProfiles)
        return;
    for (Annotation &a : annotations)
        a.text = a.profile + QStringLiteral(": ") + a.text;
}
} // namespace

int ChartData::bucketCount() const
{
    qsizetype n = 0;
    for (const QList<NamedSeries> &chart : series)
        for (const NamedSeries &s : chart)
            n += s.buckets.size();
    for (const QList<ScatterSeries> &chart : scatter)
        for (const ScatterSeries &s : chart)
            n += s.x.buckets.size() + s.y.buckets.size();
    return int(n);
}

QString ChartData::seriesName(const QString &profile, const QString &metric, bool severalProfiles)
{
    return severalProfiles ? seriesDisplayName(metric, profile) : metricDisplayName(metric);
}

QList<ThresholdLine> ChartData::thresholdLines(const ChartSpec &spec, const QStringList &profiles,
                                               const QHash<QString, QJsonObject> &overrides)
{
    QHash<QString, QStringList> metrics;
    for (const QString &p : profiles)
        metrics.insert(p, spec.metrics);
    return thresholdLines(spec, profiles, metrics, overrides);
}

QList<ThresholdLine> ChartData::thresholdLines(const ChartSpec &spec, const QStringList &profiles,
                                               const QHash<QString, QStringList> &metricsOf,
                                               const QHash<QString, QJsonObject> &overrides)
{
    if (spec.kind != ChartSpec::Kind::Time)
        return {};
    // validate.ms is a level of validate.p50.ms … p99.ms as well.
    const auto concerns = [&metricsOf](const QString &profile, const QString &ruleMetric) {
        for (const QString &m : metricsOf.value(profile)) {
            if (m == ruleMetric)
                return true;
            if (ruleMetric.endsWith(u".ms") &&
                m.startsWith(ruleMetric.chopped(3) + QStringLiteral(".p")) && m.endsWith(u".ms"))
                return true;
        }
        return false;
    };
    // Per profile, in the profiles' order; then lines all profiles share
    // lose their profile.
    QList<ThresholdLine> each;
    for (const QString &profile : profiles) {
        for (const ThresholdRule &r : effectiveThresholds(overrides.value(profile))) {
            if (r.kind != ThresholdRule::Kind::Above && r.kind != ThresholdRule::Kind::Below)
                continue;
            if (!concerns(profile, r.metric) &&
                !(!r.measure.isEmpty() && concerns(profile, r.measure)))
                continue;
            for (const bool critical : {false, true}) {
                const ThresholdLine line{(critical ? r.critical : r.warn) * spec.scale, critical,
                                         profile};
                if (!each.contains(line))
                    each.append(line);
            }
        }
    }
    // One line per level: the profiles that have it, named ("dc2, dc3"),
    // unless every profile has it. Two lines at one height would print two
    // labels over each other.
    QList<ThresholdLine> out;
    for (const ThresholdLine &l : std::as_const(each)) {
        const auto same = [&l](const ThresholdLine &o) {
            return o.value == l.value && o.critical == l.critical;
        };
        if (std::any_of(out.cbegin(), out.cend(), same))
            continue;
        QStringList who;
        for (const ThresholdLine &o : std::as_const(each))
            if (same(o))
                who.append(o.profile);
        out.append(ThresholdLine{l.value, l.critical,
                                 who.size() == profiles.size() ? QString()
                                                               : who.join(QStringLiteral(", "))});
    }
    return out;
}

QList<Annotation> ChartData::annotationsFor(const ChartSpec &spec,
                                            const QList<Annotation> &annotations)
{
    QList<Annotation> out;
    for (const Annotation &a : annotations)
        if (std::any_of(spec.metrics.cbegin(), spec.metrics.cend(),
                        [&a](const QString &m) { return annotationConcerns(a.kind, m); }))
            out.append(a);
    return out;
}

// Levels of the metrics a profile has data of on this chart, from the store
// or from Prometheus alike: dc2's expired-token level is no line while dc2
// has no expired tokens.
QList<ThresholdLine> ChartData::linesOfDrawnSeries(const ChartSpec &spec,
                                                   const QList<NamedSeries> &series,
                                                   const QHash<QString, QJsonObject> &overrides)
{
    QStringList withData;
    QHash<QString, QStringList> metricsWithData;
    for (const NamedSeries &s : series)
        if (!s.buckets.isEmpty()) {
            if (!withData.contains(s.profile))
                withData.append(s.profile);
            metricsWithData[s.profile].append(s.metric);
        }
    return thresholdLines(spec, withData, metricsWithData, overrides);
}

ChartData ChartData::load(const HistoryConfig &config, const QStringList &profiles, qint64 from,
                          qint64 to, const QList<ChartSpec> &specs, const QList<int> &budgets,
                          const QHash<QString, QJsonObject> &thresholdOverrides)
{
    if (config.prometheus)
        return loadFromPrometheus(*config.prometheus, profiles, from, to, specs, budgets,
                                  thresholdOverrides);
    if (config.backend == HistoryConfig::Backend::Sqlite &&
        !QFileInfo::exists(config.effectiveSqlitePath())) {
        ChartData r;
        r.profiles = profiles;
        r.from = from;
        r.to = to;
        r.annotations = auditAnnotations(profiles, from, to);
        nameProfiles(r.annotations, profiles.size() > 1);
        r.noStore = true;
        r.error =
            Tr::tr("No history yet in %1: the window and `turnstilectl collect` write it while "
                   "they sample.")
                .arg(QDir::toNativeSeparators(config.effectiveSqlitePath()));
        return r;
    }
    HistoryStore store;
    if (!store.open(config)) {
        ChartData r;
        r.profiles = profiles;
        r.from = from;
        r.to = to;
        r.error = store.error();
        return r;
    }
    return load(store, profiles, from, to, specs, budgets, thresholdOverrides);
}

ChartData ChartData::load(HistoryStore &store, const QStringList &profiles, qint64 from, qint64 to,
                          const QList<ChartSpec> &specs, const QList<int> &budgets,
                          const QHash<QString, QJsonObject> &thresholdOverrides)
{
    ChartData r;
    r.profiles = profiles;
    r.from = from;
    r.to = to;
    r.annotations = auditAnnotations(profiles, from, to);
    const bool several = profiles.size() > 1;
    const auto failed = [&r, &store] {
        r.error = store.error();
        r.series.clear();
        r.scatter.clear();
        return r;
    };
    // A metric with a '*' (schema.*.bytes) stands for every series of the
    // profile that matches it: one curve per schema the server has.
    QHash<QString, QList<QString>> known;
    for (const QString &profile : profiles) {
        const auto keys = store.seriesKeys(profile);
        if (!keys)
            return failed();
        if (keys->isEmpty())
            r.unknownProfiles.append(profile);
        for (const SeriesKey &k : *keys)
            known[profile].append(k.metric);
    }
    const auto metricsOf = [&known](const QString &profile, const QStringList &metrics) {
        QStringList out;
        for (const QString &m : metrics) {
            if (!m.contains(u'*')) {
                out.append(m);
                continue;
            }
            const QRegularExpression re(QRegularExpression::wildcardToRegularExpression(m));
            QStringList matched;
            for (const QString &k : known.value(profile))
                if (re.match(k).hasMatch())
                    matched.append(k);
            matched.sort();
            out += matched;
        }
        return out;
    };
    for (qsizetype c = 0; c < specs.size(); ++c) {
        const ChartSpec &spec = specs[c];
        const int budget = budgets.value(c, 600);
        QList<NamedSeries> series;
        QList<ScatterSeries> scatter;
        for (const QString &profile : profiles) {
            QList<NamedSeries> read;
            for (const QString &metric : metricsOf(profile, spec.metrics)) {
                const std::optional<DecimatedSeries> q =
                    store.query(SeriesKey{profile, metric}, from, to, budget);
                if (!q)
                    return failed();
                QList<Bucket> buckets = q->buckets;
                if (spec.scale != 1.0)
                    for (Bucket &b : buckets) {
                        b.min *= spec.scale;
                        b.max *= spec.scale;
                        b.sum *= spec.scale;
                    }
                NamedSeries named{seriesName(profile, metric, several), buckets, metric, profile};
                named.breaks = segmentBreaks(named.buckets, q->bucketSeconds);
                read.append(named);
            }
            if (spec.kind == ChartSpec::Kind::Time)
                series += read;
            else if (read.size() == 2)
                scatter.append(ScatterSeries{profile, read[0], read[1]});
            for (const ChartSpec::RawCloud &raw : spec.rawClouds) {
                ScatterSeries cloud;
                cloud.name = several
                                 ? Tr::tr("%1 — %2", "series name — profile").arg(raw.name, profile)
                                 : raw.name;
                NamedSeries *axes[2] = {&cloud.x, &cloud.y};
                const QString metrics[2] = {raw.xMetric, raw.yMetric};
                for (int a = 0; a < 2; ++a) {
                    const auto samples = store.samples(SeriesKey{profile, metrics[a]}, from, to);
                    if (!samples)
                        return failed();
                    axes[a]->name = seriesName(profile, metrics[a], several);
                    axes[a]->metric = metrics[a];
                    axes[a]->profile = profile;
                    for (const Sample &x : *samples)
                        if (std::isfinite(x.value))
                            axes[a]->buckets.append(Bucket{x.ts, x.value, x.value, x.value, 1});
                }
                if (!cloud.points().isEmpty())
                    scatter.append(cloud);
            }
        }
        r.series.append(series);
        r.scatter.append(scatter);
        r.thresholds.append(linesOfDrawnSeries(spec, series, thresholdOverrides));
    }
    for (const QString &profile : profiles) {
        if (const auto a = store.annotations(from, to, profile))
            r.annotations += *a;
        else
            return failed();
    }
    nameProfiles(r.annotations, several);
    return r;
}

ChartData ChartData::loadFromPrometheus(const PrometheusSourceSettings &settings,
                                        const QStringList &profiles, qint64 from, qint64 to,
                                        const QList<ChartSpec> &specs, const QList<int> &budgets,
                                        const QHash<QString, QJsonObject> &thresholdOverrides)
{
    ChartData r;
    r.profiles = profiles;
    r.from = from;
    r.to = to;
    r.annotations = auditAnnotations(profiles, from, to);
    const bool several = profiles.size() > 1;
    PrometheusSource source(settings);
    QStringList warnings;
    QList<bool> anySeries(profiles.size(), false);
    for (qsizetype c = 0; c < specs.size(); ++c) {
        const ChartSpec &spec = specs[c];
        const int budget = budgets.value(c, 600);
        QList<NamedSeries> series;
        QList<ScatterSeries> scatter;
        for (qsizetype p = 0; p < profiles.size(); ++p) {
            const QString &profile = profiles[p];
            QList<NamedSeries> read;
            // Wildcards (schema.*.bytes) and point clouds need Turnstile's
            // own history: Prometheus only has what the exporter serves.
            for (const QString &metric : spec.metrics) {
                if (!prometheusServes(metric))
                    continue;
                const SeriesKey key{profile, metric};
                const std::optional<DecimatedSeries> q = source.query(key, from, to, budget);
                if (!q) {
                    r.error = source.error();
                    r.series.clear();
                    r.scatter.clear();
                    return r;
                }
                for (const QString &w : source.warnings())
                    if (!warnings.contains(w))
                        warnings.append(w);
                QList<Bucket> buckets = q->buckets;
                anySeries[p] = anySeries[p] || !buckets.isEmpty();
                for (Bucket &b : buckets) {
                    b.min *= spec.scale;
                    b.max *= spec.scale;
                    b.sum *= spec.scale;
                }
                read.append(
                    NamedSeries{seriesName(profile, metric, several), buckets, metric, profile});
            }
            if (spec.kind == ChartSpec::Kind::Time)
                series += read;
            else if (read.size() == 2)
                scatter.append(ScatterSeries{profile, read[0], read[1]});
        }
        r.thresholds.append(linesOfDrawnSeries(spec, series, thresholdOverrides));
        r.series.append(series);
        r.scatter.append(scatter);
    }
    for (qsizetype p = 0; p < profiles.size(); ++p)
        if (!anySeries[p])
            r.unknownProfiles.append(profiles[p]);
    // A partial answer is drawn, and said: the page shows the error line.
    if (!warnings.isEmpty())
        r.error = Tr::tr("Prometheus answered only in part: %1").arg(warnings.join(u"; "));
    nameProfiles(r.annotations, several);
    return r;
}

} // namespace turnstile
