#include "profiles/cloudsyaml.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUrl>

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <exception>
#include <optional>

namespace turnstile {

namespace {

// lupdate resolves Tr::tr() through this declaration to the "CloudsYaml"
// context; a free Tr::tr() wrapper would leave the strings context-less.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(CloudsYaml)
};

// clouds.yaml files are a few KB. The limits stop a hostile or corrupt file
// (e.g. nested YAML aliases, which expand exponentially) from eating memory.
constexpr qint64 kMaxFileSize = 4 * 1024 * 1024;
constexpr int kMaxNodes = 200000;
constexpr int kMaxDepth = 64;
// Aliases repeat text without repeating it in the file: count the text too.
constexpr qint64 kMaxTextBytes = 4 * kMaxFileSize;

QString fromStd(const std::string &s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QString markText(const QString &source, const YAML::Mark &mark)
{
    // yaml-cpp counts from 0 and uses -1 for "no position".
    if (mark.is_null() || mark.line < 0)
        return source;
    return Tr::tr("%1 line %2, column %3").arg(source).arg(mark.line + 1).arg(mark.column + 1);
}

// YAML -> QVariant: null -> invalid QVariant, scalar -> QString, sequence ->
// QVariantList, mapping -> QVariantMap (a repeated key: the last one wins, as
// with PyYAML).
class Converter
{
public:
    explicit Converter(const QString &source) : m_source(source) {}

    QString error() const { return m_error; }

    std::optional<QVariant> convert(const YAML::Node &node, int depth)
    {
        if (++m_nodes > kMaxNodes || depth > kMaxDepth)
            return fail(node.Mark(), Tr::tr("the document is too large or too deeply nested."));
        switch (node.Type()) {
        case YAML::NodeType::Undefined:
        case YAML::NodeType::Null:
            return QVariant();
        case YAML::NodeType::Scalar:
            if (!countText(node))
                return fail(node.Mark(), Tr::tr("the document is too large or too deeply nested."));
            return QVariant(fromStd(node.Scalar()));
        case YAML::NodeType::Sequence: {
            QVariantList list;
            for (const YAML::Node &child : node) {
                const auto v = convert(child, depth + 1);
                if (!v)
                    return std::nullopt;
                list.append(*v);
            }
            return QVariant(list);
        }
        case YAML::NodeType::Map: {
            QVariantMap map;
            for (auto it = node.begin(); it != node.end(); ++it) {
                if (!it->first.IsScalar())
                    return fail(it->first.Mark(), Tr::tr("a mapping key must be plain text."));
                if (!countText(it->first))
                    return fail(it->first.Mark(),
                                Tr::tr("the document is too large or too deeply nested."));
                const auto v = convert(it->second, depth + 1);
                if (!v)
                    return std::nullopt;
                map.insert(fromStd(it->first.Scalar()), *v);
            }
            return QVariant(map);
        }
        }
        return QVariant();
    }

private:
    bool countText(const YAML::Node &scalar)
    {
        m_textBytes += qint64(scalar.Scalar().size());
        return m_textBytes <= kMaxTextBytes;
    }

    std::optional<QVariant> fail(const YAML::Mark &mark, const QString &msg)
    {
        if (m_error.isEmpty())
            m_error = Tr::tr("%1: %2").arg(markText(m_source, mark), msg);
        return std::nullopt;
    }

    QString m_source;
    QString m_error;
    int m_nodes = 0;
    qint64 m_textBytes = 0;
};

struct ParsedDocument
{
    QVariantMap root;
    QStringList cloudOrder;
    QHash<QString, int> cloudLines;
};

// Parses one YAML document into a mapping. Never throws.
std::optional<ParsedDocument> parseDocument(const QByteArray &data, const QString &source,
                                            QString *error)
{
    auto fail = [&](const QString &msg) -> std::optional<ParsedDocument> {
        if (error)
            *error = msg;
        return std::nullopt;
    };
    if (data.size() > kMaxFileSize)
        return fail(Tr::tr("%1 is too large to be a clouds.yaml file.").arg(source));
    try {
        const YAML::Node doc = YAML::Load(data.toStdString());
        ParsedDocument out;
        if (doc.IsNull() || !doc.IsDefined())
            return out; // an empty file: no clouds, which the caller reports
        if (!doc.IsMap())
            return fail(Tr::tr("%1: the top level must be a mapping (e.g. \"clouds:\").")
                            .arg(markText(source, doc.Mark())));
        Converter conv(source);
        const auto root = conv.convert(doc, 0);
        if (!root)
            return fail(conv.error());
        out.root = root->toMap();
        // Cloud order and positions, for listings and messages.
        for (auto it = doc.begin(); it != doc.end(); ++it) {
            if (!it->first.IsScalar() || it->first.Scalar() != "clouds" || !it->second.IsMap())
                continue;
            out.cloudOrder.clear();
            for (auto c = it->second.begin(); c != it->second.end(); ++c) {
                const QString name = fromStd(c->first.Scalar());
                out.cloudOrder.removeAll(name);
                out.cloudOrder.append(name);
                out.cloudLines.insert(name, c->first.Mark().line + 1);
            }
        }
        return out;
    } catch (const YAML::Exception &e) {
        return fail(Tr::tr("%1: the YAML is malformed (%2).")
                        .arg(markText(source, e.mark), fromStd(e.msg)));
    } catch (const std::exception &) {
        return fail(Tr::tr("%1 could not be read as YAML.").arg(source));
    }
}

// openstacksdk's _util.merge_clouds: like dict.update, recursing into mappings.
QVariantMap mergeMaps(const QVariantMap &base, const QVariantMap &over)
{
    QVariantMap out = base;
    for (auto it = over.cbegin(); it != over.cend(); ++it) {
        const QVariant &v = it.value();
        if (v.typeId() == QMetaType::QVariantMap &&
            out.value(it.key()).typeId() == QMetaType::QVariantMap)
            out.insert(it.key(), mergeMaps(out.value(it.key()).toMap(), v.toMap()));
        else
            out.insert(it.key(), v);
    }
    return out;
}

// openstacksdk's _util.normalize_keys: "auth-url" is "auth_url".
QVariant normalizeKeys(const QVariant &v)
{
    if (v.typeId() == QMetaType::QVariantMap) {
        QVariantMap out;
        const QVariantMap in = v.toMap();
        for (auto it = in.cbegin(); it != in.cend(); ++it) {
            QString key = it.key();
            key.replace(u'-', u'_');
            out.insert(key, normalizeKeys(it.value()));
        }
        return out;
    }
    if (v.typeId() == QMetaType::QVariantList) {
        QVariantList out;
        for (const QVariant &e : v.toList())
            out.append(normalizeKeys(e));
        return out;
    }
    return v;
}

bool isMap(const QVariant &v)
{
    return v.typeId() == QMetaType::QVariantMap;
}

bool isList(const QVariant &v)
{
    return v.typeId() == QMetaType::QVariantList;
}

// YAML 1.1 booleans, as PyYAML (and so openstacksdk) reads them.
std::optional<bool> yamlBool(const QString &s)
{
    const QString v = s.trimmed().toLower();
    if (v == u"true" || v == u"yes" || v == u"on")
        return true;
    if (v == u"false" || v == u"no" || v == u"off")
        return false;
    return std::nullopt;
}

// Reads one cloud's settings; the first problem is kept as a sentence.
class CloudReader
{
public:
    CloudReader(const QString &cloud, const QVariantMap &config, const QString &where)
        : m_cloud(cloud), m_config(config), m_auth(config.value(QStringLiteral("auth")).toMap()),
          m_where(where)
    {}

    bool failed() const { return !m_error.isEmpty(); }
    QString error() const { return m_error; }

    void fail(const QString &msg)
    {
        if (m_error.isEmpty())
            m_error = Tr::tr("%1: cloud \"%2\": %3").arg(m_where, m_cloud, msg);
    }

    // A text setting from `auth`, else from the cloud itself (openstacksdk
    // moves plugin options found at the top level into auth). The first name
    // found wins; empty and null count as absent.
    QString text(std::initializer_list<const char *> names)
    {
        for (const char *n : names) {
            const QString key = QString::fromLatin1(n);
            for (const QVariantMap *m : {&m_auth, &m_config}) {
                const QVariant v = m->value(key);
                if (!v.isValid() || v.isNull())
                    continue;
                if (isMap(v) || isList(v)) {
                    fail(Tr::tr("\"%1\" must be a single value.").arg(key));
                    return {};
                }
                const QString s = v.toString().trimmed();
                if (!s.isEmpty())
                    return s;
            }
        }
        return {};
    }

private:
    QString m_cloud;
    QVariantMap m_config;
    QVariantMap m_auth;
    QString m_where;
    QString m_error;
};

struct Region
{
    QString name;
    QVariantMap values;
};

// openstacksdk's _get_known_regions / _expand_regions.
std::optional<QList<Region>> regionsOf(const QVariantMap &cloud, QString *problem)
{
    QList<Region> out;
    QVariantList entries;
    if (cloud.contains(QStringLiteral("regions"))) {
        const QVariant r = cloud.value(QStringLiteral("regions"));
        if (isList(r))
            entries = r.toList();
        else if (r.isValid() && !r.isNull() && !isMap(r))
            entries = {r}; // a single name written without a list
        else if (isMap(r)) {
            *problem = Tr::tr("\"regions\" must be a list.");
            return std::nullopt;
        }
    } else if (cloud.contains(QStringLiteral("region_name"))) {
        const QVariant r = cloud.value(QStringLiteral("region_name"));
        if (isList(r)) {
            entries = r.toList();
        } else if (!isMap(r)) {
            // A comma separated list is deprecated but still accepted.
            for (const QString &n : r.toString().split(u','))
                entries.append(n.trimmed());
        }
    }
    for (const QVariant &e : std::as_const(entries)) {
        if (isMap(e)) {
            const QVariantMap m = e.toMap();
            const QString name = m.value(QStringLiteral("name")).toString().trimmed();
            bool onlyKnownKeys = true;
            for (const QString &k : m.keys())
                onlyKnownKeys = onlyKnownKeys && (k == u"name" || k == u"values");
            const QVariant values = m.value(QStringLiteral("values"));
            if (name.isEmpty() || !onlyKnownKeys ||
                (values.isValid() && !values.isNull() && !isMap(values))) {
                *problem = Tr::tr(
                    "a \"regions\" entry must be a name or a mapping with \"name\" and optional "
                    "\"values\".");
                return std::nullopt;
            }
            out.append({name, values.toMap()});
        } else if (isList(e)) {
            *problem = Tr::tr("a \"regions\" entry must be a name or a mapping with \"name\" and "
                              "optional \"values\".");
            return std::nullopt;
        } else {
            const QString name = e.toString().trimmed();
            if (!name.isEmpty())
                out.append({name, {}});
        }
    }
    if (out.isEmpty())
        out.append({QString(), {}}); // no region: the catalog's only one
    return out;
}

// Region values override the cloud's; `auth` is updated, not replaced
// (openstacksdk's get_one).
QVariantMap withRegionValues(QVariantMap cloud, const QVariantMap &values)
{
    cloud.remove(QStringLiteral("regions"));
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        if (it.value().isNull() || !it.value().isValid())
            continue;
        if (it.key() == u"auth" && isMap(it.value())) {
            QVariantMap auth = cloud.value(QStringLiteral("auth")).toMap();
            const QVariantMap over = it.value().toMap();
            for (auto a = over.cbegin(); a != over.cend(); ++a)
                auth.insert(a.key(), a.value());
            cloud.insert(QStringLiteral("auth"), auth);
        } else {
            cloud.insert(it.key(), it.value());
        }
    }
    return cloud;
}

std::optional<ImportedCloud> profileFor(const QString &profileName, const QString &cloudName,
                                        const QString &regionName, const QVariantMap &config,
                                        const QString &where, QString *error)
{
    CloudReader r(cloudName, config, where);
    const QVariant authVariant = config.value(QStringLiteral("auth"));
    if (authVariant.isValid() && !authVariant.isNull() && !isMap(authVariant))
        r.fail(Tr::tr("\"auth\" must be a mapping."));

    ImportedCloud out;
    Profile &p = out.profile;
    p.name = profileName;
    p.regionName = regionName;

    const QString authUrl = r.text({"auth_url"});
    if (authUrl.isEmpty() && !r.failed())
        r.fail(Tr::tr("auth.auth_url is missing."));
    // Stored as given: Keystone's version discovery works from the root URL
    // as well as from /v3.
    p.authUrl = QUrl(authUrl, QUrl::StrictMode);
    if (!r.failed()) {
        const QString scheme = p.authUrl.scheme().toLower();
        if (!p.authUrl.isValid() || (scheme != u"http" && scheme != u"https") ||
            p.authUrl.host().isEmpty())
            // Quote it without any user:password@ part someone may have put in.
            r.fail(Tr::tr("auth_url \"%1\" is not an http:// or https:// URL.")
                       .arg(authUrl.contains(u'@')
                                ? QUrl(authUrl).toDisplayString(QUrl::RemoveUserInfo)
                                : authUrl));
    }

    p.username = r.text({"username"});
    p.userId = r.text({"user_id"});
    // openstacksdk: project_* wins over the legacy tenant_* spelling.
    p.projectId = r.text({"project_id", "tenant_id"});
    p.projectName = r.text({"project_name", "tenant_name"});
    p.userDomainName = r.text({"user_domain_name"});
    p.userDomainId = r.text({"user_domain_id"});
    p.projectDomainName = r.text({"project_domain_name"});
    p.projectDomainId = r.text({"project_domain_id"});
    const QString domainName = r.text({"domain_name"});
    const QString domainId = r.text({"domain_id"});
    // openstacksdk's _handle_domain_id: for a project-scoped cloud, domain_*
    // is shorthand for both user and project domain; otherwise it is the
    // domain to scope to.
    if (!p.projectId.isEmpty() || !p.projectName.isEmpty()) {
        if (p.userDomainName.isEmpty())
            p.userDomainName = domainName;
        if (p.projectDomainName.isEmpty())
            p.projectDomainName = domainName;
        if (p.userDomainId.isEmpty())
            p.userDomainId = domainId;
        if (p.projectDomainId.isEmpty())
            p.projectDomainId = domainId;
    } else {
        p.domainName = domainName;
        p.domainId = domainId;
    }
    const QString systemScope = r.text({"system_scope"});
    if (!systemScope.isEmpty()) {
        if (systemScope.compare(u"all", Qt::CaseInsensitive) == 0 || yamlBool(systemScope) == true)
            p.systemScope = true;
        else if (yamlBool(systemScope) != false)
            r.fail(Tr::tr("system_scope must be \"all\", not \"%1\".").arg(systemScope));
    }
    p.applicationCredentialId = r.text({"application_credential_id"});
    p.applicationCredentialName = r.text({"application_credential_name"});

    out.secrets.password = r.text({"password"});
    out.secrets.applicationCredentialSecret = r.text({"application_credential_secret"});
    out.secrets.token = r.text({"token", "auth_token"});

    const QString authType = r.text({"auth_type", "auth_plugin"});
    if (authType.isEmpty()) {
        // openstacksdk defaults to "password"; a cloud that only carries an
        // application credential or a token clearly means that instead.
        if (!out.secrets.applicationCredentialSecret.isEmpty() ||
            !p.applicationCredentialId.isEmpty())
            p.authMethod = AuthMethod::ApplicationCredential;
        else if (!out.secrets.token.isEmpty() && out.secrets.password.isEmpty())
            p.authMethod = AuthMethod::Token;
        else
            p.authMethod = AuthMethod::Password;
    } else {
        bool ok = false;
        p.authMethod = authMethodFromString(authType, &ok);
        if (!ok)
            r.fail(Tr::tr("auth_type \"%1\" is not supported (Turnstile uses password, "
                          "v3applicationcredential "
                          "or token).")
                       .arg(authType));
    }

    QString interface = r.text({"interface", "endpoint_type"});
    if (interface.endsWith(u"URL")) // legacy "publicURL"
        interface.chop(3);
    if (!interface.isEmpty())
        p.interface = interface.toLower();

    p.caCertFile = r.text({"cacert"});
    p.clientCertFile = r.text({"cert"});
    p.clientKeyFile = r.text({"key"});
    // requests semantics, which openstacksdk follows: verify is a boolean or
    // a CA bundle path; insecure=true turns verification off whatever verify says.
    const QString verify = r.text({"verify"});
    if (!verify.isEmpty()) {
        if (const auto b = yamlBool(verify))
            p.verifyTls = *b;
        else if (p.caCertFile.isEmpty())
            p.caCertFile = verify;
    }
    const QString insecure = r.text({"insecure"});
    if (!insecure.isEmpty() && yamlBool(insecure) == true)
        p.verifyTls = false;

    const QString timeout = r.text({"api_timeout", "timeout"});
    if (!timeout.isEmpty()) {
        bool ok = false;
        const double seconds = timeout.toDouble(&ok);
        if (!ok || !std::isfinite(seconds) || seconds <= 0 || seconds > 86400)
            r.fail(Tr::tr("api_timeout must be a number of seconds, not \"%1\".").arg(timeout));
        else
            p.timeoutMs = int(std::lround(seconds * 1000));
    }

    if (r.failed()) {
        if (error)
            *error = r.error();
        return std::nullopt;
    }
    return out;
}

QString readFile(const QString &path, QByteArray *data)
{
    const QFileInfo fi(path);
    if (!fi.exists())
        return Tr::tr("%1 does not exist.").arg(path);
    if (fi.isDir())
        return Tr::tr("%1 is a directory, not a YAML file.").arg(path);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Tr::tr("%1 cannot be read: %2.").arg(path, f.errorString());
    if (f.size() > kMaxFileSize)
        return Tr::tr("%1 is too large to be a clouds.yaml file.").arg(path);
    *data = f.read(kMaxFileSize + 1);
    if (f.error() != QFileDevice::NoError)
        return Tr::tr("%1 cannot be read: %2.").arg(path, f.errorString());
    return {};
}

QString findFile(const QString &envValue, const QString &baseName, const QStringList &dirs)
{
    // openstacksdk puts the variable's file first and then takes the first
    // path that exists; an unreadable file is skipped like a missing one.
    QStringList candidates;
    if (!envValue.isEmpty())
        candidates.append(envValue);
    for (const QString &d : dirs) {
        for (const char *suffix : {".yaml", ".yml", ".json"})
            candidates.append(QDir(d).filePath(baseName + QString::fromLatin1(suffix)));
    }
    for (const QString &c : std::as_const(candidates)) {
        const QFileInfo fi(c);
        if (fi.isFile() && fi.isReadable())
            return c;
    }
    return {};
}

} // namespace

QStringList CloudsYaml::defaultSearchDirs(const QProcessEnvironment &env)
{
    // loader.py's CONFIG_SEARCH_PATH: cwd, appdirs' user dir (honours
    // XDG_CONFIG_HOME), ~/.config/openstack, appdirs' site dir (XDG_CONFIG_DIRS,
    // default /etc/xdg), /etc/openstack.
    QString home = env.value(QStringLiteral("SNAP_REAL_HOME"));
    if (home.isEmpty())
        home = env.value(QStringLiteral("HOME"), QDir::homePath());
    QStringList dirs{QDir::currentPath()};
    const QString xdgHome = env.value(QStringLiteral("XDG_CONFIG_HOME"));
    dirs.append(QDir(xdgHome.isEmpty() ? QDir(home).filePath(QStringLiteral(".config")) : xdgHome)
                    .filePath(QStringLiteral("openstack")));
    dirs.append(QDir(home).filePath(QStringLiteral(".config/openstack")));
    const QString xdgDirs =
        env.value(QStringLiteral("XDG_CONFIG_DIRS"), QStringLiteral("/etc/xdg"));
    const QString firstXdgDir = xdgDirs.section(u':', 0, 0);
    if (!firstXdgDir.isEmpty())
        dirs.append(QDir(firstXdgDir).filePath(QStringLiteral("openstack")));
    dirs.append(QStringLiteral("/etc/openstack"));
    dirs.removeDuplicates();
    return dirs;
}

QString CloudsYaml::findCloudsFile(const QProcessEnvironment &env, const QStringList &searchDirs)
{
    return findFile(env.value(QStringLiteral("OS_CLIENT_CONFIG_FILE")), QStringLiteral("clouds"),
                    searchDirs);
}

QString CloudsYaml::findSecureFile(const QProcessEnvironment &env, const QStringList &searchDirs)
{
    return findFile(env.value(QStringLiteral("OS_CLIENT_SECURE_FILE")), QStringLiteral("secure"),
                    searchDirs);
}

bool CloudsYaml::load(const QProcessEnvironment &env, const QStringList &searchDirs, QString *error)
{
    const QString clouds = findCloudsFile(env, searchDirs);
    if (clouds.isEmpty()) {
        if (error)
            *error =
                Tr::tr("No clouds.yaml was found (looked at $OS_CLIENT_CONFIG_FILE and in %1).")
                    .arg(searchDirs.join(QStringLiteral(", ")));
        return false;
    }
    if (!loadFiles(clouds, findSecureFile(env, searchDirs), error))
        return false;
    m_defaultCloud = env.value(QStringLiteral("OS_CLOUD")).trimmed();
    return true;
}

bool CloudsYaml::loadFiles(const QString &cloudsPath, const QString &securePath, QString *error)
{
    QByteArray data;
    QString readError = readFile(cloudsPath, &data);
    if (!readError.isEmpty()) {
        if (error)
            *error = readError;
        return false;
    }
    if (!parse(data, cloudsPath, error))
        return false;
    if (securePath.isEmpty())
        return true;
    QByteArray secure;
    readError = readFile(securePath, &secure);
    if (!readError.isEmpty()) {
        if (error)
            *error = readError;
        return false;
    }
    return mergeSecure(secure, securePath, error);
}

bool CloudsYaml::parse(const QByteArray &yaml, const QString &sourceName, QString *error)
{
    *this = CloudsYaml{};
    const auto doc = parseDocument(yaml, sourceName, error);
    if (!doc)
        return false;
    const QVariant clouds = doc->root.value(QStringLiteral("clouds"));
    auto fail = [&](const QString &msg) {
        if (error)
            *error = msg;
        return false;
    };
    if (!doc->root.contains(QStringLiteral("clouds")))
        return fail(Tr::tr("%1 has no \"clouds:\" section.").arg(sourceName));
    if (!isMap(clouds))
        return fail(
            Tr::tr("%1: \"clouds\" must be a mapping of cloud names to settings.").arg(sourceName));
    m_root = doc->root;
    m_order = doc->cloudOrder;
    m_cloudLines = doc->cloudLines;
    m_cloudsFile = sourceName;
    if (error)
        error->clear();
    return true;
}

bool CloudsYaml::mergeSecure(const QByteArray &yaml, const QString &sourceName, QString *error)
{
    const auto doc = parseDocument(yaml, sourceName, error);
    if (!doc)
        return false;
    const QVariant clouds = doc->root.value(QStringLiteral("clouds"));
    if (doc->root.contains(QStringLiteral("clouds")) && !isMap(clouds)) {
        if (error)
            *error = Tr::tr("%1: \"clouds\" must be a mapping of cloud names to settings.")
                         .arg(sourceName);
        return false;
    }
    m_root = mergeMaps(m_root, doc->root);
    for (const QString &name : doc->cloudOrder) {
        if (!m_order.contains(name))
            m_order.append(name);
    }
    m_secureFile = sourceName;
    if (error)
        error->clear();
    return true;
}

QString CloudsYaml::defaultCloud() const
{
    if (!m_defaultCloud.isEmpty())
        return m_defaultCloud;
    return m_order.size() == 1 ? m_order.constFirst() : QString();
}

QString CloudsYaml::where(const QString &cloud) const
{
    const int line = m_cloudLines.value(cloud);
    const QString file = m_cloudsFile.isEmpty() ? QStringLiteral("clouds.yaml") : m_cloudsFile;
    return line > 0 ? Tr::tr("%1 line %2").arg(file).arg(line) : file;
}

QList<ImportedCloud> CloudsYaml::importCloud(const QString &name, QString *error) const
{
    const QVariantMap clouds = m_root.value(QStringLiteral("clouds")).toMap();
    if (!clouds.contains(name)) {
        if (error) {
            const QString file =
                m_cloudsFile.isEmpty() ? QStringLiteral("clouds.yaml") : m_cloudsFile;
            *error = m_order.isEmpty()
                         ? Tr::tr("%1 has no cloud named \"%2\"; it defines no clouds at all.")
                               .arg(file, name)
                         : Tr::tr("%1 has no cloud named \"%2\"; it defines: %3.")
                               .arg(file, name, m_order.join(QStringLiteral(", ")));
        }
        return {};
    }
    const QVariant cloud = clouds.value(name);
    if (!isMap(cloud)) {
        if (error)
            *error =
                Tr::tr("%1: cloud \"%2\" must be a mapping of settings.").arg(where(name), name);
        return {};
    }
    return profilesFromConfig(name, cloud.toMap(), where(name), error);
}

QList<ImportedCloud> CloudsYaml::importClouds(const QString &name, QStringList *warnings,
                                              QString *error) const
{
    const QString selected = name.isEmpty() ? defaultCloud() : name;
    if (!selected.isEmpty())
        return importCloud(selected, error);
    QList<ImportedCloud> out;
    QStringList problems;
    for (const QString &cloud : m_order) {
        QString problem;
        const QList<ImportedCloud> got = importCloud(cloud, &problem);
        if (got.isEmpty())
            problems.append(problem);
        out.append(got);
    }
    if (out.isEmpty()) {
        if (error)
            *error = problems.isEmpty() ? Tr::tr("%1 defines no clouds.").arg(m_cloudsFile)
                                        : problems.join(u'\n');
        return {};
    }
    if (warnings)
        warnings->append(problems);
    if (error)
        error->clear();
    return out;
}

QList<ImportedCloud> CloudsYaml::profilesFromConfig(const QString &cloudName,
                                                    const QVariantMap &rawConfig,
                                                    const QString &where, QString *error)
{
    const QVariantMap config = normalizeKeys(rawConfig).toMap();
    QString problem;
    const auto regions = regionsOf(config, &problem);
    if (!regions) {
        if (error)
            *error = Tr::tr("%1: cloud \"%2\": %3").arg(where, cloudName, problem);
        return {};
    }
    QList<ImportedCloud> out;
    for (const Region &region : *regions) {
        const QString profileName =
            regions->size() > 1 ? cloudName + u'-' + region.name : cloudName;
        const auto imported = profileFor(profileName, cloudName, region.name,
                                         withRegionValues(config, region.values), where, error);
        if (!imported)
            return {};
        out.append(*imported);
    }
    if (error)
        error->clear();
    return out;
}

} // namespace turnstile
