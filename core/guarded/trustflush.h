#pragma once

#include "guarded/tablecleanup.h"

#include <QDate>

#include <optional>

namespace turnstile {

// `keystone-manage trust_flush` as a guarded action. The rows that go are
// exactly Keystone's (Zed, keystone/trust/backends/sql.py
// flush_expired_and_soft_deleted_trusts): every soft-deleted trust whatever
// its dates, and every trust whose expires_at_int is before the date —
// Keystone compares expires_at_int, so a row with only the legacy expires_at
// stays — narrowed by project, trustor and trustee when given. Keystone's
// DELETE leaves the trusts' trust_role rows behind (there is no foreign
// key); this action deletes them with their trusts, chunk by chunk.
class TrustFlush : public TableCleanup
{
public:
    struct Filters
    {
        QString projectId;
        QString trustorUserId;
        QString trusteeUserId;
        // Keystone's --date: trusts that expire before its midnight (UTC)
        // go. None: the database server's clock now.
        std::optional<QDate> date;
    };

    TrustFlush(Profile profile, Secrets secrets, Filters filters = {});

    QString kind() const override { return QStringLiteral("flush.trusts"); }
    const Filters &filters() const { return m_filters; }

    // Keystone's --date format (DD-MM-YYYY), or ISO (YYYY-MM-DD); invalid otherwise.
    static QDate parseDate(const QString &text);

protected:
    Spec spec() const override;
    QVariant computeCutoff(SqlSession &session, QDateTime *shown, QString *error) override;
    QString parametersKey() const override;
    QJsonObject parameters() const override;
    void describe(SqlSession &session, ActionPreview &preview) override;
    QString goesCondition(const SqlSession &s) const override;
    QVariantList goesBinds(const QVariant &cutoffValue) const override;
    QStringList dependentDeletes(const SqlSession &s, const QString &keyCondition) const override;

private:
    Filters m_filters;
    QDateTime m_dbNow;
};

} // namespace turnstile
