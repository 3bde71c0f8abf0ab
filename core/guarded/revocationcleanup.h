#pragma once

#include "guarded/tablecleanup.h"

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
class RevocationCleanup : public TableCleanup
{
public:
    enum class Mode
    {
        PruneObsolete,
        TruncateAll
    };

    RevocationCleanup(Profile profile, Secrets secrets, Mode mode);

    QString kind() const override;
    Mode mode() const { return m_mode; }

protected:
    Spec spec() const override;
    QVariant computeCutoff(SqlSession &session, QDateTime *shown, QString *error) override;
    QString parametersKey() const override;
    QJsonObject parameters() const override;
    void describe(SqlSession &session, ActionPreview &preview) override;

private:
    Mode m_mode;
    int m_expiration = 3600;
    int m_buffer = 1800;
    QString m_settingsSource;
    QDateTime m_dbNow;
    qint64 m_maxId = 0;
};

} // namespace turnstile
