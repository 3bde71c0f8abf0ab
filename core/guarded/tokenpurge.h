#pragma once

#include "guarded/tablecleanup.h"

#include <optional>

namespace turnstile {

// Deletes expired rows of the legacy `token` table (SQL/UUID providers; every
// Keystone release still creates it, and upgraded clouds keep millions of
// rows). Rows with expires >= now - retention stay.
class TokenPurge : public TableCleanup
{
public:
    static constexpr qint64 kDefaultRetentionSec = 2 * 86400;

    // retention: how long after expiry a row is kept; nullopt = keystone.conf's
    // [token] allow_expired_window when the profile names a keystone.conf,
    // else two days.
    TokenPurge(Profile profile, Secrets secrets, std::optional<qint64> retentionSec = {});

    // A retention shorter than [token] allow_expired_window deletes tokens
    // services may still validate with allow_expired; refused unless accepted.
    void setInsideAllowExpiredWindow(bool accepted) { m_insideWindowAccepted = accepted; }

    QString kind() const override { return QStringLiteral("purge.tokens"); }
    qint64 retentionSec() const { return m_retention; }
    QString retentionSource() const { return m_retentionSource; }

protected:
    Spec spec() const override;
    QVariant computeCutoff(SqlSession &session, QDateTime *shown, QString *error) override;
    QString parametersKey() const override;
    QJsonObject parameters() const override;
    void describe(SqlSession &session, ActionPreview &preview) override;
    QString configurationRefusal() const override;

private:
    qint64 m_retention = kDefaultRetentionSec;
    QString m_retentionSource;
    qint64 m_allowExpiredWindow = kDefaultRetentionSec; // Keystone's default
    QString m_windowSource;
    QString m_confError;
    bool m_insideWindowAccepted = false;
};

} // namespace turnstile
