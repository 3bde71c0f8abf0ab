#pragma once

#include "clicontext.h"

#include <QStringList>
#include <QTextStream>

namespace turnstile {

class ProfileStore;
struct ImportedCloud;
struct ImportResult;
struct ProbeResult;
class SecretStore;
struct Profile;
struct Secrets;

// turnstilectl's command dispatcher. Each command parses its own options with
// QCommandLineParser. Exit codes: exitcode.h (documented in docs/cli.md).
class Cli
{
public:
    using enum exitcode::Code;

    Cli(QTextStream &out, QTextStream &err);
    int run(const QStringList &args);

private:
    int cmdProbe(const QStringList &args);
    void printProbe(const ProbeResult &r);
    int cmdProfiles(const QStringList &args);
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

    QTextStream &m_out;
    QTextStream &m_err;
    CliContext m_ctx;
};

} // namespace turnstile
