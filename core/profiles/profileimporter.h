#pragma once

#include "profiles/importedcloud.h"
#include "profiles/keystoneconf.h"

#include <QProcessEnvironment>
#include <QStringList>

namespace turnstile {

// One entry point per import source, shared by turnstilectl and the profile
// editor. They read files, so the GUI calls them through QtConcurrent.
struct ImportResult
{
    QList<ImportedCloud> clouds;
    QStringList warnings;
    QString error; // set when nothing could be imported
    QString sourceFile;
};

// clouds.yaml: an explicit path, or openstacksdk's search order when empty.
// cloud: one cloud, or empty for OS_CLOUD / every cloud.
ImportResult
importCloudsYaml(const QString &path, const QString &cloud,
                 const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());
// An openrc file, read without executing it; the cloud is named "envvars".
ImportResult importOpenrc(const QString &path);

struct ConfImportResult
{
    KeystoneConf conf;
    QStringList warnings;
    QString error;
};
ConfImportResult importKeystoneConf(const QString &path);

} // namespace turnstile
