#pragma once

#include "compliance/compliancereport.h"

#include <QAbstractTableModel>

#include <optional>

namespace turnstile {

// One compliance list of a report as a table: one row per user, the list's
// date in its own column (unlock time, last failure, disable day, expiry).
// The report is a value from the worker thread; switching lists or
// receiving a new report resets the model.
class ComplianceModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        DomainColumn,
        DateColumn,
        DetailColumn,
        ServiceColumn,
        EmailColumn,
        ColumnCount
    };
    enum Roles
    {
        UserIdRole = Qt::UserRole + 1,
        ServiceAccountRole, // bool, invalid when unknown
        SortRole,           // a QDateTime, QDate or number to sort by
        FailuresRole,
    };

    explicit ComplianceModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    void setReport(const ComplianceReport &report);
    void clear();
    bool hasReport() const { return m_report.has_value(); }
    const std::optional<ComplianceReport> &report() const { return m_report; }

    void setList(ComplianceList list);
    ComplianceList list() const { return m_list; }
    // Users on a list; -1 when the list is unavailable or there is no report.
    int count(ComplianceList list) const;
    // "Locked now (2)", "Passwords expiring within 7 days (0)", "Disabled for
    // inactivity (unavailable)".
    QString listLabel(ComplianceList list) const;
    // Why the shown list is empty for want of data; empty when it is available.
    QString unavailableReason() const;
    std::optional<ComplianceEntry> entry(int row) const;
    // The shown list as CSV for a mail merge (complianceCsv).
    QString csv() const;

private:
    const QList<ComplianceEntry> &rows() const;

    std::optional<ComplianceReport> m_report;
    ComplianceList m_list = ComplianceList::Locked;
};

} // namespace turnstile
