// bench_validate: one BenchEngine measurement of GET <v3>/auth/tokens with the
// tokens given in the environment (never on the command line), printed as
// JSON. run.sh runs it next to wrk with the same headers and token.
//
//   BENCH_URL=http://127.0.0.1:39500/v3 BENCH_AUTH_TOKEN=... BENCH_SUBJECT_TOKENS=t1,t2
//     bench_validate [--concurrency 20] [--duration 15] [--rate R] [--timeout 10]
// For https, BENCH_CA_FILE names a PEM CA bundle added to the system's (as a
// profile's CA file); certificates are always verified.
#include "bench/benchengine.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QTextStream>

#include <cstdio>

using namespace turnstile;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    p.addOption({QStringLiteral("concurrency"), QStringLiteral("in flight"), QStringLiteral("C"),
                 QStringLiteral("20")});
    p.addOption({QStringLiteral("duration"), QStringLiteral("seconds"), QStringLiteral("S"),
                 QStringLiteral("15")});
    p.addOption({QStringLiteral("rate"), QStringLiteral("open loop, requests/s"),
                 QStringLiteral("R"), QStringLiteral("0")});
    p.addOption({QStringLiteral("timeout"), QStringLiteral("seconds per request"),
                 QStringLiteral("S"), QStringLiteral("10")});
    p.process(app);
    QTextStream err(stderr);
    const QString url = qEnvironmentVariable("BENCH_URL");
    const QByteArray auth = qgetenv("BENCH_AUTH_TOKEN");
    const QList<QByteArray> pool = qgetenv("BENCH_SUBJECT_TOKENS").split(',');
    if (url.isEmpty() || auth.isEmpty() || pool.value(0).isEmpty()) {
        err << "bench_validate: set BENCH_URL, BENCH_AUTH_TOKEN and BENCH_SUBJECT_TOKENS\n";
        return 2;
    }
    Profile profile;
    profile.name = QStringLiteral("bench");
    profile.authUrl = QUrl(url);
    profile.caCertFile = qEnvironmentVariable("BENCH_CA_FILE");
    BenchConfig c;
    c.concurrency = p.value(QStringLiteral("concurrency")).toInt();
    c.durationMs = p.value(QStringLiteral("duration")).toLongLong() * 1000;
    c.timeoutMs = p.value(QStringLiteral("timeout")).toInt() * 1000;
    c.poolSize = int(pool.size());
    c.maxConsecutiveErrors = 1000000; // a stalling server is the point of one of the runs
    const double rate = p.value(QStringLiteral("rate")).toDouble();
    if (rate > 0) {
        c.mode = BenchConfig::Mode::Open;
        c.rate = rate;
    }
    if (const QString why = c.validationError(); !why.isEmpty()) {
        err << "bench_validate: " << why << '\n';
        return 2;
    }
    BenchEngine engine(profile, {});
    engine.usePool(auth, pool);
    const BenchResult r = engine.measure(c);
    QTextStream(stdout) << QJsonDocument(r.toJson()).toJson(QJsonDocument::Indented);
    return r.failed() ? 1 : 0;
}
