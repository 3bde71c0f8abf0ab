#pragma once

#include "clicontext.h"

#include <QList>
#include <QStringList>
#include <QTextStream>

namespace turnstile {

struct ImportedCloud;
struct ImportResult;
struct Profile;
struct Secrets;

// `turnstilectl profiles list|path|show|remove|import`: the connection
// profiles, and their import from clouds.yaml, an openrc file or a
// keystone.conf (docs/cli.md).
class ProfileCommands
{
public:
    using enum exitcode::Code;

    explicit ProfileCommands(CliContext &ctx);
    int run(const QStringList &args);

private:
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

    CliContext &m_ctx;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace turnstile
