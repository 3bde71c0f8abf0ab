#pragma once

#include "guarded/tablecleanup.h"

#include <optional>

namespace turnstile {

// The two revocation_event actions, kept apart because their consequences
// differ:
//  - Prune: delete events with revoked_at older than now - ([token]
//    expiration + [revoke] expiration_buffer). Keystone itself treats them as
//    dead (keystone/revoke/backends/sql.py prunes the same rows when it
//    writes a new event), so this is safe and the recommended action.
//  - Truncate: delete every event that exists at preview time (id <= the
//    largest id then). Events younger than the token expiration still
//    protect unexpired tokens; deleting them revives those tokens, so the
//    preview counts them and the run needs that count acknowledged.
// Both depend on the token lifetime, which is never assumed: it comes from a
// keystone.conf that loads or from the operator, and the lifetime of a token
// Keystone issues now (when the profile has credentials) raises it. Keystone's
// default (1 h) in a cloud with 24 h tokens deleted events that still
// protected revoked tokens, and those tokens worked again.
class RevocationCleanup : public TableCleanup
{
public:
    enum class Mode
    {
        PruneObsolete,
        TruncateAll
    };

    // tokenExpirationSec: [token] expiration as the operator knows it; taken
    // together with (the larger of it and) a keystone.conf named by the profile.
    RevocationCleanup(Profile profile, Secrets secrets, Mode mode,
                      std::optional<qint64> tokenExpirationSec = {});

    QString kind() const override;
    Mode mode() const { return m_mode; }

protected:
    Spec spec() const override;
    QVariant computeCutoff(SqlSession &session, QDateTime *shown, QString *error) override;
    QString parametersKey() const override;
    QJsonObject parameters() const override;
    void describe(SqlSession &session, ActionPreview &preview) override;
    QString configurationRefusal() const override { return m_settingsRefusal; }

private:
    Mode m_mode;
    qint64 m_expiration = -1; // unknown until a keystone.conf or the operator says
    int m_buffer = 1800;      // Keystone's default [revoke] expiration_buffer
    QString m_settingsSource;
    QString m_settingsRefusal;
    QString m_liveNote; // what the API cross-check found, for the preview
    QDateTime m_dbNow;
    qint64 m_maxId = 0;
};

} // namespace turnstile
