#pragma once

#include "events/producerranking.h"

#include <QAbstractTableModel>

namespace turnstile {

// Who fills the legacy token table (the Database page): one row per user or
// trust from KeystoneInspector::tokenProducers(), busiest first within each
// kind, with the share of all rows. A value read off the GUI thread is handed
// in; the model never touches the database.
class TokenProducersModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        KindColumn,
        WhoColumn,
        TokensColumn,
        ShareColumn,
        ColumnCount
    };
    // qint64 / double for the number columns (-1 when unknown).
    static constexpr int SortRole = Qt::UserRole + 1;

    explicit TokenProducersModel(QObject *parent = nullptr);

    void setRanking(const ProducerRanking &ranking);
    void clear();
    const ProducerRanking &ranking() const { return m_ranking; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

private:
    ProducerRanking m_ranking;
};

} // namespace turnstile
