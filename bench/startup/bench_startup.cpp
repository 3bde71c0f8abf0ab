// Measures what the issues promise for startup (docs/benchmarks.md,
// "Startup"): from starting `turnstile` to the first painted main window in
// < 1 s, with four profiles and with 200 (an operator with many projects ×
// regions), the figures filling in afterwards.
//
// Writes a private profiles file with four profiles — with --lab-env two on
// the lab's Keystone and MariaDB (their secrets written to the lab's
// Secret Service), and two that cannot answer: connection refused, and a
// local port that accepts and never replies. --profiles N adds unreachable
// ones up to N, spread over four clouds (three refusing on their own
// loopback address, one never answering) and four regions; a list
// (--profiles 4,50,200) measures each count in turn and prints the curve.
// Then it starts the built `turnstile` --runs times per count with
// TURNSTILE_BENCH_FIRST_PAINT=1 (see app/turnstile/firstpainthook.h) and a
// fresh settings directory each time. Each figure is the wall time from
// QProcess::start() to the line the app prints after its first frame; the
// app's own "since main()" figure and a `turnstile --version` start
// (QApplication, no window) are printed beside it.
// Exit status 0 when the median of every count is under 1 s.
#include "blackholeport.h"
#include "labenv.h"
#include "profiles/profile.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

using namespace turnstile;

namespace {

constexpr double kLimitMs = 1000;

[[noreturn]] void die(const QString &what)
{
    std::fprintf(stderr, "bench_startup: %s\n", qPrintable(what));
    std::exit(2);
}

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    const qsizetype n = v.size();
    return n == 0 ? 0 : n % 2 ? v.at(n / 2) : (v.at(n / 2 - 1) + v.at(n / 2)) / 2;
}

struct Run
{
    double wallMs = -1;  // start() to the first-paint line
    double inAppMs = -1; // what the app printed: main() to first paint
};

// wallMs stays negative when nothing was painted within timeoutMs.
Run startOnce(const QString &program, const QStringList &args, const QProcessEnvironment &env,
              bool expectPaint, int timeoutMs)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::SeparateChannels);
    QElapsedTimer clock;
    clock.start();
    p.start(program, args);
    if (!p.waitForStarted(10000))
        die(QStringLiteral("%1 did not start: %2").arg(program, p.errorString()));
    Run r;
    QByteArray out;
    while (clock.elapsed() < timeoutMs) {
        if (!expectPaint) {
            if (p.waitForFinished(100)) {
                r.wallMs = double(clock.nsecsElapsed()) / 1e6;
                break;
            }
            continue;
        }
        if (p.waitForReadyRead(100) || p.bytesAvailable() > 0) {
            out += p.readAllStandardOutput();
            const qsizetype at = out.indexOf("turnstile-first-paint-ms ");
            if (at >= 0 && out.indexOf('\n', at) > at) {
                r.wallMs = double(clock.nsecsElapsed()) / 1e6;
                const QByteArray line = out.mid(at, out.indexOf('\n', at) - at);
                r.inAppMs = line.split(' ').value(1).toDouble();
                break;
            }
        }
        if (p.state() == QProcess::NotRunning)
            break;
    }
    if (r.wallMs < 0 && p.state() != QProcess::NotRunning) {
        p.kill(); // timed out: the caller counts it as the timeout
        p.waitForFinished(2000);
        return r;
    }
    if (!p.waitForFinished(10000)) {
        p.kill();
        p.waitForFinished(2000);
    }
    // Ended without painting (a crash, an error): never a figure.
    if (r.wallMs < 0)
        die(QStringLiteral("%1 %2 ended without a first paint (%3 %4); stderr: %5")
                .arg(program, args.join(u' '),
                     p.exitStatus() == QProcess::CrashExit ? QStringLiteral("crashed, signal")
                                                           : QStringLiteral("exit status"))
                .arg(p.exitCode())
                .arg(QString::fromLocal8Bit(p.readAllStandardError()).left(2000)));
    return r;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Times turnstile from process start to its first painted window."));
    parser.addHelpOption();
    QCommandLineOption runsOpt(QStringLiteral("runs"),
                               QStringLiteral("Starts to time per profile count."),
                               QStringLiteral("N"), QStringLiteral("9"));
    QCommandLineOption countOpt(QStringLiteral("profiles"),
                                QStringLiteral("Profile counts, comma-separated (at least 4; "
                                               "beyond the four, unreachable ones)."),
                                QStringLiteral("N[,N...]"), QStringLiteral("4"));
    QCommandLineOption timeoutOpt(QStringLiteral("timeout"),
                                  QStringLiteral("Seconds to wait for a first paint; a start "
                                                 "that takes longer counts as that long."),
                                  QStringLiteral("S"), QStringLiteral("30"));
    QCommandLineOption labOpt(QStringLiteral("lab-env"),
                              QStringLiteral("A lab env file (tests/lab/lab.sh): two profiles on "
                                             "its Keystone and MariaDB."),
                              QStringLiteral("FILE"));
    QCommandLineOption dirOpt(QStringLiteral("dir"),
                              QStringLiteral("Where profiles and settings go (default: a "
                                             "temporary directory)."),
                              QStringLiteral("DIR"));
    QCommandLineOption keepOpt(QStringLiteral("keep"), QStringLiteral("Leave the files behind."));
    QCommandLineOption appOpt(QStringLiteral("turnstile"), QStringLiteral("The program to time."),
                              QStringLiteral("PATH"), QStringLiteral(TURNSTILE_PATH));
    parser.addOptions({runsOpt, countOpt, timeoutOpt, labOpt, dirOpt, keepOpt, appOpt});
    parser.process(app);
    const int runs = std::max(1, parser.value(runsOpt).toInt());
    const int timeoutMs = std::max(1, parser.value(timeoutOpt).toInt()) * 1000;
    QList<int> counts;
    for (const QString &c : parser.value(countOpt).split(u',', Qt::SkipEmptyParts)) {
        bool ok = false;
        const int n = c.trimmed().toInt(&ok);
        if (!ok || n < 4)
            die(QStringLiteral("--profiles wants counts of at least 4, not %1").arg(c));
        counts.append(n);
    }
    if (counts.isEmpty())
        die(QStringLiteral("--profiles wants at least one count"));
    const QString program = parser.value(appOpt);
    if (!QFileInfo(program).isExecutable())
        die(QStringLiteral("%1 is not built").arg(program));
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariable("QT_QPA_PLATFORM") != u"offscreen")
        die(QStringLiteral("no display: run under xvfb-run (bench/startup/run.sh)"));

    QTemporaryDir tmp;
    QString dir = parser.value(dirOpt);
    if (dir.isEmpty()) {
        if (!tmp.isValid())
            die(QStringLiteral("no temporary directory"));
        dir = tmp.path();
    }
    QDir().mkpath(dir);
    tmp.setAutoRemove(!parser.isSet(keepOpt));

    const labsupport::BlackholePort blackhole;
    if (blackhole.port() == 0)
        die(QStringLiteral("no local port for the blackhole"));
    const int hole = blackhole.port();
    const QString profilesFile = QDir(dir).filePath(QStringLiteral("profiles.ini"));
    QList<Profile> profiles;
    QHash<QString, QString> lab;
    if (parser.isSet(labOpt)) {
        QString envError;
        lab = labsupport::readLabEnv(parser.value(labOpt), &envError);
        if (lab.isEmpty())
            die(envError.isEmpty() ? QStringLiteral("empty lab env file") : envError);
    }
    const QString bus = lab.isEmpty() ? QStringLiteral("unix:path=/nonexistent/turnstile-bench-bus")
                                      : lab.value(QStringLiteral("TURNSTILE_LAB_DBUS_ADDRESS"));
    qputenv("DBUS_SESSION_BUS_ADDRESS", bus.toUtf8());
    auto make = [&](const QString &name, const QString &url, const QString &db,
                    const QString &region = {}) {
        Profile p;
        p.name = name;
        p.authUrl = QUrl(url);
        p.username = lab.value(QStringLiteral("TURNSTILE_LAB_ADMIN_USER"), QStringLiteral("admin"));
        p.userDomainName = QStringLiteral("Default");
        p.projectName =
            lab.value(QStringLiteral("TURNSTILE_LAB_ADMIN_PROJECT"), QStringLiteral("admin"));
        p.projectDomainName = QStringLiteral("Default");
        p.regionName = region;
        p.databaseUrl = db;
        p.timeoutMs = 15000;
        profiles.append(p);
    };
    const QString holeUrl = QStringLiteral("http://127.0.0.1:%1/v3").arg(hole);
    const QString holeDb = QStringLiteral("mysql://keystone@127.0.0.1:%1/keystone").arg(hole);
    if (!lab.isEmpty()) {
        const QString db = QStringLiteral("mysql://%1@%2:%3/%4")
                               .arg(lab.value(QStringLiteral("TURNSTILE_LAB_MYSQL_USER")),
                                    lab.value(QStringLiteral("TURNSTILE_LAB_MYSQL_HOST")),
                                    lab.value(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")),
                                    lab.value(QStringLiteral("TURNSTILE_LAB_MYSQL_DB")));
        make(QStringLiteral("lab-east"), lab.value(QStringLiteral("TURNSTILE_LAB_KS_URL")), db);
        make(QStringLiteral("lab-west"), lab.value(QStringLiteral("TURNSTILE_LAB_KS_URL")), {});
    } else {
        make(QStringLiteral("hole-east"), holeUrl, holeDb);
        make(QStringLiteral("refused-east"), QStringLiteral("http://127.0.0.1:1/v3"),
             QStringLiteral("mysql://keystone@127.0.0.1:1/keystone"));
    }
    make(QStringLiteral("refused-west"), QStringLiteral("http://127.0.0.1:1/v3"),
         QStringLiteral("mysql://keystone@127.0.0.1:1/keystone"));
    make(QStringLiteral("hole-west"), holeUrl, holeDb);
    // Beyond the four: projects × regions × clouds, as an operator's
    // clouds.yaml import gives them. Clouds 0-2 refuse connections, each on
    // its own loopback address (another Keystone host); cloud 3 never answers.
    const int most = *std::max_element(counts.begin(), counts.end());
    const QStringList regions{QStringLiteral("RegionOne"), QStringLiteral("RegionTwo"),
                              QStringLiteral("RegionThree"), QStringLiteral("RegionFour")};
    for (int i = 0; profiles.size() < most; ++i) {
        const int cloud = i % 4;
        const QString region = regions.at((i / 4) % 4);
        const QString name =
            QStringLiteral("cloud%1-%2-project%3").arg(cloud).arg(region.toLower()).arg(i / 16);
        if (cloud == 3) {
            make(name, holeUrl, holeDb, region);
        } else {
            const QString host = QStringLiteral("127.0.0.%1").arg(cloud + 2);
            make(name, QStringLiteral("http://%1:1/v3").arg(host),
                 QStringLiteral("mysql://keystone@%1:1/keystone").arg(host), region);
        }
    }
    SecretStore secrets;
    QStringList withSecrets;
    if (!lab.isEmpty())
        for (const Profile &p : std::as_const(profiles)) {
            if (!p.name.startsWith(u"lab-"))
                continue;
            if (!secrets
                     .writeBlocking(p.name, SecretKind::Password,
                                    lab.value(QStringLiteral("TURNSTILE_LAB_ADMIN_PASSWORD")))
                     .ok ||
                !secrets
                     .writeBlocking(p.name, SecretKind::DatabasePassword,
                                    lab.value(QStringLiteral("TURNSTILE_LAB_MYSQL_PASSWORD")))
                     .ok)
                die(QStringLiteral("cannot write the lab's keyring over %1").arg(bus));
            withSecrets.append(p.name);
        }

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), dir);
    env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    env.insert(QStringLiteral("TURNSTILE_PROFILES"), profilesFile);
    env.insert(QStringLiteral("TURNSTILE_HISTORY"),
               QDir(dir).filePath(QStringLiteral("history.sqlite")));
    env.insert(QStringLiteral("TURNSTILE_AUDIT_LOG"),
               QDir(dir).filePath(QStringLiteral("audit.jsonl")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), QDir(dir).filePath(QStringLiteral("data")));
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), bus);
    env.insert(QStringLiteral("TURNSTILE_BENCH_FIRST_PAINT"), QStringLiteral("1"));

    std::printf("turnstile: %s\nprofiles:  %s (%s%s)\nplatform:  %s\n", qPrintable(program),
                qPrintable(profilesFile), qPrintable([&] {
                    QStringList names;
                    for (const Profile &p : profiles.first(4))
                        names.append(p.name + QStringLiteral(" → ") + p.authUrl.toString());
                    return names.join(QStringLiteral(", "));
                }()),
                most > 4 ? ", then unreachable ones over 4 clouds × 4 regions" : "",
                qPrintable(qEnvironmentVariable("QT_QPA_PLATFORM", QStringLiteral("xcb"))));

    // Process and QApplication start-up without a window, for comparison.
    QList<double> bare;
    for (int i = 0; i < std::min(runs, 5); ++i) {
        QProcessEnvironment e = env;
        e.insert(QStringLiteral("XDG_CONFIG_HOME"),
                 QDir(dir).filePath(QStringLiteral("config-version")));
        bare.append(startOnce(program, {QStringLiteral("--version")}, e, false, timeoutMs).wallMs);
    }

    struct Curve
    {
        int profiles = 0;
        QList<double> wall, inApp;
        int timedOut = 0;
    };
    QList<Curve> curve;
    for (const int count : std::as_const(counts)) {
        QFile::remove(profilesFile);
        QString err;
        if (!ProfileStore(profilesFile).saveAll(profiles.first(count), &err))
            die(err);
        Curve c;
        c.profiles = count;
        for (int i = 0; i < runs; ++i) {
            // A fresh settings directory: no saved geometry or page, as on a first start.
            QProcessEnvironment e = env;
            const QString config = QDir(dir).filePath(QStringLiteral("config-%1").arg(i));
            QDir(config).removeRecursively();
            e.insert(QStringLiteral("XDG_CONFIG_HOME"), config);
            Run r = startOnce(program, {}, e, true, timeoutMs);
            if (r.wallMs < 0) {
                // Counted as the timeout: a lower bound, said so below.
                ++c.timedOut;
                r.wallMs = r.inAppMs = timeoutMs;
            }
            c.wall.append(r.wallMs);
            c.inApp.append(r.inAppMs);
            std::printf("%4d profiles, run %2d: first paint %8.1f ms after start (%8.1f ms after "
                        "main())%s\n",
                        count, i + 1, r.wallMs, r.inAppMs, c.timedOut ? " TIMED OUT" : "");
            std::fflush(stdout);
            if (c.timedOut)
                break; // one start that long is enough to say so
        }
        curve.append(c);
    }
    for (const QString &name : std::as_const(withSecrets))
        for (SecretKind k : {SecretKind::Password, SecretKind::DatabasePassword})
            secrets.removeBlocking(name, k);

    std::printf("\n%-52s %9s %9s %9s\n", "", "median", "min", "max");
    bool met = true;
    for (const Curve &c : std::as_const(curve)) {
        const double m = median(c.wall);
        met = met && m < kLimitMs;
        const QByteArray what = QStringLiteral("start -> first painted window, %1 profiles (ms)")
                                    .arg(c.profiles)
                                    .toUtf8();
        std::printf("%-52s %9.1f %9.1f %9.1f%s\n", what.constData(), m,
                    *std::min_element(c.wall.begin(), c.wall.end()),
                    *std::max_element(c.wall.begin(), c.wall.end()),
                    c.timedOut ? "  (timed out: more than this)" : "");
        std::printf("%-52s %9.1f %9.1f %9.1f\n", "  of which main() -> first paint (ms)",
                    median(c.inApp), *std::min_element(c.inApp.begin(), c.inApp.end()),
                    *std::max_element(c.inApp.begin(), c.inApp.end()));
    }
    std::printf("%-52s %9.1f %9.1f %9.1f\n", "`turnstile --version`, no window (ms)", median(bare),
                *std::min_element(bare.begin(), bare.end()),
                *std::max_element(bare.begin(), bare.end()));
    std::printf("\ngoal: median < %.0f ms for every count: %s\n", kLimitMs, met ? "met" : "MISSED");
    return met ? 0 : 1;
}
