#pragma once

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>

namespace turnstile {

// The audit log as a table, newest first. Records are handed in as values
// (read off the GUI thread by the page); the model never touches the file.
class AuditLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        TimeColumn,
        ProfileColumn,
        ActionColumn,
        TargetColumn,
        OutcomeColumn,
        RowsColumn,
        DurationColumn,
        ByColumn,
        ColumnCount
    };
    // The whole record, for a details view.
    static constexpr int RecordRole = Qt::UserRole + 1;

    explicit AuditLogModel(QObject *parent = nullptr);

    void setRecords(const QList<QJsonObject> &oldestFirst);
    QJsonObject record(int row) const { return m_records.value(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    QList<QJsonObject> m_records; // newest first
};

} // namespace turnstile
