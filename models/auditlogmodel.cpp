#include "auditlogmodel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>

namespace turnstile {

AuditLogModel::AuditLogModel(QObject *parent) : QAbstractTableModel(parent) {}

void AuditLogModel::setRecords(const QList<QJsonObject> &oldestFirst)
{
    beginResetModel();
    m_records = oldestFirst;
    std::reverse(m_records.begin(), m_records.end());
    endResetModel();
}

int AuditLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int AuditLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_records.size())
        return {};
    const QJsonObject &o = m_records.at(index.row());
    const QJsonObject result = o.value(u"result").toObject();
    const QString outcome = result.value(u"outcome").toString();
    if (role == RecordRole)
        return o;
    if (role == Qt::ForegroundRole && index.column() == OutcomeColumn) {
        if (outcome == u"failed")
            return QBrush(QColor(0xc6, 0x28, 0x28));
        if (outcome == u"cancelled")
            return QBrush(QColor(0xb2, 0x6a, 0x00));
        return {};
    }
    if (role == Qt::ToolTipRole)
        return result.value(u"message").toString();
    if (role == Qt::TextAlignmentRole &&
        (index.column() == RowsColumn || index.column() == DurationColumn))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    const QLocale locale;
    switch (index.column()) {
    case TimeColumn:
        return QLocale().toString(
            QDateTime::fromString(o.value(u"start").toString(), Qt::ISODateWithMs).toLocalTime(),
            QLocale::ShortFormat);
    case ProfileColumn:
        return o.value(u"profile").toString();
    case ActionColumn:
        return o.value(u"action").toString();
    case TargetColumn:
        return o.value(u"target").toString();
    case OutcomeColumn:
        return outcome;
    case RowsColumn:
        return locale.toString(result.value(u"affected").toInteger());
    case DurationColumn:
        return tr("%1 s").arg(
            locale.toString(result.value(u"duration_seconds").toDouble(), 'f', 1));
    case ByColumn:
        return QStringLiteral("%1@%2").arg(o.value(u"os_user").toString(),
                                           o.value(u"host").toString());
    }
    return {};
}

QVariant AuditLogModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Started");
    case ProfileColumn:
        return tr("Profile");
    case ActionColumn:
        return tr("Action");
    case TargetColumn:
        return tr("Target");
    case OutcomeColumn:
        return tr("Outcome");
    case RowsColumn:
        return tr("Rows");
    case DurationColumn:
        return tr("Duration");
    case ByColumn:
        return tr("By");
    }
    return {};
}

} // namespace turnstile
