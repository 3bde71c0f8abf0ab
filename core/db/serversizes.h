#pragma once

#include "db/metric.h"
#include "db/tablestats.h"

#include <QList>
#include <QString>

#include <optional>

namespace turnstile {

// One schema (MySQL: a database) and its tables.
struct SchemaSize
{
    QString name;
    bool current = false; // the schema/database Keystone's connection uses
    qint64 dataBytes = 0;
    qint64 indexBytes = 0;
    std::optional<qint64> freeBytes; // MySQL DATA_FREE summed; PostgreSQL has no equivalent
    QList<TableSize> tables;
};

// Another PostgreSQL database: only its total size is visible from here.
struct DatabaseSize
{
    QString name;
    qint64 bytes = 0;
};

// Everything the server lets this user see. MySQL: every schema except the
// system ones, with tables (limited to the schemas the user has privileges
// on). PostgreSQL: catalogs are per database, so only the schemas of the
// current database come with tables; the other databases show their total
// size (pg_database_size, where the user may CONNECT).
struct ServerSizes
{
    Metric<QList<SchemaSize>> schemas;
    Metric<QList<DatabaseSize>> otherDatabases; // PostgreSQL only; empty value on MySQL
    double queryMs = 0;
};

} // namespace turnstile
