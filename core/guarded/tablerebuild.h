#pragma once

#include "db/keystonetables.h"
#include "guarded/guardedaction.h"
#include "profiles/profile.h"
#include "profiles/secretstore.h"

#include <optional>

namespace turnstile {

class SqlSession;
struct TableSize;

// Gives a Keystone table's free space back to the disk after a purge, as a
// guarded action ("rebuild.table").
//
// MariaDB/MySQL: `ALTER TABLE t FORCE, ALGORITHM=INPLACE, LOCK=NONE`, an
// online rebuild (writers go on; the server refuses outright instead of
// falling back to a locking copy). Its progress is read from
// information_schema.PROCESSLIST (PROGRESS, STAGE) on a second connection;
// cancel sends KILL QUERY for the rebuilding connection, which rolls the
// rebuild back and leaves the table as it was.
//
// PostgreSQL: plain VACUUM by default (no exclusive lock; the space becomes
// reusable, not returned). VACUUM FULL returns it but holds an ACCESS
// EXCLUSIVE lock for the whole rewrite, so it is offered only with `full` and
// the preview then asks the operator to acknowledge the rows it locks.
//
// The table is a KeystoneTable, never a name from input: the statement is
// built from SqlSession::table().
class TableRebuild : public GuardedAction
{
public:
    TableRebuild(Profile profile, Secrets secrets, KeystoneTable table, bool full = false);

    QString kind() const override { return QStringLiteral("rebuild.table"); }
    ActionPreview preview() override;
    ActionResult execute(const ActionPreview &confirmed, ActionControl &control) override;

    KeystoneTable table() const { return m_table; }
    bool full() const { return m_full; }

    // The tables a rebuild is offered for: Keystone's data tables the
    // purges shrink. "token", "revocation_event", ... -> the enum; nothing
    // else maps.
    static QList<KeystoneTable> rebuildableTables();
    static std::optional<KeystoneTable> tableFromName(const QString &name);

private:
    // Size, free space and rows of the table now; false with *error.
    bool readSize(SqlSession &s, TableSize *size, QString *error) const;
    QString statement(SqlSession &s) const;

    Profile m_profile;
    Secrets m_secrets;
    KeystoneTable m_table;
    bool m_full;
};

} // namespace turnstile
