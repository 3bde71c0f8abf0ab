#include "compliance/compliancereport.h"

#include <QCoreApplication>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ComplianceReport)
};
} // namespace

QList<ComplianceList> allComplianceLists()
{
    return {ComplianceList::Locked,           ComplianceList::Failing,
            ComplianceList::InactiveSoon,     ComplianceList::InactiveDisabled,
            ComplianceList::PasswordExpiring, ComplianceList::PasswordExpired};
}

QString complianceListName(ComplianceList list)
{
    switch (list) {
    case ComplianceList::Locked:
        return QStringLiteral("locked");
    case ComplianceList::Failing:
        return QStringLiteral("failing");
    case ComplianceList::InactiveSoon:
        return QStringLiteral("inactive_soon");
    case ComplianceList::InactiveDisabled:
        return QStringLiteral("inactive_disabled");
    case ComplianceList::PasswordExpiring:
        return QStringLiteral("password_expiring");
    case ComplianceList::PasswordExpired:
        return QStringLiteral("password_expired");
    }
    return {};
}

QString complianceListTitle(ComplianceList list)
{
    switch (list) {
    case ComplianceList::Locked:
        return Tr::tr("Locked now");
    case ComplianceList::Failing:
        return Tr::tr("Failed attempts, not locked");
    case ComplianceList::InactiveSoon:
        return Tr::tr("About to be disabled for inactivity");
    case ComplianceList::InactiveDisabled:
        return Tr::tr("Disabled for inactivity");
    case ComplianceList::PasswordExpiring:
        return Tr::tr("Passwords expiring");
    case ComplianceList::PasswordExpired:
        return Tr::tr("Passwords expired");
    }
    return {};
}

const Metric<QList<ComplianceEntry>> &ComplianceReport::list(ComplianceList which) const
{
    switch (which) {
    case ComplianceList::Locked:
        return locked;
    case ComplianceList::Failing:
        return failing;
    case ComplianceList::InactiveSoon:
        return inactiveSoon;
    case ComplianceList::InactiveDisabled:
        return inactiveDisabled;
    case ComplianceList::PasswordExpiring:
        return passwordExpiring;
    case ComplianceList::PasswordExpired:
        return passwordExpired;
    }
    return locked;
}

Metric<QList<ComplianceEntry>> &ComplianceReport::list(ComplianceList which)
{
    return const_cast<Metric<QList<ComplianceEntry>> &>(std::as_const(*this).list(which));
}

} // namespace turnstile
