#pragma once

#include "db/schemainfo.h"

#include <QList>
#include <QPair>
#include <QStringList>

namespace turnstile {

// Pure readers of Keystone's migration stamps; no database needed, so they
// are unit-tested on their own.

// The rows of alembic_version (version_num).
MigrationVersion classifyAlembic(const QStringList &revisions);
// The rows of migrate_version (repository_id, version).
MigrationVersion classifyMigrate(const QList<QPair<QString, qint64>> &rows);
// The release an Alembic revision first shipped in ("2023.2"), or empty.
QString releaseOfRevision(const QString &revision);

} // namespace turnstile
