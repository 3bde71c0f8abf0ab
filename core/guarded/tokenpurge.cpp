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
    if (!this->profile().keystoneConfPath.isEmpty()) {
        QString err;
        const KeystoneConf conf = KeystoneConf::load(this->profile().keystoneConfPath, &err);
        if (err.isEmpty())
            m_allowExpiredWindow = conf.allowExpiredWindow;
    }
    if (retentionSec) {
        m_retention = *retentionSec;
        m_retentionSource = Tr::tr("given");
    } else if (m_allowExpiredWindow >= 0) {
        m_retention = m_allowExpiredWindow;
        m_retentionSource =
            Tr::tr("[token] allow_expired_window in %1").arg(this->profile().keystoneConfPath);
    } else {
        m_retentionSource = Tr::tr("default (2 days)");
    }
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
    if (m_allowExpiredWindow >= 0 && m_retention < m_allowExpiredWindow)
        p.warnings.append(Tr::tr("The retention is shorter than [token] allow_expired_window (%1): "
                                 "services may still ask Keystone about tokens that will be gone.")
                              .arg(formatDuration(m_allowExpiredWindow)));
}

} // namespace turnstile
