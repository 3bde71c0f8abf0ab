#include "keysmodel.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QSet>

namespace turnstile {

namespace {
QString modeText(int mode)
{
    return QStringLiteral("%1").arg(mode, 4, 8, QLatin1Char('0'));
}
} // namespace

KeysModel::KeysModel(QObject *parent) : QAbstractTableModel(parent) {}

int KeysModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int KeysModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

void KeysModel::clear()
{
    beginResetModel();
    m_status = {};
    m_rows.clear();
    endResetModel();
}

void KeysModel::setStatus(const KeyStatus &status)
{
    beginResetModel();
    m_status = status;
    m_rows.clear();
    addRows(status.fernet, status.fernetConsistency, tr("Fernet"));
    addRows(status.credential, status.credentialConsistency, tr("Credential"));
    endResetModel();
}

void KeysModel::addRows(const QList<RepositoryState> &nodes, const KeyConsistency &c,
                        const QString &repository)
{
    QSet<int> indexSet;
    for (const RepositoryState &n : nodes)
        for (auto it = n.keys.cbegin(); it != n.keys.cend(); ++it)
            indexSet.insert(it.key());
    QList<int> indices(indexSet.cbegin(), indexSet.cend());
    std::sort(indices.begin(), indices.end());

    for (const RepositoryState &n : nodes) {
        const QString node = n.location.node();
        if (!n.readable() || n.keys.isEmpty()) {
            Row r;
            r.node = node;
            r.repository = repository;
            r.status = n.readable() ? n.problems.value(0) : n.errorMessage;
            r.level = 3;
            m_rows.append(r);
            continue;
        }
        for (int idx : std::as_const(indices)) {
            Row r;
            r.node = node;
            r.repository = repository;
            r.index = idx;
            if (n.keys.contains(idx)) {
                r.key = n.keys.value(idx);
                r.role = n.roleOf(idx);
            }
            QStringList reasons;
            for (const KeyDifference &d : c.differences)
                if (d.node == node && (d.index == idx || d.index < 0))
                    reasons << d.sentence;
            const QStringList problems = n.keyProblems.value(idx);
            const RepositoryState *ref = nullptr;
            for (const RepositoryState &o : nodes)
                if (o.location.node() == c.reference)
                    ref = &o;
            if (!r.key) {
                r.role = tr("missing");
                // Only a key the reference holds is this node's fault; a key
                // that only another (wrong) node has is absent here as it should be.
                if (ref && !ref->keys.contains(idx) && reasons.isEmpty()) {
                    r.role = tr("absent");
                    r.status = tr("absent, as on %1").arg(c.reference);
                    m_rows.append(r);
                    continue;
                }
                r.level = 3;
            }
            if (!reasons.isEmpty()) {
                r.level = 3;
                r.status = reasons.join(u'\n');
            } else if (!problems.isEmpty()) {
                r.level = std::max(r.level, 2);
                r.status = problems.join(u'\n');
            } else if (r.key && node == c.reference && !c.differences.isEmpty()) {
                r.status = tr("reference (newest primary)");
            } else if (r.key) {
                r.status = tr("in agreement");
            }
            m_rows.append(r);
        }
    }
}

QVariant KeysModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Row &r = m_rows.at(index.row());
    if (role == LevelRole)
        return r.level;
    if (role == NodeRole)
        return r.node;
    if (role == Qt::ForegroundRole &&
        (index.column() == StatusColumn || index.column() == RoleColumn)) {
        if (r.level >= 3)
            return QBrush(QColor(0xc6, 0x28, 0x28));
        if (r.level == 2)
            return QBrush(QColor(0xb2, 0x6a, 0x00));
        return QBrush(QColor(0x2e, 0x7d, 0x32));
    }
    if (role == Qt::BackgroundRole && r.level >= 3)
        return QBrush(QColor(0xff, 0xeb, 0xee));
    if (role == Qt::FontRole && index.column() == FingerprintColumn) {
        QFont f(QStringLiteral("monospace"));
        f.setStyleHint(QFont::Monospace);
        return f;
    }
    if (role == Qt::ToolTipRole && index.column() == StatusColumn)
        return r.status;
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case NodeColumn:
        return r.node;
    case RepositoryColumn:
        return r.repository;
    case KeyColumn:
        return r.index >= 0 ? QVariant(r.index) : QVariant(QStringLiteral("–"));
    case RoleColumn:
        return r.role;
    case ModifiedColumn:
        return r.key ? r.key->modified.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
    case ModeColumn:
        return r.key ? modeText(r.key->mode) : QString();
    case OwnerColumn:
        return r.key ? r.key->owner + u':' + r.key->group : QString();
    case FingerprintColumn:
        return r.key ? r.key->fingerprint : QString();
    case StatusColumn:
        return r.status.section(u'\n', 0, 0);
    default:
        return {};
    }
}

QVariant KeysModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, o, role);
    switch (section) {
    case NodeColumn:
        return tr("Node");
    case RepositoryColumn:
        return tr("Repository");
    case KeyColumn:
        return tr("Key");
    case RoleColumn:
        return tr("Role");
    case ModifiedColumn:
        return tr("Modified (UTC)");
    case ModeColumn:
        return tr("Mode");
    case OwnerColumn:
        return tr("Owner");
    case FingerprintColumn:
        return tr("Fingerprint");
    case StatusColumn:
        return tr("Status");
    default:
        return {};
    }
}

} // namespace turnstile
