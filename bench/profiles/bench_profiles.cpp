// Importing and listing many profiles (issue 15.14: 3,000 clouds were still
// importing after 120 s; listing 2,081 profiles took 45 s). Measures, for N
// profiles (default 5,000):
//   * ProfileStore::saveAll of N profiles, then ProfileStore::profiles();
//   * `turnstilectl profiles import --clouds-yaml` of a clouds.yaml with N
//     clouds, then `turnstilectl profiles list`, as processes (start-up
//     included), with no keychain reachable so that only the profile file is
//     measured.
// Prints a Markdown table. Exit status 0 when everything succeeded.
#include "profiles/profilestore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <cstdio>

using namespace turnstile;

namespace {

double msSince(const QElapsedTimer &t)
{
    return double(t.nsecsElapsed()) / 1e6;
}

struct Ctl
{
    int exitCode = -1;
    QByteArray out;
    double ms = 0;
};

Ctl ctl(const QTemporaryDir &dir, const QStringList &args)
{
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.insert(QStringLiteral("TURNSTILE_PROFILES"), dir.filePath(QStringLiteral("ctl.ini")));
    e.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config")));
    e.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
             QStringLiteral("unix:path=/nonexistent/turnstile-no-bus"));
    e.remove(QStringLiteral("OS_CLOUD"));
    p.setProcessEnvironment(e);
    p.setWorkingDirectory(dir.path());
    QElapsedTimer t;
    t.start();
    p.start(QStringLiteral(TURNSTILECTL_PATH), args);
    p.closeWriteChannel();
    p.waitForFinished(-1);
    Ctl r;
    r.ms = msSince(t);
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    QCommandLineOption countOpt(QStringLiteral("count"), QStringLiteral("Profiles (default 5000)."),
                                QStringLiteral("N"), QStringLiteral("5000"));
    parser.addOption(countOpt);
    parser.process(app);
    const int n = parser.value(countOpt).toInt();
    QTemporaryDir dir;

    QList<Profile> profiles;
    for (int i = 0; i < n; ++i) {
        Profile p;
        p.name = QStringLiteral("cloud-%1").arg(i);
        p.authUrl = QUrl(QStringLiteral("https://keystone%1.example:5000/v3").arg(i));
        p.username = QStringLiteral("monitor");
        p.projectName = QStringLiteral("ops");
        p.databaseUrl = QStringLiteral("mysql+pymysql://keystone@db%1.example/keystone").arg(i);
        profiles.append(p);
    }
    ProfileStore store(dir.filePath(QStringLiteral("store.ini")));
    QElapsedTimer t;
    t.start();
    QString error;
    if (!store.saveAll(profiles, &error)) {
        std::fprintf(stderr, "saveAll failed: %s\n", qPrintable(error));
        return 2;
    }
    const double saveMs = msSince(t);
    t.restart();
    const qsizetype listed = store.profiles().size();
    const double listMs = msSince(t);

    QByteArray yaml = "clouds:\n";
    for (int i = 0; i < n; ++i)
        yaml += QStringLiteral("  c%1:\n    auth: {auth_url: 'https://ks%1.example/v3', username: "
                               "u, project_name: p}\n")
                    .arg(i)
                    .toUtf8();
    QFile f(dir.filePath(QStringLiteral("clouds.yaml")));
    if (!f.open(QIODevice::WriteOnly) || f.write(yaml) != yaml.size())
        return 2;
    f.close();
    const Ctl import = ctl(dir, {QStringLiteral("profiles"), QStringLiteral("import"),
                                 QStringLiteral("--clouds-yaml"), f.fileName()});
    const Ctl list = ctl(dir, {QStringLiteral("profiles"), QStringLiteral("list")});
    const qsizetype lines = list.out.count('\n');

    std::printf("| %d profiles | ms |\n|---|---:|\n", n);
    std::printf("| ProfileStore::saveAll | %.0f |\n", saveMs);
    std::printf("| ProfileStore::profiles (%lld read) | %.0f |\n", qlonglong(listed), listMs);
    std::printf("| turnstilectl profiles import --clouds-yaml (exit %d) | %.0f |\n",
                import.exitCode, import.ms);
    std::printf("| turnstilectl profiles list (%lld lines, exit %d) | %.0f |\n", qlonglong(lines),
                list.exitCode, list.ms);
    return listed == n && lines == n && import.exitCode == 0 && list.exitCode == 0 ? 0 : 1;
}
