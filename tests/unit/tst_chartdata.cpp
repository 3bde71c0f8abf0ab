// The chart data path without a widget: ChartData::load() against a real
// SQLite history store in a temporary directory. Wildcard metrics, unit
// scales, side-by-side profiles, scatter pairs, annotations and a missing
// store, as the Growth and Latency pages and `turnstilectl report` get them.
#include "history/chartdata.h"
#include "history/historystore.h"
#include "history/segmentbreaks.h"
#include "isolatedenvironment.h"

#include <QFile>
#include <QTest>

#include <cmath>

using namespace turnstile;

namespace {
constexpr qint64 T0 = 1699920000; // 2023-11-14T00:00:00Z
constexpr qint64 kSpan = 2 * 3600;
constexpr double kMiB = 1024.0 * 1024.0;

QStringList namesOf(const QList<NamedSeries> &series)
{
    QStringList out;
    for (const NamedSeries &s : series)
        out.append(s.name);
    return out;
}

// The keys behind the names, which exports keep.
QStringList metricsOf(const QList<NamedSeries> &series)
{
    QStringList out;
    for (const NamedSeries &s : series)
        out.append(s.metric);
    return out;
}
} // namespace

class TestChartData : public QObject
{
    Q_OBJECT
private:
    // No audit record of the developer's own on the charts.
    testsupport::IsolatedEnvironment m_dir;
    HistoryConfig m_config;

    ChartData load(const QStringList &profiles, const QList<ChartSpec> &specs,
                   int budget = 60) const
    {
        return ChartData::load(m_config, profiles, T0, T0 + kSpan, specs,
                               QList<int>(specs.size(), budget));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_config.sqlitePath = m_dir.historyFile();
        HistoryStore store;
        QVERIFY2(store.open(m_config), qPrintable(store.error()));
        // Two hours, one sample a minute. "lab" has two schemas and a table
        // whose name looks like a schema metric but is not one; "dc2" has
        // half the tokens and one schema.
        QHash<QString, QList<Sample>> lab, dc2;
        for (qint64 t = T0; t < T0 + kSpan; t += 60) {
            const double minute = double(t - T0) / 60.0;
            lab[QStringLiteral("token.live")].append(Sample{t, 1000 + minute});
            lab[QStringLiteral("revocation_event.rows")].append(Sample{t, 10 + minute});
            lab[QStringLiteral("validate.ms")].append(Sample{t, 20 + minute / 10});
            lab[QStringLiteral("schema.mysql.bytes")].append(Sample{t, 2 * kMiB});
            lab[QStringLiteral("schema.keystone.bytes")].append(Sample{t, 1e6});
            lab[QStringLiteral("schema.keystone.rows")].append(Sample{t, 5});
            // The collector was down for half an hour in the middle.
            if (t < T0 + 3000 || t >= T0 + 4800)
                lab[QStringLiteral("token.expired")].append(Sample{t, 200});
            dc2[QStringLiteral("token.live")].append(Sample{t, (1000 + minute) / 2});
            dc2[QStringLiteral("revocation_event.rows")].append(Sample{t, 3});
            dc2[QStringLiteral("validate.ms")].append(Sample{t, 8});
            dc2[QStringLiteral("schema.keystone.bytes")].append(Sample{t, 4 * kMiB});
        }
        for (const auto &[profile, series] :
             {std::pair{QStringLiteral("lab"), lab}, std::pair{QStringLiteral("dc2"), dc2}})
            for (auto it = series.cbegin(); it != series.cend(); ++it)
                QVERIFY2(store.append(SeriesKey{profile, it.key()}, it.value()) > 0,
                         qPrintable(store.error()));
        // Two benchmark measurements of lab, one sample each at the same second.
        for (const auto &[ts, events, p50] :
             {std::tuple{T0 + 600, 100.0, 12.0}, std::tuple{T0 + 4200, 5000.0, 30.0}}) {
            QVERIFY(store.append(
                        SeriesKey{QStringLiteral("lab"), QStringLiteral("bench.revocation_events")},
                        {Sample{ts, events}}) > 0);
            QVERIFY(store.append(SeriesKey{QStringLiteral("lab"), QStringLiteral("bench.p50_ms")},
                                 {Sample{ts, p50}}) > 0);
        }
        QVERIFY(store.addAnnotation(Annotation{T0 + 1800, QStringLiteral("lab"),
                                               QStringLiteral("purge.tokens"),
                                               QStringLiteral("purged 40 expired tokens")}));
        QVERIFY(store.addAnnotation(Annotation{T0 + 3600, QStringLiteral("dc2"),
                                               QStringLiteral("purge.tokens"),
                                               QStringLiteral("purged 7 expired tokens")}));
        QVERIFY(store.rollup(T0 + kSpan));
    }

    void wildcardMatchesEverySeriesOfTheProfileSorted()
    {
        const ChartData r =
            load({QStringLiteral("lab")},
                 {ChartSpec::time(QStringLiteral("Schemas"), {QStringLiteral("schema.*.bytes")})});
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.series.size(), 1);
        // Sorted by name, and schema.keystone.rows does not match.
        QCOMPARE(metricsOf(r.series[0]), (QStringList{QStringLiteral("schema.keystone.bytes"),
                                                      QStringLiteral("schema.mysql.bytes")}));
        for (const NamedSeries &s : r.series[0])
            QVERIFY(!s.buckets.isEmpty());
        // The same wildcard finds what each profile has, and only that.
        const ChartData dc2 =
            load({QStringLiteral("dc2")},
                 {ChartSpec::time(QStringLiteral("Schemas"), {QStringLiteral("schema.*.bytes")})});
        QCOMPARE(metricsOf(dc2.series[0]), QStringList{QStringLiteral("schema.keystone.bytes")});
    }

    void literalAndWildcardMetricsKeepTheSpecOrder()
    {
        const ChartData r =
            load({QStringLiteral("lab")},
                 {ChartSpec::time(QStringLiteral("Mixed"),
                                  {QStringLiteral("token.live"), QStringLiteral("schema.*.bytes"),
                                   QStringLiteral("validate.ms")})});
        QCOMPARE(
            metricsOf(r.series[0]),
            (QStringList{QStringLiteral("token.live"), QStringLiteral("schema.keystone.bytes"),
                         QStringLiteral("schema.mysql.bytes"), QStringLiteral("validate.ms")}));
    }

    void scaleMultipliesValuesNotCounts()
    {
        const ChartSpec bytes =
            ChartSpec::time(QStringLiteral("Schemas"), {QStringLiteral("schema.mysql.bytes")});
        const ChartData raw = load({QStringLiteral("lab")}, {bytes});
        const ChartData mib = load({QStringLiteral("lab")}, {bytes.scaled(1.0 / kMiB)});
        QCOMPARE(raw.series[0].size(), 1);
        QCOMPARE(mib.series[0].size(), 1);
        const QList<Bucket> &a = raw.series[0][0].buckets;
        const QList<Bucket> &b = mib.series[0][0].buckets;
        QVERIFY(!a.isEmpty());
        QCOMPARE(b.size(), a.size());
        for (qsizetype i = 0; i < a.size(); ++i) {
            QCOMPARE(b[i].ts, a[i].ts);
            QCOMPARE(b[i].count, a[i].count);
            QCOMPARE(b[i].min, a[i].min / kMiB);
            QCOMPARE(b[i].max, a[i].max / kMiB);
            QCOMPARE(b[i].sum, a[i].sum / kMiB);
        }
        // 2 MiB of bytes reads 2.
        QCOMPARE(b.first().min, 2.0);
        QCOMPARE(b.first().avg(), 2.0);
    }

    void budgetBoundsTheBuckets()
    {
        const QList<ChartSpec> specs = {
            ChartSpec::time(QStringLiteral("Tokens"), {QStringLiteral("token.live")}),
            ChartSpec::time(QStringLiteral("Tokens"), {QStringLiteral("token.live")})};
        // One budget per chart: the narrow chart gets fewer buckets.
        const ChartData r =
            ChartData::load(m_config, {QStringLiteral("lab")}, T0, T0 + kSpan, specs, {12, 200});
        QVERIFY(r.series[0][0].buckets.size() <= 13);
        QVERIFY(r.series[1][0].buckets.size() > r.series[0][0].buckets.size());
        qint64 samples = 0;
        for (const Bucket &b : r.series[0][0].buckets)
            samples += b.count;
        QCOMPARE(samples, kSpan / 60); // every sample counted once
        QCOMPARE(r.bucketCount(),
                 int(r.series[0][0].buckets.size() + r.series[1][0].buckets.size()));
    }

    void oneProfileNamesTheMetricAlone()
    {
        const ChartData r =
            load({QStringLiteral("lab")},
                 {ChartSpec::time(QStringLiteral("Tokens"), {QStringLiteral("token.live")})});
        QCOMPARE(r.profiles, QStringList{QStringLiteral("lab")});
        QCOMPARE(r.from, T0);
        QCOMPARE(r.to, T0 + kSpan);
        // The human name alone, the key beside it.
        QCOMPARE(namesOf(r.series[0]), QStringList{QStringLiteral("Live tokens")});
        QCOMPARE(metricsOf(r.series[0]), QStringList{QStringLiteral("token.live")});
        QCOMPARE(r.series[0][0].profile, QStringLiteral("lab"));
        // The profile's own annotations, as written.
        QCOMPARE(r.annotations.size(), 1);
        QCOMPARE(r.annotations[0].text, QStringLiteral("purged 40 expired tokens"));
        QCOMPARE(ChartData::seriesName(QStringLiteral("lab"), QStringLiteral("token.live"), false),
                 QStringLiteral("Live tokens"));
    }

    void severalProfilesSideBySide()
    {
        const ChartData r =
            load({QStringLiteral("lab"), QStringLiteral("dc2")},
                 {ChartSpec::time(QStringLiteral("Tokens"), {QStringLiteral("token.live")}),
                  ChartSpec::time(QStringLiteral("Schemas"), {QStringLiteral("schema.*.bytes")})
                      .scaled(1.0 / kMiB)});
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QVERIFY(r.unknownProfiles.isEmpty());
        // Profile by profile, each curve named "human name — profile".
        QCOMPARE(namesOf(r.series[0]), (QStringList{QStringLiteral("Live tokens — lab"),
                                                    QStringLiteral("Live tokens — dc2")}));
        QCOMPARE(namesOf(r.series[1]),
                 (QStringList{QStringLiteral("Size of schema keystone — lab"),
                              QStringLiteral("Size of schema mysql — lab"),
                              QStringLiteral("Size of schema keystone — dc2")}));
        QCOMPARE(r.series[1][2].buckets.first().max, 4.0);
        // dc2 has half of lab's tokens, bucket for bucket.
        const QList<Bucket> &lab = r.series[0][0].buckets;
        const QList<Bucket> &dc2 = r.series[0][1].buckets;
        QCOMPARE(dc2.size(), lab.size());
        QCOMPARE(dc2.first().sum * 2, lab.first().sum);
        // Markers say whose they are.
        QStringList texts;
        for (const Annotation &a : r.annotations)
            texts.append(a.text);
        texts.sort();
        QCOMPARE(texts, (QStringList{QStringLiteral("dc2: purged 7 expired tokens"),
                                     QStringLiteral("lab: purged 40 expired tokens")}));
        QCOMPARE(ChartData::seriesName(QStringLiteral("dc2"), QStringLiteral("token.live"), true),
                 QStringLiteral("Live tokens — dc2"));
    }

    void gapInHistoryBreaksTheCurve()
    {
        // Pure: a collector every 5 minutes into 1-minute buckets is its
        // rhythm, not a gap; an hour without samples is one.
        QList<Bucket> regular;
        for (qint64 t = 0; t < 3600; t += 300)
            regular.append(Bucket{t, 1, 1, 1, 1});
        QVERIFY(segmentBreaks(regular, 60).isEmpty());
        QList<Bucket> holed = regular;
        for (qsizetype i = 6; i < holed.size(); ++i)
            holed[i].ts += 3600;
        QCOMPARE(segmentBreaks(holed, 60), QList<qsizetype>{6});
        QVERIFY(segmentBreaks(holed.mid(0, 2), 60).isEmpty());

        // Loaded: 120 s buckets, a 30-minute hole in token.expired.
        const ChartData r =
            load({QStringLiteral("lab")},
                 {ChartSpec::time(QStringLiteral("Tokens"), {QStringLiteral("token.live"),
                                                             QStringLiteral("token.expired")})});
        QCOMPARE(r.series[0].size(), 2);
        QVERIFY(r.series[0][0].breaks.isEmpty());
        QCOMPARE(r.series[0][1].breaks.size(), 1);
        const qsizetype at = r.series[0][1].breaks.first();
        const QList<Bucket> &b = r.series[0][1].buckets;
        QVERIFY(b[at].ts >= T0 + 4800 - 120);
        QVERIFY(b[at - 1].ts < T0 + 3000);
    }

    void thresholdLinesOfThresholdedCharts()
    {
        const ChartSpec validation =
            ChartSpec::time(QStringLiteral("Validation"),
                            {QStringLiteral("validate.p50.ms"), QStringLiteral("validate.p95.ms"),
                             QStringLiteral("validate.p99.ms")});
        // The defaults: validate.ms warns above 500 ms, is critical above 1.5 s.
        const QList<ThresholdLine> defaults =
            ChartData::thresholdLines(validation, {QStringLiteral("lab")}, {});
        QCOMPARE(defaults, (QList<ThresholdLine>{ThresholdLine{500, false, {}},
                                                 ThresholdLine{1500, true, {}}}));
        // A profile's own levels: shared ones stay one line, others say whose.
        const QHash<QString, QJsonObject> overrides{
            {QStringLiteral("dc2"),
             QJsonObject{{QStringLiteral("validate.ms"),
                          QJsonObject{{QStringLiteral("warn"), 300},
                                      {QStringLiteral("critical"), 1500}}}}}};
        const QList<ThresholdLine> both = ChartData::thresholdLines(
            validation, {QStringLiteral("lab"), QStringLiteral("dc2")}, overrides);
        QCOMPARE(both, (QList<ThresholdLine>{ThresholdLine{500, false, QStringLiteral("lab")},
                                             ThresholdLine{1500, true, {}},
                                             ThresholdLine{300, false, QStringLiteral("dc2")}}));
        // Expired tokens have a level; trusts and growth rules draw none.
        const QList<ThresholdLine> tokens = ChartData::thresholdLines(
            ChartSpec::time(QStringLiteral("Tokens"),
                            {QStringLiteral("token.live"), QStringLiteral("token.expired")}),
            {QStringLiteral("lab")}, {});
        QCOMPARE(tokens, (QList<ThresholdLine>{ThresholdLine{1e6, false, {}},
                                               ThresholdLine{1e7, true, {}}}));
        QVERIFY(ChartData::thresholdLines(
                    ChartSpec::time(QStringLiteral("Trusts"), {QStringLiteral("table.trust.rows")}),
                    {QStringLiteral("lab")}, {})
                    .isEmpty());
        // Loaded charts carry them, parallel to the specs, for the profiles
        // with data on the chart (dc2 has no trusts: no level of its own).
        const ChartSpec perProbe =
            ChartSpec::time(QStringLiteral("Validation"), {QStringLiteral("validate.ms")});
        const ChartData r =
            load({QStringLiteral("lab"), QStringLiteral("dc2")}, {perProbe, validation});
        QCOMPARE(r.thresholds.size(), 2);
        QCOMPARE(r.thresholds[0], defaults);
        QVERIFY(r.thresholds[1].isEmpty()); // no percentiles stored: nothing drawn
        // Same level for several profiles: one line naming them.
        const QHash<QString, QJsonObject> two{
            {QStringLiteral("dc2"), overrides.value(QStringLiteral("dc2"))},
            {QStringLiteral("dc3"), overrides.value(QStringLiteral("dc2"))}};
        QCOMPARE(ChartData::thresholdLines(
                     validation,
                     {QStringLiteral("lab"), QStringLiteral("dc2"), QStringLiteral("dc3")}, two)
                     .value(2),
                 (ThresholdLine{300, false, QStringLiteral("dc2, dc3")}));
    }

    void annotationsOnlyOnTheChartsTheyConcern()
    {
        const QList<Annotation> all{
            Annotation{T0, QStringLiteral("lab"), QStringLiteral("purge.tokens"),
                       QStringLiteral("Purged 40 expired tokens")},
            Annotation{T0, QStringLiteral("lab"), QStringLiteral("users.unlock.database"),
                       QStringLiteral("Unlocked user nova")},
            Annotation{T0, QStringLiteral("lab"), QStringLiteral("keys.rotate"),
                       QStringLiteral("Rotated the Fernet keys")}};
        const auto kinds = [](const QList<Annotation> &list) {
            QStringList out;
            for (const Annotation &a : list)
                out.append(a.kind);
            return out;
        };
        QCOMPARE(
            kinds(ChartData::annotationsFor(
                ChartSpec::time(QStringLiteral("Tokens"), {QStringLiteral("token.live")}), all)),
            QStringList{QStringLiteral("purge.tokens")});
        QCOMPARE(
            kinds(ChartData::annotationsFor(
                ChartSpec::time(QStringLiteral("Validation"), {QStringLiteral("validate.p99.ms")}),
                all)),
            QStringList{QStringLiteral("keys.rotate")});
        QVERIFY(ChartData::annotationsFor(
                    ChartSpec::time(QStringLiteral("Trusts"), {QStringLiteral("table.trust.rows")}),
                    all)
                    .isEmpty());
    }

    void scatterPairsBucketsPerProfile()
    {
        ChartSpec spec =
            ChartSpec::scatter(QStringLiteral("Validation against revocation events"),
                               QStringLiteral("revocation_event.rows"), QStringLiteral("rows"),
                               QStringLiteral("validate.ms"), QStringLiteral("ms"));
        spec.rawClouds = {{QStringLiteral("benchmark p50"),
                           QStringLiteral("bench.revocation_events"),
                           QStringLiteral("bench.p50_ms")}};
        const ChartData one = load({QStringLiteral("lab")}, {spec});
        QCOMPARE(one.series, (QList<QList<NamedSeries>>{{}}));
        QCOMPARE(one.scatter.size(), 1);
        // The bucketed cloud, then the raw benchmark cloud.
        QCOMPARE(one.scatter[0].size(), 2);
        const ScatterSeries &cloud = one.scatter[0][0];
        QCOMPARE(cloud.name, QStringLiteral("lab"));
        QCOMPARE(cloud.x.name, QStringLiteral("Revocation events"));
        QCOMPARE(cloud.x.metric, QStringLiteral("revocation_event.rows"));
        QCOMPARE(cloud.y.name, QStringLiteral("Validation time"));
        QVERIFY(cloud.points().size() > 10);
        const ScatterSeries &bench = one.scatter[0][1];
        QCOMPARE(bench.name, QStringLiteral("benchmark p50"));
        QCOMPARE(bench.points(), (QList<QPointF>{{100, 12}, {5000, 30}}));
        QCOMPARE(bench.times(), (QList<qint64>{T0 + 600, T0 + 4200}));

        // Side by side: one bucketed cloud per profile; dc2 has no benchmark,
        // so no empty cloud of it.
        const ChartData two = load({QStringLiteral("lab"), QStringLiteral("dc2")}, {spec});
        QStringList names;
        for (const ScatterSeries &s : two.scatter[0])
            names.append(s.name);
        QCOMPARE(names, (QStringList{QStringLiteral("lab"), QStringLiteral("benchmark p50 — lab"),
                                     QStringLiteral("dc2")}));
        QCOMPARE(two.scatter[0][2].y.name, QStringLiteral("Validation time — dc2"));
        QCOMPARE(two.scatter[0][2].points().first(), QPointF(3, 8));
    }

    void unknownProfileIsListed()
    {
        const ChartData r =
            load({QStringLiteral("lab"), QStringLiteral("nowhere")},
                 {ChartSpec::time(QStringLiteral("Tokens"), {QStringLiteral("token.live")})});
        QVERIFY(r.error.isEmpty());
        QCOMPARE(r.unknownProfiles, QStringList{QStringLiteral("nowhere")});
        QCOMPARE(namesOf(r.series[0]), (QStringList{QStringLiteral("Live tokens — lab"),
                                                    QStringLiteral("Live tokens — nowhere")}));
        QVERIFY(r.series[0][1].buckets.isEmpty());
    }

    void nothingInRangeIsNoBuckets()
    {
        const QList<ChartSpec> specs = {
            ChartSpec::time(QStringLiteral("Tokens"), {QStringLiteral("token.live")})};
        const ChartData r =
            ChartData::load(m_config, {QStringLiteral("lab")}, T0 - 7200, T0 - 3600, specs, {60});
        QVERIFY(r.error.isEmpty());
        QVERIFY(r.unknownProfiles.isEmpty());
        QCOMPARE(r.bucketCount(), 0);
    }

    void missingStoreIsASentenceNotAFile()
    {
        HistoryConfig config;
        config.sqlitePath = m_dir.filePath(QStringLiteral("absent.sqlite"));
        const ChartData r = ChartData::load(
            config, {QStringLiteral("lab")}, T0, T0 + kSpan,
            {ChartSpec::time(QStringLiteral("Tokens"), {QStringLiteral("token.live")})}, {60});
        QVERIFY(r.noStore);
        QVERIFY2(r.error.contains(QStringLiteral("absent.sqlite")), qPrintable(r.error));
        QCOMPARE(r.bucketCount(), 0);
        QCOMPARE(r.profiles, QStringList{QStringLiteral("lab")});
        QVERIFY(!QFile::exists(config.sqlitePath)); // reading never creates a store
    }
};

QTEST_GUILESS_MAIN(TestChartData)
#include "tst_chartdata.moc"
