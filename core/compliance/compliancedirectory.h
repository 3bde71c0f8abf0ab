#pragma once

#include "compliance/compliancereport.h"

#include <QHash>
#include <QSet>

namespace turnstile {

class KeystoneClient;

// Fills in from Keystone's API what the database could not tell: the names of
// users without a local_user/nonlocal_user row, domain names where domains are
// not rows of `project`, e-mail addresses, and service accounts when the
// assignment tables were out of reach (GET /v3/role_assignments?effective,
// which also expands groups). Asks only about users that need it, each user
// and domain once. Blocking, like KeystoneClient.
class ComplianceDirectory
{
public:
    // `client` must already hold a token (issueToken()).
    explicit ComplianceDirectory(KeystoneClient &client);
    void setServiceNames(const QString &project, const QString &role);

    // Completes one user; returns an error sentence, empty when the API answered.
    QString complete(ComplianceUser &user, bool needServiceAccount);
    // Completes every listed user of the report; the first failure goes to
    // report.notes (or serviceAccountsError), the lists stay as they are.
    void completeReport(ComplianceReport &report);

    // True when the report has a user the database left incomplete.
    static bool needsApi(const ComplianceReport &report);

private:
    QString domainName(const QString &domainId, QString *error);

    KeystoneClient &m_client;
    QString m_serviceProject = QStringLiteral("service");
    QString m_serviceRole = QStringLiteral("service");
    QHash<QString, QString> m_domains;
    QHash<QString, ComplianceUser> m_users; // completed users by id
};

} // namespace turnstile
