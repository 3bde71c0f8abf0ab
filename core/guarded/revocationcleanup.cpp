#include "guarded/revocationcleanup.h"

#include "db/sqlsession.h"
#include "guarded/databaseclock.h"
#include "guarded/tokenlifetime.h"
#include "profiles/keystoneconf.h"
#include "util/duration.h"

#include <QCoreApplication>

#include <algorithm>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(RevocationCleanup)
};
} // namespace

RevocationCleanup::RevocationCleanup(Profile profile, Secrets secrets, Mode mode,
                                     std::optional<qint64> tokenExpirationSec)
    : TableCleanup(std::move(profile), std::move(secrets)), m_mode(mode)
{
    QStringList sources;
    const QString confPath = this->profile().keystoneConfPath;
    if (!confPath.isEmpty()) {
        QString err;
        const KeystoneConf conf = KeystoneConf::load(confPath, &err);
        if (!err.isEmpty()) {
            // A file that does not load is no reason to fall back to defaults.
            m_settingsRefusal =
                Tr::tr(
                    "Cannot read the token lifetime from %1: %2 Fix the file, or remove it from "
                    "the profile and give the lifetime (--token-expiration, or Token lifetime on "
                    "the Actions page).")
                    .arg(confPath, err);
            return;
        }
        m_expiration = conf.tokenExpiration;
        m_buffer = conf.revokeExpirationBuffer;
        sources.append(confPath);
    }
    if (tokenExpirationSec) {
        m_expiration = std::max(m_expiration, *tokenExpirationSec);
        sources.append(Tr::tr("the lifetime given"));
    }
    if (m_expiration <= 0) {
        m_settingsRefusal =
            Tr::tr("The token lifetime is unknown: profile %1 names no keystone.conf. Give "
                   "Keystone's [token] expiration (--token-expiration, or Token lifetime on the "
                   "Actions page, e.g. 24h), or add the "
                   "keystone.conf to the profile; Keystone's default of 1 h would delete events "
                   "that still protect tokens in a cloud whose tokens live longer.")
                .arg(this->profile().name);
        return;
    }
    m_settingsSource = sources.join(QStringLiteral(", "));
}

QString RevocationCleanup::kind() const
{
    return m_mode == Mode::PruneObsolete ? QStringLiteral("revocations.prune")
                                         : QStringLiteral("revocations.truncate");
}

TableCleanup::Spec RevocationCleanup::spec() const
{
    Spec s;
    s.table = KeystoneTable::RevocationEvent;
    s.integerKey = true;
    if (m_mode == Mode::PruneObsolete) {
        s.title = Tr::tr("Prune obsolete revocation events");
        s.predicateColumn = QLatin1StringView("revoked_at");
        s.predicateTypes = {QStringLiteral("datetime"), QStringLiteral("timestamp"),
                            QStringLiteral("timestamp without time zone")};
    } else {
        s.title = Tr::tr("Truncate all revocation events");
        s.predicateColumn = QLatin1StringView("id");
        s.predicateTypes = {QStringLiteral("int"), QStringLiteral("integer"),
                            QStringLiteral("bigint")};
    }
    return s;
}

QVariant RevocationCleanup::computeCutoff(SqlSession &session, QDateTime *shown, QString *error)
{
    // The API's figure is what the cloud really does; a copied keystone.conf
    // or a remembered number may be stale. The larger one wins: a lifetime
    // taken too long only keeps a few events longer.
    QString liveError;
    if (const auto live = liveTokenLifetime(profile(), secrets(), &liveError)) {
        if (*live > m_expiration + 60) {
            m_liveNote =
                Tr::tr("Keystone issues tokens valid for %1, longer than the %2 from %3; the "
                       "longer lifetime is used.")
                    .arg(formatDuration(*live), formatDuration(m_expiration), m_settingsSource);
            m_expiration = *live;
            m_settingsSource += Tr::tr(", Keystone's API");
        }
    } else {
        m_liveNote =
            Tr::tr("The token lifetime was not cross-checked against Keystone: %1.").arg(liveError);
    }
    QString err;
    m_dbNow = databaseNowUtc(session, &err);
    if (!m_dbNow.isValid()) {
        *error = Tr::tr("Cannot read the database clock: %1").arg(err);
        return {};
    }
    if (m_mode == Mode::PruneObsolete) {
        *shown = m_dbNow.addSecs(-qint64(m_expiration) - m_buffer);
        return *shown;
    }
    const SqlResult r = session.run(QStringLiteral("SELECT COALESCE(MAX(%1), 0) FROM %2")
                                        .arg(session.column(QLatin1StringView("id")),
                                             session.table(KeystoneTable::RevocationEvent)));
    if (!r.ok()) {
        *error = r.error;
        return {};
    }
    m_maxId = r.value(0, 0).toLongLong();
    *shown = m_dbNow;
    return QVariant(m_maxId + 1);
}

QString RevocationCleanup::parametersKey() const
{
    if (m_mode == Mode::PruneObsolete)
        return QStringLiteral("prune:%1:%2").arg(m_expiration).arg(m_buffer);
    return QStringLiteral("truncate");
}

QJsonObject RevocationCleanup::parameters() const
{
    QJsonObject o;
    o.insert(QStringLiteral("mode"),
             m_mode == Mode::PruneObsolete ? QStringLiteral("prune") : QStringLiteral("truncate"));
    o.insert(QStringLiteral("token_expiration_seconds"), m_expiration);
    o.insert(QStringLiteral("expiration_buffer_seconds"), m_buffer);
    o.insert(QStringLiteral("settings_source"), m_settingsSource);
    o.insert(QStringLiteral("batch"), throttle().maxBatch);
    return o;
}

void RevocationCleanup::describe(SqlSession &session, ActionPreview &p)
{
    const QString t = session.table(KeystoneTable::RevocationEvent);
    const QString revokedAt = session.column(QLatin1StringView("revoked_at"));
    const QString id = session.column(QLatin1StringView("id"));
    // The cross-check may have raised the lifetime after the preview took
    // the parameters.
    p.parameters = parameters();
    if (!m_liveNote.isEmpty())
        p.warnings.append(m_liveNote);
    if (m_mode == Mode::PruneObsolete) {
        p.consequences.append(
            Tr::tr("Events revoked before %1 are deleted: older than the token lifetime (%2) "
                   "plus [revoke] expiration_buffer (%3), from %4. No token they revoked can "
                   "still be valid, and Keystone deletes the same rows itself whenever it "
                   "records a new event.")
                .arg(p.cutoff.toString(Qt::ISODate), formatDuration(m_expiration),
                     formatDuration(m_buffer), m_settingsSource));
        return;
    }
    // Truncate: what is still protecting unexpired tokens.
    const QDateTime protectFrom = m_dbNow.isValid() ? m_dbNow.addSecs(-qint64(m_expiration))
                                                    : p.at.addSecs(-qint64(m_expiration));
    const SqlResult r = session.run(
        QStringLiteral("SELECT COUNT(CASE WHEN %1 > ? THEN 1 END), MIN(%1), MAX(%1) FROM %2 "
                       "WHERE %3 < ?")
            .arg(revokedAt, t, id),
        {protectFrom, p.cutoffValue});
    if (!r.ok()) {
        p.refusal = Tr::tr("Cannot count the events that still protect tokens: %1").arg(r.error);
        return;
    }
    const qint64 protecting = r.value(0, 0).toLongLong();
    QDateTime oldest = r.value(0, 1).toDateTime();
    QDateTime newest = r.value(0, 2).toDateTime();
    oldest.setTimeSpec(Qt::UTC);
    newest.setTimeSpec(Qt::UTC);
    p.oldestAffected = oldest;
    p.newestAffected = newest;
    p.mustAcknowledge = protecting;
    p.consequences.append(
        Tr::tr("Every revocation event that exists now (id up to %L1) is deleted; events "
               "recorded while this runs stay.")
            .arg(p.cutoffValue.toLongLong() - 1));
    if (protecting > 0)
        p.consequences.append(
            Tr::tr("%L1 of these events were recorded within the token lifetime (%2) and still "
                   "protect unexpired tokens. Deleting them makes every token they revoked valid "
                   "again until it expires: logged-out sessions, removed roles and disabled users "
                   "regain access for up to %2.")
                .arg(protecting)
                .arg(formatDuration(m_expiration)));
    else
        p.consequences.append(Tr::tr("None of them protects an unexpired token."));
}

} // namespace turnstile
