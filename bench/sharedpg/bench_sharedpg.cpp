// The shared PostgreSQL history under many collectors (issue 19,
// docs/benchmarks.md "Shared PostgreSQL history"):
//   1. write: C simulated collectors, each writing S series every 30 s of
//      simulated time for N cycles, through HistoryStore::append (the
//      collector's write path: one transaction per cycle, ON CONFLICT DO
//      NOTHING) followed by HistoryStore::maintainIfDue (what `turnstilectl
//      collect` runs after each cycle: one collector a minute rolls up and
//      trims the whole database), as fast as the server allows, from K
//      connections at once (--no-maintain: appends only);
//      reports samples/s, the server's CPU per sample (utime + stime of the
//      postmaster and its children from /proc, before and after, so the
//      server must run on this machine), and bytes per sample of the
//      partitions, beside the same rows in today's layout (schema 2: one
//      table with its primary key);
//   2. maintain: one HistoryStore::maintain() over all those series - what
//      every collector ran after every cycle before maintainIfDue;
//   3. read: a 30-day chart of R regions at P points (R series), seeded at
//      one sample per 30 s, rolled up as a collector would have and
//      analyzed as autovacuum would have, read once and then three times
//      (median); the same chart from an SQLite store in the same run, and
//      with --prometheus from a private Prometheus (Debian's prometheus and
//      promtool) backfilled with the same samples by `promtool tsdb
//      create-blocks-from openmetrics` (minutes for 30 days), read through
//      PrometheusSource (what the charts use when a profile names one).
// The database must be empty (a fresh one: createdb) - its partitions are
// measured as a whole. Password from $PGPASSWORD.
#include "history/historyschema.h"
#include "history/historystore.h"
#include "history/prometheussource.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <unistd.h>

using namespace turnstile;

namespace {

constexpr qint64 kDay = 86400;
constexpr qint64 kCadence = 30;

[[noreturn]] void die(const QString &what)
{
    std::fprintf(stderr, "bench_sharedpg: %s\n", qPrintable(what));
    std::exit(2);
}

// utime + stime (+ the reaped children's, for the postmaster) in clock ticks.
qint64 cpuTicks(qint64 pid, bool withChildren, qint64 *ppid = nullptr)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = f.readAll();
    // The command may contain spaces and parentheses: fields start after the last ')'.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 15)
        return -1;
    if (ppid)
        *ppid = fields[1].toLongLong();
    // fields[0] is field 3 (state): utime 14, stime 15, cutime 16, cstime 17.
    qint64 t = fields[11].toLongLong() + fields[12].toLongLong();
    if (withChildren)
        t += fields[13].toLongLong() + fields[14].toLongLong();
    return t;
}

// The server's own processes: the postmaster and every process it forked
// (backends, checkpointer, WAL writer, autovacuum, ...). Backends that exit
// during the measurement are counted through the postmaster's cutime/cstime.
qint64 serverTicks(qint64 postmaster)
{
    qint64 total = cpuTicks(postmaster, true);
    if (total < 0)
        die(QStringLiteral("cannot read /proc/%1/stat: the server must run on this machine")
                .arg(postmaster));
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &e : entries) {
        bool ok = false;
        const qint64 pid = e.toLongLong(&ok);
        if (!ok || pid == postmaster)
            continue;
        qint64 parent = 0;
        const qint64 t = cpuTicks(pid, false, &parent);
        if (t >= 0 && parent == postmaster)
            total += t;
    }
    return total;
}

double msSince(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

class Admin
{
public:
    explicit Admin(const HistoryConfig &c)
    {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("bench-admin"));
        m_db.setHostName(c.url.host);
        m_db.setPort(c.url.port > 0 ? c.url.port : 5432);
        m_db.setUserName(c.url.user);
        m_db.setPassword(c.password);
        m_db.setDatabaseName(c.url.database);
        if (!m_db.open())
            die(QStringLiteral("admin connection: ") + m_db.lastError().text());
    }
    QVariant scalar(const QString &sql)
    {
        QSqlQuery q(m_db);
        if (!q.exec(sql) || !q.next())
            die(sql + QStringLiteral(": ") + q.lastError().text());
        return q.value(0);
    }
    void exec(const QString &sql)
    {
        QSqlQuery q(m_db);
        if (!q.exec(sql))
            die(sql + QStringLiteral(": ") + q.lastError().text());
    }

private:
    QSqlDatabase m_db;
};

struct ReadTimes
{
    double first = 0;
    double median = 0;
    qint64 points = 0;
};

// One chart load: R series side by side, each reduced to `points` buckets,
// the way ChartData::load reads them (one HistoryStore::query per series).
ReadTimes readChart(HistoryStore &store, const QList<SeriesKey> &keys, qint64 from, qint64 to,
                    int points)
{
    ReadTimes r;
    QList<double> times;
    for (int run = 0; run < 4; ++run) {
        QElapsedTimer t;
        t.start();
        qint64 n = 0;
        for (const SeriesKey &k : keys) {
            const auto q = store.query(k, from, to, points);
            if (!q)
                die(QStringLiteral("read: ") + store.error());
            n += q->buckets.size();
        }
        const double ms = msSince(t);
        if (run == 0)
            r.first = ms;
        else
            times << ms;
        r.points = n;
    }
    r.median = median(times);
    return r;
}

// The same chart from Prometheus: 10 query_range calls, one per region.
ReadTimes readPrometheusChart(PrometheusSource &source, const QList<SeriesKey> &keys, qint64 from,
                              qint64 to, int points)
{
    ReadTimes r;
    QList<double> times;
    for (int run = 0; run < 4; ++run) {
        QElapsedTimer t;
        t.start();
        qint64 n = 0;
        for (const SeriesKey &k : keys) {
            const auto q = source.query(k, from, to, points);
            if (!q)
                die(QStringLiteral("Prometheus read: ") + source.error());
            n += q->buckets.size();
        }
        const double ms = msSince(t);
        if (run == 0)
            r.first = ms;
        else
            times << ms;
        r.points = n;
    }
    r.median = median(times);
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.setApplicationDescription(
        QStringLiteral("Shared PostgreSQL history under many collectors"));
    cli.addHelpOption();
    const QCommandLineOption urlOpt(
        QStringLiteral("pg-url"), QStringLiteral("An empty database (password from $PGPASSWORD)."),
        QStringLiteral("URL"));
    const QCommandLineOption collectorsOpt(QStringLiteral("collectors"),
                                           QStringLiteral("Simulated collectors (50)."),
                                           QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption seriesOpt(QStringLiteral("series"),
                                       QStringLiteral("Series per collector (40)."),
                                       QStringLiteral("N"), QStringLiteral("40"));
    const QCommandLineOption cyclesOpt(QStringLiteral("cycles"),
                                       QStringLiteral("Cycles of 30 s (20 = 10 minutes)."),
                                       QStringLiteral("N"), QStringLiteral("20"));
    const QCommandLineOption connectionsOpt(
        QStringLiteral("connections"),
        QStringLiteral("Connections writing at once (default: one per collector)."),
        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption regionsOpt(QStringLiteral("regions"),
                                        QStringLiteral("Series of the read chart (10)."),
                                        QStringLiteral("N"), QStringLiteral("10"));
    const QCommandLineOption daysOpt(QStringLiteral("days"),
                                     QStringLiteral("Days of the read chart (30)."),
                                     QStringLiteral("N"), QStringLiteral("30"));
    const QCommandLineOption pointsOpt(QStringLiteral("points"),
                                       QStringLiteral("Points of the read chart (1600)."),
                                       QStringLiteral("N"), QStringLiteral("1600"));
    const QCommandLineOption noReadOpt(QStringLiteral("no-read"),
                                       QStringLiteral("Skip the read part."));
    const QCommandLineOption prometheusOpt(
        QStringLiteral("prometheus"),
        QStringLiteral("Also read the chart from a private, backfilled Prometheus."));
    const QCommandLineOption noMaintainOpt(QStringLiteral("no-maintain"),
                                           QStringLiteral("Appends only in the write part."));
    cli.addOptions({urlOpt, collectorsOpt, seriesOpt, cyclesOpt, connectionsOpt, regionsOpt,
                    daysOpt, pointsOpt, noReadOpt, noMaintainOpt, prometheusOpt});
    cli.process(app);
    if (!cli.isSet(urlOpt))
        die(QStringLiteral("--pg-url is required"));

    HistoryConfig pg;
    pg.backend = HistoryConfig::Backend::PostgreSql;
    QString error;
    pg.url = DatabaseUrl::parse(cli.value(urlOpt), &error);
    if (!error.isEmpty())
        die(QStringLiteral("--pg-url: ") + error);
    pg.password = qEnvironmentVariable("PGPASSWORD");
    const int collectors = std::max(1, cli.value(collectorsOpt).toInt());
    const int series = std::max(1, cli.value(seriesOpt).toInt());
    const int cycles = std::max(1, cli.value(cyclesOpt).toInt());
    int connections = cli.value(connectionsOpt).toInt();
    if (connections <= 0 || connections > collectors)
        connections = collectors;
    const int regions = std::max(1, cli.value(regionsOpt).toInt());
    const int days = std::max(1, cli.value(daysOpt).toInt());
    const int points = std::max(1, cli.value(pointsOpt).toInt());
    const bool maintainEachCycle = !cli.isSet(noMaintainOpt);

    {
        HistoryStore init; // creates the schema (or migrates it)
        if (!init.open(pg))
            die(init.error());
    }
    Admin admin(pg);
    if (admin.scalar(QStringLiteral("SELECT count(*) FROM history_series")).toLongLong() != 0)
        die(QStringLiteral("the database is not empty: use a fresh one (createdb)"));
    const qint64 backend = admin.scalar(QStringLiteral("SELECT pg_backend_pid()")).toLongLong();
    qint64 postmaster = 0;
    if (cpuTicks(backend, false, &postmaster) < 0)
        die(QStringLiteral("the server's processes are not visible in /proc: run the bench on the "
                           "database's machine"));
    const long hz = sysconf(_SC_CLK_TCK);

    {
        QFile f(QStringLiteral("/proc/loadavg"));
        if (f.open(QIODevice::ReadOnly))
            std::printf("load average before: %s", f.readAll().constData());
    }
    std::printf(
        "server: %s, postmaster pid %lld\n",
        qPrintable(admin.scalar(QStringLiteral("SELECT version()")).toString().section(u',', 0, 0)),
        postmaster);

    // ---- 1. write
    const qint64 start =
        QDateTime::currentSecsSinceEpoch() / kCadence * kCadence - cycles * kCadence;
    std::atomic<int> opened{0}, failures{0}, writtenRows{0};
    std::atomic<bool> go{false};
    QList<QThread *> threads;
    QList<double> appendMs[64];
    QList<double> maintainMs[64];
    for (int k = 0; k < connections; ++k) {
        threads.append(QThread::create([&, k] {
            // A store lives on the thread that uses it (the threading rule).
            HistoryStore store;
            if (!store.open(pg)) {
                std::fprintf(stderr, "open: %s\n", qPrintable(store.error()));
                ++failures;
                ++opened;
                return;
            }
            ++opened;
            while (!go.load())
                QThread::usleep(200);
            for (int c = 0; c < cycles; ++c) {
                for (int col = k; col < collectors; col += connections) {
                    QList<QPair<SeriesKey, Sample>> cycle;
                    cycle.reserve(series);
                    const QString profile =
                        QStringLiteral("bench-c%1").arg(col, 2, 10, QLatin1Char('0'));
                    for (int s = 0; s < series; ++s)
                        cycle.append(
                            {SeriesKey{profile,
                                       QStringLiteral("bench.s%1").arg(s, 2, 10, QLatin1Char('0'))},
                             Sample{start + c * kCadence, double((col * 7 + s * 13 + c) % 1000)}});
                    QElapsedTimer t;
                    t.start();
                    const int n = store.append(cycle);
                    if (n < 0) {
                        std::fprintf(stderr, "append: %s\n", qPrintable(store.error()));
                        ++failures;
                    } else {
                        writtenRows += n;
                    }
                    if (k < 64)
                        appendMs[k] << msSince(t);
                    if (!maintainEachCycle)
                        continue;
                    t.restart();
                    if (!store.maintainIfDue(start + (c + 1) * kCadence)) {
                        std::fprintf(stderr, "maintain: %s\n", qPrintable(store.error()));
                        ++failures;
                    }
                    if (k < 64)
                        maintainMs[k] << msSince(t);
                }
            }
        }));
    }
    for (QThread *t : threads)
        t->start();
    while (opened.load() < connections)
        QThread::msleep(10);
    const qint64 ticks0 = serverTicks(postmaster);
    QElapsedTimer wall;
    wall.start();
    go = true;
    for (QThread *t : threads) {
        t->wait();
        delete t;
    }
    const double writeMs = msSince(wall);
    const qint64 ticks1 = serverTicks(postmaster);
    const qint64 expected = qint64(collectors) * series * cycles;
    QList<double> allAppends;
    for (const auto &l : appendMs)
        allAppends << l;
    std::sort(allAppends.begin(), allAppends.end());
    QList<double> allMaintains;
    for (const auto &l : maintainMs)
        allMaintains << l;
    std::sort(allMaintains.begin(), allMaintains.end());
    const double cpuSec = double(ticks1 - ticks0) / double(hz);
    std::printf("\n1. write: %d collectors x %d series x %d cycles = %lld samples from %d "
                "connections\n",
                collectors, series, cycles, expected, connections);
    std::printf("   written %d rows, %d failures, %.0f ms wall, %.0f samples/s\n",
                writtenRows.load(), failures.load(), writeMs,
                double(writtenRows.load()) * 1000.0 / writeMs);
    std::printf(
        "   append (one cycle of one collector): median %.1f ms, p90 %.1f ms, max %.1f ms\n",
        median(allAppends),
        allAppends.isEmpty() ? 0 : allAppends[qsizetype(allAppends.size() * 0.9)],
        allAppends.isEmpty() ? 0 : allAppends.last());
    if (maintainEachCycle) {
        double sum = 0;
        for (double m : allMaintains)
            sum += m;
        std::printf("   maintainIfDue after each: %lld calls, %.0f ms in all, median %.1f ms, max "
                    "%.0f ms (the collector that took the minute's lease)\n",
                    qint64(allMaintains.size()), sum, median(allMaintains),
                    allMaintains.isEmpty() ? 0 : allMaintains.last());
    }
    std::printf("   server CPU (appends%s): %.2f s = %.1f us per sample (%ld ticks/s)\n",
                maintainEachCycle ? " and maintenance" : "", cpuSec,
                cpuSec * 1e6 / double(std::max<qint64>(1, writtenRows.load())), hz);

    const qint64 rows =
        admin.scalar(QStringLiteral("SELECT count(*) FROM history_samples")).toLongLong();
    const qint64 partBytes =
        admin
            .scalar(QStringLiteral("SELECT sum(pg_total_relation_size(inhrelid)) FROM pg_inherits "
                                   "WHERE inhparent = 'history_samples'::regclass"))
            .toLongLong();
    const qint64 partitions =
        admin
            .scalar(QStringLiteral("SELECT count(*) FROM pg_inherits WHERE inhparent = "
                                   "'history_samples'::regclass"))
            .toLongLong();
    const qint64 usedPartitions =
        admin.scalar(QStringLiteral("SELECT count(DISTINCT tableoid) FROM history_samples"))
            .toLongLong();
    // Today's layout, same rows in the order they were written (by time).
    admin.exec(
        QStringLiteral("CREATE TABLE bench_schema2_samples (series INTEGER NOT NULL, ts BIGINT "
                       "NOT NULL, value DOUBLE PRECISION, PRIMARY KEY (series, ts))"));
    admin.exec(QStringLiteral("INSERT INTO bench_schema2_samples SELECT series, ts, value FROM "
                              "history_samples ORDER BY ts, series"));
    const qint64 oldBytes =
        admin.scalar(QStringLiteral("SELECT pg_total_relation_size('bench_schema2_samples')"))
            .toLongLong();
    admin.exec(QStringLiteral("DROP TABLE bench_schema2_samples"));
    std::printf("   bytes per sample: %.1f partitioned (%lld bytes, %lld rows, %lld partitions of "
                "which %lld hold rows, empty ones included); today's layout, same rows: %.1f\n",
                double(partBytes) / double(std::max<qint64>(1, rows)), partBytes, rows, partitions,
                usedPartitions, double(oldBytes) / double(std::max<qint64>(1, rows)));

    // ---- 2. maintain
    {
        HistoryStore store;
        if (!store.open(pg))
            die(store.error());
        const qint64 t0 = serverTicks(postmaster);
        QElapsedTimer t;
        t.start();
        if (!store.maintain(start + cycles * kCadence + 120))
            die(QStringLiteral("maintain: ") + store.error());
        const double first = msSince(t);
        t.restart();
        if (!store.maintain(start + cycles * kCadence + 150))
            die(QStringLiteral("maintain: ") + store.error());
        const double second = msSince(t);
        const qint64 t1 = serverTicks(postmaster);
        std::printf("\n2. maintain() over %d series: %.0f ms, then %.0f ms (the next cycle's); "
                    "server CPU %.2f s for both\n",
                    collectors * series, first, second, double(t1 - t0) / double(hz));
    }

    if (cli.isSet(noReadOpt))
        return failures.load() == 0 ? 0 : 1;

    // ---- 3. read
    // Ends two hours ago: a backfill must stay out of Prometheus' head block.
    const qint64 to = QDateTime::currentSecsSinceEpoch() / 3600 * 3600 - 2 * 3600;
    const qint64 from = to - days * kDay;
    QList<SeriesKey> keys;
    for (int r = 0; r < regions; ++r)
        keys << SeriesKey{QStringLiteral("bench-region%1").arg(r, 2, 10, QLatin1Char('0')),
                          QStringLiteral("validate.p99.ms")};
    QTemporaryDir dir;
    HistoryConfig sqlite;
    sqlite.sqlitePath = dir.filePath(QStringLiteral("history.sqlite"));
    HistoryStore pgStore, liteStore;
    if (!pgStore.open(pg))
        die(pgStore.error());
    if (!liteStore.open(sqlite))
        die(liteStore.error());
    QElapsedTimer seed;
    seed.start();
    for (int r = 0; r < regions; ++r) {
        QList<Sample> in;
        in.reserve(days * kDay / kCadence);
        for (qint64 t = from; t < to; t += kCadence)
            in.append({t, 20.0 + double((t / kCadence + r * 31) % 400) / 10.0});
        if (pgStore.append(keys[r], in) != in.size())
            die(QStringLiteral("seed: ") + pgStore.error());
        if (liteStore.append(keys[r], in) != in.size())
            die(QStringLiteral("seed: ") + liteStore.error());
    }
    if (!pgStore.maintain(to) || !liteStore.maintain(to))
        die(QStringLiteral("seed rollup: ") + pgStore.error() + liteStore.error());
    // Autovacuum analyzes a table that grew like this soon after; without
    // statistics the planner expects one row per series and sorts 43,200
    // minute rows per series on disk (3x slower, not what a running
    // database does).
    admin.exec(QStringLiteral(
        "ANALYZE history_series, history_samples, history_rollup_1m, history_rollup_1h"));
    std::printf(
        "\n3. read: %d regions x %d days at one sample per %llds (%lld samples), seeded and "
        "rolled up in %.0f s\n",
        regions, days, kCadence, qint64(regions) * days * kDay / kCadence, msSince(seed) / 1000.0);
    const ReadTimes p = readChart(pgStore, keys, from, to, points);
    const ReadTimes l = readChart(liteStore, keys, from, to, points);
    std::printf("   %d-day chart of %d regions at %d points (%lld buckets):\n", days, regions,
                points, p.points);
    std::printf("     PostgreSQL (partitioned): first %.1f ms, median of 3 %.1f ms\n", p.first,
                p.median);
    std::printf("     SQLite:                   first %.1f ms, median of 3 %.1f ms\n", l.first,
                l.median);
    if (cli.isSet(prometheusOpt)) {
        const QString prometheus = QStandardPaths::findExecutable(QStringLiteral("prometheus"));
        const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
        if (prometheus.isEmpty() || promtool.isEmpty())
            die(QStringLiteral("--prometheus needs prometheus and promtool on PATH"));
        // The exporter's series for validate.p99.ms, in seconds, timestamps
        // in seconds, each series contiguous, "# EOF" at the end.
        QElapsedTimer fill;
        fill.start();
        QFile om(dir.filePath(QStringLiteral("backfill.om")));
        if (!om.open(QIODevice::WriteOnly))
            die(om.errorString());
        om.write("# HELP turnstile_token_validation_seconds Validation latency.\n"
                 "# TYPE turnstile_token_validation_seconds summary\n");
        for (int r = 0; r < regions; ++r) {
            const QByteArray labels = "turnstile_token_validation_seconds{profile=\"" +
                                      keys[r].profile.toUtf8() + "\",quantile=\"0.99\"} ";
            QByteArray chunk;
            for (qint64 t = from; t < to; t += kCadence) {
                const double ms = 20.0 + double((t / kCadence + r * 31) % 400) / 10.0;
                chunk += labels + QByteArray::number(ms / 1000.0, 'g', 17) + ' ' +
                         QByteArray::number(t) + '\n';
            }
            om.write(chunk);
        }
        om.write("# EOF\n");
        om.close();
        QProcess blocks;
        blocks.setProcessChannelMode(QProcess::MergedChannels);
        blocks.start(promtool, {QStringLiteral("tsdb"), QStringLiteral("create-blocks-from"),
                                QStringLiteral("openmetrics"), om.fileName(),
                                dir.filePath(QStringLiteral("tsdb"))});
        if (!blocks.waitForFinished(30 * 60 * 1000) || blocks.exitCode() != 0)
            die(QStringLiteral("promtool: ") + QString::fromUtf8(blocks.readAll().right(2000)));
        const double backfillSec = msSince(fill) / 1000.0;
        QFile config(dir.filePath(QStringLiteral("prometheus.yml")));
        if (!config.open(QIODevice::WriteOnly))
            die(config.errorString());
        config.write("global: {scrape_interval: 1m}\n");
        config.close();
        quint16 port = 0;
        {
            QTcpServer probe;
            if (!probe.listen(QHostAddress::LocalHost, 0))
                die(QStringLiteral("no free port"));
            port = probe.serverPort();
        }
        QProcess server;
        server.setProcessChannelMode(QProcess::MergedChannels);
        server.start(prometheus,
                     {QStringLiteral("--config.file=") + config.fileName(),
                      QStringLiteral("--storage.tsdb.path=") + dir.filePath(QStringLiteral("tsdb")),
                      QStringLiteral("--storage.tsdb.retention.time=400d"),
                      QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(port)});
        if (!server.waitForStarted())
            die(QStringLiteral("prometheus did not start"));
        PrometheusSourceSettings settings;
        settings.url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port));
        settings.timeoutMs = 30000;
        PrometheusSource source(settings);
        QElapsedTimer wait;
        wait.start();
        bool answered = false;
        while (!answered && wait.elapsed() < 120000) {
            const auto q = source.query(keys.last(), to - 3600, to, 10);
            answered = q && !q->buckets.isEmpty();
            if (!answered)
                QThread::msleep(250);
        }
        if (!answered) {
            server.terminate();
            server.waitForFinished(15000);
            die(QStringLiteral("Prometheus did not answer: ") + source.error());
        }
        const ReadTimes pr = readPrometheusChart(source, keys, from, to, points);
        std::printf("     Prometheus (%s):  first %.1f ms, median of 3 %.1f ms (%lld points; "
                    "backfill %.0f s, ready %.1f s after start)\n",
                    qPrintable(QFileInfo(prometheus).fileName()), pr.first, pr.median, pr.points,
                    backfillSec, double(wait.elapsed()) / 1000.0);
        server.terminate();
        if (!server.waitForFinished(15000))
            server.kill();
    }
    {
        QFile f(QStringLiteral("/proc/loadavg"));
        if (f.open(QIODevice::ReadOnly))
            std::printf("load average after: %s", f.readAll().constData());
    }
    return failures.load() == 0 ? 0 : 1;
}
