#include "compliance/compliancesummary.h"

#include "compliance/compliancereport.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ComplianceSummary)
};
} // namespace

ComplianceSummary summarizeCompliance(const ComplianceReport &report)
{
    ComplianceSummary s;
    s.at = report.at;
    for (const ComplianceUser &u : report.serviceAccounts) {
        if (!u.name.isEmpty())
            s.serviceAccounts.append(u.name);
        s.serviceAccounts.append(u.id);
        // Only a local user has a failure count Keystone can lock on.
        if (report.settings.lockoutEnabled() && u.local && !u.ignoreLockout)
            s.unprotectedServiceAccounts.append({u.id,
                                                 u.name.isEmpty() ? u.id : u.name,
                                                 u.domainName.isEmpty() ? u.domainId : u.domainName,
                                                 {}});
    }
    if (!report.locked.value) {
        s.error = report.locked.error;
        return s;
    }
    s.locked = int(report.locked.value->size());
    for (const ComplianceEntry &e : *report.locked.value) {
        if (!e.user.serviceAccount) {
            s.serviceAccountsKnown = false;
            continue;
        }
        if (*e.user.serviceAccount)
            s.lockedServiceAccounts.append(
                {e.user.id, e.user.name.isEmpty() ? e.user.id : e.user.name,
                 e.user.domainName.isEmpty() ? e.user.domainId : e.user.domainName, e.at});
    }
    return s;
}

QString ComplianceSummary::sentence() const
{
    if (!available())
        return error;
    QString text = Tr::tr("%n account(s) locked.", nullptr, locked);
    if (!lockedServiceAccounts.isEmpty()) {
        QStringList who;
        for (const LockedServiceAccount &a : lockedServiceAccounts)
            who.append(a.unlocksAt.isValid() ? Tr::tr("%1 (%2) until %3 UTC")
                                                   .arg(a.name, a.domain,
                                                        a.unlocksAt.toUTC().toString(
                                                            QStringLiteral("yyyy-MM-dd HH:mm")))
                                             : Tr::tr("%1 (%2) until reset").arg(a.name, a.domain));
        text += u' ' +
                Tr::tr("Locked service account(s): %1.", nullptr, int(lockedServiceAccounts.size()))
                    .arg(who.join(QStringLiteral(", ")));
    }
    if (!serviceAccountsKnown && locked > 0)
        text += u' ' + Tr::tr("Service accounts could not be recognised.");
    return text;
}

QString ComplianceSummary::unprotectedSentence() const
{
    if (unprotectedServiceAccounts.isEmpty())
        return {};
    QStringList who;
    for (const LockedServiceAccount &a : unprotectedServiceAccounts)
        who.append(Tr::tr("%1 (%2)").arg(a.name, a.domain));
    return Tr::tr("Service accounts without ignore_lockout_failure_attempts, which anyone who "
                  "knows the name can lock out: %1. Set it with openstack user set "
                  "--ignore-lockout-failure-attempts NAME.")
        .arg(who.join(QStringLiteral(", ")));
}

QJsonObject ComplianceSummary::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("at"),
             at.isValid() ? QJsonValue(at.toUTC().toString(Qt::ISODate)) : QJsonValue());
    o.insert(QStringLiteral("locked"), available() ? QJsonValue(locked) : QJsonValue());
    QJsonArray arr;
    for (const LockedServiceAccount &a : lockedServiceAccounts)
        arr.append(QJsonObject{{QStringLiteral("id"), a.id},
                               {QStringLiteral("name"), a.name},
                               {QStringLiteral("domain"), a.domain},
                               {QStringLiteral("unlocks_at"),
                                a.unlocksAt.isValid()
                                    ? QJsonValue(a.unlocksAt.toUTC().toString(Qt::ISODate))
                                    : QJsonValue()}});
    o.insert(QStringLiteral("locked_service_accounts"), arr);
    o.insert(QStringLiteral("service_accounts_known"), serviceAccountsKnown);
    QJsonArray unprotected;
    for (const LockedServiceAccount &a : unprotectedServiceAccounts)
        unprotected.append(QJsonObject{{QStringLiteral("id"), a.id},
                                       {QStringLiteral("name"), a.name},
                                       {QStringLiteral("domain"), a.domain}});
    o.insert(QStringLiteral("service_accounts_without_lockout_exemption"), unprotected);
    if (!error.isEmpty())
        o.insert(QStringLiteral("error"), error);
    return o;
}

} // namespace turnstile
