#include "keys/keystatus.h"

#include "profiles/keystoneconf.h"
#include "profiles/profile.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcess>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(KeyStatus)
};

QJsonArray statesJson(const QList<RepositoryState> &l)
{
    QJsonArray a;
    for (const RepositoryState &s : l)
        a.append(s.toJson());
    return a;
}
} // namespace

std::optional<KeySetup> KeySetup::fromProfile(const Profile &profile, QString *error)
{
    KeySetup s;
    s.profile = profile.name;
    s.ssh = SshOptions::fromEnvironment();
    for (const QString &text : profile.keyRepositories) {
        QString why;
        const auto loc = KeyLocation::parse(text, &why);
        if (!loc) {
            if (error)
                *error = Tr::tr("Profile %1: %2").arg(profile.name, why);
            return std::nullopt;
        }
        s.fernet.append(*loc);
    }
    s.settings.source = Tr::tr("Keystone's defaults");
    if (!profile.keystoneConfPath.isEmpty()) {
        QString why;
        const KeystoneConf conf = KeystoneConf::load(profile.keystoneConfPath, &why);
        if (!why.isEmpty()) {
            if (error)
                *error = why;
            return std::nullopt;
        }
        s.settings = RotationSettings::fromKeystoneConf(conf);
        // The credential repository sits next to the Fernet one on every node.
        for (const KeyLocation &f : std::as_const(s.fernet)) {
            KeyLocation c = f;
            QString path = conf.credentialKeyRepository;
            while (path.size() > 1 && path.endsWith(u'/'))
                path.chop(1);
            c.path = path;
            c.text = f.remote ? QStringLiteral("ssh://") + f.sshDestination() + path : path;
            s.credential.append(c);
        }
    }
    return s;
}

KeyConsistency::Level KeyStatus::level() const
{
    return std::max(fernetConsistency.level, credentialConsistency.level);
}

QString KeyStatus::summary() const
{
    if (fernetConsistency.level >= credentialConsistency.level || credential.isEmpty())
        return fernetConsistency.summary;
    return Tr::tr("Credential keys: %1").arg(credentialConsistency.summary);
}

QJsonObject KeyStatus::toJson() const
{
    QJsonObject o;
    o[u"profile"] = profile;
    o[u"read_at"] = readAt.toString(Qt::ISODate);
    o[u"duration_ms"] = durationMs;
    o[u"level"] = KeyConsistency::levelName(level());
    o[u"summary"] = summary();
    QJsonObject f;
    f[u"nodes"] = statesJson(fernet);
    f[u"consistency"] = fernetConsistency.toJson();
    if (preflight)
        f[u"next_rotation"] = preflight->toJson();
    o[u"fernet"] = f;
    if (!credential.isEmpty()) {
        QJsonObject c;
        c[u"nodes"] = statesJson(credential);
        c[u"consistency"] = credentialConsistency.toJson();
        o[u"credential"] = c;
    }
    QJsonObject st;
    st[u"token_expiration"] = settings.tokenExpiration;
    st[u"allow_expired_window"] = settings.allowExpiredWindow;
    st[u"max_active_keys"] = settings.maxActiveKeys;
    st[u"source"] = settings.source;
    o[u"settings"] = st;
    return o;
}

KeyStatus readKeyStatus(const KeySetup &setup, const NodeCancel &cancelled)
{
    KeyStatus st;
    st.profile = setup.profile;
    st.settings = setup.settings;
    st.readAt = QDateTime::currentDateTimeUtc();
    QElapsedTimer t;
    t.start();
    // One pass over all repositories: Fernet and credential of a node share
    // one ssh connection (ControlMaster), and all nodes run in parallel.
    QList<KeyLocation> all = setup.fernet;
    all += setup.credential;
    QList<RepositoryState> states =
        readRepositories(all, RepositoryState::Kind::Fernet, setup.ssh, cancelled);
    for (int i = 0; i < states.size(); ++i) {
        if (i < setup.fernet.size()) {
            st.fernet.append(states[i]);
        } else {
            states[i].kind = RepositoryState::Kind::Credential;
            st.credential.append(states[i]);
        }
    }
    st.fernetConsistency = compareRepositories(st.fernet);
    if (!st.credential.isEmpty())
        st.credentialConsistency = compareRepositories(st.credential);
    const int src = newestPrimaryNode(st.fernet);
    if (src >= 0) {
        const RepositoryState &s = st.fernet[src];
        st.preflight =
            preflightRotation(s, setup.settings, s.nodeTime.isValid() ? s.nodeTime : st.readAt);
    }
    st.durationMs = double(t.nsecsElapsed()) / 1e6;
    return st;
}

} // namespace turnstile
