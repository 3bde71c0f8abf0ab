#pragma once

#include "guarded/tablecleanup.h"

#include <optional>

namespace turnstile {

// Deletes expired rows of the legacy `token` table (SQL/UUID providers; every
// Keystone release still creates it, and upgraded clouds keep millions of
// rows). Rows with expires >= now - retention stay.
//
// Two methods behind the same preview, confirmation, audit and journal: the
// chunked delete (TableCleanup) and, on MariaDB/MySQL when most rows go,
// copy-and-swap (TableSwap), which copies the rows that stay instead and
// gives the disk space back. The preview fixes the method and says why.
class TokenPurge : public TableCleanup
{
public:
    enum class Method
    {
        Chunked, // the default of the class, as before
        Auto,    // swap when more than half the rows go and the swap is possible
        Swap,    // swap unless it is impossible here (then chunked, and why)
    };

    static constexpr qint64 kDefaultRetentionSec = 2 * 86400;

    // retention: how long after expiry a row is kept; nullopt = keystone.conf's
    // [token] allow_expired_window when the profile names a keystone.conf,
    // else two days.
    TokenPurge(Profile profile, Secrets secrets, std::optional<qint64> retentionSec = {});

    // A retention shorter than [token] allow_expired_window deletes tokens
    // services may still validate with allow_expired; refused unless accepted.
    void setInsideAllowExpiredWindow(bool accepted) { m_insideWindowAccepted = accepted; }

    void setMethod(Method m) { m_method = m; }
    Method method() const { return m_method; }
    static std::optional<Method> methodFromName(const QString &name);

    QString kind() const override { return QStringLiteral("purge.tokens"); }
    ActionPreview preview() override;
    ActionResult execute(const ActionPreview &confirmed, ActionControl &control) override;
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
    // Sets parameters' method and method_reason, the sentences and the
    // statements of the method chosen.
    void chooseMethod(ActionPreview &p);
    ActionResult executeSwap(const ActionPreview &confirmed, ActionControl &control);
    // Drops what an interrupted swap left before a chunked run, on the
    // confirmed server only; a sentence when it could not, with *refused set
    // when another server answers or another run holds the lock.
    QString repairBeforeChunked(const ActionPreview &confirmed, bool *refused);

    Method m_method = Method::Chunked;
    qint64 m_retention = kDefaultRetentionSec;
    QString m_retentionSource;
    qint64 m_allowExpiredWindow = kDefaultRetentionSec; // Keystone's default
    QString m_windowSource;
    QString m_confError;
    bool m_insideWindowAccepted = false;
};

} // namespace turnstile
