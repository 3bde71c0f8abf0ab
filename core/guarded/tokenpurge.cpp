#include "guarded/tokenpurge.h"

#include "db/sqlsession.h"
#include "guarded/databaseclock.h"
#include "profiles/keystoneconf.h"
#include "util/duration.h"

#include <QCoreApplication>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(TokenPurge)
};
constexpr qint64 kMaxRetentionSec = 3650LL * 86400;
} // namespace

TokenPurge::TokenPurge(Profile profile, Secrets secrets, std::optional<qint64> retentionSec)
    : TableCleanup(std::move(profile), std::move(secrets))
{
    m_windowSource = Tr::tr("Keystone's default");
    const QString confPath = this->profile().keystoneConfPath;
    if (!confPath.isEmpty()) {
        QString err;
        const KeystoneConf conf = KeystoneConf::load(confPath, &err);
        if (err.isEmpty()) {
            m_allowExpiredWindow = conf.allowExpiredWindow;
            m_windowSource = confPath;
        } else {
            m_confError = err; // refused: a broken file is no reason to use defaults
        }
    }
    if (retentionSec) {
        m_retention = *retentionSec;
        m_retentionSource = Tr::tr("given");
    } else {
        m_retention = m_allowExpiredWindow;
        m_retentionSource = Tr::tr("[token] allow_expired_window, %1").arg(m_windowSource);
    }
}

QString TokenPurge::configurationRefusal() const
{
    if (!m_confError.isEmpty())
        return Tr::tr("Cannot read [token] allow_expired_window from %1: %2 Fix the file, or "
                      "remove it from the profile.")
            .arg(profile().keystoneConfPath, m_confError);
    if (m_retention >= 0 && m_retention < m_allowExpiredWindow && !m_insideWindowAccepted)
        return Tr::tr("The retention of %1 is shorter than [token] allow_expired_window (%2, %3): "
                      "services may still validate the tokens it deletes. Accept that with "
                      "--inside-allow-expired-window, or the checkbox on the Actions page.")
            .arg(formatDuration(m_retention), formatDuration(m_allowExpiredWindow), m_windowSource);
    return {};
}

TableCleanup::Spec TokenPurge::spec() const
{
    Spec s;
    s.title = Tr::tr("Purge expired tokens");
    s.table = KeystoneTable::Token;
    s.integerKey = false;
    s.predicateColumn = QLatin1StringView("expires");
    s.predicateTypes = {QStringLiteral("datetime"), QStringLiteral("timestamp"),
                        QStringLiteral("timestamp without time zone")};
    return s;
}

QVariant TokenPurge::computeCutoff(SqlSession &session, QDateTime *shown, QString *error)
{
    if (m_retention < 0 || m_retention > kMaxRetentionSec) {
        *error = Tr::tr("The retention %1 is impossible: it must be between 0 and 3650 days.")
                     .arg(m_retention < 0 ? QStringLiteral("-") + formatDuration(-m_retention)
                                          : formatDuration(m_retention));
        return {};
    }
    QString err;
    const QDateTime now = databaseNowUtc(session, &err);
    if (!now.isValid()) {
        *error = Tr::tr("Cannot read the database clock: %1").arg(err);
        return {};
    }
    *shown = now.addSecs(-m_retention);
    return *shown;
}

QString TokenPurge::parametersKey() const
{
    return QStringLiteral("retention:%1").arg(m_retention);
}

QJsonObject TokenPurge::parameters() const
{
    QJsonObject o;
    o.insert(QStringLiteral("retention_seconds"), m_retention);
    o.insert(QStringLiteral("retention_source"), m_retentionSource);
    o.insert(QStringLiteral("allow_expired_window_seconds"), m_allowExpiredWindow);
    if (m_insideWindowAccepted)
        o.insert(QStringLiteral("inside_allow_expired_window"), true);
    o.insert(QStringLiteral("batch"), throttle().maxBatch);
    return o;
}

void TokenPurge::describe(SqlSession &session, ActionPreview &p)
{
    Q_UNUSED(session)
    p.consequences.append(
        Tr::tr("Rows of the legacy token table whose expires is before %1 (now minus the "
               "retention of %2, %3) are deleted; every row with a later or empty expires stays.")
            .arg(p.cutoff.toString(Qt::ISODate), formatDuration(m_retention), m_retentionSource));
    if (m_retention < m_allowExpiredWindow)
        p.warnings.append(Tr::tr("The retention is shorter than [token] allow_expired_window (%1, "
                                 "%2), as accepted: services may still ask Keystone about tokens "
                                 "that will be gone.")
                              .arg(formatDuration(m_allowExpiredWindow), m_windowSource));
}

} // namespace turnstile
