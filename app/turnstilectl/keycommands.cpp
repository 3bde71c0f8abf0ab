#include "keycommands.h"

#include "clicontext.h"
#include "guardedcommands.h"
#include "keys/keyrotation.h"
#include "keys/keystatus.h"
#include "profiles/keystoneconf.h"
#include "profiles/profilestore.h"
#include "subcommand.h"
#include "util/duration.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(KeyCommands)
};

QString modeText(int mode)
{
    return QStringLiteral("%1").arg(mode, 4, 8, QLatin1Char('0'));
}
} // namespace

KeyCommands::KeyCommands(CliContext &ctx) : m_ctx(ctx), m_out(ctx.out()), m_err(ctx.err()) {}

int KeyCommands::run(const QStringList &args)
{
    static constexpr Subcommand<KeyCommands> kSubcommands[] = {
        {"status", QT_TRANSLATE_NOOP("KeyCommands", "--profile NAME [--json]"),
         &KeyCommands::status},
        {"rotate",
         QT_TRANSLATE_NOOP("KeyCommands", "--profile NAME [--dry-run | --execute --confirm TARGET "
                                          "[--acknowledge N]] [--as-owner] [--json]"),
         &KeyCommands::rotate},
    };
    const QString sub = args.value(1);
    if (const Subcommand<KeyCommands> *c = findSubcommand(kSubcommands, sub))
        return (this->*c->run)(subcommandArgs(args));
    return printUsage(subcommandUsage("KeyCommands", QStringLiteral("turnstilectl keys"),
                                      kSubcommands,
                                      Tr::tr("Instead of --profile: --repository "
                                             "PATH|ssh://[user@]host[:port]/path (repeatable, "
                                             "one per node) with --max-active-keys N.")),
                      sub, m_out, m_err);
}

void KeyCommands::addSetupOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("repository"),
                 Tr::tr("A Fernet key repository: a local path or ssh://[user@]host[:port]/path; "
                        "repeat once per node (instead of --profile)."),
                 QStringLiteral("LOCATION")});
    p.addOption({QStringLiteral("credential-repository"),
                 Tr::tr("A credential key repository to compare as well (repeatable)."),
                 QStringLiteral("LOCATION")});
    p.addOption({QStringLiteral("keystone-conf"),
                 Tr::tr("Read [token] and [fernet_tokens] from this keystone.conf."),
                 QStringLiteral("PATH")});
    p.addOption({QStringLiteral("max-active-keys"),
                 Tr::tr("[fernet_tokens] max_active_keys (overrides keystone.conf)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("token-expiration"),
                 Tr::tr("[token] expiration (overrides keystone.conf), e.g. 1h."),
                 QStringLiteral("DURATION")});
    p.addOption({QStringLiteral("allow-expired-window"),
                 Tr::tr("[token] allow_expired_window (overrides keystone.conf), e.g. 2d."),
                 QStringLiteral("DURATION")});
    p.addOption({QStringLiteral("rotation-interval"),
                 Tr::tr("How often keys are rotated (default: derived from the key files' "
                        "mtimes)."),
                 QStringLiteral("DURATION")});
    p.addOption({QStringLiteral("ssh-config"),
                 Tr::tr("An ssh client configuration file (ssh -F; default "
                        "$TURNSTILE_SSH_CONFIG)."),
                 QStringLiteral("FILE")});
    p.addOption({QStringLiteral("peer-ssh-config"),
                 Tr::tr("The ssh configuration file on the source node used to push keys to "
                        "the other nodes (default $TURNSTILE_KEYS_PEER_SSH_CONFIG)."),
                 QStringLiteral("FILE")});
}

std::optional<KeySetup> KeyCommands::setupFrom(const QCommandLineParser &p, int *rc)
{
    const bool hasProfile = p.isSet(QStringLiteral("profile"));
    const bool hasRepo = p.isSet(QStringLiteral("repository"));
    if (hasProfile == hasRepo) {
        m_err << Tr::tr("turnstilectl keys: give --profile NAME or --repository LOCATION "
                        "(repeatable), not both.")
              << Qt::endl;
        *rc = exitcode::Usage;
        return std::nullopt;
    }
    KeySetup setup;
    if (hasProfile) {
        ProfileStore store;
        bool found = false;
        const QString name = p.value(QStringLiteral("profile"));
        const Profile profile = store.profile(name, &found);
        if (!found) {
            m_err << Tr::tr("turnstilectl: no profile named \"%1\" in %2.")
                         .arg(name, store.fileName())
                  << Qt::endl;
            *rc = exitcode::Config;
            return std::nullopt;
        }
        QString error;
        auto s = KeySetup::fromProfile(profile, &error);
        if (!s) {
            m_err << error << Qt::endl;
            *rc = exitcode::Config;
            return std::nullopt;
        }
        if (s->fernet.isEmpty()) {
            m_err << Tr::tr("turnstilectl keys: profile %1 names no key repository (add one per "
                            "node in the profile editor, or import its keystone.conf).")
                         .arg(name)
                  << Qt::endl;
            *rc = exitcode::Config;
            return std::nullopt;
        }
        setup = *s;
    } else {
        setup.ssh = SshOptions::fromEnvironment();
        setup.settings.source = Tr::tr("Keystone's defaults");
        auto addAll = [&](const QString &opt, QList<KeyLocation> &to) {
            for (const QString &v : p.values(opt)) {
                QString why;
                const auto loc = KeyLocation::parse(v, &why);
                if (!loc) {
                    m_err << Tr::tr("turnstilectl keys: --%1: %2").arg(opt, why) << Qt::endl;
                    return false;
                }
                to.append(*loc);
            }
            return true;
        };
        if (!addAll(QStringLiteral("repository"), setup.fernet) ||
            !addAll(QStringLiteral("credential-repository"), setup.credential)) {
            *rc = exitcode::Usage;
            return std::nullopt;
        }
    }
    if (p.isSet(QStringLiteral("keystone-conf"))) {
        QString why;
        const KeystoneConf conf =
            KeystoneConf::load(p.value(QStringLiteral("keystone-conf")), &why);
        if (!why.isEmpty()) {
            m_err << why << Qt::endl;
            *rc = exitcode::Config;
            return std::nullopt;
        }
        setup.settings = RotationSettings::fromKeystoneConf(conf);
    }
    bool ok = true;
    if (p.isSet(QStringLiteral("max-active-keys"))) {
        const int n = p.value(QStringLiteral("max-active-keys")).toInt(&ok);
        if (!ok || n < 2) {
            m_err << Tr::tr("turnstilectl keys: --max-active-keys must be a number of at least 2 "
                            "(a staged and a primary key).")
                  << Qt::endl;
            *rc = exitcode::Usage;
            return std::nullopt;
        }
        setup.settings.maxActiveKeys = n;
        setup.settings.source += Tr::tr(", options");
    }
    auto duration = [&](const QString &opt) {
        return m_ctx.durationOption(p, opt, QStringLiteral("keys"));
    };
    for (const QString &opt :
         {QStringLiteral("token-expiration"), QStringLiteral("allow-expired-window"),
          QStringLiteral("rotation-interval")}) {
        if (!p.isSet(opt))
            continue;
        const auto d = duration(opt);
        if (!d) {
            *rc = exitcode::Usage;
            return std::nullopt;
        }
        if (opt == u"token-expiration")
            setup.settings.tokenExpiration = int(*d);
        else if (opt == u"allow-expired-window")
            setup.settings.allowExpiredWindow = int(*d);
        else
            setup.settings.rotationInterval = *d;
    }
    if (p.isSet(QStringLiteral("ssh-config")))
        setup.ssh.configFile = p.value(QStringLiteral("ssh-config"));
    if (p.isSet(QStringLiteral("peer-ssh-config")))
        setup.ssh.peerConfigFile = p.value(QStringLiteral("peer-ssh-config"));
    *rc = exitcode::Ok;
    return setup;
}

int KeyCommands::status(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        Tr::tr("Compare the Fernet (and credential) key repositories of all nodes; exit 1 when "
               "they differ or one cannot be read."));
    p.addOption({QStringLiteral("profile"), Tr::tr("Profile whose nodes to read."),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("json"), Tr::tr("Print JSON.")});
    addSetupOptions(p);
    if (const auto rc = parseCommandLine(p, args, m_out, m_err))
        return *rc;
    int rc = exitcode::Ok;
    const auto setup = setupFrom(p, &rc);
    if (!setup)
        return rc;
    const KeyStatus st = readKeyStatus(*setup);
    const bool bad = st.level() == KeyConsistency::Level::Critical;
    if (p.isSet(QStringLiteral("json"))) {
        m_out << QJsonDocument(st.toJson()).toJson(QJsonDocument::Indented);
        return bad ? exitcode::Problem : exitcode::Ok;
    }
    auto printRepos = [&](const QString &title, const QList<RepositoryState> &nodes,
                          const KeyConsistency &c) {
        m_out << title << QStringLiteral(": ") << KeyConsistency::levelName(c.level).toUpper()
              << QStringLiteral(" — ") << c.summary << Qt::endl;
        for (const RepositoryState &n : nodes) {
            if (!n.readable()) {
                m_out << QStringLiteral("  ") << n.location.text << QStringLiteral("  ")
                      << n.errorMessage << Qt::endl;
                continue;
            }
            m_out << QStringLiteral("  ") << n.location.text << QStringLiteral("  ")
                  << Tr::tr("dir %1 %2:%3").arg(modeText(n.dirMode), n.dirOwner, n.dirGroup)
                  << Qt::endl;
            for (const KeyFile &k : n.keys)
                m_out << QStringLiteral("    %1 %2 %3 %4 %5:%6 %7")
                             .arg(k.index, 4)
                             .arg(n.roleOf(k.index), -9)
                             .arg(k.modified.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                                  modeText(k.mode), k.owner, k.group,
                                  k.fingerprint.isEmpty() ? QStringLiteral("-") : k.fingerprint)
                      << Qt::endl;
        }
        for (const KeyDifference &d : c.differences)
            m_out << Tr::tr("  differs: %1").arg(d.sentence) << Qt::endl;
        for (const QString &pr : c.problems)
            m_out << Tr::tr("  problem: %1").arg(pr) << Qt::endl;
    };
    printRepos(Tr::tr("Fernet keys"), st.fernet, st.fernetConsistency);
    if (!st.credential.isEmpty())
        printRepos(Tr::tr("Credential keys"), st.credential, st.credentialConsistency);
    if (st.preflight) {
        m_out << Tr::tr("Next rotation (%1):").arg(st.settings.source) << Qt::endl;
        for (const QString &s : st.preflight->sentences)
            m_out << QStringLiteral("  ") << s << Qt::endl;
        for (const QString &w : st.preflight->warnings)
            m_out << Tr::tr("  warning: %1").arg(w) << Qt::endl;
    }
    m_out << Tr::tr("Read in %1 ms.").arg(qRound(st.durationMs)) << Qt::endl;
    return bad ? exitcode::Problem : exitcode::Ok;
}

int KeyCommands::rotate(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        Tr::tr("Rotate the Fernet keys like keystone-manage fernet_rotate on the node with the "
               "newest primary, copy them node to node to the others and verify the "
               "fingerprints. Dry run by default."));
    GuardedCommands::addGuardOptions(p);
    addSetupOptions(p);
    p.addOption({QStringLiteral("as-owner"),
                 Tr::tr("Run the scripts that change a repository as the repository "
                        "directory's owner (runuser as root, else sudo -n -u OWNER on the "
                        "node) instead of the ssh user.")});
    if (const auto rc = parseCommandLine(p, args, m_out, m_err))
        return *rc;
    int rc = exitcode::Ok;
    auto setup = setupFrom(p, &rc);
    if (!setup)
        return rc;
    if (p.isSet(QStringLiteral("as-owner")))
        setup->settings.runAsOwner = true;
    Profile profile;
    ProfileStore store;
    if (p.isSet(QStringLiteral("profile"))) {
        profile = store.profile(p.value(QStringLiteral("profile")));
    } else {
        // Ad-hoc repositories: the audit record names them instead of a profile.
        profile.name = QStringLiteral("(ad hoc)");
        // ...unless a read-only profile names one of them: naming the
        // repository directly must not escape that profile's guard, so the
        // run goes through the workflow as that profile and is refused the
        // same way.
        for (const Profile &candidate : store.profiles()) {
            if (!candidate.readOnly)
                continue;
            bool named = false;
            for (const QString &text : candidate.keyRepositories) {
                const auto loc = KeyLocation::parse(text);
                for (const KeyLocation &given : std::as_const(setup->fernet))
                    named = named || (loc && loc->sameRepository(given));
            }
            if (named) {
                profile = candidate;
                break;
            }
        }
    }
    KeyRotation action(setup->fernet, setup->settings, setup->ssh,
                       KeyRotation::targetFor(setup->profile, setup->fernet));
    GuardedCommands guarded(m_ctx);
    return guarded.runGuarded(action, profile, p);
}

} // namespace turnstile
