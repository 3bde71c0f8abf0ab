#include "health/fixtarget.h"

#include <QCoreApplication>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(FixTarget)
};
} // namespace

QList<FixTarget>
fixTargetsFor(const QStringList &triggered,
              const QList<ComplianceSummary::LockedServiceAccount> &lockedServiceAccounts)
{
    using K = FixTarget::Kind;
    QList<FixTarget> out;
    const auto add = [&out](const FixTarget &t) {
        if (!out.contains(t))
            out.append(t);
    };
    for (const QString &metric : triggered) {
        if (metric.startsWith(u"revocation_event.")) {
            add({K::RevocationPrune,
                 {},
                 Tr::tr("Preview the prune of obsolete revocation events")});
        } else if (metric == u"token.expired" || metric == u"token.live") {
            add({K::TokenPurge, {}, Tr::tr("Preview the purge of expired tokens")});
        } else if (metric == u"trust.expired" || metric == u"trust.deleted") {
            add({K::TrustFlush, {}, Tr::tr("Preview the flush of expired and deleted trusts")});
        } else if (metric == u"password.max_per_user") {
            add({K::PasswordHistoryPrune, {}, Tr::tr("Preview the prune of the password history")});
        } else if (metric == u"keys") {
            add({K::KeysPage, {}, Tr::tr("Open the Keys page")});
        } else if (metric == u"users.locked") {
            // A locked service account breaks a service: each gets its own
            // unlock. People's accounts are a list to look at, not a button.
            for (const auto &a : lockedServiceAccounts)
                add({K::UnlockUser, a.id, Tr::tr("Unlock %1…").arg(a.name)});
            if (lockedServiceAccounts.isEmpty())
                add({K::LockedUsers, {}, Tr::tr("Show the locked users")});
        }
    }
    return out;
}

} // namespace turnstile
