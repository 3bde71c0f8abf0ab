#pragma once

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

// Every command's first step: parses `args` with `parser` (which has a help
// option). A parse error is printed to `err` (exit Usage), --help to `out`
// (exit Ok); nullopt means the command goes on.
std::optional<int> parseCommandLine(QCommandLineParser &parser, const QStringList &args,
                                    QTextStream &out, QTextStream &err);

// turnstilectl's command dispatcher. Each command parses its own options with
// QCommandLineParser. Exit codes (documented in docs/cli.md):
//   0 success, 1 the check ran and found a problem, 2 usage error,
//   3 configuration error (unknown profile, unreadable file), 4 keychain error.
class Cli
{
public:
    enum Exit
    {
        Ok = 0,
        Problem = 1,
        Usage = 2,
        Config = 3,
        Keychain = 4
    };

    Cli(QTextStream &out, QTextStream &err);
    int run(const QStringList &args);
    // A stored profile and its secrets (keychain, then environment, then a
    // prompt). Prints the reason and returns an exit code when it fails.
    int resolveProfile(const QString &name, Profile *profile, Secrets *secrets, bool quiet);

private:
    int cmdProbe(const QStringList &args);
    void printProbe(const ProbeResult &r);
    int cmdProfiles(const QStringList &args);
    // Moves database passwords still inside saved URLs to the keychain, once.
    void migrateDatabasePasswords();
    int usage();

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
};

} // namespace turnstile
