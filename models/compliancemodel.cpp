#include "compliancemodel.h"

#include "compliance/complianceexport.h"
#include "util/duration.h"

#include <QColor>
#include <QLocale>

namespace turnstile {

namespace {
const QList<ComplianceEntry> kNoRows;

QString utc(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")) : QString();
}
} // namespace

ComplianceModel::ComplianceModel(QObject *parent) : QAbstractTableModel(parent) {}

const QList<ComplianceEntry> &ComplianceModel::rows() const
{
    if (!m_report)
        return kNoRows;
    const auto &m = m_report->list(m_list);
    return m.value ? *m.value : kNoRows;
}

int ComplianceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(rows().size());
}

int ComplianceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ComplianceModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ComplianceEntry &e = rows().at(index.row());
    const ComplianceUser &u = e.user;
    const QDateTime now = m_report->at;
    switch (role) {
    case UserIdRole:
        return u.id;
    case ServiceAccountRole:
        return u.serviceAccount ? QVariant(*u.serviceAccount) : QVariant();
    case FailuresRole:
        return u.failedAuthCount;
    default:
        break;
    }
    const bool byDay =
        m_list == ComplianceList::InactiveSoon || m_list == ComplianceList::InactiveDisabled;
    switch (index.column()) {
    case NameColumn:
        if (role == Qt::DisplayRole)
            return u.name.isEmpty() ? u.id : u.name;
        if (role == Qt::ToolTipRole)
            return tr("User ID %1").arg(u.id);
        if (role == SortRole)
            return u.name.toLower();
        break;
    case DomainColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return u.domainName.isEmpty() ? u.domainId : u.domainName;
        break;
    case DateColumn:
        if (role == SortRole)
            return byDay ? QVariant(e.day) : QVariant(e.at);
        if (role == Qt::DisplayRole) {
            if (byDay)
                return e.day.toString(Qt::ISODate);
            if (!e.at.isValid())
                return m_list == ComplianceList::Locked ? tr("until reset") : QString();
            return utc(e.at);
        }
        if (role == Qt::ToolTipRole && !byDay && e.at.isValid()) {
            const qint64 s = now.secsTo(e.at);
            return s >= 0 ? tr("in %1").arg(formatDuration(std::max<qint64>(1, s)))
                          : tr("%1 ago").arg(formatDuration(-s));
        }
        break;
    case DetailColumn:
        if (role == SortRole)
            return byDay ? e.daysInactive : u.failedAuthCount;
        if (role != Qt::DisplayRole)
            break;
        switch (m_list) {
        case ComplianceList::Locked:
        case ComplianceList::Failing:
            return tr("%n failure(s)", nullptr, u.failedAuthCount);
        case ComplianceList::InactiveSoon:
            return tr("inactive %n day(s)", nullptr, e.daysInactive);
        case ComplianceList::InactiveDisabled:
            return u.enabled ? tr("inactive %n day(s)", nullptr, e.daysInactive)
                             : tr("inactive %n day(s), stored disabled", nullptr, e.daysInactive);
        case ComplianceList::PasswordExpiring:
        case ComplianceList::PasswordExpired: {
            const qint64 s = now.secsTo(e.at);
            return s >= 0 ? tr("in %1").arg(formatDuration(std::max<qint64>(1, s)))
                          : tr("%1 ago").arg(formatDuration(-s));
        }
        }
        break;
    case ServiceColumn:
        if (role == Qt::DisplayRole)
            return !u.serviceAccount   ? tr("unknown")
                   : *u.serviceAccount ? tr("service account")
                                       : QString();
        if (role == SortRole)
            return u.serviceAccount.value_or(false) ? 1 : 0;
        // A locked service account breaks a service: the one row to see first.
        if (role == Qt::DecorationRole && u.serviceAccount.value_or(false) &&
            m_list == ComplianceList::Locked)
            return QColor(0xc6, 0x28, 0x28);
        break;
    case EmailColumn:
        if (role == Qt::DisplayRole || role == SortRole)
            return u.email;
        break;
    default:
        break;
    }
    return {};
}

QVariant ComplianceModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, o, role);
    switch (section) {
    case NameColumn:
        return tr("User");
    case DomainColumn:
        return tr("Domain");
    case DateColumn:
        switch (m_list) {
        case ComplianceList::Locked:
            return tr("Unlocks at");
        case ComplianceList::Failing:
            return tr("Last failure");
        case ComplianceList::InactiveSoon:
            return tr("Disabled on");
        case ComplianceList::InactiveDisabled:
            return tr("Disabled since");
        case ComplianceList::PasswordExpiring:
            return tr("Expires");
        case ComplianceList::PasswordExpired:
            return tr("Expired");
        }
        break;
    case DetailColumn:
        return tr("Detail");
    case ServiceColumn:
        return tr("Service account");
    case EmailColumn:
        return tr("E-mail");
    default:
        break;
    }
    return {};
}

void ComplianceModel::setReport(const ComplianceReport &report)
{
    beginResetModel();
    m_report = report;
    endResetModel();
}

void ComplianceModel::clear()
{
    beginResetModel();
    m_report.reset();
    endResetModel();
}

void ComplianceModel::setList(ComplianceList list)
{
    if (list == m_list)
        return;
    beginResetModel();
    m_list = list;
    endResetModel();
    emit headerDataChanged(Qt::Horizontal, DateColumn, DateColumn);
}

int ComplianceModel::count(ComplianceList list) const
{
    if (!m_report)
        return -1;
    const auto &m = m_report->list(list);
    return m.value ? int(m.value->size()) : -1;
}

QString ComplianceModel::listLabel(ComplianceList list) const
{
    QString title = complianceListTitle(list);
    if (m_report &&
        (list == ComplianceList::InactiveSoon || list == ComplianceList::PasswordExpiring))
        title = tr("%1 within %n day(s)", nullptr, m_report->withinDays).arg(title);
    const int n = count(list);
    if (!m_report)
        return title;
    return n < 0 ? tr("%1 (unavailable)").arg(title) : tr("%1 (%L2)").arg(title).arg(n);
}

QString ComplianceModel::unavailableReason() const
{
    if (!m_report)
        return {};
    return m_report->list(m_list).error;
}

std::optional<ComplianceEntry> ComplianceModel::entry(int row) const
{
    if (row < 0 || row >= rows().size())
        return std::nullopt;
    return rows().at(row);
}

QString ComplianceModel::csv() const
{
    if (!m_report)
        return {};
    return complianceCsv(*m_report, {m_list});
}

} // namespace turnstile
