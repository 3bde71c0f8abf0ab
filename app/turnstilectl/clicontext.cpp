#include "clicontext.h"

#include "history/historyconfig.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"
#include "util/duration.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>

#include <csignal>
#include <cstring>
#include <termios.h>
#include <unistd.h>

namespace turnstile {

namespace {
// The strings keep the "Cli" context they had in cli.cpp, so their
// translations still apply.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Cli)
};
} // namespace

std::optional<int> parseCommandLine(QCommandLineParser &parser, const QStringList &args,
                                    QTextStream &out, QTextStream &err)
{
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  Tr::tr("Show this help."));
    parser.addOption(help);
    if (!parser.parse(args)) {
        err << parser.errorText() << Qt::endl;
        return exitcode::Usage;
    }
    if (parser.isSet(help)) {
        // Qt names the program by the path it was started with; scripts and
        // the docs call it by the command ("turnstilectl keys status").
        QString text = parser.helpText();
        const QString program = QCoreApplication::arguments().value(0);
        if (const qsizetype at = program.isEmpty() ? -1 : text.indexOf(program); at >= 0)
            text.replace(at, program.size(), args.value(0));
        out << text;
        return exitcode::Ok;
    }
    return std::nullopt;
}

int printUsage(const QString &usage, const QString &arg, QTextStream &out, QTextStream &err)
{
    const bool asked = arg == u"--help" || arg == u"-h" || arg == u"help";
    (asked ? out : err) << usage << (usage.endsWith(u'\n') ? "" : "\n") << Qt::flush;
    return asked ? exitcode::Ok : exitcode::Usage;
}

CliContext::CliContext(QTextStream &out, QTextStream &err) : m_out(out), m_err(err) {}

bool CliContext::profileFileParses()
{
    // QSettings parses a file once per process and caches it: a second
    // QSettings on the same file reports NoError even when the first one saw
    // a FormatError. So the file is judged once, before anything else reads
    // it, and every later check repeats that verdict.
    if (!m_profileFileStatus) {
        const QString file = ProfileStore::defaultFile();
        const QFileInfo info(file);
        if (!info.exists()) {
            m_profileFileStatus = QSettings::NoError; // no profiles yet
        } else {
            const QSettings settings(file, QSettings::IniFormat);
            m_profileFileStatus =
                info.isFile() && info.isReadable() ? settings.status() : QSettings::AccessError;
        }
    }
    return *m_profileFileStatus == QSettings::NoError;
}

bool CliContext::profileFileReadable()
{
    if (profileFileParses())
        return true;
    m_err << (*m_profileFileStatus == QSettings::FormatError
                  ? Tr::tr("turnstilectl: the profile file %1 is not a valid INI file; repair it "
                           "or move it aside.")
                  : Tr::tr("turnstilectl: the profile file %1 cannot be read."))
                 .arg(ProfileStore::defaultFile())
          << Qt::endl;
    return false;
}

void CliContext::migrateDatabasePasswords()
{
    // Versions before this one saved a password typed into the database URL
    // as it was. Such a password moves to the keychain on the first run that
    // can write there, and the file is rewritten without it.
    ProfileStore store;
    if (!QFileInfo::exists(store.fileName()))
        return;
    const QHash<QString, QString> found = store.databasePasswordsInFile();
    if (found.isEmpty())
        return;
    QStringList moved;
    for (const Profile &p : store.profiles()) {
        const auto it = found.constFind(p.name);
        if (it == found.constEnd())
            continue;
        SecretStore keychain;
        if (p.allowPlaintextSecrets)
            keychain.setPlaintextProfiles({p.name});
        // A password already in the keychain is the one every connection used
        // (the URL's was never sent); it stays.
        const SecretResult existing = keychain.readBlocking(p.name, SecretKind::DatabasePassword);
        const SecretResult r =
            existing.ok && !existing.value.isEmpty()
                ? existing
                : keychain.writeBlocking(p.name, SecretKind::DatabasePassword, *it);
        if (!r.ok) {
            m_err << Tr::tr("warning: %1 holds the database password of profile %2 in plain "
                            "text and it could not be moved to the keychain: %3")
                         .arg(store.fileName(), p.name, r.error)
                  << Qt::endl;
            break; // the keychain is not there: the others would fail alike
        }
        moved.append(p.name);
    }
    if (moved.isEmpty())
        return;
    QString err;
    if (!store.stripDatabasePasswords(moved, &err)) {
        m_err << Tr::tr("warning: %1").arg(err) << Qt::endl;
        return;
    }
    m_err << Tr::tr("Moved the database password of %n profile(s) (%1) from %2 to the keychain; "
                    "the file no longer holds it.",
                    nullptr, int(moved.size()))
                 .arg(moved.join(QStringLiteral(", ")), store.fileName())
          << Qt::endl;
}

void CliContext::migrateLegacyThresholds()
{
    ProfileStore store;
    if (!QFileInfo::exists(store.fileName()))
        return;
    QString err;
    const QStringList moved = store.migrateLegacyThresholds(&err);
    if (!err.isEmpty())
        m_err << Tr::tr("warning: %1").arg(err) << Qt::endl;
    else if (!moved.isEmpty())
        m_err << Tr::tr("Moved the threshold overrides of %n profile(s) (%1) into their own "
                        "[thresholds.NAME] sections of %2.",
                        nullptr, int(moved.size()))
                     .arg(moved.join(QStringLiteral(", ")), store.fileName())
              << Qt::endl;
}

int CliContext::resolveProfile(const QString &name, Profile *profile, Secrets *secrets, bool quiet)
{
    if (!profileFileReadable())
        return exitcode::Config;
    ProfileStore store;
    bool found = false;
    *profile = store.profile(name, &found);
    if (!found) {
        m_err << Tr::tr("turnstilectl: no profile named \"%1\" in %2 (known: %3).")
                     .arg(name, store.fileName(),
                          store.names().isEmpty() ? Tr::tr("none")
                                                  : store.names().join(QStringLiteral(", ")))
              << Qt::endl;
        return exitcode::Config;
    }
    loadSecrets(*profile, secrets, quiet);
    return exitcode::Ok;
}

namespace {
// The terminal as it was before the prompt turned echo off, for the signal
// handler below: a Ctrl-C at the prompt must not leave the shell blind.
termios s_promptTerminal{};
volatile std::sig_atomic_t s_promptActive = 0;
struct sigaction s_promptOld[4];
constexpr int kPromptSignals[4] = {SIGINT, SIGTERM, SIGQUIT, SIGHUP};

extern "C" void restoreEchoAndDie(int sig)
{
    if (s_promptActive)
        tcsetattr(STDIN_FILENO, TCSANOW, &s_promptTerminal); // async-signal-safe
    // The default action, so the caller sees the process die of the signal.
    signal(sig, SIG_DFL);
    raise(sig);
}
} // namespace

QString CliContext::promptSecret(const QString &label)
{
    // Only when a person is there to answer; cron and scripts get a clear
    // error instead of a hang.
    if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
        return {};
    m_err << label << Qt::flush;
    termios old{};
    tcgetattr(STDIN_FILENO, &old);
    s_promptTerminal = old;
    s_promptActive = 1;
    struct sigaction sa
    {};
    sa.sa_handler = restoreEchoAndDie;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 4; ++i)
        sigaction(kPromptSignals[i], &sa, &s_promptOld[i]);
    termios quiet = old;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    // read(2), not stdio: stdin's FILE buffer would keep a copy of the line
    // that nothing here could wipe.
    char buf[1024];
    size_t len = 0;
    while (len < sizeof buf - 1) {
        const ssize_t n = read(STDIN_FILENO, buf + len, 1);
        if (n <= 0 || buf[len] == '\n')
            break;
        ++len;
    }
    buf[len] = '\0';
    const bool got = len > 0;
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    s_promptActive = 0;
    for (int i = 0; i < 4; ++i)
        sigaction(kPromptSignals[i], &s_promptOld[i], nullptr);
    m_err << Qt::endl;
    QString v = got ? QString::fromLocal8Bit(buf) : QString();
    // The secret lives on in the returned QString only, not in a stack
    // buffer that a later call or a core would show.
    explicit_bzero(buf, sizeof buf);
    while (v.endsWith(u'\n') || v.endsWith(u'\r'))
        v.chop(1);
    return v;
}

bool CliContext::loadSecrets(const Profile &p, Secrets *s, bool quiet)
{
    SecretStore store;
    if (p.allowPlaintextSecrets)
        store.setPlaintextProfiles({p.name});
    QString error;
    bool ok = store.readAllBlocking(p.name, s, &error);
    if (!ok && !quiet)
        m_err << Tr::tr("warning: %1 Falling back to environment variables.").arg(error)
              << Qt::endl;
    // The environment fills what the keychain does not have (cron jobs,
    // containers); it never overrides a stored secret silently.
    const QByteArray envPw = qgetenv("OS_PASSWORD");
    const QByteArray envAc = qgetenv("OS_APPLICATION_CREDENTIAL_SECRET");
    const QByteArray envDb = qgetenv("TURNSTILE_DB_PASSWORD");
    if (s->password.isEmpty() && !envPw.isEmpty())
        s->password = QString::fromLocal8Bit(envPw);
    if (s->applicationCredentialSecret.isEmpty() && !envAc.isEmpty())
        s->applicationCredentialSecret = QString::fromLocal8Bit(envAc);
    if (s->databasePassword.isEmpty() && !envDb.isEmpty())
        s->databasePassword = QString::fromLocal8Bit(envDb);
    if (p.authMethod == AuthMethod::Password && s->password.isEmpty())
        s->password =
            promptSecret(Tr::tr("Password for %1 (profile %2): ").arg(p.username, p.name));
    else if (p.authMethod == AuthMethod::ApplicationCredential &&
             s->applicationCredentialSecret.isEmpty())
        s->applicationCredentialSecret =
            promptSecret(Tr::tr("Application credential secret (profile %1): ").arg(p.name));
    return ok;
}

std::optional<qint64> CliContext::durationOption(const QCommandLineParser &parser,
                                                 const QString &name, const QString &command) const
{
    QString why;
    const std::optional<qint64> seconds = parseDuration(parser.value(name), &why);
    if (!seconds)
        m_err << Tr::tr("turnstilectl %1: --%2: %3").arg(command, name, why) << Qt::endl;
    return seconds;
}

HistoryConfig CliContext::historyConfig() const
{
    // The one resolver the window uses too (core/history/historyconfig.h).
    SecretStore keychain;
    return HistoryConfig::resolveWithPasswordBlocking(keychain);
}

} // namespace turnstile
