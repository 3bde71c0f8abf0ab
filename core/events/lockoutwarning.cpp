#include "events/lockoutwarning.h"

#include "util/timetext.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>

#include <algorithm>

namespace turnstile {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(LockoutWarning)
};

struct UserState
{
    QString name;
    QString id;
    int count = 0;
    qint64 first = 0;
    qint64 last = 0;
    bool lockedSeen = false; // Keystone said "The account is locked"
    qint64 lockedAt = 0;
};

int minutesCeil(qint64 ms)
{
    return int(std::max<qint64>(1, (ms + 59999) / 60000));
}

} // namespace

QList<LockoutFinding> evaluateLockout(const QList<KeystoneEvent> &events,
                                      const LockoutPolicy &policy, qint64 nowMs,
                                      const QStringList &serviceAccounts)
{
    QList<LockoutFinding> out;
    if (policy.failureAttempts <= 0)
        return out;
    const qint64 durationMs = qint64(policy.durationSeconds) * 1000;
    QList<const KeystoneEvent *> auth;
    for (const KeystoneEvent &e : events)
        if (e.isAuthentication() && e.eventTimeMs <= nowMs)
            auth << &e;
    std::stable_sort(auth.begin(), auth.end(), [](const KeystoneEvent *a, const KeystoneEvent *b) {
        return a->eventTimeMs < b->eventTimeMs;
    });

    QHash<QString, UserState> users;
    QStringList order;
    for (const KeystoneEvent *e : auth) {
        if (e->reasonCode == u"404")
            continue; // no such user: Keystone has no row to count in
        const QString key = e->initiatorId.isEmpty() ? e->initiatorName : e->initiatorId;
        if (key.isEmpty())
            continue;
        if (!users.contains(key))
            order << key;
        UserState &u = users[key];
        if (!e->initiatorName.isEmpty())
            u.name = e->initiatorName;
        u.id = e->initiatorId;
        const qint64 t = e->eventTimeMs;
        const bool locked = u.count >= policy.failureAttempts && u.last + durationMs > t;
        if (!locked && u.count >= policy.failureAttempts) {
            u.count = 0; // the lock ran out: Keystone starts again
            u.lockedSeen = false;
        }
        if (e->outcome == u"success") {
            u = UserState{u.name, u.id};
            continue;
        }
        if (e->outcome != u"failure")
            continue;
        if (e->isLockedOut()) {
            u.lockedSeen = true; // attempts while locked do not count in Keystone
            u.lockedAt = t;
            continue;
        }
        if (locked)
            continue;
        if (u.count == 0)
            u.first = t;
        ++u.count;
        u.last = t;
    }

    for (const QString &key : std::as_const(order)) {
        const UserState &u = users[key];
        const QString who = u.name.isEmpty() ? u.id : u.name;
        LockoutFinding f;
        f.user = who;
        f.userId = u.id;
        f.failures = u.count;
        f.firstFailureMs = u.first;
        const bool countedLock = u.count >= policy.failureAttempts && u.last + durationMs > nowMs;
        // Keystone said so although we missed failures (before we listened)
        // (when we counted the failures ourselves, their time is the better bound)
        const bool reportedLock =
            u.count < policy.failureAttempts && u.lockedSeen && u.lockedAt + durationMs > nowMs;
        f.serviceAccount = (!u.name.isEmpty() && serviceAccounts.contains(u.name)) ||
                           (!u.id.isEmpty() && serviceAccounts.contains(u.id));
        const int left = policy.failureAttempts - u.count;
        // A service account is warned of while two more failures lock it.
        const int warnLeft = f.serviceAccount && policy.failureAttempts >= 3 ? 2 : 1;
        if (countedLock || reportedLock) {
            f.level = LockoutFinding::Level::Red;
            f.lockedUntilMs = countedLock ? u.last + durationMs : u.lockedAt + durationMs;
            const QString until =
                formatUtcTime(QDateTime::fromMSecsSinceEpoch(f.lockedUntilMs, Qt::UTC));
            f.text = f.serviceAccount
                         ? Tr::tr("Service account %1 is locked out after %2 failed logins, until "
                                  "%3: the service that logs in as it is refused until then.")
                               .arg(who)
                               .arg(u.count)
                               .arg(until)
                         : Tr::tr("%1 is locked out after %2 failed logins, until %3.")
                               .arg(who)
                               .arg(u.count)
                               .arg(until);
            out << f;
        } else if (policy.failureAttempts > 1 && u.count > 0 && left >= 1 && left <= warnLeft &&
                   u.last + durationMs > nowMs) {
            f.level = LockoutFinding::Level::Amber;
            f.attemptsLeft = left;
            if (!f.serviceAccount)
                f.text =
                    Tr::tr("%1 has %2 of %3 failed logins in the last %4 min; one more locks it "
                           "for %5 min.")
                        .arg(who)
                        .arg(u.count)
                        .arg(policy.failureAttempts)
                        .arg(minutesCeil(nowMs - u.first))
                        .arg(minutesCeil(durationMs));
            else if (left == 1)
                f.text = Tr::tr("Service account %1 has %2 of %3 failed logins in the last %4 "
                                "min; one more locks it for %5 min and stops the service that "
                                "logs in as it.")
                             .arg(who)
                             .arg(u.count)
                             .arg(policy.failureAttempts)
                             .arg(minutesCeil(nowMs - u.first))
                             .arg(minutesCeil(durationMs));
            else
                f.text = Tr::tr("Service account %1 has %2 of %3 failed logins in the last %4 "
                                "min; two more lock it for %5 min and stop the service that logs "
                                "in as it.")
                             .arg(who)
                             .arg(u.count)
                             .arg(policy.failureAttempts)
                             .arg(minutesCeil(nowMs - u.first))
                             .arg(minutesCeil(durationMs));
            out << f;
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const LockoutFinding &a, const LockoutFinding &b) {
        return a.level == LockoutFinding::Level::Red && b.level != LockoutFinding::Level::Red;
    });
    return out;
}

} // namespace turnstile
