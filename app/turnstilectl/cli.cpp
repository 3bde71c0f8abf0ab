#include "cli.h"
#include "util/iopool.h"
#include "util/rowfigure.h"

#include "benchcommands.h"

#include "collector/collector.h"
#include "db/databaseurl.h"
#include "guardedcommands.h"
#include "history/historystore.h"
#include "historycommands.h"
#include "keycommands.h"
#include "probe/prober.h"
#include "profiles/profileimport.h"
#include "profiles/profileimporter.h"
#include "profiles/profilemerge.h"
#include "profiles/profilestore.h"
#include "profiles/secretstore.h"
#include "reportcommand.h"
#include "usercommands.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QFuture>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSettings>
#include <QtConcurrent/QtConcurrentRun>

#include <csignal>
#include <cstdio>
#include <cstring>
#include <termios.h>
#include <unistd.h>

namespace turnstile {

namespace {
// lupdate resolves Tr::tr() through this declaration to the "Cli"
// context; a free Tr::tr() wrapper would leave the strings context-less.
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

Cli::Cli(QTextStream &out, QTextStream &err) : m_out(out), m_err(err), m_ctx(out, err) {}

int Cli::usage(const QString &arg)
{
    const QString text = Tr::tr(
        "Usage: turnstilectl COMMAND [OPTIONS]\n"
        "\n"
        "Commands:\n"
        "  probe --profile NAME|--cloud NAME [--json]   version, health, timings, sizes, table "
        "counts\n"
        "  collect --profile NAME [--once | --interval 60s] [--exact] [--json]\n"
        "  history --profile NAME [--metric NAME] [--range 7d] [--points 800] [--json|--csv]\n"
        "  thresholds --profile NAME [--json]\n"
        "  report --profile NAME [--profile NAME...] [--range 30d] --out FILE.pdf|FILE.png\n"
        "  purge-tokens --profile NAME [--older-than 2d] [--batch 1000]\n"
        "               [--dry-run | --execute --confirm TARGET] [--json]\n"
        "  revocations prune|truncate --profile NAME [--dry-run | --execute --confirm TARGET\n"
        "               [--acknowledge N]] [--batch 1000] [--json]\n"
        "  audit [--profile NAME] [--json] [--verify]\n"
        "  keys status --profile NAME|--repository LOC... [--json]\n"
        "  keys rotate --profile NAME|--repository LOC... [--max-active-keys N]\n"
        "               [--dry-run | --execute --confirm TARGET [--acknowledge N]] [--json]\n"
        "  bench validate --profile NAME [--concurrency 20] [--duration 15s | --count N] [--rate "
        "R] [--json]\n"
        "  bench revocation-impact --profile NAME --steps 0,100,500,1000 --kind "
        "audit|user|project\n"
        "               [--dry-run | --execute --confirm TARGET] [--json]\n"
        "  bench runs --profile NAME [--json]\n"
        "  users locked|inactive|expiring --profile NAME [--within 7d] [--json|--csv]\n"
        "  users unlock --profile NAME --user NAME_OR_ID [--execute --confirm NAME] "
        "[--database-fallback]\n"
        "  profiles list [--json]\n"
        "  profiles path\n"
        "  profiles show|remove NAME\n"
        "  profiles import --clouds-yaml [PATH] [--cloud NAME] | --openrc FILE | --keystone-conf "
        "PATH\n"
        "                  [--profile NAME]\n"
        "  --version, --help\n"
        "\n"
        "Secrets come from the keychain or from OS_PASSWORD, OS_APPLICATION_CREDENTIAL_SECRET and\n"
        "TURNSTILE_DB_PASSWORD, never from the command line.\n");
    return printUsage(text, arg, m_out, m_err);
}

int Cli::run(const QStringList &args)
{
    if (args.size() < 2)
        return usage();
    const QString cmd = args.at(1);
    if (cmd == u"--version" || cmd == u"-v") {
        m_out << QCoreApplication::applicationName() << u' '
              << QCoreApplication::applicationVersion() << Qt::endl;
        return Ok;
    }
    if (cmd == u"--help" || cmd == u"-h" || cmd == u"help")
        return usage(cmd);
    // Each command sees "turnstilectl <cmd> ..." so its help names the
    // command as scripts call it, whatever path the binary was started by.
    QStringList rest = args.mid(1);
    rest[0] = QStringLiteral("turnstilectl ") + cmd;
    if (m_ctx.profileFileParses())
        m_ctx.migrateDatabasePasswords();
    if (cmd == u"probe")
        return cmdProbe(rest);
    if (cmd == u"profiles")
        return cmdProfiles(rest);
    HistoryCommands history(m_ctx);
    if (cmd == u"collect")
        return history.collect(rest);
    if (cmd == u"history")
        return history.history(rest);
    if (cmd == u"thresholds")
        return history.thresholds(rest);
    if (cmd == u"report")
        return ReportCommand(m_ctx).run(rest);
    GuardedCommands guarded(m_ctx);
    if (cmd == u"purge-tokens")
        return guarded.purgeTokens(rest);
    if (cmd == u"revocations")
        return guarded.revocations(rest);
    if (cmd == u"audit")
        return guarded.audit(rest);
    if (cmd == u"keys")
        return KeyCommands(m_ctx).run(rest);
    if (cmd == u"users")
        return UserCommands(m_ctx).run(rest);
    if (cmd == u"bench")
        return BenchCommands(m_ctx).run(rest);
    m_err << Tr::tr("turnstilectl: unknown command \"%1\".").arg(cmd) << Qt::endl;
    return usage();
}

int Cli::cmdProbe(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Probe a Keystone profile once."));
    QCommandLineOption profileOpt(QStringLiteral("profile"), Tr::tr("Profile to probe."),
                                  QStringLiteral("NAME"));
    QCommandLineOption cloudOpt(
        QStringLiteral("cloud"),
        Tr::tr("Probe a cloud straight from clouds.yaml (every region of it); default: OS_CLOUD."),
        QStringLiteral("NAME"));
    QCommandLineOption jsonOpt(QStringLiteral("json"), Tr::tr("Print JSON."));
    parser.addOptions({profileOpt, cloudOpt, jsonOpt});
    if (const auto rc = parseCommandLine(parser, args, m_out, m_err))
        return *rc;
    // As with the openstack client, OS_CLOUD stands in for --cloud.
    const QString envCloud = qEnvironmentVariable("OS_CLOUD").trimmed();
    const bool useCloud =
        parser.isSet(cloudOpt) || (!parser.isSet(profileOpt) && !envCloud.isEmpty());
    if (parser.isSet(profileOpt) && parser.isSet(cloudOpt)) {
        m_err << Tr::tr("turnstilectl probe: give --profile NAME or --cloud NAME.") << Qt::endl;
        return Usage;
    }
    if (!parser.isSet(profileOpt) && !useCloud) {
        m_err << Tr::tr("turnstilectl probe: give --profile NAME or --cloud NAME (or set "
                        "OS_CLOUD).")
              << Qt::endl;
        return Usage;
    }
    const bool json = parser.isSet(jsonOpt);
    QList<QPair<Profile, Secrets>> targets;
    if (useCloud) {
        const ImportResult imported =
            importCloudsYaml(QString(), parser.isSet(cloudOpt) ? parser.value(cloudOpt) : envCloud);
        if (imported.clouds.isEmpty()) {
            m_err << imported.error << Qt::endl;
            return Config;
        }
        for (const ImportedCloud &c : imported.clouds) {
            Secrets s = c.secrets;
            m_ctx.loadSecrets(c.profile, &s, true);
            targets.append({c.profile, s});
        }
    } else {
        if (!m_ctx.profileFileReadable())
            return Config;
        ProfileStore store;
        bool found = false;
        const Profile p = store.profile(parser.value(profileOpt), &found);
        if (!found) {
            m_err << Tr::tr("turnstilectl probe: no profile named \"%1\" in %2 (known: %3).")
                         .arg(parser.value(profileOpt), store.fileName(),
                              store.names().isEmpty() ? Tr::tr("none")
                                                      : store.names().join(QStringLiteral(", ")))
                  << Qt::endl;
            return Config;
        }
        Secrets secrets;
        m_ctx.loadSecrets(p, &secrets, json);
        targets.append({p, secrets});
    }
    for (const auto &[p, s] : targets)
        if (const QString w = Profile::cleartextWarning(p.authUrl); !w.isEmpty())
            m_err << Tr::tr("warning: profile %1: %2").arg(p.name, w) << Qt::endl;
    // Several regions are probed at once, each on its own thread.
    QList<QFuture<ProbeResult>> futures;
    for (const auto &[p, s] : targets)
        futures.append(QtConcurrent::run(ioPool(), [p = p, s = s] { return runProbe(p, s); }));
    bool healthy = true;
    QJsonArray all;
    // The thresholds verdict, the same as `turnstilectl thresholds` gives.
    HistoryStore history;
    const bool haveHistory = history.open(m_ctx.historyConfig());
    for (qsizetype i = 0; i < futures.size(); ++i) {
        ProbeResult r = futures[i].result();
        judgeProbe(r, targets.at(i).first.thresholds, haveHistory ? &history : nullptr);
        healthy = healthy && r.healthy();
        if (json)
            all.append(r.toJson());
        else
            printProbe(r);
    }
    if (json) {
        const QJsonDocument doc =
            all.size() == 1 ? QJsonDocument(all.first().toObject()) : QJsonDocument(all);
        m_out << QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    }
    return healthy ? Ok : Problem;
}

void Cli::printProbe(const ProbeResult &r)
{
    const QLocale loc;
    auto line = [&](const QString &label, const QString &value) {
        m_out << QStringLiteral("  %1  %2").arg(label.leftJustified(22), value) << Qt::endl;
    };
    auto ms = [&](const std::optional<double> &v) {
        return v ? Tr::tr("%1 ms").arg(loc.toString(*v, 'f', 1)) : QString();
    };
    m_out << Tr::tr("Profile %1 — %2").arg(r.profile, r.endpoint) << Qt::endl;
    line(Tr::tr("Keystone API"), r.endpointError.isEmpty()
                                     ? r.keystoneVersion
                                     : Tr::tr("unavailable: %1").arg(r.endpointError));
    if (r.endpointError.isEmpty()) {
        if (r.tokenError.isEmpty() || r.issueMs)
            line(Tr::tr("Issue a token"),
                 Tr::tr("%1 (token %L2 bytes)").arg(ms(r.issueMs)).arg(r.tokenBytes.value_or(0)));
        if (r.validateMs)
            line(Tr::tr("Validate a token"), Tr::tr("%1 (median)").arg(ms(r.validateMs)));
        // Over this probe's own samples: a one-shot run keeps no window.
        auto percentiles = [&](const QString &label, const std::optional<LatencyPercentiles> &p) {
            if (p)
                line(label, Tr::tr("p50 %1 · p95 %2 · p99 %3 (%n sample(s))", nullptr, p->samples)
                                .arg(ms(p->p50), ms(p->p95), ms(p->p99)));
        };
        percentiles(Tr::tr("Validation latency"), r.validatePercentiles);
        percentiles(Tr::tr("Issue latency"), r.issuePercentiles);
        if (r.catalogBytes)
            line(Tr::tr("Catalog"), Tr::tr("%L1 bytes, regions: %2")
                                        .arg(*r.catalogBytes)
                                        .arg(r.catalogRegions.isEmpty()
                                                 ? Tr::tr("none")
                                                 : r.catalogRegions.join(QStringLiteral(", "))));
        line(Tr::tr("Health check"), r.health == u"ok"       ? Tr::tr("OK")
                                     : r.health == u"absent" ? Tr::tr("not deployed")
                                                             : Tr::tr("failing"));
        if (!r.tokenError.isEmpty())
            line(Tr::tr("Tokens"), Tr::tr("unavailable: %1").arg(r.tokenError));
    }
    for (const QString &w : r.warnings)
        line(Tr::tr("Warning"), w);
    if (!r.databaseConfigured) {
        line(Tr::tr("Database"), Tr::tr("not configured"));
    } else if (!r.databaseError.isEmpty()) {
        line(Tr::tr("Database"), Tr::tr("unavailable: %1").arg(r.databaseError));
    } else {
        line(QStringLiteral("revocation_event"),
             r.revocationEvents ? Tr::tr("%Ln row(s)", nullptr, int(*r.revocationEvents))
                                : r.revocationError);
        line(QStringLiteral("token"),
             !r.tokenRows ? r.tokenRowsError
             : r.tokenRowsEstimated
                 ? Tr::tr("%1 rows (the server's estimate)").arg(formatRows(*r.tokenRows, true))
                 : Tr::tr("%Ln row(s)", nullptr, int(*r.tokenRows)));
    }
}

int Cli::cmdProfiles(const QStringList &args)
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

int Cli::saveImported(const QList<ImportedCloud> &clouds, const ImportOptions &o)
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

bool Cli::storeSecrets(const Profile &profile, const Secrets &s)
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

int Cli::reportImport(const ImportResult &r, const ImportOptions &o)
{
    for (const QString &w : r.warnings)
        m_err << Tr::tr("warning: %1").arg(w) << Qt::endl;
    if (r.clouds.isEmpty()) {
        m_err << r.error << Qt::endl;
        return Config;
    }
    return saveImported(r.clouds, o);
}

int Cli::importClouds(const QString &path, const ImportOptions &o)
{
    return reportImport(turnstile::importCloudsYaml(path, o.cloud), o);
}

int Cli::importOpenrc(const QString &file, const ImportOptions &o)
{
    return reportImport(turnstile::importOpenrc(file), o);
}

int Cli::importKeystoneConf(const QString &path, const ImportOptions &o)
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
