#pragma once

#include "profiles/importedcloud.h"
#include "profiles/secretstore.h"

#include <QList>
#include <QStringList>

namespace turnstile {

// What an import of clouds (clouds.yaml, openrc) does to the saved profiles,
// decided once for turnstilectl and the GUI: each cloud merged over the
// profile of the same name (overlayIdentity), the name checked, and the
// secrets that go with each profile. The caller saves `profiles` in one
// ProfileStore::saveAll and then stores `secrets` (the keychain is reached
// differently on the two fronts: blocking in turnstilectl, asynchronously on
// the GUI thread), reporting each failure with secretsNotStored().
struct ProfileImportPlan
{
    struct Entry
    {
        Profile profile; // merged; saved under profile.name
        Secrets secrets; // still to be stored (add a moved database password)
        bool existed = false;
    };
    QList<Entry> entries;
    // One sentence per cloud that was not imported (an unusable name).
    QStringList refusals;

    QList<Profile> profiles() const;
    // "Created profile prod (https://…)." / "Updated profile …", one per entry.
    QStringList summary() const;
};

// existing: the profiles saved now. nameOverride: save the one cloud under
// this name instead of its own (turnstilectl --profile NAME; the caller
// checks that there is exactly one cloud).
ProfileImportPlan planProfileImport(const QList<Profile> &existing,
                                    const QList<ImportedCloud> &clouds,
                                    const QString &nameOverride = {});

// Empty when every write succeeded; else the one sentence that says which
// profile's secrets are missing and how to supply them instead. Nothing goes
// to disk in plain text in their place.
QString secretsNotStored(const QString &profile, const QList<SecretResult> &writes);

} // namespace turnstile
