#include "cli.h"

#include "benchcommands.h"
#include "eventcommands.h"
#include "guardedcommands.h"
#include "historycommands.h"
#include "keycommands.h"
#include "probecommand.h"
#include "producerscommand.h"
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

// One usage form of a command: the table below is both the dispatch and the
// list of commands the usage prints, so the two cannot disagree. A command
// with several forms (keys status, keys rotate) has a row for each, all with
// the same handler; the first row of a name is the one dispatched to.
struct Command
{
    const char *name;
    // What the usage prints after "  NAME ", marked for the "Cli" context;
    // continuation lines carry their own indentation.
    const char *synopsis;
    // Called with "turnstilectl NAME" and the arguments after the name.
    int (*run)(CliContext &ctx, const QStringList &args);
};

constexpr Command kCommands[] = {
    {"probe",
     QT_TRANSLATE_NOOP("Cli", "--profile NAME|--cloud NAME [--json]   version, health, timings, "
                              "sizes, table counts"),
     [](CliContext &c, const QStringList &a) { return ProbeCommand(c).run(a); }},
    {"collect",
     QT_TRANSLATE_NOOP("Cli", "--profile NAME [--once | --interval 60s] [--exact] [--json] "
                              "[--listen ADDRESS:PORT]"),
     [](CliContext &c, const QStringList &a) { return HistoryCommands(c).collect(a); }},
    {"history",
     QT_TRANSLATE_NOOP("Cli",
                       "--profile NAME [--metric NAME] [--range 7d] [--points 800] [--json|--csv]"),
     [](CliContext &c, const QStringList &a) { return HistoryCommands(c).history(a); }},
    {"events",
     QT_TRANSLATE_NOOP("Cli", "--profile NAME [--follow] [--since 1h] [--action ACTION] "
                              "[--outcome OUTCOME] [--json|--csv]"),
     [](CliContext &c, const QStringList &a) { return EventCommands(c).events(a); }},
    {"producers",
     QT_TRANSLATE_NOOP("Cli", "--profile NAME [--since 1h] [--source auto|events|table] [--top 10] "
                              "[--json|--csv]"),
     [](CliContext &c, const QStringList &a) { return ProducersCommand(c).run(a); }},
    {"thresholds", QT_TRANSLATE_NOOP("Cli", "--profile NAME [--json]"),
     [](CliContext &c, const QStringList &a) { return HistoryCommands(c).thresholds(a); }},
    {"report",
     QT_TRANSLATE_NOOP("Cli",
                       "--profile NAME [--profile NAME...] [--range 30d] --out FILE.pdf|FILE.png"),
     [](CliContext &c, const QStringList &a) { return ReportCommand(c).run(a); }},
    {"purge-tokens",
     QT_TRANSLATE_NOOP("Cli", "--profile NAME [--older-than 2d] [--batch 1000]\n"
                              "               [--dry-run | --execute --confirm TARGET] [--json]"),
     [](CliContext &c, const QStringList &a) { return GuardedCommands(c).purgeTokens(a); }},
    {"revocations",
     QT_TRANSLATE_NOOP("Cli", "prune|truncate --profile NAME [--dry-run | --execute --confirm "
                              "TARGET\n"
                              "               [--acknowledge N]] [--batch 1000] [--json]"),
     [](CliContext &c, const QStringList &a) { return GuardedCommands(c).revocations(a); }},
    {"flush-trusts",
     QT_TRANSLATE_NOOP("Cli", "--profile NAME [--project-id ID] [--trustor-user-id ID] "
                              "[--trustee-user-id ID]\n"
                              "               [--date DD-MM-YYYY] [--dry-run | --execute --confirm "
                              "TARGET [--acknowledge N]]\n"
                              "               [--batch 1000] [--json]"),
     [](CliContext &c, const QStringList &a) { return GuardedCommands(c).flushTrusts(a); }},
    {"prune-password-history",
     QT_TRANSLATE_NOOP("Cli", "--profile NAME [--batch 1000] [--dry-run | --execute --confirm "
                              "TARGET] [--json]"),
     [](CliContext &c, const QStringList &a) {
         return GuardedCommands(c).prunePasswordHistory(a);
     }},
    {"rebuild-table",
     QT_TRANSLATE_NOOP("Cli", "--profile NAME --table token|revocation_event|trust|password|… "
                              "[--full]\n"
                              "               [--dry-run | --execute --confirm TARGET "
                              "[--acknowledge N]] [--json]"),
     [](CliContext &c, const QStringList &a) { return GuardedCommands(c).rebuildTable(a); }},
    {"audit", QT_TRANSLATE_NOOP("Cli", "[--profile NAME] [--json] [--verify]"),
     [](CliContext &c, const QStringList &a) { return GuardedCommands(c).audit(a); }},
    {"keys", QT_TRANSLATE_NOOP("Cli", "status --profile NAME|--repository LOC... [--json]"),
     [](CliContext &c, const QStringList &a) { return KeyCommands(c).run(a); }},
    {"keys",
     QT_TRANSLATE_NOOP("Cli", "rotate --profile NAME|--repository LOC... [--max-active-keys N]\n"
                              "               [--dry-run | --execute --confirm TARGET "
                              "[--acknowledge N]] [--json]"),
     [](CliContext &c, const QStringList &a) { return KeyCommands(c).run(a); }},
    {"bench",
     QT_TRANSLATE_NOOP("Cli", "validate --profile NAME [--concurrency 20] [--duration 15s | "
                              "--count N] [--rate R] [--json]"),
     [](CliContext &c, const QStringList &a) { return BenchCommands(c).run(a); }},
    {"bench",
     QT_TRANSLATE_NOOP("Cli", "revocation-impact --profile NAME --steps 0,100,500,1000 --kind "
                              "audit|user|project\n"
                              "               [--dry-run | --execute --confirm TARGET] [--json]"),
     [](CliContext &c, const QStringList &a) { return BenchCommands(c).run(a); }},
    {"bench", QT_TRANSLATE_NOOP("Cli", "runs --profile NAME [--json]"),
     [](CliContext &c, const QStringList &a) { return BenchCommands(c).run(a); }},
    {"users",
     QT_TRANSLATE_NOOP("Cli",
                       "locked|inactive|expiring --profile NAME [--within 7d] [--json|--csv]"),
     [](CliContext &c, const QStringList &a) { return UserCommands(c).run(a); }},
    {"users",
     QT_TRANSLATE_NOOP("Cli", "unlock --profile NAME --user NAME_OR_ID [--execute --confirm NAME] "
                              "[--database-fallback]"),
     [](CliContext &c, const QStringList &a) { return UserCommands(c).run(a); }},
    {"profiles", QT_TRANSLATE_NOOP("Cli", "list [--json]"),
     [](CliContext &c, const QStringList &a) { return ProfileCommands(c).run(a); }},
    {"profiles", QT_TRANSLATE_NOOP("Cli", "path"),
     [](CliContext &c, const QStringList &a) { return ProfileCommands(c).run(a); }},
    {"profiles", QT_TRANSLATE_NOOP("Cli", "show|remove NAME"),
     [](CliContext &c, const QStringList &a) { return ProfileCommands(c).run(a); }},
    {"profiles",
     QT_TRANSLATE_NOOP("Cli", "import --clouds-yaml [PATH] [--cloud NAME] | --openrc FILE | "
                              "--keystone-conf PATH\n"
                              "                  [--profile NAME]"),
     [](CliContext &c, const QStringList &a) { return ProfileCommands(c).run(a); }},
};
} // namespace

Cli::Cli(QTextStream &out, QTextStream &err) : m_out(out), m_err(err), m_ctx(out, err) {}

int Cli::usage(const QString &arg)
{
    QString text = Tr::tr("Usage: turnstilectl COMMAND [OPTIONS]\n"
                          "\n"
                          "Commands:\n");
    for (const Command &c : kCommands)
        text += QStringLiteral("  ") + QLatin1String(c.name) + u' ' +
                QCoreApplication::translate("Cli", c.synopsis) + u'\n';
    text += Tr::tr("  --version, --help\n"
                   "\n"
                   "Secrets come from the keychain or from OS_PASSWORD, "
                   "OS_APPLICATION_CREDENTIAL_SECRET and\n"
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
    if (m_ctx.profileFileParses()) {
        m_ctx.migrateDatabasePasswords();
        m_ctx.migrateLegacyThresholds();
    }
    for (const Command &c : kCommands)
        if (cmd == QLatin1String(c.name))
            return c.run(m_ctx, rest);
    m_err << Tr::tr("turnstilectl: unknown command \"%1\".").arg(cmd) << Qt::endl;
    return usage();
}

} // namespace turnstile
