#include "tokenproducersmodel.h"

#include <QLocale>

namespace turnstile {

TokenProducersModel::TokenProducersModel(QObject *parent) : QAbstractTableModel(parent) {}

void TokenProducersModel::setRanking(const ProducerRanking &ranking)
{
    beginResetModel();
    m_ranking = ranking;
    endResetModel();
}

void TokenProducersModel::clear()
{
    setRanking(ProducerRanking());
}

int TokenProducersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_ranking.rows.size());
}

int TokenProducersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TokenProducersModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_ranking.rows.size())
        return {};
    const ProducerRow &r = m_ranking.rows.at(index.row());
    const QLocale loc;
    if (role == Qt::TextAlignmentRole &&
        (index.column() == TokensColumn || index.column() == ShareColumn))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role == SortRole) {
        switch (index.column()) {
        case KindColumn:
            return producerKindKey(r.kind);
        case WhoColumn:
            return r.who;
        case TokensColumn:
            return r.tokens;
        case ShareColumn:
            return r.share.value_or(-1.0);
        }
        return {};
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case KindColumn:
        return r.kind == ProducerRow::Kind::Trust ? tr("Trust") : tr("User");
    case WhoColumn:
        return r.who;
    case TokensColumn:
        return loc.toString(r.tokens);
    case ShareColumn:
        return r.share ? tr("%1 %").arg(loc.toString(*r.share * 100, 'f', 1)) : QString();
    }
    return {};
}

QVariant TokenProducersModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KindColumn:
        return tr("User or trust");
    case WhoColumn:
        return tr("ID");
    case TokensColumn:
        return tr("Tokens");
    case ShareColumn:
        return tr("Share of all");
    }
    return {};
}

} // namespace turnstile
