#pragma once

#include "db/serversizes.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

#include <optional>

namespace turnstile {

// Every schema (MySQL: database) and table the server lets this user see,
// flat, one row each, plus PostgreSQL's other databases: what lives on the
// Keystone database server and how big it is. Meant for a
// QSortFilterProxyModel: SortRole gives raw numbers (sizes sort by bytes,
// not by their "1.2 GiB" text) and KindRole lets the proxy show tables or
// schemas. Sizes are handed in as values read off the GUI thread; the model
// never touches the database.
class TableSizesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        SchemaColumn,
        TableColumn,
        RowsColumn,
        DataColumn,
        IndexColumn,
        FreeColumn, // reclaimable space: DATA_FREE, or PostgreSQL's dead-tuple estimate
        TotalColumn,
        GrowthColumn,
        ColumnCount
    };
    // qint64 / double for the number columns (the type's lowest value when
    // unknown), the name for the others.
    static constexpr int SortRole = Qt::UserRole + 1;
    // "table" or "schema" (a schema's or another database's totals).
    static constexpr int KindRole = Qt::UserRole + 2;
    // true on the rows of the schema Keystone's connection uses.
    static constexpr int KeystoneSchemaRole = Qt::UserRole + 3;

    explicit TableSizesModel(QObject *parent = nullptr);

    // Growth in bytes per day, by growthKey(); missing where there is no history.
    void setSizes(const ServerSizes &sizes, const QHash<QString, double> &growthPerDay = {});
    void clear();
    static QString growthKey(const QString &schema, const QString &table = {});

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        bool table = false;
        bool current = false; // Keystone's own schema
        QString schema;
        QString name;
        std::optional<qint64> rows, data, index, free, total;
        std::optional<qint64> live, dead; // PostgreSQL tuple estimates
        bool freeEstimated = false;       // `free` is TableSize::reclaimableBytes' estimate
        std::optional<double> growth;
    };
    QVariant number(const Row &r, int column) const;

    QList<Row> m_rows;
    bool m_severalSchemas = false;
};

} // namespace turnstile
