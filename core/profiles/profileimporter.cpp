#include "profiles/profileimporter.h"

#include "profiles/cloudsyaml.h"
#include "profiles/openrc.h"

#include <QFileInfo>

namespace turnstile {

ImportResult importCloudsYaml(const QString &path, const QString &cloud,
                              const QProcessEnvironment &env)
{
    ImportResult r;
    CloudsYaml yaml;
    bool loaded = false;
    if (path.isEmpty()) {
        loaded = yaml.load(env, CloudsYaml::defaultSearchDirs(env), &r.error);
    } else {
        // secure.yaml next to an explicitly named clouds.yaml still overrides it.
        const QString secure = CloudsYaml::findSecureFile(env, {QFileInfo(path).absolutePath()});
        loaded = yaml.loadFiles(path, secure, &r.error);
        // OS_CLOUD picks the cloud in a named file as in a found one.
        yaml.setDefaultCloud(env.value(QStringLiteral("OS_CLOUD")).trimmed());
    }
    r.sourceFile = yaml.cloudsFile();
    if (!loaded)
        return r;
    r.clouds = yaml.importClouds(cloud, &r.warnings, &r.error);
    if (!r.clouds.isEmpty())
        r.error.clear();
    return r;
}

ImportResult importOpenrc(const QString &path)
{
    ImportResult r;
    r.sourceFile = path;
    const OpenrcFile rc = parseOpenrcFile(path, &r.error);
    if (!r.error.isEmpty())
        return r;
    r.warnings = rc.warnings;
    const ImportedCloud cloud = fromEnvironment(rc.environment, &r.error);
    if (r.error.isEmpty())
        r.clouds.append(cloud);
    return r;
}

ConfImportResult importKeystoneConf(const QString &path)
{
    ConfImportResult r;
    r.conf = KeystoneConf::load(path, &r.error);
    if (r.error.isEmpty() && !r.conf.databaseError.isEmpty())
        r.warnings.append(r.conf.databaseError);
    return r;
}

} // namespace turnstile
