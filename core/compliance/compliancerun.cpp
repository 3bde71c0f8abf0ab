#include "compliance/compliancerun.h"

#include "compliance/compliancedirectory.h"
#include "compliance/complianceinspector.h"
#include "db/databaseurl.h"
#include "db/dbconnection.h"
#include "keystone/authbackoff.h"
#include "keystone/keystoneclient.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QCoreApplication>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ComplianceRun)
};

ComplianceReport refused(const Profile &profile, const ComplianceSettings &settings,
                         const ComplianceRunOptions &options, const QString &why,
                         QString *configError)
{
    ComplianceReport r;
    r.profile = profile.name;
    r.at = QDateTime::currentDateTimeUtc();
    r.withinDays = options.withinDays;
    r.settings = settings;
    for (const ComplianceList l : allComplianceLists())
        r.list(l) = Metric<QList<ComplianceEntry>>::unavailable(why);
    if (configError)
        *configError = why;
    return r;
}
} // namespace

ComplianceReport runComplianceReport(const Profile &profile, const Secrets &secrets,
                                     const ComplianceRunOptions &options, QString *configError)
{
    if (configError)
        configError->clear();
    QString confError;
    const ComplianceSettings settings = ComplianceSettings::forProfile(profile, &confError);
    if (!confError.isEmpty())
        return refused(profile, settings, options, confError, configError);
    if (profile.databaseUrl.isEmpty())
        return refused(profile, settings, options,
                       Tr::tr("Profile %1 has no database: failed logins, last activity and "
                              "password expiry are only in Keystone's database (the API does "
                              "not show them).")
                           .arg(profile.name),
                       configError);
    QString urlError;
    const DatabaseUrl url = DatabaseUrl::parse(profile.databaseUrl, &urlError);
    if (!url.isValid() || url.backend == DatabaseUrl::Backend::Sqlite)
        return refused(
            profile, settings, options,
            Tr::tr("The database URL of profile %1 is not usable: %2")
                .arg(profile.name, urlError.isEmpty() ? Tr::tr("unsupported backend") : urlError),
            configError);

    DbConnection db(url, secrets.databasePassword);
    ComplianceInspector inspector(db, settings);
    if (options.now.isValid())
        inspector.setNow(options.now);
    inspector.setServiceNames(options.serviceProject, options.serviceRole);
    ComplianceReport report = inspector.inspect(options.withinDays);
    report.profile = profile.name;

    if (options.useApi && !profile.authUrl.isEmpty() && ComplianceDirectory::needsApi(report)) {
        KeystoneClient client(profile, secrets);
        const TokenInfo token = AuthBackoff::issueToken(client, profile, secrets);
        if (!token.ok()) {
            report.notes.append(
                Tr::tr("Names missing from the database were not completed: %1").arg(token.error));
        } else {
            ComplianceDirectory directory(client);
            directory.setServiceNames(options.serviceProject, options.serviceRole);
            directory.completeReport(report);
        }
    }
    return report;
}

} // namespace turnstile
