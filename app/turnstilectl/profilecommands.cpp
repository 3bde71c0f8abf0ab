#include "profilecommands.h"

#include "db/databaseurl.h"
#include "profiles/profileimport.h"
#include "profiles/profileimporter.h"
#include "profiles/profilemerge.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>

namespace turnstile {

namespace {
// The strings keep the "Cli" context they had in cli.cpp, so their
// translations still apply.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Cli)
};
} // namespace

namespace {
// A profile as printed: a database password that is still in the URL (a file
// not yet migrated) is never shown.
QJsonObject displayJson(const Profile &p)
{
    QJsonObject o = p.toJson();
    o[u"database_url"] = DatabaseUrl::stripPassword(p.databaseUrl);
    return o;
}
} // namespace

ProfileCommands::ProfileCommands(CliContext &ctx) : m_ctx(ctx), m_out(ctx.out()), m_err(ctx.err())
{}

int ProfileCommands::run(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Manage connection profiles."));
    parser.addPositionalArgument(QStringLiteral("action"),
                                 Tr::tr("list, show, path, import or remove"));
    QCommandLineOption jsonOpt(QStringLiteral("json"), Tr::tr("Print JSON."));
    QCommandLineOption cloudsOpt(QStringLiteral("clouds-yaml"),
                                 Tr::tr("Import from clouds.yaml (the path is optional; "
                                        "openstacksdk's search order applies)."));
    QCommandLineOption cloudOpt(QStringLiteral("cloud"),
                                Tr::tr("The cloud to import (default: OS_CLOUD, else all)."),
                                QStringLiteral("NAME"));
    QCommandLineOption openrcOpt(QStringLiteral("openrc"),
                                 Tr::tr("Import an openrc file (it is read, never executed)."),
                                 QStringLiteral("FILE"));
    QCommandLineOption confOpt(
        QStringLiteral("keystone-conf"),
        Tr::tr("Add the database, key repository and memcached servers of a keystone.conf."),
        QStringLiteral("PATH"));
    QCommandLineOption profileOpt(QStringLiteral("profile"),
                                  Tr::tr("Add the import to this existing profile."),
                                  QStringLiteral("NAME"));
    parser.addOptions({jsonOpt, cloudsOpt, cloudOpt, openrcOpt, confOpt, profileOpt});
    if (const auto rc = parseCommandLine(parser, args, m_out, m_err))
        return *rc;
    const QStringList pos = parser.positionalArguments();
    const QString action = pos.value(0, QStringLiteral("list"));
    ProfileStore store;
    if (action == u"path") {
        m_out << store.fileName() << Qt::endl;
        return Ok;
    }
    if (!m_ctx.profileFileReadable())
        return Config;
    if (action == u"import") {
        const int sources = int(parser.isSet(cloudsOpt)) + int(parser.isSet(openrcOpt)) +
                            int(parser.isSet(confOpt));
        if (sources != 1) {
            m_err << Tr::tr("turnstilectl profiles import: give exactly one of --clouds-yaml, "
                            "--openrc or --keystone-conf.")
                  << Qt::endl;
            return Usage;
        }
        ImportOptions o;
        o.profile = parser.value(profileOpt);
        o.cloud = parser.value(cloudOpt);
        if (parser.isSet(cloudsOpt))
            return importClouds(pos.value(1), o);
        if (parser.isSet(openrcOpt))
            return importOpenrc(parser.value(openrcOpt), o);
        return importKeystoneConf(parser.value(confOpt), o);
    }
    if (action == u"list") {
        const QList<Profile> all = store.profiles();
        if (parser.isSet(jsonOpt)) {
            QJsonArray a;
            for (const Profile &p : all)
                a.append(displayJson(p));
            m_out << QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Indented));
            return Ok;
        }
        // One buffered write: a flush per line costs more than the listing.
        QString text;
        for (const Profile &p : all)
            text += p.name + u'\t' + p.authUrl.toString() + u'\t' +
                    (p.databaseUrl.isEmpty() ? Tr::tr("(no database)")
                                             : DatabaseUrl::stripPassword(p.databaseUrl)) +
                    u'\n';
        m_out << text << Qt::flush;
        return Ok;
    }
    if (action == u"show" || action == u"remove") {
        if (pos.size() < 2) {
            m_err << Tr::tr("turnstilectl profiles %1: name the profile.").arg(action) << Qt::endl;
            return Usage;
        }
        bool found = false;
        const Profile p = store.profile(pos.at(1), &found);
        if (!found) {
            m_err << Tr::tr("turnstilectl profiles: no profile named \"%1\".").arg(pos.at(1))
                  << Qt::endl;
            return Config;
        }
        if (action == u"show") {
            m_out << QString::fromUtf8(
                QJsonDocument(displayJson(p)).toJson(QJsonDocument::Indented));
            return Ok;
        }
        store.remove(p.name);
        SecretStore secrets;
        for (SecretKind k : kAllSecretKinds)
            secrets.removeBlocking(p.name, k);
        m_out << Tr::tr("Removed profile %1 and its keychain entries.").arg(p.name) << Qt::endl;
        return Ok;
    }
    m_err << Tr::tr("turnstilectl profiles: unknown action \"%1\".").arg(action) << Qt::endl;
    return Usage;
}

int ProfileCommands::saveImported(const QList<ImportedCloud> &clouds, const ImportOptions &o)
{
    ProfileStore store;
    int rc = Ok;
    if (!o.profile.isEmpty() && clouds.size() != 1) {
        m_err << Tr::tr("turnstilectl profiles import: --profile takes exactly one cloud, but the "
                        "source describes %1; "
                        "choose one with --cloud.")
                     .arg(clouds.size())
              << Qt::endl;
        return Usage;
    }
    // The file is read once and written once, however many clouds: a
    // read-modify-write per cloud made importing 3,000 clouds quadratic.
    // Merge and name check are planProfileImport's, shared with the GUI.
    const ProfileImportPlan plan = planProfileImport(store.profiles(), clouds, o.profile);
    for (const QString &refusal : plan.refusals) {
        m_err << Tr::tr("turnstilectl profiles import: %1").arg(refusal) << Qt::endl;
        rc = Config;
    }
    QString err;
    QHash<QString, QString> moved;
    if (!store.saveAll(plan.profiles(), &err, &moved)) {
        m_err << err << Qt::endl;
        return Config;
    }
    qsizetype notStored = 0;
    for (ProfileImportPlan::Entry entry : plan.entries) {
        const Profile &profile = entry.profile;
        Secrets &secrets = entry.secrets;
        if (secrets.databasePassword.isEmpty())
            secrets.databasePassword = moved.value(profile.name);
        // After one failure (no keychain, or a locked one that timed out) the
        // rest would fail the same way, each after its own wait.
        if (rc == Keychain) {
            notStored += secrets != Secrets{};
            continue;
        }
        if (!storeSecrets(profile, secrets))
            rc = Keychain;
    }
    if (notStored > 0)
        m_err << Tr::tr("warning: the secrets of %n more profile(s) were not stored either.",
                        nullptr, int(notStored))
              << Qt::endl;
    for (const QString &line : plan.summary())
        m_out << line << Qt::endl;
    return rc;
}

bool ProfileCommands::storeSecrets(const Profile &profile, const Secrets &s)
{
    SecretStore keychain;
    if (profile.allowPlaintextSecrets)
        keychain.setPlaintextProfiles({profile.name});
    // One failed write is enough: the next would wait for the same broken
    // keychain again.
    QList<SecretResult> writes;
    for (SecretKind k : kAllSecretKinds) {
        if (s.get(k).isEmpty())
            continue;
        writes.append(keychain.writeBlocking(profile.name, k, s.get(k)));
        if (!writes.constLast().ok)
            break;
    }
    const QString failure = secretsNotStored(profile.name, writes);
    if (!failure.isEmpty())
        m_err << Tr::tr("warning: %1").arg(failure) << Qt::endl;
    return failure.isEmpty();
}

int ProfileCommands::reportImport(const ImportResult &r, const ImportOptions &o)
{
    for (const QString &w : r.warnings)
        m_err << Tr::tr("warning: %1").arg(w) << Qt::endl;
    if (r.clouds.isEmpty()) {
        m_err << r.error << Qt::endl;
        return Config;
    }
    return saveImported(r.clouds, o);
}

int ProfileCommands::importClouds(const QString &path, const ImportOptions &o)
{
    return reportImport(turnstile::importCloudsYaml(path, o.cloud), o);
}

int ProfileCommands::importOpenrc(const QString &file, const ImportOptions &o)
{
    return reportImport(turnstile::importOpenrc(file), o);
}

int ProfileCommands::importKeystoneConf(const QString &path, const ImportOptions &o)
{
    const ConfImportResult r = turnstile::importKeystoneConf(path);
    if (!r.error.isEmpty()) {
        m_err << r.error << Qt::endl;
        return Config;
    }
    for (const QString &w : r.warnings)
        if (w != r.conf.databaseError)
            m_err << Tr::tr("warning: %1").arg(w) << Qt::endl;
    // A connection that cannot be read is a broken import, not a detail: the
    // profile would silently lack its database (and keep an old one).
    if (!r.conf.databaseError.isEmpty()) {
        m_err << Tr::tr("turnstilectl profiles import: %1 Nothing was imported.")
                     .arg(r.conf.databaseError)
              << Qt::endl;
        return Config;
    }
    const KeystoneConf &conf = r.conf;
    QString err;
    ProfileStore store;
    QString name = o.profile;
    if (name.isEmpty()) {
        // No cloud name in a keystone.conf: name the profile after its database host.
        name = QStringLiteral("keystone-") + QString(conf.database.host).replace(u':', u'-');
        if (!conf.database.isValid() || !ProfileStore::isValidName(name)) {
            m_err << Tr::tr("turnstilectl profiles import: %1 names no usable database host; give "
                            "--profile NAME.")
                         .arg(path)
                  << Qt::endl;
            return Usage;
        }
    }
    bool existed = false;
    Profile p = store.profile(name, &existed);
    p.name = name;
    ImportedSecrets secrets = applyKeystoneConf(p, conf, QFileInfo(path).absoluteFilePath());
    QHash<QString, QString> moved;
    if (!store.save(p, &err, &moved)) {
        m_err << err << Qt::endl;
        return Config;
    }
    if (secrets.databasePassword.isEmpty())
        secrets.databasePassword = moved.value(name);
    const bool stored = storeSecrets(p, secrets);
    m_out << (existed ? Tr::tr("Updated profile %1 from %2.")
                      : Tr::tr("Created profile %1 from %2."))
                 .arg(name, path)
          << Qt::endl;
    return stored ? Ok : Keychain;
}

} // namespace turnstile
