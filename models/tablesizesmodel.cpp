#include "tablesizesmodel.h"

#include <QFont>
#include <QLocale>

#include <cmath>
#include <limits>

namespace turnstile {

namespace {
std::optional<qint64> sum(std::optional<qint64> a, std::optional<qint64> b)
{
    if (!a && !b)
        return std::nullopt;
    return a.value_or(0) + b.value_or(0);
}
} // namespace

TableSizesModel::TableSizesModel(QObject *parent) : QAbstractTableModel(parent) {}

QString TableSizesModel::growthKey(const QString &schema, const QString &table)
{
    return table.isEmpty() ? schema : schema + u'\n' + table;
}

void TableSizesModel::setSizes(const ServerSizes &sizes, const QHash<QString, double> &growth)
{
    beginResetModel();
    m_rows.clear();
    const auto growthOf = [&growth](const QString &key) -> std::optional<double> {
        const auto it = growth.constFind(key);
        return it == growth.cend() ? std::nullopt : std::optional<double>(*it);
    };
    for (const SchemaSize &s : sizes.schemas.value.value_or(QList<SchemaSize>())) {
        Row schema;
        schema.current = s.current;
        schema.schema = s.name;
        schema.data = s.dataBytes;
        schema.index = s.indexBytes;
        schema.free = s.freeBytes;
        // PostgreSQL reports no free space: the schema's is its tables' estimates.
        const bool sumEstimates = !s.freeBytes;
        schema.total = s.dataBytes + s.indexBytes;
        schema.growth = growthOf(growthKey(s.name));
        std::optional<qint64> rows;
        for (const TableSize &t : s.tables) {
            Row row;
            row.table = true;
            row.current = s.current;
            row.schema = s.name;
            row.name = t.name;
            row.rows = t.rowsEstimate;
            row.live = t.liveRowsEstimate;
            row.dead = t.deadRowsEstimate;
            row.data = t.dataBytes;
            row.index = t.indexBytes;
            row.free = t.reclaimableBytes();
            row.freeEstimated = t.reclaimableIsEstimate();
            if (sumEstimates && row.freeEstimated) {
                schema.free = sum(schema.free, row.free);
                schema.freeEstimated = true;
            }
            row.total = sum(t.dataBytes, t.indexBytes);
            row.growth = growthOf(growthKey(s.name, t.name));
            rows = sum(rows, t.rowsEstimate);
            m_rows.append(row);
        }
        schema.rows = rows;
        m_rows.append(schema);
    }
    const QList<DatabaseSize> others = sizes.otherDatabases.value.value_or(QList<DatabaseSize>());
    m_severalSchemas = sizes.schemas.value.value_or(QList<SchemaSize>()).size() + others.size() > 1;
    for (const DatabaseSize &d : others) {
        Row db;
        db.schema = d.name;
        db.total = d.bytes;
        db.growth = growthOf(growthKey(d.name));
        m_rows.append(db);
    }
    endResetModel();
}

void TableSizesModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_severalSchemas = false;
    endResetModel();
}

int TableSizesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TableSizesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TableSizesModel::number(const Row &r, int column) const
{
    const auto v = [](const std::optional<qint64> &x) { return x ? QVariant(*x) : QVariant(); };
    switch (column) {
    case RowsColumn:
        return v(r.rows);
    case DataColumn:
        return v(r.data);
    case IndexColumn:
        return v(r.index);
    case FreeColumn:
        return v(r.free);
    case TotalColumn:
        return v(r.total);
    case GrowthColumn:
        return r.growth ? QVariant(*r.growth) : QVariant();
    }
    return {};
}

QVariant TableSizesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size() || index.column() >= ColumnCount)
        return {};
    const Row &r = m_rows.at(index.row());
    const int column = index.column();
    const QLocale locale;
    switch (role) {
    case KindRole:
        return r.table ? QStringLiteral("table") : QStringLiteral("schema");
    case KeystoneSchemaRole:
        return r.current;
    case SortRole: {
        if (column == SchemaColumn)
            return r.schema;
        if (column == TableColumn)
            return r.name;
        // Unknown sorts as the smallest, so "biggest first" ends with the
        // tables the server gave no figure for instead of starting with them.
        const QVariant n = number(r, column);
        if (n.isValid())
            return n;
        return column == GrowthColumn ? QVariant(-std::numeric_limits<double>::infinity())
                                      : QVariant(std::numeric_limits<qint64>::min());
    }
    case Qt::TextAlignmentRole:
        return column >= RowsColumn ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    case Qt::FontRole:
        // Keystone's schema stands out among others; alone it needs no bold.
        if (r.current && m_severalSchemas && column <= TableColumn) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::ToolTipRole:
        if (column == SchemaColumn && r.current)
            return tr("The schema Keystone's database connection uses.");
        if (column == RowsColumn && (r.live || r.dead))
            return tr("Estimates: %1 live, %2 dead (VACUUM reclaims the dead ones).")
                .arg(locale.toString(r.live.value_or(0)), locale.toString(r.dead.value_or(0)));
        if (column == RowsColumn)
            return tr("The server's estimate (InnoDB samples pages; PostgreSQL updates it on "
                      "VACUUM and ANALYZE).");
        if (column == FreeColumn && r.free) {
            const QString size = locale.formattedDataSize(*r.free, 1);
            if (!r.freeEstimated)
                return tr("%1 reclaimable (%L2 bytes): free space inside the table's file that "
                          "a rebuild gives back to the disk.")
                    .arg(size)
                    .arg(*r.free);
            if (r.table)
                return tr("About %1 reclaimable. An estimate: the table's size times its share "
                          "of dead rows (%2 dead, %3 live). VACUUM makes that space reusable; "
                          "only VACUUM FULL gives it back to the disk, under an exclusive lock.")
                    .arg(size, locale.toString(r.dead.value_or(0)),
                         locale.toString(r.live.value_or(0)));
            return tr("About %1 reclaimable: the sum of its tables' estimates.").arg(size);
        }
        if (column == GrowthColumn && !r.growth)
            return tr("No history of this size yet: the collector samples the Keystone tables "
                      "every cycle and schema totals hourly.");
        if (column >= DataColumn && column <= TotalColumn && column != FreeColumn) {
            const QVariant n = number(r, column);
            return n.isValid() ? tr("%L1 bytes").arg(n.toLongLong()) : QVariant();
        }
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (column) {
    case SchemaColumn:
        return r.schema;
    case TableColumn:
        return r.table ? r.name : (r.data ? tr("(all tables)") : tr("(database)"));
    case RowsColumn:
        return r.rows ? locale.toString(*r.rows) : QString();
    case FreeColumn: {
        if (!r.free)
            return QString();
        const QString size = locale.formattedDataSize(*r.free, 1);
        // "≈" marks PostgreSQL's estimate apart from the server's own figure.
        return r.freeEstimated ? tr("≈ %1").arg(size) : size;
    }
    case DataColumn:
    case IndexColumn:
    case TotalColumn: {
        const QVariant n = number(r, column);
        return n.isValid() ? locale.formattedDataSize(n.toLongLong(), 1) : QString();
    }
    case GrowthColumn: {
        if (!r.growth)
            return QString();
        const double g = *r.growth;
        const QString size = locale.formattedDataSize(qint64(std::llround(std::abs(g))), 1);
        return tr("%1%2/day").arg(g < 0 ? QStringLiteral("−") : QStringLiteral("+"), size);
    }
    }
    return {};
}

QVariant TableSizesModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, o, role);
    switch (section) {
    case SchemaColumn:
        return tr("Schema");
    case TableColumn:
        return tr("Table");
    case RowsColumn:
        return tr("Rows (est.)");
    case DataColumn:
        return tr("Data");
    case IndexColumn:
        return tr("Indexes");
    case FreeColumn:
        return tr("Reclaimable");
    case TotalColumn:
        return tr("Total");
    case GrowthColumn:
        return tr("Growth");
    }
    return {};
}

} // namespace turnstile
