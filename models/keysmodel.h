#pragma once

#include "keys/keystatus.h"

#include <QAbstractTableModel>

namespace turnstile {

// The Keys page's table: one row per node and key index (the union of the
// indices all nodes hold, so a key a node lacks shows as a red "missing"
// row), Fernet first, then the credential repository. A node that cannot be
// read is one red row with the reason.
class KeysModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NodeColumn,
        RepositoryColumn,
        KeyColumn,
        RoleColumn,
        ModifiedColumn,
        ModeColumn,
        OwnerColumn,
        FingerprintColumn,
        StatusColumn,
        ColumnCount
    };
    enum Roles
    {
        LevelRole = Qt::UserRole + 1, // KeyConsistency::Level as int for the row
        NodeRole
    };

    explicit KeysModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    void setStatus(const KeyStatus &status);
    void clear();
    const KeyStatus &status() const { return m_status; }

private:
    struct Row
    {
        QString node;
        QString repository;
        int index = -1; // -1: the node could not be read
        std::optional<KeyFile> key;
        QString role;
        QString status;
        int level = 1;
    };
    void addRows(const QList<RepositoryState> &nodes, const KeyConsistency &c,
                 const QString &repository);

    KeyStatus m_status;
    QList<Row> m_rows;
};

} // namespace turnstile
