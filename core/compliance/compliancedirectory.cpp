#include "compliance/compliancedirectory.h"

#include "keystone/identityapi.h"
#include "keystone/keystoneclient.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ComplianceDirectory)
};

bool incomplete(const ComplianceUser &u)
{
    return u.name.isEmpty() || (u.domainName.isEmpty() && !u.domainId.isEmpty());
}
} // namespace

ComplianceDirectory::ComplianceDirectory(KeystoneClient &client) : m_client(client) {}

void ComplianceDirectory::setServiceNames(const QString &project, const QString &role)
{
    m_serviceProject = project;
    m_serviceRole = role;
}

bool ComplianceDirectory::needsApi(const ComplianceReport &report)
{
    for (const ComplianceList l : allComplianceLists()) {
        const auto &m = report.list(l);
        if (!m.value)
            continue;
        for (const ComplianceEntry &e : *m.value) {
            if (incomplete(e.user) ||
                (l == ComplianceList::Locked && !e.user.serviceAccount.has_value()))
                return true;
        }
    }
    return false;
}

QString ComplianceDirectory::domainName(const QString &domainId, QString *error)
{
    if (const auto it = m_domains.constFind(domainId); it != m_domains.constEnd())
        return *it;
    const HttpResult h = m_client.get(QStringLiteral("/domains/") + apiPathSegment(domainId));
    if (!h.ok()) {
        *error = h.error;
        return {};
    }
    const QString name = QJsonDocument::fromJson(h.body)
                             .object()
                             .value(u"domain")
                             .toObject()
                             .value(u"name")
                             .toString();
    m_domains.insert(domainId, name);
    return name;
}

QString ComplianceDirectory::complete(ComplianceUser &user, bool needServiceAccount)
{
    QString error;
    if (incomplete(user)) {
        if (const auto it = m_users.constFind(user.id); it != m_users.constEnd()) {
            user.name = it->name;
            user.domainName = it->domainName;
            if (user.email.isEmpty())
                user.email = it->email;
        } else {
            const HttpResult h = m_client.get(QStringLiteral("/users/") + apiPathSegment(user.id));
            if (!h.ok())
                return h.error;
            const QJsonObject o =
                QJsonDocument::fromJson(h.body).object().value(u"user").toObject();
            if (user.name.isEmpty())
                user.name = o.value(u"name").toString();
            if (user.domainId.isEmpty())
                user.domainId = o.value(u"domain_id").toString();
            // Keystone returns user.extra's keys at the top level.
            if (user.email.isEmpty())
                user.email = o.value(u"email").toString();
            if (user.domainName.isEmpty() && !user.domainId.isEmpty())
                user.domainName = domainName(user.domainId, &error);
            m_users.insert(user.id, user);
        }
    }
    if (needServiceAccount && !user.serviceAccount) {
        const ListResult r =
            listAll(m_client,
                    QStringLiteral("/role_assignments?user.id=%1&effective&include_names")
                        .arg(apiPathSegment(user.id)),
                    QStringLiteral("role_assignments"));
        if (!r.ok())
            return r.error;
        bool service = false;
        for (const QJsonValue &v : r.items) {
            const QJsonObject a = v.toObject();
            const QString role = a.value(u"role").toObject().value(u"name").toString();
            const QString project =
                a.value(u"scope").toObject().value(u"project").toObject().value(u"name").toString();
            service = service || role == m_serviceRole || project == m_serviceProject;
        }
        user.serviceAccount = service;
    }
    return error;
}

void ComplianceDirectory::completeReport(ComplianceReport &report)
{
    QString firstError;
    bool serviceFailed = false;
    for (const ComplianceList l : allComplianceLists()) {
        auto &m = report.list(l);
        if (!m.value)
            continue;
        for (ComplianceEntry &e : *m.value) {
            const bool needService = l == ComplianceList::Locked;
            if (!incomplete(e.user) && (!needService || e.user.serviceAccount))
                continue;
            const QString err = complete(e.user, needService);
            if (!err.isEmpty() && firstError.isEmpty())
                firstError = err;
            serviceFailed = serviceFailed || (needService && !e.user.serviceAccount);
        }
    }
    if (!serviceFailed && !report.serviceAccountsError.isEmpty()) {
        report.notes.append(Tr::tr("Service accounts were recognised through the API (%1).")
                                .arg(report.serviceAccountsError));
        report.serviceAccountsError.clear();
    }
    if (!firstError.isEmpty())
        report.notes.append(
            Tr::tr("Some names could not be completed through the API: %1").arg(firstError));
}

} // namespace turnstile
