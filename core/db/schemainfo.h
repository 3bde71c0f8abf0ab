#pragma once

#include "db/keystonetables.h"
#include "db/metric.h"

#include <QList>
#include <QStringList>

namespace turnstile {

// Which migration framework stamped the schema, and how far.
struct MigrationVersion
{
    enum class Scheme
    {
        None,              // neither alembic_version nor migrate_version
        Alembic,           // Yoga (21) and later
        SqlalchemyMigrate, // before Yoga: one row per repository
    };
    Scheme scheme = Scheme::None;
    // Alembic: the head revisions (one per branch, expand and contract).
    // sqlalchemy-migrate: "repository_id=version" per row.
    QStringList revisions;
    // Every revision is one Turnstile knows (see migrationcatalog.cpp). An
    // unknown one usually means a newer Keystone: the figures still work,
    // but the schema may have moved, so the UI flags it.
    bool known = false;
    // Oldest and newest release the known revisions belong to, e.g.
    // "Yoga – 2023.1"; empty when unknown.
    QString releases;
    // Why the version is flagged; empty for a known Alembic schema.
    QString note;
};

// What the connected database holds, Keystone-wise.
struct SchemaInfo
{
    // The Keystone tables that exist and are visible to this user (MySQL
    // hides tables the user has no privilege on).
    Metric<QList<KeystoneTable>> tables;
    Metric<MigrationVersion> migration;
    // Whether the legacy `token` table holds any row (Fernet never writes it).
    Metric<bool> tokenHasRows;
    QString serverVersion; // "10.11.6-MariaDB-0+deb12u1", "PostgreSQL 15.…"

    bool hasTable(KeystoneTable t) const { return tables.value && tables.value->contains(t); }
};

} // namespace turnstile
