#pragma once

#include "profiles/importedcloud.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QVariantMap>

namespace turnstile {

// clouds.yaml (+ secure.yaml) read with openstacksdk's conventions
// (openstack/config/loader.py), so that a cloud works in Turnstile exactly
// when it works with `openstack --os-cloud NAME`:
//  - the first clouds.{yaml,yml,json} found wins: $OS_CLIENT_CONFIG_FILE,
//    then the current directory, the per-user and the system directory;
//  - secure.yaml is found the same way ($OS_CLIENT_SECURE_FILE first) and
//    merged over clouds.yaml key by key, its values winning;
//  - $OS_CLOUD names the default cloud;
//  - `regions` (names or {name, values} mappings) yields one profile per
//    region, named "<cloud>-<region>"; a single region keeps "<cloud>".
// yaml-cpp never throws out of this class: every problem is a sentence.
class CloudsYaml
{
public:
    // openstacksdk's search directories for this environment, in order.
    static QStringList
    defaultSearchDirs(const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());
    // Path of the clouds / secure file openstacksdk would read, or empty.
    static QString findCloudsFile(const QProcessEnvironment &env, const QStringList &searchDirs);
    static QString findSecureFile(const QProcessEnvironment &env, const QStringList &searchDirs);

    // Finds and reads clouds.yaml and secure.yaml; remembers $OS_CLOUD.
    bool load(const QProcessEnvironment &env, const QStringList &searchDirs,
              QString *error = nullptr);
    // Reads the given files; securePath may be empty.
    bool loadFiles(const QString &cloudsPath, const QString &securePath, QString *error = nullptr);
    // Reads YAML text; sourceName names it in messages. Replaces what was loaded.
    bool parse(const QByteArray &yaml, const QString &sourceName, QString *error = nullptr);
    // Merges a secure.yaml over what parse() read.
    bool mergeSecure(const QByteArray &yaml, const QString &sourceName, QString *error = nullptr);

    QString cloudsFile() const { return m_cloudsFile; }
    QString secureFile() const { return m_secureFile; }
    // Cloud names in file order (clouds only in secure.yaml come last).
    QStringList cloudNames() const { return m_order; }
    // $OS_CLOUD as given to load(), else the only cloud, else empty.
    QString defaultCloud() const;
    void setDefaultCloud(const QString &name) { m_defaultCloud = name; }

    // The profiles of one cloud, one per region.
    QList<ImportedCloud> importCloud(const QString &name, QString *error = nullptr) const;
    // `name`, else defaultCloud(), else every cloud. When importing every
    // cloud, a cloud Turnstile cannot use is skipped with a sentence in
    // *warnings; an error only when nothing could be imported.
    QList<ImportedCloud> importClouds(const QString &name, QStringList *warnings = nullptr,
                                      QString *error = nullptr) const;

    // openstacksdk's rules for one cloud's settings (a clouds.yaml entry or
    // the OS_* variables as lower-case keys). `where` starts every message,
    // e.g. "clouds.yaml line 4". Shared with the openrc importer.
    static QList<ImportedCloud> profilesFromConfig(const QString &cloudName,
                                                   const QVariantMap &config, const QString &where,
                                                   QString *error = nullptr);

private:
    QString where(const QString &cloud) const;

    QVariantMap m_root; // the whole document, secure.yaml merged in
    QStringList m_order;
    QHash<QString, int> m_cloudLines; // 1-based line of each cloud in clouds.yaml
    QString m_cloudsFile;
    QString m_secureFile;
    QString m_defaultCloud;
};

} // namespace turnstile
