#include "cli.h"

#include "benchcommands.h"
#include "guardedcommands.h"
#include "historycommands.h"
#include "keycommands.h"
#include "probecommand.h"
#include "profilecommands.h"
#include "reportcommand.h"
#include "usercommands.h"

#include <QCoreApplication>

namespace turnstile {

namespace {
// lupdate resolves Tr::tr() through this declaration to the "Cli"
// context; a free Tr::tr() wrapper would leave the strings context-less.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Cli)
};
} // namespace

Cli::Cli(QTextStream &out, QTextStream &err) : m_out(out), m_err(err), m_ctx(out, err) {}

int Cli::usage(const QString &arg)
{
    const QString text = Tr::tr(
        "Usage: turnstilectl COMMAND [OPTIONS]\n"
        "\n"
        "Commands:\n"
        "  probe --profile NAME|--cloud NAME [--json]   version, health, timings, sizes, table "
        "counts\n"
        "  collect --profile NAME [--once | --interval 60s] [--exact] [--json]\n"
        "  history --profile NAME [--metric NAME] [--range 7d] [--points 800] [--json|--csv]\n"
        "  thresholds --profile NAME [--json]\n"
        "  report --profile NAME [--profile NAME...] [--range 30d] --out FILE.pdf|FILE.png\n"
        "  purge-tokens --profile NAME [--older-than 2d] [--batch 1000]\n"
        "               [--dry-run | --execute --confirm TARGET] [--json]\n"
        "  revocations prune|truncate --profile NAME [--dry-run | --execute --confirm TARGET\n"
        "               [--acknowledge N]] [--batch 1000] [--json]\n"
        "  audit [--profile NAME] [--json] [--verify]\n"
        "  keys status --profile NAME|--repository LOC... [--json]\n"
        "  keys rotate --profile NAME|--repository LOC... [--max-active-keys N]\n"
        "               [--dry-run | --execute --confirm TARGET [--acknowledge N]] [--json]\n"
        "  bench validate --profile NAME [--concurrency 20] [--duration 15s | --count N] [--rate "
        "R] [--json]\n"
        "  bench revocation-impact --profile NAME --steps 0,100,500,1000 --kind "
        "audit|user|project\n"
        "               [--dry-run | --execute --confirm TARGET] [--json]\n"
        "  bench runs --profile NAME [--json]\n"
        "  users locked|inactive|expiring --profile NAME [--within 7d] [--json|--csv]\n"
        "  users unlock --profile NAME --user NAME_OR_ID [--execute --confirm NAME] "
        "[--database-fallback]\n"
        "  profiles list [--json]\n"
        "  profiles path\n"
        "  profiles show|remove NAME\n"
        "  profiles import --clouds-yaml [PATH] [--cloud NAME] | --openrc FILE | --keystone-conf "
        "PATH\n"
        "                  [--profile NAME]\n"
        "  --version, --help\n"
        "\n"
        "Secrets come from the keychain or from OS_PASSWORD, OS_APPLICATION_CREDENTIAL_SECRET and\n"
        "TURNSTILE_DB_PASSWORD, never from the command line.\n");
    return printUsage(text, arg, m_out, m_err);
}

int Cli::run(const QStringList &args)
{
    if (args.size() < 2)
        return usage();
    const QString cmd = args.at(1);
    if (cmd == u"--version" || cmd == u"-v") {
        m_out << QCoreApplication::applicationName() << u' '
              << QCoreApplication::applicationVersion() << Qt::endl;
        return Ok;
    }
    if (cmd == u"--help" || cmd == u"-h" || cmd == u"help")
        return usage(cmd);
    // Each command sees "turnstilectl <cmd> ..." so its help names the
    // command as scripts call it, whatever path the binary was started by.
    QStringList rest = args.mid(1);
    rest[0] = QStringLiteral("turnstilectl ") + cmd;
    if (m_ctx.profileFileParses())
        m_ctx.migrateDatabasePasswords();
    if (cmd == u"probe")
        return ProbeCommand(m_ctx).run(rest);
    if (cmd == u"profiles")
        return ProfileCommands(m_ctx).run(rest);
    HistoryCommands history(m_ctx);
    if (cmd == u"collect")
        return history.collect(rest);
    if (cmd == u"history")
        return history.history(rest);
    if (cmd == u"thresholds")
        return history.thresholds(rest);
    if (cmd == u"report")
        return ReportCommand(m_ctx).run(rest);
    GuardedCommands guarded(m_ctx);
    if (cmd == u"purge-tokens")
        return guarded.purgeTokens(rest);
    if (cmd == u"revocations")
        return guarded.revocations(rest);
    if (cmd == u"audit")
        return guarded.audit(rest);
    if (cmd == u"keys")
        return KeyCommands(m_ctx).run(rest);
    if (cmd == u"users")
        return UserCommands(m_ctx).run(rest);
    if (cmd == u"bench")
        return BenchCommands(m_ctx).run(rest);
    m_err << Tr::tr("turnstilectl: unknown command \"%1\".").arg(cmd) << Qt::endl;
    return usage();
}

} // namespace turnstile
