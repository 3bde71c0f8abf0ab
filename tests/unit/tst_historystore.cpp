// The SQLite history store: round trips, idempotent writes, rollups,
// retention, stitching across tables, and clear errors for bad files.
#include "history/decimate.h"
#include "history/historystore.h"

#include <QFile>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSettings>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>
#include <map>
#include <tuple>

using namespace turnstile;

namespace {

constexpr qint64 kDay = 86400;
constexpr qint64 T0 = 1699920000; // 2023-11-14T00:00:00Z, a day (and hour) boundary
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

SeriesKey key(const char *metric, const char *profile = "lab")
{
    return SeriesKey{QLatin1String(profile), QLatin1String(metric)};
}

HistoryConfig configFor(const QString &path)
{
    HistoryConfig c;
    c.sqlitePath = path;
    return c;
}

// Looks into the file behind the store's back, on a connection of its own.
qint64 scalar(const QString &path, const QString &sql)
{
    const QString name = QStringLiteral("tst-inspect");
    qint64 v = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                v = q.value(0).toLongLong();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return v;
}

bool execOn(const QString &path, const QStringList &statements)
{
    const QString name = QStringLiteral("tst-exec");
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        ok = db.open();
        QSqlQuery q(db);
        for (const QString &s : statements)
            ok = ok && q.exec(s);
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

qint64 totalCount(const DecimatedSeries &d)
{
    qint64 n = 0;
    for (const Bucket &b : d.buckets)
        n += b.count;
    return n;
}

double maxOf(const DecimatedSeries &d)
{
    double m = -std::numeric_limits<double>::infinity();
    for (const Bucket &b : d.buckets)
        m = std::max(m, b.max);
    return m;
}

double minOf(const DecimatedSeries &d)
{
    double m = std::numeric_limits<double>::infinity();
    for (const Bucket &b : d.buckets)
        m = std::min(m, b.min);
    return m;
}

} // namespace

class TestHistoryStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_files = 0;

    QString newPath()
    {
        return m_dir.filePath(QStringLiteral("h%1/history.sqlite").arg(++m_files));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qunsetenv("TURNSTILE_HISTORY");
    }

    void roundTrip()
    {
        HistoryStore store;
        QVERIFY2(store.open(configFor(newPath())), qPrintable(store.error()));
        QVERIFY(store.isOpen());
        // Fractional first batch: the series stores milli-units.
        const QList<Sample> in{
            {T0, 12.345},    {T0 + 1, 0.1},  {T0 + 2, -7.5},          {T0 + 3, 1.005},
            {T0 + 4, 0},     {T0 + 5, 1e-7}, {T0 + 6, 123456789.123}, {T0 + 7, 2.0 / 3.0},
            {T0 + 8, -0.001}};
        QCOMPARE(store.append(key("validate.p50_ms"), in), int(in.size()));
        const auto out = store.samples(key("validate.p50_ms"), T0, T0 + 100);
        QVERIFY2(out, qPrintable(store.error()));
        QCOMPARE(out->size(), in.size());
        for (qsizetype i = 0; i < in.size(); ++i) {
            QCOMPARE((*out)[i].ts, in[i].ts);
            const double want = in[i].value, got = (*out)[i].value;
            // Up to three places exactly; anything else within an ulp or so.
            if (std::round(want * 1000) / 1000 == want)
                QCOMPARE(got, want);
            else
                QVERIFY2(std::abs(got - want) <= std::abs(want) * 1e-15,
                         qPrintable(QString::number(got, 'g', 17)));
        }
        // Integral first batch: exact, however large.
        const QList<Sample> counts{
            {T0, 0}, {T0 + 60, 1}, {T0 + 120, 4500000}, {T0 + 180, 1e15}, {T0 + 240, -3}};
        QCOMPARE(store.append(key("token.rows"), counts), 5);
        QCOMPARE(*store.samples(key("token.rows"), 0, HistoryStore::kMaxTimestamp), counts);

        // A range with more pixels than seconds comes back sample by sample.
        const auto q = store.query(key("validate.p50_ms"), T0, T0 + 9, 1000);
        QVERIFY2(q, qPrintable(store.error()));
        QCOMPARE(q->resolution, Resolution::Raw);
        QCOMPARE(q->bucketSeconds, 1);
        QCOMPARE(q->buckets.size(), in.size());
        QCOMPARE(q->buckets[0], (Bucket{T0, 12.345, 12.345, 12.345, 1}));
        QCOMPARE(q->buckets[2].min, -7.5);

        const auto last = store.latest(key("token.rows"));
        QVERIFY(last);
        QCOMPARE(*last, (Sample{T0 + 240, -3}));
        QVERIFY(!store.latest(key("no.such")));
        QVERIFY(store.error().isEmpty());
        const auto none = store.query(key("no.such"), T0, T0 + 100, 10);
        QVERIFY(none && none->buckets.isEmpty());

        const auto keys = store.seriesKeys();
        QVERIFY(keys);
        QCOMPARE(*keys, (QList<SeriesKey>{key("token.rows"), key("validate.p50_ms")}));

        // Reopening finds everything again.
        store.close();
        QVERIFY(!store.isOpen());
        QVERIFY(store.open(configFor(store.config().sqlitePath)));
        QCOMPARE(*store.samples(key("token.rows"), 0, HistoryStore::kMaxTimestamp), counts);
    }

    void duplicateWritesAreIdempotent()
    {
        const QString path = newPath();
        HistoryStore gui, collector;
        QVERIFY(gui.open(configFor(path)));
        QVERIFY(collector.open(configFor(path)));
        QList<Sample> batch;
        for (int i = 0; i < 600; ++i) // spans several INSERT statements
            batch.append({T0 + i * 10, double(i)});
        QCOMPARE(gui.append(key("token.rows"), batch), 600);
        QCOMPARE(gui.append(key("token.rows"), batch), 0);
        // The other writer (another connection, as a cron collector would be)
        // writes overlapping seconds with other values: only new seconds land,
        // the stored value wins.
        QList<Sample> overlap;
        for (int i = 590; i < 610; ++i)
            overlap.append({T0 + i * 10, -1.0});
        QCOMPARE(collector.append(key("token.rows"), overlap), 10);
        // Duplicates inside one batch count once.
        QCOMPARE(collector.append(key("token.rows"), {{T0 + 7, 1}, {T0 + 7, 2}, {T0 + 7, 3}}), 1);

        const auto all = gui.samples(key("token.rows"), 0, HistoryStore::kMaxTimestamp);
        QVERIFY(all);
        QCOMPARE(all->size(), 611);
        QCOMPARE(scalar(path, QStringLiteral("SELECT count(*) FROM history_samples")), 611);
        QCOMPARE(scalar(path, QStringLiteral("SELECT count(*) FROM history_series")), 1);
        for (const Sample &s : *all) {
            if (s.ts == T0 + 5900)
                QCOMPARE(s.value, 590.0);
            if (s.ts == T0 + 6000)
                QCOMPARE(s.value, -1.0);
            if (s.ts == T0 + 7)
                QCOMPARE(s.value, 1.0);
        }

        // One probe's figures for several series in one call.
        const int n =
            gui.append(QList<QPair<SeriesKey, Sample>>{{key("token.rows"), {T0 + 1, 5}},
                                                       {key("token.expired"), {T0 + 1, 2}},
                                                       {key("validate.p50_ms"), {T0 + 1, 3.25}},
                                                       {key("token.expired"), {T0 + 2, 3}}});
        QCOMPARE(n, 4);
        QCOMPARE(gui.append(key("token.rows"), {}), 0);
    }

    void rollupsAggregatePerMinuteAndHour()
    {
        const QString path = newPath();
        HistoryStore store;
        QVERIFY(store.open(configFor(path)));
        // 3 h of 10-second samples with fractions.
        QList<Sample> in;
        auto value = [](qint64 t) { return double((t / 10) % 13) - 5 + double(t % 7) * 0.25; };
        for (qint64 t = T0; t < T0 + 3 * 3600; t += 10)
            in.append({t, value(t)});
        QCOMPARE(store.append(key("validate.p50_ms"), in), int(in.size()));
        std::map<qint64, Bucket> minutes, hours;
        for (const Sample &s : in) {
            for (auto [m, step] :
                 {std::pair{&minutes, qint64(60)}, std::pair{&hours, qint64(3600)}}) {
                const qint64 k = s.ts / step * step;
                auto it = m->find(k);
                if (it == m->end())
                    it = m->emplace(k, Bucket{k, s.value, s.value, 0, 0}).first;
                it->second.min = std::min(it->second.min, s.value);
                it->second.max = std::max(it->second.max, s.value);
                it->second.sum += s.value;
                it->second.count += 1;
            }
        }

        // The minute in progress is not rolled up.
        QVERIFY2(store.rollup(T0 + 30), qPrintable(store.error()));
        QCOMPARE(scalar(path, QStringLiteral("SELECT count(*) FROM history_rollup_1m")), 0);
        QVERIFY(store.rollup(T0 + 3 * 3600 + 30));
        QCOMPARE(scalar(path, QStringLiteral("SELECT count(*) FROM history_rollup_1m")), 180);
        QCOMPARE(scalar(path, QStringLiteral("SELECT count(*) FROM history_rollup_1h")), 3);
        QVERIFY(store.rollup(T0 + 3 * 3600 + 30)); // idempotent
        QCOMPARE(scalar(path, QStringLiteral("SELECT count(*) FROM history_rollup_1m")), 180);

        auto compare = [](const DecimatedSeries &d, const std::map<qint64, Bucket> &want) {
            QCOMPARE(d.buckets.size(), qsizetype(want.size()));
            for (const Bucket &b : d.buckets) {
                const Bucket &w = want.at(b.ts);
                QCOMPARE(b.min, w.min);
                QCOMPARE(b.max, w.max);
                QCOMPARE(b.count, w.count);
                QVERIFY(std::abs(b.avg() - w.avg()) < 1e-9);
            }
        };
        // 3 h at 180 points: one-minute buckets, served by history_rollup_1m.
        const auto perMinute = store.query(key("validate.p50_ms"), T0, T0 + 3 * 3600, 180);
        QVERIFY2(perMinute, qPrintable(store.error()));
        QCOMPARE(perMinute->resolution, Resolution::Minute);
        QCOMPARE(perMinute->bucketSeconds, 60);
        compare(*perMinute, minutes);
        // 3 h at 3 points: hours.
        const auto perHour = store.query(key("validate.p50_ms"), T0, T0 + 3 * 3600, 3);
        QVERIFY(perHour);
        QCOMPARE(perHour->resolution, Resolution::Hour);
        compare(*perHour, hours);

        // Proof that the rollup table answers: change it behind the store's
        // back and the query follows.
        QVERIFY(execOn(
            path,
            {QStringLiteral("UPDATE history_rollup_1h SET vmax = 999000 WHERE ts = %1").arg(T0)}));
        QCOMPARE(store.query(key("validate.p50_ms"), T0, T0 + 3 * 3600, 3)->buckets[0].max, 999.0);

        // Incremental: a fourth hour is added, the others are not touched.
        QList<Sample> more;
        for (qint64 t = T0 + 3 * 3600; t < T0 + 4 * 3600; t += 10)
            more.append({t, value(t)});
        QCOMPARE(store.append(key("validate.p50_ms"), more), int(more.size()));
        QVERIFY(store.rollup(T0 + 4 * 3600));
        QCOMPARE(scalar(path, QStringLiteral("SELECT count(*) FROM history_rollup_1m")), 240);
        QCOMPARE(scalar(path, QStringLiteral("SELECT count(*) FROM history_rollup_1h")), 4);
        QCOMPARE(store.query(key("validate.p50_ms"), T0, T0 + 3 * 3600, 3)->buckets[0].max, 999.0);

        // A late sample in the first minute lowers the watermarks; the next
        // rollup recomputes its minute and its hour.
        QCOMPARE(store.append(key("validate.p50_ms"), {{T0 + 5, 5000}}), 1);
        const auto beforeRollup = store.query(key("validate.p50_ms"), T0, T0 + 4 * 3600, 4);
        QCOMPARE(beforeRollup->buckets[0].max, 5000.0); // served from raw meanwhile
        QCOMPARE(totalCount(*beforeRollup), qint64(in.size() + more.size() + 1));
        QVERIFY(store.rollup(T0 + 4 * 3600));
        QCOMPARE(scalar(path,
                        QStringLiteral("SELECT vmax FROM history_rollup_1m WHERE ts = %1").arg(T0)),
                 5000000);
        QCOMPARE(
            scalar(path, QStringLiteral("SELECT n FROM history_rollup_1h WHERE ts = %1").arg(T0)),
            361);
        const auto after = store.query(key("validate.p50_ms"), T0, T0 + 4 * 3600, 4);
        QCOMPARE(after->buckets[0].max, 5000.0);
        QCOMPARE(totalCount(*after), qint64(in.size() + more.size() + 1));
    }

    void retentionKeepsLongRangesInRollups()
    {
        const QString path = newPath();
        HistoryConfig cfg = configFor(path);
        cfg.rawRetentionDays = 7;
        cfg.minuteRetentionDays = 30;
        cfg.hourRetentionDays = 0;
        HistoryStore store;
        QVERIFY(store.open(cfg));
        // 60 days, one sample every 10 minutes, a spike on day 3.
        QList<Sample> in;
        for (qint64 t = T0; t < T0 + 60 * kDay; t += 600)
            in.append({t, double((t / 600) % 100)});
        in[3 * 144 + 5].value = 1e6;
        QCOMPARE(store.append(key("token.rows"), in), 8640);
        const qint64 now = T0 + 60 * kDay;
        auto count = [&](const char *table) {
            return scalar(path,
                          QStringLiteral("SELECT count(*) FROM %1").arg(QLatin1String(table)));
        };
        // Nothing is rolled up yet, so retention may not delete anything.
        QVERIFY(store.applyRetention(now));
        QCOMPARE(count("history_samples"), 8640);

        QVERIFY2(store.maintain(now), qPrintable(store.error()));
        QCOMPARE(count("history_samples"), 7 * 144);
        QCOMPARE(count("history_rollup_1m"), 30 * 144);
        QCOMPARE(count("history_rollup_1h"), 60 * 24);
        const auto raw = store.samples(key("token.rows"), T0, now);
        QCOMPARE(raw->size(), 7 * 144);
        QCOMPARE(raw->first().ts, T0 + 53 * kDay);

        // The whole range still answers - hours, then minutes, then raw - and
        // every sample is counted exactly once; the spike survives.
        for (int points : {1600, 60, 5000, 100000}) {
            const auto all = store.query(key("token.rows"), T0, now, points);
            QVERIFY2(all, qPrintable(store.error()));
            QCOMPARE(totalCount(*all), qint64(8640));
            QCOMPARE(maxOf(*all), 1e6);
            QCOMPARE(minOf(*all), 0.0);
            QVERIFY(all->buckets.size() <= points);
        }
        // A late sample older than what retention removed is skipped: it
        // would go at once, and its minute can no longer be recomputed.
        QCOMPARE(store.append(key("token.rows"), {{T0 + 40 * kDay + 1, 5e6}}), 0);
        QCOMPARE(count("history_samples"), 7 * 144);
        QVERIFY(store.maintain(now));
        QCOMPARE(totalCount(*store.query(key("token.rows"), T0, now, 1600)), qint64(8640));
        // A late sample inside raw retention is rolled up in the next pass.
        QCOMPARE(store.append(key("token.rows"), {{T0 + 55 * kDay + 1, 5e6}}), 1);
        QVERIFY(store.maintain(now));
        const auto withLate = store.query(key("token.rows"), T0, now, 1600);
        QCOMPARE(totalCount(*withLate), qint64(8641));
        QCOMPARE(maxOf(*withLate), 5e6);
        QCOMPARE(scalar(path, QStringLiteral("SELECT max(vmax) FROM history_rollup_1h")), 5000000);

        // A fine-grained look at a day whose minutes are gone: hour rows.
        const auto day20 = store.query(key("token.rows"), T0 + 20 * kDay, T0 + 21 * kDay, 1440);
        QCOMPARE(day20->resolution, Resolution::Minute);
        QCOMPARE(day20->buckets.size(), 24);
        QCOMPARE(totalCount(*day20), qint64(144));
        // ... and a day whose raw rows are gone: minute rows.
        const auto day40 =
            store.query(key("token.rows"), T0 + 40 * kDay, T0 + 40 * kDay + 3600, 3600);
        QCOMPARE(day40->resolution, Resolution::Raw);
        QCOMPARE(totalCount(*day40), qint64(6));
        QCOMPARE(day40->buckets.size(), 6);
    }

    void queryStitchesAcrossTheRollupBoundary()
    {
        const QString path = newPath();
        HistoryStore store;
        QVERIFY(store.open(configFor(path)));
        QList<Sample> in;
        for (qint64 t = T0; t < T0 + 2 * 3600; t += 5)
            in.append({t, 50});
        auto setAt = [&](qint64 offset, double v) { in[offset / 5].value = v; };
        setAt(10 * 60, 900);        // in the first hour: rolled up to hours
        setAt(80 * 60 + 5, 800);    // past the hour watermark: minutes
        setAt(100 * 60 + 35, 700);  // past the minute watermark: raw only
        setAt(101 * 60 + 35, -600); // a dip, raw only
        QCOMPARE(store.append(key("token.rows"), in), 1440);
        QVERIFY(store.rollup(T0 + 90 * 60 + 20)); // minutes < T0+90m, hours < T0+1h
        QCOMPARE(scalar(path, QStringLiteral("SELECT rolled_1m - %1 FROM history_series").arg(T0)),
                 90 * 60);
        QCOMPARE(scalar(path, QStringLiteral("SELECT rolled_1h - %1 FROM history_series").arg(T0)),
                 3600);

        const auto two = store.query(key("token.rows"), T0, T0 + 2 * 3600, 2);
        QVERIFY2(two, qPrintable(store.error()));
        QCOMPARE(two->resolution, Resolution::Hour);
        QCOMPARE(two->buckets.size(), 2);
        QCOMPARE(two->buckets[0].max, 900.0);
        QCOMPARE(two->buckets[1].max, 800.0);
        QCOMPARE(two->buckets[1].min, -600.0);
        QCOMPARE(totalCount(*two), qint64(1440));

        const auto minutes = store.query(key("token.rows"), T0, T0 + 2 * 3600, 120);
        QCOMPARE(minutes->resolution, Resolution::Minute);
        QCOMPARE(minutes->buckets.size(), 120);
        QCOMPARE(totalCount(*minutes), qint64(1440));
        QCOMPARE(minutes->buckets[10].max, 900.0);
        QCOMPARE(minutes->buckets[80].max, 800.0);
        QCOMPARE(minutes->buckets[100].max, 700.0);
        QCOMPARE(minutes->buckets[101].min, -600.0);
        QCOMPARE(minutes->buckets[99].max, 50.0);

        // An unaligned range: the grid snaps to whole minutes.
        const auto odd = store.query(key("token.rows"), T0 + 17, T0 + 2 * 3600 - 17, 100);
        QCOMPARE(odd->resolution, Resolution::Minute);
        QCOMPARE(odd->buckets.first().ts % 60, T0 % 60);
        QVERIFY(odd->buckets.size() <= 100);
        QCOMPARE(maxOf(*odd), 900.0);
        QCOMPARE(minOf(*odd), -600.0);

        const auto raw = store.query(key("token.rows"), T0, T0 + 2 * 3600, 7200);
        QCOMPARE(raw->resolution, Resolution::Raw);
        QCOMPARE(totalCount(*raw), qint64(1440));
    }

    void queryMatchesThePureDecimation()
    {
        // The database pre-aggregates on the bucket grid; the result must be
        // exactly what decimateMinMax() makes of the raw samples.
        HistoryStore store;
        QVERIFY(store.open(configFor(newPath())));
        QList<Sample> in;
        QRandomGenerator rng(7);
        for (qint64 t = T0; t < T0 + 20000; t += 1 + qint64(rng.bounded(7)))
            in.append({t, std::round(rng.generateDouble() * 1e6) / 1000});
        QVERIFY(store.append(key("validate.p50_ms"), in) > 0);
        for (auto [from, to, points] :
             {std::tuple{T0, T0 + 20000, 1600}, std::tuple{T0 + 13, T0 + 9999, 333},
              std::tuple{T0 - 500, T0 + 700, 5000}, std::tuple{T0 + 7, T0 + 8, 1}}) {
            const auto got = store.query(key("validate.p50_ms"), from, to, points);
            QVERIFY2(got, qPrintable(store.error()));
            QCOMPARE(got->resolution, Resolution::Raw);
            const QList<Bucket> want =
                decimateMinMax(in, from,
                               from + ((to - from + got->bucketSeconds - 1) / got->bucketSeconds) *
                                          got->bucketSeconds,
                               int((to - from + got->bucketSeconds - 1) / got->bucketSeconds));
            QCOMPARE(got->buckets.size(), want.size());
            for (qsizetype i = 0; i < want.size(); ++i) {
                QCOMPARE(got->buckets[i].ts, want[i].ts);
                QCOMPARE(got->buckets[i].min, want[i].min);
                QCOMPARE(got->buckets[i].max, want[i].max);
                QCOMPARE(got->buckets[i].count, want[i].count);
                QVERIFY(std::abs(got->buckets[i].sum - want[i].sum) <=
                        1e-9 * std::abs(want[i].sum) + 1e-9);
            }
        }
    }

    void gapsAreStoredAndSkipped()
    {
        HistoryStore store;
        QVERIFY(store.open(configFor(newPath())));
        QCOMPARE(
            store.append(
                key("validate.p50_ms"),
                {{T0, 4.5}, {T0 + 10, kNaN}, {T0 + 20, std::numeric_limits<double>::infinity()}}),
            3);
        const auto raw = store.samples(key("validate.p50_ms"), T0, T0 + 30);
        QCOMPARE(raw->size(), 3);
        QVERIFY(std::isnan(raw->at(1).value));
        QVERIFY(std::isnan(raw->at(2).value));
        QCOMPARE(*store.latest(key("validate.p50_ms")), (Sample{T0, 4.5}));
        const auto q = store.query(key("validate.p50_ms"), T0, T0 + 30, 30);
        QCOMPARE(q->buckets.size(), 1);
        QVERIFY(store.rollup(T0 + 120));
        QCOMPARE(store.query(key("validate.p50_ms"), T0, T0 + 3600, 60)->buckets.size(), 1);
    }

    void decimalsAreFixedPerSeries()
    {
        HistoryStore store;
        QVERIFY(store.open(configFor(newPath())));
        QVERIFY2(store.defineSeries(key("ratio"), 6), qPrintable(store.error()));
        QVERIFY(store.defineSeries(key("ratio"), 6));
        QVERIFY(!store.defineSeries(key("ratio"), 2));
        QVERIFY(store.error().contains(QStringLiteral("6")));
        QVERIFY(!store.defineSeries(key("other"), 7));
        QCOMPARE(store.append(key("ratio"), {{T0, 0.000123}, {T0 + 1, 2}}), 2);
        QCOMPARE(store.samples(key("ratio"), T0, T0 + 2)->at(0).value, 0.000123);
        // An integral series that later sees a fraction keeps it exactly.
        QCOMPARE(store.append(key("token.rows"), {{T0, 5}}), 1);
        QCOMPARE(store.append(key("token.rows"), {{T0 + 1, 5.5}}), 1);
        QCOMPARE(store.samples(key("token.rows"), T0, T0 + 2)->at(1).value, 5.5);
    }

    void invalidInputIsRefused()
    {
        HistoryStore store;
        QCOMPARE(store.append(key("token.rows"), {{T0, 1}}), -1);
        QVERIFY(store.error().contains(QStringLiteral("not open")));
        QVERIFY(store.open(configFor(newPath())));
        QCOMPARE(store.append(key("Token Rows"), {{T0, 1}}), -1);
        QVERIFY(store.error().contains(QStringLiteral("Token Rows")));
        QCOMPARE(store.append(SeriesKey{QString(), QStringLiteral("token.rows")}, {{T0, 1}}), -1);
        QCOMPARE(store.append(key("token.rows"), {{-1, 1}}), -1);
        QCOMPARE(store.append(key("token.rows"), {{HistoryStore::kMaxTimestamp + 1, 1}}), -1);
        QVERIFY(!store.query(key("bad metric!"), T0, T0 + 10, 10));
        QVERIFY(!store.addAnnotation(
            {T0, QStringLiteral("lab"), QStringLiteral("Purge"), QStringLiteral("x")}));
        QVERIFY(store.seriesKeys()->isEmpty()); // nothing half-written
        HistoryConfig bad = configFor(newPath());
        bad.rawRetentionDays = -1;
        QVERIFY(!store.open(bad));
        QVERIFY(!store.isOpen());
    }

    void notADatabaseGivesAClearError_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::newRow("text") << QByteArray("this is not a database\n").repeated(400);
        QByteArray header("SQLite format 3");
        header.append('\0');
        QTest::newRow("sqlite header, garbage pages") << header + QByteArray(8192, '\x5a');
    }
    void notADatabaseGivesAClearError()
    {
        QFETCH(QByteArray, content);
        const QString path = newPath();
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        HistoryStore store;
        QVERIFY(!store.open(configFor(path)));
        QVERIFY(!store.isOpen());
        QVERIFY2(store.error().contains(path), qPrintable(store.error()));
        QVERIFY2(store.error().contains(QStringLiteral("not")), qPrintable(store.error()));
        // Untouched, and calls on the closed store fail politely.
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), content);
        QVERIFY(!store.query(key("token.rows"), T0, T0 + 10, 10));
        QVERIFY(!store.rollup(T0));
    }

    void foreignOrNewerDatabaseIsRefused()
    {
        const QString foreign = newPath();
        QVERIFY(QDir().mkpath(QFileInfo(foreign).absolutePath()));
        QVERIFY(execOn(foreign,
                       {QStringLiteral("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")}));
        HistoryStore store;
        QVERIFY(!store.open(configFor(foreign)));
        QVERIFY2(store.error().contains(QStringLiteral("another program")),
                 qPrintable(store.error()));
        QCOMPARE(scalar(foreign, QStringLiteral("SELECT count(*) FROM sqlite_master")), 1);

        const QString newer = newPath();
        QVERIFY(store.open(configFor(newer)));
        store.close();
        QVERIFY(execOn(
            newer,
            {QStringLiteral("UPDATE history_meta SET value = '99' WHERE key = 'schema_version'")}));
        QVERIFY(!store.open(configFor(newer)));
        QVERIFY2(store.error().contains(QStringLiteral("newer")), qPrintable(store.error()));
    }

    void unwritableLocationGivesAClearError()
    {
        // A path below a regular file: the directory cannot exist.
        const QString file = m_dir.filePath(QStringLiteral("plain-file"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        HistoryStore store;
        QVERIFY(!store.open(configFor(file + QStringLiteral("/sub/history.sqlite"))));
        QVERIFY2(store.error().contains(QStringLiteral("Cannot create the directory")),
                 qPrintable(store.error()));
        // The path is a directory.
        QVERIFY(!store.open(configFor(m_dir.path())));
        QVERIFY2(store.error().contains(QStringLiteral("directory")), qPrintable(store.error()));
    }

    void readOnlyDirectoryGivesAClearError()
    {
        const QString ro = m_dir.filePath(QStringLiteral("read-only"));
        QVERIFY(QDir().mkpath(ro));
        QVERIFY(QFile::setPermissions(ro, QFileDevice::ReadOwner | QFileDevice::ExeOwner));
        auto restore = qScopeGuard([&] {
            QFile::setPermissions(ro, QFileDevice::ReadOwner | QFileDevice::WriteOwner |
                                          QFileDevice::ExeOwner);
        });
        QFile probe(ro + QStringLiteral("/probe"));
        if (probe.open(QIODevice::WriteOnly)) {
            probe.remove();
            QSKIP("the directory is writable despite its mode (running as root)");
        }
        HistoryStore store;
        QVERIFY(!store.open(configFor(ro + QStringLiteral("/history.sqlite"))));
        QVERIFY(!store.isOpen());
        QVERIFY2(store.error().contains(ro), qPrintable(store.error()));
        qInfo("%s", qPrintable(store.error()));
    }

    void annotationsRoundTrip()
    {
        HistoryStore store;
        QVERIFY(store.open(configFor(newPath())));
        const Annotation a{T0 + 100, QStringLiteral("lab"), QStringLiteral("purge.tokens"),
                           QStringLiteral("Purged 1,234 expired tokens")};
        const Annotation b{T0 + 50, QStringLiteral("prod"), QStringLiteral("flush.revocations"),
                           QStringLiteral("x")};
        QVERIFY2(store.addAnnotation(a), qPrintable(store.error()));
        QVERIFY(store.addAnnotation(b));
        QCOMPARE(*store.annotations(T0, T0 + 200), (QList<Annotation>{b, a}));
        QCOMPARE(*store.annotations(T0, T0 + 200, QStringLiteral("lab")), QList<Annotation>{a});
        QVERIFY(store.annotations(T0 + 101, T0 + 200)->isEmpty());
    }

    void removeProfileDeletesEverythingOfIt()
    {
        const QString path = newPath();
        HistoryStore store;
        QVERIFY(store.open(configFor(path)));
        QList<Sample> in;
        for (qint64 t = T0; t < T0 + 7200; t += 30)
            in.append({t, 1});
        QVERIFY(store.append(key("token.rows", "old"), in) > 0);
        QVERIFY(store.append(key("token.rows", "kept"), in) > 0);
        QVERIFY(store.addAnnotation(
            {T0, QStringLiteral("old"), QStringLiteral("purge"), QStringLiteral("x")}));
        QVERIFY(store.rollup(T0 + 7200));
        QVERIFY2(store.removeProfile(QStringLiteral("old")), qPrintable(store.error()));
        QCOMPARE(*store.seriesKeys(), QList<SeriesKey>{key("token.rows", "kept")});
        QVERIFY(store.annotations(0, HistoryStore::kMaxTimestamp)->isEmpty());
        QCOMPARE(scalar(path, QStringLiteral("SELECT count(*) FROM history_samples")), in.size());
        QCOMPARE(scalar(path, QStringLiteral("SELECT count(*) FROM history_rollup_1m")), 120);
        QCOMPARE(scalar(path, QStringLiteral("SELECT count(*) FROM history_rollup_1h")), 2);
        // The name can be used again from scratch.
        QCOMPARE(store.append(key("token.rows", "old"), {{T0, 3}}), 1);
        QCOMPARE(store.samples(key("token.rows", "old"), 0, HistoryStore::kMaxTimestamp)->size(),
                 1);
    }

    void compactStorageStaysWithinSixteenBytesPerSample()
    {
        // Counts and millisecond latencies, written the way a sampler does -
        // all series interleaved in time - then compacted.
        HistoryStore store;
        QVERIFY(store.open(configFor(newPath())));
        QList<QPair<SeriesKey, Sample>> points;
        for (qint64 i = 0; i < 5000; ++i) {
            const qint64 t = T0 + i * 60;
            points.append({key("token.rows"), {t, double(250000 + i % 5000)}});
            points.append({key("revocation_event.rows"), {t, double(i % 900)}});
            points.append({key("validate.p50_ms"), {t, 10 + double(i % 9000) / 1000}});
            points.append({key("issue.p95_ms"), {t, 80 + double(i % 777) / 1000}});
        }
        QCOMPARE(store.append(points), 20000);
        QVERIFY(store.compact());
        const auto s = store.stats();
        QVERIFY2(s, qPrintable(store.error()));
        QCOMPARE(s->series, 4);
        QCOMPARE(s->samples, 20000);
        QVERIFY(s->sampleBytes > 0);
        const double perSample = double(s->sampleBytes) / double(s->samples);
        qInfo("%.2f bytes per sample", perSample);
        QVERIFY2(perSample <= 16.0, qPrintable(QString::number(perSample)));
        QVERIFY(s->totalBytes >= s->sampleBytes);
    }

    void defaultPathFollowsXdgDataHome()
    {
        const QString xdg = m_dir.filePath(QStringLiteral("xdg-data"));
        qputenv("XDG_DATA_HOME", QFile::encodeName(xdg));
        QCOMPARE(HistoryConfig::defaultSqlitePath(),
                 xdg + QStringLiteral("/turnstile/history.sqlite"));
        HistoryStore store;
        QVERIFY2(store.open(HistoryConfig{}), qPrintable(store.error()));
        QVERIFY(QFile::exists(xdg + QStringLiteral("/turnstile/history.sqlite")));
        QCOMPARE(store.location(), xdg + QStringLiteral("/turnstile/history.sqlite"));
        store.close();
        qputenv("TURNSTILE_HISTORY", "/elsewhere/h.sqlite");
        QCOMPARE(HistoryConfig::defaultSqlitePath(), QStringLiteral("/elsewhere/h.sqlite"));
        qunsetenv("TURNSTILE_HISTORY");
    }

    void settingsNeverHoldThePassword()
    {
        const QString ini = m_dir.filePath(QStringLiteral("settings.ini"));
        HistoryConfig c;
        c.backend = HistoryConfig::Backend::PostgreSql;
        c.url = DatabaseUrl::parse(
            QStringLiteral("postgresql://turnstile:s3cret@db1:5433/turnstile_history"));
        c.password = QStringLiteral("s3cret");
        c.rawRetentionDays = 10;
        c.minuteRetentionDays = 90;
        c.hourRetentionDays = 3650;
        {
            QSettings s(ini, QSettings::IniFormat);
            c.toSettings(s);
        }
        QFile f(ini);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        QVERIFY(text.contains("db1:5433"));
        QVERIFY(!text.contains("s3cret"));
        QSettings s(ini, QSettings::IniFormat);
        const HistoryConfig back = HistoryConfig::fromSettings(s);
        QCOMPARE(back.backend, HistoryConfig::Backend::PostgreSql);
        QCOMPARE(back.url.host, QStringLiteral("db1"));
        QCOMPARE(back.url.port, 5433);
        QVERIFY(back.url.password.isEmpty());
        QVERIFY(back.password.isEmpty());
        QCOMPARE(back.rawRetentionDays, 10);
        QCOMPARE(back.minuteRetentionDays, 90);
        QCOMPARE(back.hourRetentionDays, 3650);
        QVERIFY(back.validationError().isEmpty());
        HistoryConfig defaults;
        QSettings empty(m_dir.filePath(QStringLiteral("empty.ini")), QSettings::IniFormat);
        QCOMPARE(HistoryConfig::fromSettings(empty), defaults);
        HistoryConfig noUrl;
        noUrl.backend = HistoryConfig::Backend::PostgreSql;
        QVERIFY(!noUrl.validationError().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHistoryStore)
#include "tst_historystore.moc"
