// Measures what `turnstilectl report` promises (docs/benchmarks.md,
// "Reports"): a 30-day report of one profile sampled every minute (twelve
// series, 518,400 samples) is written in < 3 s, as a PDF and as a PNG.
//
// Seeds a private SQLite history store with the HistoryStore API (and rolls
// it up, as a collector's maintain() has done by then), then runs the built
// turnstilectl as a cron job would, in a scrubbed environment, --runs times
// per format and reports the median. Extra figures: two profiles in one
// report, and `turnstilectl --version` (process start-up without a
// QApplication) for comparison.
// Exit status 0 when both medians are under the limit.
#include "history/historystore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sys/resource.h>

using namespace turnstile;

namespace {

constexpr qint64 kDay = 86400;
constexpr double kLimitMs = 3000;

struct Series
{
    const char *metric;
    double base;
    double spread;
    int decimals;
};
// What a collector cycle writes for the report's charts (collector.cpp,
// flattenMetrics), in milliseconds with microsecond resolution where it is
// a latency.
constexpr Series kSeries[] = {
    {"token.live", 30000, 8000, 0},
    {"token.expired", 400000, 350000, 0},
    {"revocation_event.rows", 1500, 1400, 0},
    {"table.trust.rows", 40, 5, 0},
    {"validate.ms", 15, 10, 3},
    {"issue.ms", 70, 40, 3},
    {"validate.p50.ms", 15, 10, 3},
    {"validate.p95.ms", 30, 20, 3},
    {"validate.p99.ms", 60, 40, 3},
    {"issue.p50.ms", 70, 40, 3},
    {"issue.p95.ms", 110, 60, 3},
    {"issue.p99.ms", 160, 80, 3},
};

[[noreturn]] void die(const QString &what)
{
    std::fprintf(stderr, "bench_report: %s\n", qPrintable(what));
    std::exit(2);
}

int seed(const QString &path, const QStringList &profiles, qint64 now)
{
    HistoryConfig config;
    config.sqlitePath = path;
    HistoryStore store;
    if (!store.open(config))
        die(store.error());
    QRandomGenerator rng(20261123);
    int written = 0;
    const qint64 from = now - 30 * kDay;
    for (qsizetype p = 0; p < profiles.size(); ++p) {
        const QString &profile = profiles[p];
        // Regions differ in size, so their curves do not hide each other.
        const double size = 1.0 - 0.4 * double(p);
        for (const Series &s : kSeries) {
            const SeriesKey key{profile, QLatin1String(s.metric)};
            if (!store.defineSeries(key, s.decimals))
                die(store.error());
            QList<Sample> samples;
            samples.reserve(30 * 1440);
            for (qint64 t = from; t < now; t += 60) {
                const double month = double(t - from) / double(30 * kDay);
                const double wave = std::sin(double(t) / 21600.0) * 0.3 + month * 0.6 +
                                    (rng.generateDouble() - 0.5) * 0.2;
                const double v = std::max(0.0, size * (s.base + s.spread * wave));
                const double scale = std::pow(10.0, s.decimals);
                samples.append(Sample{t, std::round(v * scale) / scale});
            }
            const int n = store.append(key, samples);
            if (n < 0)
                die(store.error());
            written += n;
        }
    }
    if (!store.rollup(now))
        die(store.error());
    return written;
}

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

// CPU seconds (user + system) of every child waited for so far. On a
// shared machine the wall time follows the load average; the CPU time
// shows what the report itself costs.
double childCpuMs()
{
    rusage u{};
    getrusage(RUSAGE_CHILDREN, &u);
    return (double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 +
            double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3);
}

struct Timing
{
    QList<double> ms;
    QList<double> cpuMs;
    QString out;
};

Timing timeRuns(const QString &program, const QStringList &args, const QProcessEnvironment &env,
                int runs)
{
    Timing t;
    for (int i = 0; i < runs; ++i) {
        QProcess p;
        p.setProcessEnvironment(env);
        const double cpuBefore = childCpuMs();
        QElapsedTimer clock;
        clock.start();
        p.start(program, args);
        if (!p.waitForFinished(120000))
            die(QStringLiteral("%1 did not finish").arg(program));
        const double ms = double(clock.nsecsElapsed()) / 1e6;
        if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
            die(QStringLiteral("%1 %2 failed (%3): %4")
                    .arg(program, args.join(u' '))
                    .arg(p.exitCode())
                    .arg(QString::fromUtf8(p.readAllStandardError())));
        t.ms.append(ms);
        t.cpuMs.append(childCpuMs() - cpuBefore);
        t.out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    }
    return t;
}

QString loadAverage()
{
    double avg[3] = {0, 0, 0};
    if (getloadavg(avg, 3) != 3)
        return QStringLiteral("?");
    return QStringLiteral("%1 %2 %3")
        .arg(avg[0], 0, 'f', 2)
        .arg(avg[1], 0, 'f', 2)
        .arg(avg[2], 0, 'f', 2);
}

void print(const char *what, const Timing &t)
{
    std::printf("%-36s median %5.0f ms (min %.0f, max %.0f), CPU %5.0f ms, %lld runs\n", what,
                median(t.ms), *std::min_element(t.ms.cbegin(), t.ms.cend()),
                *std::max_element(t.ms.cbegin(), t.ms.cend()), median(t.cpuMs),
                qlonglong(t.ms.size()));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Times turnstilectl report over 30 days."));
    parser.addHelpOption();
    QCommandLineOption dirOpt(QStringLiteral("dir"),
                              QStringLiteral("Where the store and reports go (default: a "
                                             "temporary directory)."),
                              QStringLiteral("DIR"));
    QCommandLineOption keepOpt(QStringLiteral("keep"), QStringLiteral("Leave the files behind."));
    QCommandLineOption runsOpt(QStringLiteral("runs"), QStringLiteral("Runs per figure."),
                               QStringLiteral("N"), QStringLiteral("5"));
    QCommandLineOption ctlOpt(QStringLiteral("turnstilectl"),
                              QStringLiteral("The program to time."), QStringLiteral("PATH"),
                              QStringLiteral(TURNSTILECTL_PATH));
    parser.addOptions({dirOpt, keepOpt, runsOpt, ctlOpt});
    parser.process(app);
    const int runs = std::max(1, parser.value(runsOpt).toInt());
    const QString ctl = parser.value(ctlOpt);
    if (!QFileInfo(ctl).isExecutable())
        die(QStringLiteral("%1 is not built").arg(ctl));

    QTemporaryDir tmp;
    QString dir = parser.value(dirOpt);
    if (dir.isEmpty()) {
        if (!tmp.isValid())
            die(QStringLiteral("no temporary directory"));
        dir = tmp.path();
    }
    QDir().mkpath(dir);
    tmp.setAutoRemove(!parser.isSet(keepOpt));
    const QString history = QDir(dir).filePath(QStringLiteral("report-history.sqlite"));
    QFile::remove(history);

    const qint64 now = QDateTime::currentSecsSinceEpoch();
    QElapsedTimer clock;
    clock.start();
    const int samples =
        seed(history, {QStringLiteral("bench-east"), QStringLiteral("bench-west")}, now);
    std::printf("seeded  %d samples (2 profiles x 6 series x 43,200 minutes), rolled up, in "
                "%.1f s: %s\n",
                samples, double(clock.elapsed()) / 1000.0, qPrintable(history));

    // What cron gives a job: no display, no session bus, no runtime dir, no
    // settings of the person running the benchmark.
    QProcessEnvironment env;
    env.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
    env.insert(QStringLiteral("HOME"), dir);
    env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), QDir(dir).filePath(QStringLiteral("config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), QDir(dir).filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("TURNSTILE_HISTORY"), history);

    const QString pdf = QDir(dir).filePath(QStringLiteral("report.pdf"));
    const QString png = QDir(dir).filePath(QStringLiteral("report.png"));
    const QStringList one = {QStringLiteral("report"),     QStringLiteral("--profile"),
                             QStringLiteral("bench-east"), QStringLiteral("--range"),
                             QStringLiteral("30d"),        QStringLiteral("--out")};
    const QStringList two = {QStringLiteral("report"),     QStringLiteral("--profile"),
                             QStringLiteral("bench-east"), QStringLiteral("--profile"),
                             QStringLiteral("bench-west"), QStringLiteral("--range"),
                             QStringLiteral("30d"),        QStringLiteral("--out")};

    std::printf("load average before: %s\n", qPrintable(loadAverage()));
    const Timing version = timeRuns(ctl, {QStringLiteral("--version")}, env, runs);
    const Timing onePdf = timeRuns(ctl, one + QStringList{pdf}, env, runs);
    const qint64 pdfBytes = QFileInfo(pdf).size();
    const Timing onePng = timeRuns(ctl, one + QStringList{png}, env, runs);
    const qint64 pngBytes = QFileInfo(png).size();
    const Timing twoPdf = timeRuns(ctl, two + QStringList{pdf}, env, runs);

    std::printf("%s\n", qPrintable(onePdf.out));
    print("turnstilectl --version (start-up)", version);
    print("report, 1 profile, 30 d -> PDF", onePdf);
    print("report, 1 profile, 30 d -> PNG", onePng);
    print("report, 2 profiles, 30 d -> PDF", twoPdf);
    std::printf("PDF %lld bytes, PNG %lld bytes; load average after: %s\n", pdfBytes, pngBytes,
                qPrintable(loadAverage()));

    const bool ok = median(onePdf.ms) < kLimitMs && median(onePng.ms) < kLimitMs;
    std::printf("target  < %.0f ms for one profile over 30 days: %s\n", kLimitMs,
                ok ? "met" : "NOT met");
    return ok ? 0 : 1;
}
