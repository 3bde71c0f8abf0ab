#include "compliance/complianceuser.h"

namespace turnstile {

QString ComplianceUser::displayName() const
{
    const QString who = name.isEmpty() ? id : name;
    const QString where = domainName.isEmpty() ? domainId : domainName;
    return where.isEmpty() ? who : QStringLiteral("%1 (%2)").arg(who, where);
}

} // namespace turnstile
