#include "galeranodesmodel.h"

#include <QLocale>

namespace turnstile {

GaleraNodesModel::GaleraNodesModel(QObject *parent) : QAbstractTableModel(parent) {}

void GaleraNodesModel::setStatus(const GaleraStatus &status)
{
    beginResetModel();
    m_status = status;
    endResetModel();
}

void GaleraNodesModel::clear()
{
    setStatus({});
}

int GaleraNodesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_status.nodes.size());
}

int GaleraNodesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant GaleraNodesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_status.nodes.size())
        return {};
    const GaleraNodeStatus &n = m_status.nodes.at(index.row());
    const QLocale loc;
    if (role == ProblemRole)
        return !n.reachable || n.clusterStatus != u"Primary" || !n.ready ||
               n.localState != u"Synced" ||
               (m_status.expectedSize > 0 && n.clusterSize < m_status.expectedSize);
    if (role == Qt::ToolTipRole && !n.reachable)
        return n.error;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case NodeColumn:
        return n.name;
    case AddressColumn:
        return n.address;
    case StatusColumn:
        return n.reachable ? n.clusterStatus : tr("does not answer");
    case StateColumn:
        return n.reachable ? n.localState : QString();
    case SizeColumn:
        return n.reachable ? tr("%1 of %2").arg(n.clusterSize).arg(m_status.expectedSize)
                           : QString();
    case ReadyColumn:
        return n.reachable ? (n.ready ? tr("yes") : tr("no")) : QString();
    case FlowControlColumn:
        if (!n.reachable)
            return QString();
        return n.flowControlPausedShare
                   ? tr("%1 % of %2 s")
                         .arg(loc.toString(*n.flowControlPausedShare * 100, 'f', 0),
                              loc.toString(n.flowControlIntervalSec, 'f',
                                           n.flowControlIntervalSec < 10 ? 1 : 0))
                   : tr("next sample");
    case RecvQueueColumn:
        return n.reachable ? loc.toString(n.recvQueueAvg, 'f', 2) : QString();
    case CertDepsColumn:
        return n.reachable ? loc.toString(n.certDepsDistance, 'f', 1) : QString();
    case ConfIdColumn:
        return n.reachable ? loc.toString(n.confId) : QString();
    }
    return {};
}

QVariant GaleraNodesModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NodeColumn:
        return tr("Node");
    case AddressColumn:
        return tr("Address");
    case StatusColumn:
        return tr("Cluster status");
    case StateColumn:
        return tr("State");
    case SizeColumn:
        return tr("Cluster size");
    case ReadyColumn:
        return tr("Ready");
    case FlowControlColumn:
        return tr("Flow control paused");
    case RecvQueueColumn:
        return tr("Receive queue (avg)");
    case CertDepsColumn:
        return tr("Cert. deps distance");
    case ConfIdColumn:
        return tr("Configuration");
    }
    return {};
}

} // namespace turnstile
