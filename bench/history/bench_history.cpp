// Measures what the history store promises (docs/benchmarks.md, "History
// store"):
//   * writing 1,000,000 samples takes < 5 s,
//   * reading a 30-day range of 1,500,000 samples reduced to 1,600 points
//     takes < 300 ms,
//   * a stored sample costs <= 16 bytes.
// Plus the figures that explain them: the sampler-style write path, bytes of
// interleaved writes before VACUUM, the worst case of full-precision doubles,
// rollup time, the read without rollups, and optionally the same write and
// read against a shared PostgreSQL (--pg-url, password from $PGPASSWORD).
// Exit status 0 when the three SQLite targets are met.
#include "history/decimate.h"
#include "history/historystore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QStorageInfo>
#include <QSysInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace turnstile;

namespace {

constexpr qint64 kDay = 86400;
constexpr qint64 kMonthSamples = 1500000;
constexpr double kSpike = 4321.5;

double msSince(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

[[noreturn]] void die(const HistoryStore &store, const char *what)
{
    std::fprintf(stderr, "bench_history: %s failed: %s\n", what, qPrintable(store.error()));
    std::exit(2);
}

void openWith(HistoryStore &store, const HistoryConfig &config)
{
    if (!store.open(config))
        die(store, "open");
}

HistoryConfig sqliteAt(const QString &path)
{
    HistoryConfig c;
    c.sqlitePath = path;
    return c;
}

struct Size
{
    double rawTree = 0; // history_samples b-tree (SQLite) or table + index (PostgreSQL) per sample
    double file = 0;    // whole database file per sample
};

Size sizeOf(HistoryStore &store)
{
    const std::optional<HistoryStats> s = store.stats();
    if (!s || s->samples == 0)
        die(store, "stats");
    return Size{double(s->sampleBytes) / double(s->samples),
                double(s->totalBytes) / double(s->samples)};
}

QString cpuModel()
{
    QFile f(QStringLiteral("/proc/cpuinfo"));
    if (f.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : f.readAll().split('\n')) {
            if (line.startsWith("model name"))
                return QString::fromUtf8(line.mid(line.indexOf(':') + 1).trimmed());
        }
    }
    return QSysInfo::currentCpuArchitecture();
}

// The ten series a probe of one profile writes: five counts, five
// latencies in milliseconds with microsecond resolution.
struct Metric
{
    const char *name;
    double base;
    double spread;
    bool latency;
};
constexpr Metric kMetrics[] = {
    {"token.rows", 250000, 150000, false},
    {"token.expired", 20000, 20000, false},
    {"revocation_event.rows", 1500, 1500, false},
    {"user.rows", 5000, 200, false},
    {"project.rows", 800, 50, false},
    {"validate.p50_ms", 12, 8, true},
    {"validate.p95_ms", 60, 50, true},
    {"issue.p50_ms", 70, 40, true},
    {"issue.p95_ms", 250, 200, true},
    {"catalog.p50_ms", 20, 10, true},
};

double valueOf(const Metric &m, qint64 i, QRandomGenerator &rng)
{
    const double wave = std::sin(double(i) / 5000.0) * 0.5 + (rng.generateDouble() - 0.5) * 0.5;
    const double v = m.base + m.spread * wave;
    return m.latency ? std::round(std::max(0.1, v) * 1000) / 1000 : std::round(std::max(0.0, v));
}

// 10 series x 100,000 samples a minute apart (69 days).
QList<QList<Sample>> bulkData(qint64 now, QRandomGenerator &rng)
{
    constexpr qint64 perSeries = 100000;
    QList<QList<Sample>> data;
    for (const Metric &m : kMetrics) {
        QList<Sample> s;
        s.reserve(perSeries);
        for (qint64 i = 0; i < perSeries; ++i)
            s.append({now - (perSeries - i) * 60, valueOf(m, i, rng)});
        data.append(s);
    }
    return data;
}

// One series, 1,500,000 samples over the 30 days before `now` (every
// ~1.7 s), a random walk with one spike.
QList<Sample> monthData(qint64 now, QRandomGenerator &rng)
{
    const qint64 from = now - 30 * kDay;
    QList<Sample> s;
    s.reserve(kMonthSamples);
    double v = 15;
    for (qint64 i = 0; i < kMonthSamples; ++i) {
        v = std::clamp(v + (rng.generateDouble() - 0.5), 2.0, 80.0);
        s.append({from + i * (30 * kDay) / kMonthSamples, std::round(v * 1000) / 1000});
    }
    s[kMonthSamples / 3].value = kSpike; // one slow validation in a month
    return s;
}

double writeBulk(HistoryStore &store, const QString &profile, const QList<QList<Sample>> &data)
{
    QElapsedTimer t;
    t.start();
    int written = 0;
    for (qsizetype k = 0; k < data.size(); ++k) {
        const int n = store.append(SeriesKey{profile, QLatin1String(kMetrics[k].name)}, data[k]);
        if (n < 0)
            die(store, "append");
        written += n;
    }
    const double ms = msSince(t);
    std::printf(
        "write   %d samples, 10 series x 100,000, one append() each: %.0f ms (%.2f M samples/s)\n",
        written, ms, written / ms / 1000);
    return ms;
}

struct ReadResult
{
    double firstMs = 0;
    double medianMs = 0;
    bool complete = false; // every sample counted once, spike kept
};

// Writes the month, rolls it up, then times the 30-day query on a fresh
// connection (SQLite's page cache starts empty; the OS cache does not).
ReadResult readMonth(const HistoryConfig &config, const SeriesKey &key, const QList<Sample> &month,
                     qint64 now)
{
    {
        HistoryStore store;
        openWith(store, config);
        QElapsedTimer t;
        t.start();
        const int written = store.append(key, month);
        if (written < 0)
            die(store, "append");
        if (written != kMonthSamples) {
            std::fprintf(stderr, "bench_history: %d of %lld samples written\n", written,
                         kMonthSamples);
            std::exit(2);
        }
        const double writeMs = msSince(t);
        t.restart();
        if (!store.rollup(now))
            die(store, "rollup");
        std::printf("month   %lld samples of one series written in %.0f ms, rolled up in %.0f ms\n",
                    kMonthSamples, writeMs, msSince(t));
    }
    HistoryStore store;
    openWith(store, config);
    const qint64 from = now - 30 * kDay;
    QList<double> times;
    DecimatedSeries result;
    for (int run = 0; run < 11; ++run) {
        QElapsedTimer t;
        t.start();
        const std::optional<DecimatedSeries> d = store.query(key, from, now, 1600);
        times.append(msSince(t));
        if (!d)
            die(store, "query");
        result = *d;
    }
    ReadResult r;
    r.firstMs = times.first();
    std::sort(times.begin(), times.end());
    r.medianMs = times[times.size() / 2];
    qint64 count = 0;
    double peak = 0;
    for (const Bucket &b : result.buckets) {
        count += b.count;
        peak = std::max(peak, b.max);
    }
    r.complete = count == kMonthSamples && peak == kSpike;
    std::printf("read    30 days -> %lld buckets of %lld s, %s table: first %.1f ms, median of 11 "
                "%.1f ms\n",
                qlonglong(result.buckets.size()), result.bucketSeconds,
                result.resolution == Resolution::Minute ? "1-minute" : "another", r.firstMs,
                r.medianMs);
    std::printf("        samples represented %lld of %lld, spike kept: %s\n", count, kMonthSamples,
                peak == kSpike ? "yes" : "NO");

    // Without rollups: every raw row through the driver, then the same
    // decimation - what the rollups save.
    QElapsedTimer t;
    t.start();
    const std::optional<QList<Sample>> raw = store.samples(key, from, now);
    if (!raw)
        die(store, "samples");
    const double fetchMs = msSince(t);
    double directPeak = 0;
    for (const Bucket &b : decimateMinMax(*raw, from, now, 1600))
        directPeak = std::max(directPeak, b.max);
    std::printf(
        "        without rollups: %lld raw rows fetched in %.0f ms, decimated in %.0f ms more "
        "(spike kept: %s)\n",
        qlonglong(raw->size()), fetchMs, msSince(t) - fetchMs, directPeak == kSpike ? "yes" : "NO");
    // The last day at 1,600 points is a raw read (54-s buckets).
    t.restart();
    const std::optional<DecimatedSeries> day = store.query(key, now - kDay, now, 1600);
    if (!day)
        die(store, "query");
    std::printf("        last 24 h -> %lld buckets of %lld s from raw rows: %.1f ms\n",
                qlonglong(day->buckets.size()), day->bucketSeconds, msSince(t));
    return r;
}

// Sections 1-4: SQLite. Prints the three targets; true when all are met.
bool runSqlite(const QDir &dir, const QString &profile, const QList<QList<Sample>> &bulk,
               const QList<Sample> &month, qint64 now, QRandomGenerator &rng)
{
    // 1. Bulk write - a collector catching up, or an import.
    std::printf("SQLite\n");
    double writeMs = 0;
    Size bulkSize;
    {
        HistoryStore store;
        openWith(store, sqliteAt(dir.filePath(QStringLiteral("bulk.sqlite"))));
        writeMs = writeBulk(store, profile, bulk);
        const Size before = sizeOf(store);
        if (!store.compact())
            die(store, "compact");
        bulkSize = sizeOf(store);
        std::printf(
            "        bytes/sample: raw b-tree %.2f, file %.2f; after VACUUM %.2f, file %.2f\n",
            before.rawTree, before.file, bulkSize.rawTree, bulkSize.file);
        QElapsedTimer r;
        r.start();
        if (!store.rollup(now))
            die(store, "rollup");
        const double rollupMs = msSince(r);
        if (!store.compact())
            die(store, "compact");
        std::printf(
            "        rollup of the 10 series: %.0f ms; file with rollups: %.2f bytes/sample\n",
            rollupMs, sizeOf(store).file);
    }

    // 2. Sampler-style write: one append() per probe with its ten figures -
    //    all series interleaved in time, one transaction per probe.
    Size interleaved, interleavedCompact;
    {
        constexpr qint64 probes = 20000;
        HistoryStore store;
        openWith(store, sqliteAt(dir.filePath(QStringLiteral("sampler.sqlite"))));
        QElapsedTimer t;
        t.start();
        for (qint64 p = 0; p < probes; ++p) {
            QList<QPair<SeriesKey, Sample>> points;
            for (const Metric &m : kMetrics)
                points.append({SeriesKey{profile, QLatin1String(m.name)},
                               Sample{now - (probes - p) * 60, valueOf(m, p, rng)}});
            if (store.append(points) != 10)
                die(store, "append");
        }
        const double ms = msSince(t);
        interleaved = sizeOf(store);
        if (!store.compact())
            die(store, "compact");
        interleavedCompact = sizeOf(store);
        std::printf(
            "sampler %lld probes x 10 series, one append() per probe: %.0f ms, %.3f ms per probe\n",
            probes, ms, ms / double(probes));
        std::printf(
            "        bytes/sample: raw b-tree %.2f, file %.2f; after VACUUM %.2f, file %.2f\n",
            interleaved.rawTree, interleaved.file, interleavedCompact.rawTree,
            interleavedCompact.file);
    }

    // 3. The worst case: doubles with all 53 bits (nothing to scale).
    {
        HistoryStore store;
        openWith(store, sqliteAt(dir.filePath(QStringLiteral("doubles.sqlite"))));
        QList<Sample> s;
        for (qint64 i = 0; i < 200000; ++i)
            s.append({now - (200000 - i) * 10, rng.generateDouble() * 100});
        if (store.append(SeriesKey{profile, QStringLiteral("ratio")}, s) < 0)
            die(store, "append");
        if (!store.compact())
            die(store, "compact");
        const Size size = sizeOf(store);
        std::printf(
            "doubles 200,000 full-precision doubles: %.2f bytes/sample after VACUUM (file %.2f)\n",
            size.rawTree, size.file);
    }

    // 4. Read 30 days of 1.5M samples at 1,600 points.
    const QString monthPath = dir.filePath(QStringLiteral("month.sqlite"));
    const ReadResult read = readMonth(
        sqliteAt(monthPath), SeriesKey{profile, QStringLiteral("validate.p50_ms")}, month, now);
    {
        HistoryStore store;
        openWith(store, sqliteAt(monthPath));
        if (!store.compact())
            die(store, "compact");
        const Size size = sizeOf(store);
        std::printf(
            "        bytes/sample: raw b-tree %.2f, file with rollups %.2f (after VACUUM)\n",
            size.rawTree, size.file);
    }

    const bool writeOk = writeMs < 5000;
    const bool readOk = read.complete && read.firstMs < 300 && read.medianMs < 300;
    const bool sizeOk = bulkSize.rawTree <= 16 && interleavedCompact.rawTree <= 16;
    std::printf("\ntargets (SQLite)\n");
    std::printf("  write 1M samples          %8.0f ms   < 5000 ms  %s\n", writeMs,
                writeOk ? "ok" : "MISSED");
    std::printf(
        "  read 30 d / 1.5M -> 1600  %8.1f ms   < 300 ms   %s (first query; median %.1f ms)\n",
        read.firstMs, readOk ? "ok" : "MISSED", read.medianMs);
    std::printf("  bytes per sample          %8.2f      <= 16      %s (bulk after VACUUM; "
                "sampler-style %.2f after, "
                "%.2f before)\n",
                bulkSize.rawTree, sizeOk ? "ok" : "MISSED", interleavedCompact.rawTree,
                interleaved.rawTree);
    return writeOk && readOk && sizeOk;
}

// Section 5: the shared option, the same write and read against PostgreSQL.
void runPostgres(const HistoryConfig &pg, const QList<QList<Sample>> &bulk,
                 const QList<Sample> &month, qint64 now)
{
    const QString pgProfile =
        QStringLiteral("bench-%1")
            .arg(QRandomGenerator::system()->generate(), 8, 16, QLatin1Char('0'));
    std::printf("\nPostgreSQL %s (profile %s, removed afterwards)\n",
                qPrintable(pg.url.displayHost()), qPrintable(pgProfile));
    HistoryStore store;
    openWith(store, pg);
    const std::optional<HistoryStats> before = store.stats();
    writeBulk(store, pgProfile, bulk);
    const std::optional<HistoryStats> after = store.stats();
    if (before && after && after->samples > before->samples)
        std::printf("        table + index growth: %.1f bytes/sample (before VACUUM)\n",
                    double(after->sampleBytes - before->sampleBytes) /
                        double(after->samples - before->samples));
    readMonth(pg,
              SeriesKey{pgProfile + QStringLiteral("-month"), QStringLiteral("validate.p50_ms")},
              month, now);
    if (!store.removeProfile(pgProfile) ||
        !store.removeProfile(pgProfile + QStringLiteral("-month")))
        die(store, "removeProfile");
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.setApplicationDescription(
        QStringLiteral("History store benchmark (see docs/benchmarks.md)."));
    cli.addHelpOption();
    const QCommandLineOption dirOption(QStringLiteral("dir"),
                                       QStringLiteral("Directory for the database files."),
                                       QStringLiteral("DIR"));
    const QCommandLineOption keepOption(QStringLiteral("keep"),
                                        QStringLiteral("Keep the database files."));
    const QCommandLineOption pgOption(
        QStringLiteral("pg-url"),
        QStringLiteral("Also measure a shared PostgreSQL history (postgresql://user@host:port/db; "
                       "password from $PGPASSWORD). Its rows are removed afterwards."),
        QStringLiteral("URL"));
    const QCommandLineOption pgOnlyOption(QStringLiteral("pg-only"),
                                          QStringLiteral("Skip the SQLite part (with --pg-url)."));
    cli.addOptions({dirOption, keepOption, pgOption, pgOnlyOption});
    cli.process(app);

    QTemporaryDir tmp((cli.isSet(dirOption) ? cli.value(dirOption) : QDir::tempPath()) +
                      QStringLiteral("/bench-history-XXXXXX"));
    if (!tmp.isValid()) {
        std::fprintf(stderr, "bench_history: cannot create a directory: %s\n",
                     qPrintable(tmp.errorString()));
        return 2;
    }
    tmp.setAutoRemove(!cli.isSet(keepOption));
    const QStorageInfo storage(tmp.path());
    std::printf("bench_history  %s\n",
                qPrintable(QDateTime::currentDateTimeUtc().toString(Qt::ISODate)));
    std::printf("  cpu %s, %s, files in %s (%s)\n\n", qPrintable(cpuModel()),
                qPrintable(QSysInfo::prettyProductName()), qPrintable(tmp.path()),
                storage.fileSystemType().constData());

    QRandomGenerator rng(20240601);
    const qint64 now = QDateTime::currentSecsSinceEpoch() / 60 * 60;
    const QString profile = QStringLiteral("bench");
    const QList<QList<Sample>> bulk = bulkData(now, rng);
    const QList<Sample> month = monthData(now, rng);

    bool ok = true;
    if (!cli.isSet(pgOnlyOption))
        ok = runSqlite(QDir(tmp.path()), profile, bulk, month, now, rng);
    if (cli.isSet(pgOption)) {
        HistoryConfig pg;
        pg.backend = HistoryConfig::Backend::PostgreSql;
        QString error;
        pg.url = DatabaseUrl::parse(cli.value(pgOption), &error);
        if (!pg.url.isValid()) {
            std::fprintf(stderr, "bench_history: --pg-url: %s\n", qPrintable(error));
            return 2;
        }
        pg.password = qEnvironmentVariable("PGPASSWORD");
        runPostgres(pg, bulk, month, now);
    }
    return ok ? 0 : 1;
}
