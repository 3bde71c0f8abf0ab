// The figures of a report's summary page: how a series moved over the range
// (rangeChange, also where retention left only rollups), each profile's
// summary (verdict and headline figures), their text, and the time zone
// every caption names.
#include "health/profilesummary.h"
#include "history/historystore.h"
#include "history/rangechange.h"
#include "util/timetext.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace turnstile;

namespace {
constexpr qint64 kDay = 86400;
// A Monday, 00:00 UTC, on an hour boundary.
constexpr qint64 T0 = 1'700'438'400;
} // namespace

class TestReportFigures : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    int m_files = 0;

    HistoryConfig newStore()
    {
        HistoryConfig config;
        config.sqlitePath = m_dir.filePath(QStringLiteral("h%1.sqlite").arg(++m_files));
        return config;
    }

private slots:
    void firstAndLastFiniteBucket()
    {
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const QList<Bucket> b = {Bucket{0, nan, nan, nan, 0}, Bucket{60, 90, 110, 200, 2},
                                 Bucket{120, 1, 999, 500, 1}, Bucket{180, 150, 150, 150, 1},
                                 Bucket{240, nan, nan, nan, 0}};
        const std::optional<RangeChange> c = rangeChange(b);
        QVERIFY(c);
        QCOMPARE(*c, (RangeChange{100, 60, 150, 180}));
        QCOMPARE(c->change(), 50.0);
        QCOMPARE(c->percent(), std::optional<double>(50.0));
        QCOMPARE(rangeChange(QList<Bucket>{}), std::nullopt);
        QCOMPARE(rangeChange({Bucket{0, nan, nan, nan, 0}}), std::nullopt);
    }

    void percentOfNothingIsNone()
    {
        QCOMPARE((RangeChange{0, 0, 40, 60}.percent()), std::nullopt);
        QCOMPARE((RangeChange{200, 0, 50, 60}.percent()), std::optional<double>(-75.0));
        QCOMPARE((RangeChange{-10, 0, 10, 60}.percent()), std::optional<double>(200.0));
    }

    // The values as sampled at either end, not the means of the coarse
    // buckets a chart shows: the last one is the figure of now.
    void storedSeriesFirstAndLastSample()
    {
        HistoryStore store;
        QVERIFY(store.open(newStore()));
        const SeriesKey key{QStringLiteral("lab"), QStringLiteral("token.live")};
        // 30 days every 5 minutes, 1000 → 31,000 rows, with a gap (NaN) at
        // the very end and collection starting on day 2 of the range.
        QList<Sample> s;
        for (qint64 t = T0 + kDay; t < T0 + 31 * kDay; t += 300)
            s.append(Sample{t, 1000.0 + double(t - T0 - kDay) / double(kDay) * 1000.0});
        const Sample last = s.last();
        s.append(Sample{T0 + 31 * kDay, std::numeric_limits<double>::quiet_NaN()});
        QVERIFY(store.append(key, s) > 0);
        QVERIFY(store.rollup(T0 + 32 * kDay));

        const std::optional<RangeChange> c = rangeChange(store, key, T0, T0 + 32 * kDay);
        QVERIFY2(c, qPrintable(store.error()));
        QCOMPARE(c->first, 1000.0);
        QCOMPARE(c->firstTs, T0 + kDay);
        QCOMPARE(c->last, last.value);
        QCOMPARE(c->lastTs, last.ts);
        // A range that starts inside the history starts at its first sample.
        const std::optional<RangeChange> week =
            rangeChange(store, key, T0 + 24 * kDay + 150, T0 + 31 * kDay);
        QVERIFY(week);
        QCOMPARE(week->firstTs, T0 + 24 * kDay + 300);
        QCOMPARE(week->first, 1000.0 + 23 * 1000.0 + 1000.0 * 300 / kDay);
        QCOMPARE(week->lastTs, last.ts);

        QCOMPARE(rangeChange(store, SeriesKey{QStringLiteral("lab"), QStringLiteral("nope")}, T0,
                             T0 + kDay),
                 std::nullopt);
        QCOMPARE(rangeChange(store, key, T0 + 40 * kDay, T0 + 41 * kDay), std::nullopt);
        QVERIFY(store.error().isEmpty());
    }

    // Raw samples past retention: the first value comes from the finest
    // rollup still kept (a minute's mean), not from nowhere.
    void fromRollupsWhereRetentionRemovedSamples()
    {
        HistoryConfig config = newStore();
        config.rawRetentionDays = 7;
        config.minuteRetentionDays = 30;
        HistoryStore store;
        QVERIFY(store.open(config));
        const SeriesKey key{QStringLiteral("lab"), QStringLiteral("revocation_event.rows")};
        QList<Sample> s;
        for (qint64 t = T0; t < T0 + 60 * kDay; t += 600)
            s.append(Sample{t, double((t - T0) / 600)});
        QVERIFY(store.append(key, s) > 0);
        const qint64 now = T0 + 60 * kDay;
        QVERIFY2(store.maintain(now), qPrintable(store.error()));

        const std::optional<RangeChange> c = rangeChange(store, key, T0 + 40 * kDay, now);
        QVERIFY2(c, qPrintable(store.error()));
        QCOMPARE(c->firstTs, T0 + 40 * kDay); // a minute rollup: the sample of that minute
        QCOMPARE(c->first, double(40 * kDay / 600));
        QCOMPARE(c->last, double(s.size() - 1));
    }

    void headlineText()
    {
        const QLocale c = QLocale::c();
        QCOMPARE(headlineValue(QStringLiteral("token.live"), 2512345, c), QStringLiteral("2.51 M"));
        QCOMPARE(headlineValue(QStringLiteral("revocation_event.rows"), 1250, c),
                 QStringLiteral("1.25 k"));
        QCOMPARE(headlineValue(QStringLiteral("table.trust.rows"), 12, c), QStringLiteral("12"));
        QCOMPARE(headlineValue(QStringLiteral("validate.p99.ms"), 43.4, c),
                 QStringLiteral("43 ms"));
        QCOMPARE(headlineValue(QStringLiteral("validate.p99.ms"), 1745, c), formatLatency(1745));
        QCOMPARE(headlineValue(QStringLiteral("validate.p99.ms"), 4.5, c),
                 QStringLiteral("4.5 ms"));
        QCOMPARE(headlineValue(QStringLiteral("table.token.bytes"), 1.5 * 1024 * 1024 * 1024, c),
                 QStringLiteral("1.5 GiB"));
        // Three significant digits, never "1,024 MiB".
        QCOMPARE(headlineValue(QStringLiteral("table.token.bytes"), 1024.0 * 1024 * 1024 - 5000, c),
                 QStringLiteral("1.0 GiB"));
        QCOMPARE(headlineValue(QStringLiteral("table.token.bytes"), 410.4 * 1024 * 1024, c),
                 QStringLiteral("410 MiB"));
        QCOMPARE(headlineValue(QStringLiteral("table.trust.bytes"), 16384, c),
                 QStringLiteral("16.0 KiB"));
        QCOMPARE(headlineValue(QStringLiteral("table.trust.bytes"), 512, c),
                 QStringLiteral("512 B"));
        QCOMPARE(headlineChange(
                     QStringLiteral("schema.keystone.bytes"),
                     RangeChange{2.0 * 1024 * 1024 * 1024, 0, 1.5 * 1024 * 1024 * 1024, 1}, c),
                 QStringLiteral("-512 MiB (-25.0%)"));
        // German reads its own decimal comma.
        QCOMPARE(headlineValue(QStringLiteral("token.live"), 1500000, QLocale(QLocale::German)),
                 QStringLiteral("1,5 M"));

        QCOMPARE(headlineChange(QStringLiteral("token.live"),
                                RangeChange{2'100'000, 0, 2'612'345, 1}, c),
                 QStringLiteral("+512 k (+24.4%)"));
        QCOMPARE(headlineChange(QStringLiteral("validate.p99.ms"), RangeChange{48, 0, 45, 1}, c),
                 QStringLiteral("-3.0 ms (-6.3%)"));
        QCOMPARE(
            headlineChange(QStringLiteral("revocation_event.rows"), RangeChange{50, 0, 1250, 1}, c),
            QStringLiteral("+1.2 k (+2400%)"));
        QCOMPARE(headlineChange(QStringLiteral("users.locked"), RangeChange{0, 0, 3, 1}, c),
                 QStringLiteral("+3"));
        QCOMPARE(headlineChange(QStringLiteral("token.live"), RangeChange{7, 0, 7, 1}, c),
                 QStringLiteral("unchanged"));
    }

    // Verdict judged at the end of the range with the profile's overrides,
    // one finding a line; the headline figures in their order, the tables
    // of a family biggest first, nothing for a metric without a sample.
    void profileSummary()
    {
        HistoryStore store;
        QVERIFY(store.open(newStore()));
        const QString p = QStringLiteral("lab");
        const qint64 to = T0 + 10 * kDay;
        QList<QPair<SeriesKey, Sample>> points;
        for (qint64 t = T0; t < to; t += 3600) {
            const double day = double(t - T0) / kDay;
            points.append(
                {SeriesKey{p, QStringLiteral("token.live")}, Sample{t, 1000 + 100 * day}});
            points.append(
                {SeriesKey{p, QStringLiteral("validate.p99.ms")}, Sample{t, 200 + 150 * day}});
            points.append(
                {SeriesKey{p, QStringLiteral("revocation_event.rows")}, Sample{t, 1500 + 0 * day}});
            points.append({SeriesKey{p, QStringLiteral("table.trust.bytes")}, Sample{t, 16384}});
            points.append(
                {SeriesKey{p, QStringLiteral("table.token.bytes")}, Sample{t, 1e9 + 1e7 * day}});
            points.append({SeriesKey{p, QStringLiteral("db.cycle_ms")}, Sample{t, 12}});
        }
        QVERIFY(store.append(points) > 0);

        // validate.ms over 1500 is critical, revocation events over 1000 amber.
        ProfileSummary s = ProfileSummary::read(store, p, {}, T0, to);
        QCOMPARE(s.profile, p);
        QCOMPARE(s.verdict.level, HealthLevel::Critical);
        QCOMPARE(s.verdict.findings.size(), 2);
        QVERIFY2(s.verdict.findings[0].startsWith(QStringLiteral("validation p99 1.7 s")),
                 qPrintable(s.verdict.findings.join(u'|')));
        QVERIFY(s.verdict.findings[0].endsWith(QStringLiteral("(critical above 1.5 s)")));
        QVERIFY2(s.verdict.findings[1].startsWith(QStringLiteral("1,500 revocation events")),
                 qPrintable(s.verdict.findings[1]));
        QStringList metrics;
        for (const HeadlineFigure &f : s.figures)
            metrics.append(f.metric);
        QCOMPARE(metrics,
                 (QStringList{QStringLiteral("token.live"), QStringLiteral("validate.p99.ms"),
                              QStringLiteral("revocation_event.rows"),
                              QStringLiteral("table.token.bytes"),
                              QStringLiteral("table.trust.bytes")}));
        QCOMPARE(s.figures[0].change.first, 1000.0);
        QCOMPARE(s.figures[0].change.lastTs, to - 3600);
        QCOMPARE(s.figures[3].group,
                 int(headlineMetrics().indexOf(QStringLiteral("table.*.bytes"))));
        QCOMPARE(s.figures[4].group, s.figures[3].group);

        // The profile's overrides: with validation critical only above 3 s,
        // the verdict is amber.
        const QJsonObject overrides{
            {QStringLiteral("validate.ms"),
             QJsonObject{{QStringLiteral("warn"), 2000}, {QStringLiteral("critical"), 3000}}}};
        s = ProfileSummary::read(store, p, overrides, T0, to);
        QCOMPARE(s.verdict.level, HealthLevel::Warning);
        QCOMPARE(s.verdict.findings.size(), 1);

        // A profile the store does not know: no figures, no verdict.
        s = ProfileSummary::read(store, QStringLiteral("nobody"), {}, T0, to);
        QCOMPARE(s.verdict.level, HealthLevel::Unknown);
        QVERIFY(s.figures.isEmpty());
    }

    void timeZoneNamed()
    {
        const QByteArray saved = qgetenv("TZ");
        const auto restore = qScopeGuard([&saved] {
            if (saved.isNull())
                qunsetenv("TZ");
            else
                qputenv("TZ", saved);
        });
        qputenv("TZ", "UTC");
        QCOMPARE(timeZoneText(T0, T0 + kDay), QStringLiteral("UTC"));
        qputenv("TZ", "Europe/Berlin");
        // 2023-11-20: standard time.
        QCOMPARE(timeZoneText(T0, T0 + kDay), QStringLiteral("Europe/Berlin, UTC+01:00"));
        // Across the end of summer time (29 October 2023): both offsets.
        QCOMPARE(timeZoneText(T0 - 30 * kDay, T0),
                 QStringLiteral("Europe/Berlin, UTC+02:00/UTC+01:00"));
        qputenv("TZ", "America/St_Johns");
        QCOMPARE(timeZoneText(T0, T0 + kDay), QStringLiteral("America/St_Johns, UTC-03:30"));
    }
};

QTEST_MAIN(TestReportFigures)
#include "tst_reportfigures.moc"
