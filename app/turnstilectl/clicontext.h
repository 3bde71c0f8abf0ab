#pragma once

#include "exitcode.h"
#include "history/historyconfig.h"

#include <QSettings>
#include <QStringList>
#include <QTextStream>

#include <optional>

class QCommandLineParser;

namespace turnstile {

struct Profile;
struct Secrets;

// Every command's first step: adds -h/--help to `parser` (commands do not call
// addHelpOption(): that also adds Qt's --help-all, which means nothing here)
// and parses `args`, whose first element names the command ("turnstilectl
// keys status"). A parse error is printed to `err` (exit Usage), --help to
// `out` (exit Ok); nullopt means the command goes on.
std::optional<int> parseCommandLine(QCommandLineParser &parser, const QStringList &args,
                                    QTextStream &out, QTextStream &err);

// The usage of turnstilectl itself or of a command with sub-commands (keys,
// users, bench) when no sub-command matched: asked for (`arg` is --help, -h
// or help) it goes to `out` with exit Ok, else to `err` with exit Usage.
int printUsage(const QString &usage, const QString &arg, QTextStream &out, QTextStream &err);

// What every turnstilectl command is handed: where it prints, how it finds a
// profile and its secrets, and where the history store is. Commands take this
// instead of the dispatcher (Cli), so the dispatcher is only its table of
// commands and a command can be run without it.
class CliContext
{
public:
    CliContext(QTextStream &out, QTextStream &err);
    CliContext(const CliContext &) = delete;
    CliContext &operator=(const CliContext &) = delete;

    QTextStream &out() const { return m_out; }
    QTextStream &err() const { return m_err; }

    // A stored profile and its secrets (keychain, then environment, then a
    // prompt). Prints the reason and returns an exit code when it fails.
    int resolveProfile(const QString &name, Profile *profile, Secrets *secrets, bool quiet);
    // False, with the reason on stderr, when the profile file cannot be read
    // or parsed: QSettings reads such a file as empty, so each profile would
    // look unknown (or a list empty) and the next save would overwrite it.
    bool profileFileReadable();
    // The same verdict without a message (judged once per process).
    bool profileFileParses();
    // Secrets for a profile: keychain first, then the documented environment
    // variables, then a prompt on a terminal. Never from the command line.
    bool loadSecrets(const Profile &p, Secrets *s, bool quiet);
    // Moves database passwords still inside saved URLs to the keychain, once.
    void migrateDatabasePasswords();
    // Threshold overrides written as JSON inside a profile's JSON (earlier
    // versions) move to the profile's [thresholds.NAME] section, once.
    void migrateLegacyThresholds();

    // The history store every command that reads or writes history uses:
    // HistoryConfig::resolveWithPasswordBlocking, the window's resolver too.
    HistoryConfig historyConfig() const;

    // The value of a duration option ("7d", "90s") in seconds; otherwise says
    // "turnstilectl COMMAND: --NAME: why" on the error stream and returns
    // nothing. The one way every command reads a duration.
    std::optional<qint64> durationOption(const QCommandLineParser &parser, const QString &name,
                                         const QString &command) const;

private:
    QString promptSecret(const QString &label);

    QTextStream &m_out;
    QTextStream &m_err;
    std::optional<QSettings::Status> m_profileFileStatus;
};

} // namespace turnstile
