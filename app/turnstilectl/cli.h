#pragma once

#include "exitcode.h"

#include <QSettings>
#include <QStringList>
#include <QTextStream>

#include <optional>

class QCommandLineParser;

namespace turnstile {

class ProfileStore;
struct ImportedCloud;
struct ImportResult;
struct ProbeResult;
class SecretStore;
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

// turnstilectl's command dispatcher. Each command parses its own options with
// QCommandLineParser. Exit codes: exitcode.h (documented in docs/cli.md).
class Cli
{
public:
    using enum exitcode::Code;

    Cli(QTextStream &out, QTextStream &err);
    int run(const QStringList &args);
    // A stored profile and its secrets (keychain, then environment, then a
    // prompt). Prints the reason and returns an exit code when it fails.
    int resolveProfile(const QString &name, Profile *profile, Secrets *secrets, bool quiet);
    // False, with the reason on stderr, when the profile file cannot be read
    // or parsed: QSettings reads such a file as empty, so each profile would
    // look unknown (or a list empty) and the next save would overwrite it.
    bool profileFileReadable();
    // The same verdict without a message (judged once per process).
    bool profileFileParses();

private:
    int cmdProbe(const QStringList &args);
    void printProbe(const ProbeResult &r);
    int cmdProfiles(const QStringList &args);
    // Moves database passwords still inside saved URLs to the keychain, once.
    void migrateDatabasePasswords();
    // The list of commands; on stdout with exit Ok when `arg` asks for help.
    int usage(const QString &arg = {});

    struct ImportOptions
    {
        QString profile; // add to this profile instead of naming profiles after clouds
        QString cloud;
    };
    int importClouds(const QString &path, const ImportOptions &o);
    int importOpenrc(const QString &file, const ImportOptions &o);
    int importKeystoneConf(const QString &path, const ImportOptions &o);
    int reportImport(const ImportResult &r, const ImportOptions &o);
    int saveImported(const QList<ImportedCloud> &clouds, const ImportOptions &o);
    bool storeSecrets(const Profile &profile, const Secrets &s);

    // Secrets for a profile: keychain first, then the documented environment
    // variables. Never from the command line.
    bool loadSecrets(const Profile &p, Secrets *s, bool quiet);
    QString promptSecret(const QString &label);

    QTextStream &m_out;
    QTextStream &m_err;
    std::optional<QSettings::Status> m_profileFileStatus;
};

} // namespace turnstile
