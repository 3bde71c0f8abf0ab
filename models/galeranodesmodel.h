#pragma once

#include "db/galerastatus.h"

#include <QAbstractTableModel>

namespace turnstile {

// The Database page's Galera table: one row per node of GaleraStatus (handed in as a value
// read off the GUI thread), its state, the cluster size it sees against the expected one,
// flow control paused over the last interval, the receive queue and the configuration id.
// A row that is not Synced/Primary/ready, or sees fewer nodes than expected, is flagged by
// ProblemRole.
class GaleraNodesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NodeColumn,
        AddressColumn,
        StatusColumn,
        StateColumn,
        SizeColumn,
        ReadyColumn,
        FlowControlColumn,
        RecvQueueColumn,
        CertDepsColumn,
        ConfIdColumn,
        ColumnCount
    };
    static constexpr int ProblemRole = Qt::UserRole + 1; // bool

    explicit GaleraNodesModel(QObject *parent = nullptr);

    void setStatus(const GaleraStatus &status);
    void clear();
    const GaleraStatus &status() const { return m_status; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    GaleraStatus m_status;
};

} // namespace turnstile
