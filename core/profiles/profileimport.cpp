#include "profiles/profileimport.h"

#include "profiles/profilemerge.h"
#include "profiles/profilestore.h"

#include <QCoreApplication>
#include <QHash>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ProfileImport)
};
} // namespace

QList<Profile> ProfileImportPlan::profiles() const
{
    QList<Profile> out;
    out.reserve(entries.size());
    for (const Entry &e : entries)
        out.append(e.profile);
    return out;
}

QStringList ProfileImportPlan::summary() const
{
    QStringList lines;
    for (const Entry &e : entries)
        lines.append(
            (e.existed ? Tr::tr("Updated profile %1 (%2).") : Tr::tr("Created profile %1 (%2)."))
                .arg(e.profile.name, e.profile.authUrl.toString()));
    return lines;
}

ProfileImportPlan planProfileImport(const QList<Profile> &existing,
                                    const QList<ImportedCloud> &clouds, const QString &nameOverride)
{
    // A hash, not a scan per cloud: importing 3,000 clouds stays linear.
    QHash<QString, Profile> byName;
    for (const Profile &p : existing)
        byName.insert(p.name, p);
    ProfileImportPlan plan;
    for (const ImportedCloud &c : clouds) {
        const QString name = nameOverride.isEmpty() ? c.profile.name : nameOverride;
        if (!ProfileStore::isValidName(name)) {
            plan.refusals.append(Tr::tr("\"%1\" is not a usable profile name; import that cloud "
                                        "under another name (turnstilectl profiles import "
                                        "--cloud NAME --profile NEWNAME).")
                                     .arg(name));
            continue;
        }
        const auto it = byName.constFind(name);
        const bool existed = it != byName.constEnd();
        Profile merged = overlayIdentity(existed ? *it : c.profile, c.profile);
        // Saved under the name the secrets are stored under: --profile NAME,
        // not the importer's "envvars".
        merged.name = name;
        byName.insert(name, merged);
        plan.entries.append({merged, c.secrets, existed});
    }
    return plan;
}

QString secretsNotStored(const QString &profile, const QList<SecretResult> &writes)
{
    for (const SecretResult &r : writes)
        if (!r.ok)
            return Tr::tr("%1 The secret for profile %2 was not stored; provide it through the "
                          "environment (OS_PASSWORD, OS_APPLICATION_CREDENTIAL_SECRET, "
                          "TURNSTILE_DB_PASSWORD) or enter it in the profile editor.")
                .arg(r.error, profile);
    return {};
}

} // namespace turnstile
