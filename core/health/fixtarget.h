#pragma once

#include "compliance/compliancesummary.h"

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace turnstile {

// Where a non-green figure is fixed: what an Overview tile links its reason
// to. The window routes each kind to the page or guarded preview that exists
// for it; core decides which finding goes where, so the mapping is tested
// without a window.
struct FixTarget
{
    enum class Kind
    {
        // Obsolete or too many revocation events: the guarded prune's preview.
        RevocationPrune,
        // The token table (expired rows, fast growth): the guarded purge's preview.
        TokenPurge,
        // A locked service account: its guarded unlock; argument = user id.
        UnlockUser,
        // More locked users than the rule allows: the Compliance page's list.
        LockedUsers,
        // The nodes' key repositories disagree: the Keys page.
        KeysPage,
        // Expired or soft-deleted trusts: the guarded trust flush's preview.
        TrustFlush,
        // A user with a long password history: the guarded prune's preview.
        PasswordHistoryPrune,
        // A user the lockout early warning names: that user on the
        // Compliance page (argument = user id, else name).
        ComplianceUser
    };
    Kind kind = Kind::KeysPage;
    QString argument; // UnlockUser, ComplianceUser: the user id
    QString label;    // the link's words, translated: "Preview the prune of …"

    bool operator==(const FixTarget &) const = default;
};

// The fixes for the metrics a verdict names (ProbeResult::thresholdTriggered,
// in its order: the first link fixes the first finding), one per target:
//   revocation_event.* (obsolete, rows, wide, growth) -> RevocationPrune
//   token.expired, token.live (growth)               -> TokenPurge
//   users.locked -> UnlockUser per locked service account, else LockedUsers
//   keys                                             -> KeysPage
//   trust.expired, trust.deleted                     -> TrustFlush
//   password.max_per_user                            -> PasswordHistoryPrune
// Figures nothing in Turnstile fixes (latency, memcached, catalog size,
// expired application credentials: Keystone has no flush for them) have none.
QList<FixTarget>
fixTargetsFor(const QStringList &triggered,
              const QList<ComplianceSummary::LockedServiceAccount> &lockedServiceAccounts = {});

} // namespace turnstile

Q_DECLARE_METATYPE(turnstile::FixTarget)
