#include "guarded/trustflush.h"

#include "db/sqlsession.h"
#include "guarded/databaseclock.h"
#include "util/timetext.h"

#include <QCoreApplication>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(TrustFlush)
};

// Keystone's DateTimeInt: microseconds since the epoch, UTC.
qint64 keystoneMicroseconds(const QDateTime &t)
{
    return t.toUTC().toMSecsSinceEpoch() * 1000;
}
} // namespace

TrustFlush::TrustFlush(Profile profile, Secrets secrets, Filters filters)
    : TableCleanup(std::move(profile), std::move(secrets)), m_filters(std::move(filters))
{}

QDate TrustFlush::parseDate(const QString &text)
{
    // keystone-manage trust_flush --date takes DD-MM-YYYY; scripts move over
    // unchanged, and the ISO form reads without surprise.
    QDate d = QDate::fromString(text, QStringLiteral("dd-MM-yyyy"));
    if (!d.isValid())
        d = QDate::fromString(text, QStringLiteral("yyyy-MM-dd"));
    return d;
}

TableCleanup::Spec TrustFlush::spec() const
{
    Spec s;
    s.title = Tr::tr("Flush expired and soft-deleted trusts");
    s.table = KeystoneTable::Trust;
    s.integerKey = false;
    s.predicateColumn = QLatin1StringView("expires_at_int");
    s.predicateTypes = {QStringLiteral("bigint")};
    s.dependents = {KeystoneTable::TrustRole};
    return s;
}

QVariant TrustFlush::computeCutoff(SqlSession &session, QDateTime *shown, QString *error)
{
    QString err;
    m_dbNow = databaseNowUtc(session, &err);
    if (!m_dbNow.isValid()) {
        *error = Tr::tr("Cannot read the database clock: %1").arg(err);
        return {};
    }
    *shown = m_filters.date ? QDateTime(*m_filters.date, QTime(0, 0), Qt::UTC) : m_dbNow;
    return *shown;
}

QString TrustFlush::goesCondition(const SqlSession &s) const
{
    // Keystone's filter, as SQLAlchemy compiles it: its hybrid expires_at
    // property becomes expires_at_int in SQL.
    QString c = QStringLiteral("(%1 IS NOT NULL OR (%2 IS NOT NULL AND %2 < ?))")
                    .arg(s.column(QLatin1StringView("deleted_at")),
                         s.column(QLatin1StringView("expires_at_int")));
    if (!m_filters.projectId.isEmpty())
        c += QStringLiteral(" AND %1 = ?").arg(s.column(QLatin1StringView("project_id")));
    if (!m_filters.trustorUserId.isEmpty())
        c += QStringLiteral(" AND %1 = ?").arg(s.column(QLatin1StringView("trustor_user_id")));
    if (!m_filters.trusteeUserId.isEmpty())
        c += QStringLiteral(" AND %1 = ?").arg(s.column(QLatin1StringView("trustee_user_id")));
    return c;
}

QVariantList TrustFlush::goesBinds(const QVariant &cutoffValue) const
{
    QVariantList b{keystoneMicroseconds(cutoffValue.toDateTime())};
    for (const QString &f : {m_filters.projectId, m_filters.trustorUserId, m_filters.trusteeUserId})
        if (!f.isEmpty())
            b.append(f);
    return b;
}

QStringList TrustFlush::dependentDeletes(const SqlSession &s, const QString &keyCondition) const
{
    return {QStringLiteral("DELETE FROM %1 WHERE %2 IN (SELECT %3 FROM %4 WHERE %5)")
                .arg(s.table(KeystoneTable::TrustRole), s.column(QLatin1StringView("trust_id")),
                     s.column(QLatin1StringView("id")), s.table(KeystoneTable::Trust),
                     keyCondition)};
}

QString TrustFlush::parametersKey() const
{
    return QStringLiteral("date:%1;project:%2;trustor:%3;trustee:%4")
        .arg(m_filters.date ? m_filters.date->toString(Qt::ISODate) : QStringLiteral("now"),
             m_filters.projectId, m_filters.trustorUserId, m_filters.trusteeUserId);
}

QJsonObject TrustFlush::parameters() const
{
    QJsonObject o;
    if (m_filters.date)
        o.insert(QStringLiteral("date"), m_filters.date->toString(Qt::ISODate));
    if (!m_filters.projectId.isEmpty())
        o.insert(QStringLiteral("project_id"), m_filters.projectId);
    if (!m_filters.trustorUserId.isEmpty())
        o.insert(QStringLiteral("trustor_user_id"), m_filters.trustorUserId);
    if (!m_filters.trusteeUserId.isEmpty())
        o.insert(QStringLiteral("trustee_user_id"), m_filters.trusteeUserId);
    o.insert(QStringLiteral("batch"), throttle().maxBatch);
    return o;
}

void TrustFlush::describe(SqlSession &session, ActionPreview &p)
{
    const QString trust = session.table(KeystoneTable::Trust);
    const QString role = session.table(KeystoneTable::TrustRole);
    const QString id = session.column(QLatin1StringView("id"));
    const QString deletedAt = session.column(QLatin1StringView("deleted_at"));
    const QString expiresInt = session.column(QLatin1StringView("expires_at_int"));
    const QString expires = session.column(QLatin1StringView("expires_at"));
    const QString trustId = session.column(QLatin1StringView("trust_id"));
    const QString goes = goesCondition(session);
    const QVariantList binds = goesBinds(p.cutoffValue);
    const QDateTime now = m_dbNow.isValid() ? m_dbNow : p.at;
    // One pass over the trusts that go: why each goes, and which are still
    // valid now (a --date in the future reaches them).
    const SqlResult r = session.run(
        QStringLiteral("SELECT COUNT(CASE WHEN %2 IS NOT NULL THEN 1 END), COUNT(CASE WHEN %2 IS "
                       "NULL THEN 1 END), COUNT(CASE WHEN %2 IS NULL AND %3 >= ? THEN 1 END) FROM "
                       "%1 WHERE %4")
            .arg(trust, deletedAt, expiresInt, goes),
        QVariantList{keystoneMicroseconds(now)} + binds);
    const SqlResult roles = session.run(
        QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2 IN (SELECT %3 FROM %4 WHERE %5)")
            .arg(role, trustId, id, trust, goes),
        binds);
    if (!r.ok() || !roles.ok()) {
        p.refusal =
            Tr::tr("Cannot count the trusts that go: %1").arg(r.ok() ? roles.error : r.error);
        return;
    }
    const qint64 softDeleted = r.value(0, 0).toLongLong();
    const qint64 expired = r.value(0, 1).toLongLong();
    const qint64 stillValid = r.value(0, 2).toLongLong();
    QStringList narrowed;
    if (!m_filters.projectId.isEmpty())
        narrowed.append(Tr::tr("project %1").arg(m_filters.projectId));
    if (!m_filters.trustorUserId.isEmpty())
        narrowed.append(Tr::tr("trustor %1").arg(m_filters.trustorUserId));
    if (!m_filters.trusteeUserId.isEmpty())
        narrowed.append(Tr::tr("trustee %1").arg(m_filters.trusteeUserId));
    p.consequences.append(
        Tr::tr("%L1 soft-deleted trusts (whatever their dates) and %L2 trusts that expired before "
               "%3 are deleted, with their %L4 trust_role rows; the same rows keystone-manage "
               "trust_flush deletes%5.")
            .arg(softDeleted)
            .arg(expired)
            .arg(formatUtcTime(p.cutoff))
            .arg(roles.value(0, 0).toLongLong())
            .arg(narrowed.isEmpty() ? QString()
                                    : Tr::tr(" with the same filters (%1)")
                                          .arg(narrowed.join(QStringLiteral(", ")))));
    if (stillValid > 0) {
        p.mustAcknowledge = stillValid;
        p.consequences.append(
            Tr::tr("%L1 of them are still valid now: the date %2 is later than the database's "
                   "clock (%3), and whoever uses these trusts loses them.")
                .arg(stillValid)
                .arg(formatUtcTime(p.cutoff), formatUtcTime(now)));
    }
    // Rows Keystone's own flush treats differently from what one might
    // expect, so the operator is not surprised by what stays.
    const SqlResult legacy =
        session.run(QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2 IS NULL AND %3 IS NULL AND "
                                   "%4 IS NOT NULL AND %4 < ?")
                        .arg(trust, deletedAt, expiresInt, expires),
                    {p.cutoff});
    if (legacy.ok() && legacy.value(0, 0).toLongLong() > 0)
        p.warnings.append(Tr::tr("%L1 trusts have an expires_at before the date but no "
                                 "expires_at_int; keystone-manage trust_flush keeps them, and so "
                                 "does this action.")
                              .arg(legacy.value(0, 0).toLongLong()));
    const SqlResult orphans = session.run(
        QStringLiteral("SELECT COUNT(*) FROM %1 WHERE NOT EXISTS (SELECT 1 FROM %2 WHERE %2.%3 = "
                       "%1.%4)")
            .arg(role, trust, id, trustId));
    if (orphans.ok() && orphans.value(0, 0).toLongLong() > 0)
        p.warnings.append(Tr::tr("%L1 trust_role rows belong to no trust (keystone-manage "
                                 "trust_flush leaves them behind); this action does not touch "
                                 "them.")
                              .arg(orphans.value(0, 0).toLongLong()));
}

} // namespace turnstile
