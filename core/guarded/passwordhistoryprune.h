#pragma once

#include "guarded/tablecleanup.h"

namespace turnstile {

// Prunes Keystone's password history: per local user, the current password
// and the newest [security_compliance] unique_last_password_count older ones
// stay, older rows go. "Current" and "newest" are Keystone's own order
// (LocalUser.passwords ordered by created_at_int; the current password is the
// last). Keystone's reuse check reads the last unique_last_password_count
// rows, the current one included, so every row it looks at stays. Keystone 22
// trims the history itself only when the user's password next changes; rows
// from older releases, and from a count that was lowered, stay until then.
//
// The count is never assumed: it comes from the profile's keystone.conf, and
// a profile without one, or with one that does not load, is refused. Rows
// created after the preview (id at or above the preview's next id) are never
// touched.
class PasswordHistoryPrune : public TableCleanup
{
public:
    PasswordHistoryPrune(Profile profile, Secrets secrets);

    QString kind() const override { return QStringLiteral("prune.password_history"); }
    // -1 while unknown (no keystone.conf, or one that does not load).
    int keepOlder() const { return m_keepOlder; }

protected:
    Spec spec() const override;
    QVariant computeCutoff(SqlSession &session, QDateTime *shown, QString *error) override;
    QString parametersKey() const override;
    QJsonObject parameters() const override;
    void describe(SqlSession &session, ActionPreview &preview) override;
    QString configurationRefusal() const override { return m_refusal; }
    QString goesCondition(const SqlSession &s) const override;
    QVariantList goesBinds(const QVariant &cutoffValue) const override;

private:
    int m_keepOlder = -1;
    QString m_refusal;
};

} // namespace turnstile
