// Keystone's lockout, inactivity and password-expiry rules as Turnstile
// applies them (compliance/compliancerules.h), boundary by boundary, against
// what keystone/identity/backends/sql.py and sql_model.py do.
#include "compliance/compliancerules.h"

#include <QTest>

using namespace turnstile;

class TestComplianceRules : public QObject
{
    Q_OBJECT

    const QDateTime m_now = QDateTime(QDate(2026, 3, 10), QTime(12, 0, 0), Qt::UTC);

    static ComplianceSettings lab()
    {
        ComplianceSettings s;
        s.lockoutFailureAttempts = 3;
        s.lockoutDurationSec = 1800;
        s.disableInactiveDays = 90;
        return s;
    }
    ComplianceUser local(int failures, const QDateTime &lastFailure) const
    {
        ComplianceUser u;
        u.id = QStringLiteral("u%1").arg(failures);
        u.name = QStringLiteral("user%1").arg(failures);
        u.local = true;
        u.failedAuthCount = failures;
        u.failedAuthAt = lastFailure;
        u.createdAt = m_now.addDays(-10);
        u.lastActiveAt = m_now.date();
        return u;
    }

private slots:
    void lockoutFollowsKeystone()
    {
        const ComplianceSettings s = lab();
        QCOMPARE(lockVerdict(local(0, {}), s, m_now).state, LockState::Clear);

        // Below the limit the counter never expires.
        QCOMPARE(lockVerdict(local(2, m_now.addDays(-400)), s, m_now).state, LockState::Failing);

        const LockVerdict locked = lockVerdict(local(3, m_now.addSecs(-60)), s, m_now);
        QCOMPARE(locked.state, LockState::Locked);
        QCOMPARE(locked.unlocksAt, m_now.addSecs(1740));

        // failed_auth_at + duration > now is locked; equal is not.
        QCOMPARE(lockVerdict(local(3, m_now.addSecs(-1799)), s, m_now).state, LockState::Locked);
        const LockVerdict over = lockVerdict(local(5, m_now.addSecs(-1800)), s, m_now);
        QCOMPARE(over.state, LockState::LockExpired);
        QCOMPARE(over.unlocksAt, m_now);

        ComplianceUser exempt = local(7, m_now);
        exempt.ignoreLockout = true;
        QCOMPARE(lockVerdict(exempt, s, m_now).state, LockState::Exempt);

        ComplianceUser ldap = local(4, m_now);
        ldap.local = false;
        QCOMPARE(lockVerdict(ldap, s, m_now).state, LockState::Clear);

        // Without a failure time Keystone cannot compute the end: locked for good.
        const LockVerdict noTime = lockVerdict(local(3, {}), s, m_now);
        QCOMPARE(noTime.state, LockState::Locked);
        QVERIFY(!noTime.unlocksAt.isValid());

        ComplianceSettings off = s;
        off.lockoutFailureAttempts.reset();
        QCOMPARE(lockVerdict(local(9, m_now), off, m_now).state, LockState::Failing);
    }

    void inactivityFollowsKeystone()
    {
        const ComplianceSettings s = lab();
        const QDate today = m_now.date();
        ComplianceUser u = local(0, {});

        u.lastActiveAt = today.addDays(-89);
        InactivityVerdict v = inactivityVerdict(u, s, today, 7);
        QCOMPARE(v.state, InactivityState::DisablesSoon);
        QCOMPARE(v.disablesOn, today.addDays(1));
        QCOMPARE(v.daysInactive, 89);
        QCOMPARE(inactivityVerdict(u, s, today, 0).state, InactivityState::Active);

        // (today - last active).days >= limit: disabled on the 90th day.
        u.lastActiveAt = today.addDays(-90);
        v = inactivityVerdict(u, s, today, 7);
        QCOMPARE(v.state, InactivityState::Disabled);
        QCOMPARE(v.disablesOn, today);

        // The window edge is inclusive: disabled in exactly 7 days is listed.
        u.lastActiveAt = today.addDays(-83);
        QCOMPARE(inactivityVerdict(u, s, today, 7).state, InactivityState::DisablesSoon);
        QCOMPARE(inactivityVerdict(u, s, today, 6).state, InactivityState::Active);

        // Never logged in: created_at's day counts.
        u.lastActiveAt = QDate();
        u.createdAt = QDateTime(today.addDays(-120), QTime(23, 59), Qt::UTC);
        v = inactivityVerdict(u, s, today, 7);
        QCOMPARE(v.state, InactivityState::Disabled);
        QCOMPARE(v.daysInactive, 120);

        u.createdAt = QDateTime();
        QCOMPARE(inactivityVerdict(u, s, today, 7).state, InactivityState::Unknown);

        u.lastActiveAt = today.addDays(-200);
        u.ignoreInactivity = true;
        QCOMPARE(inactivityVerdict(u, s, today, 7).state, InactivityState::Exempt);

        // Stored disabled: under the limit it is an administrator's choice;
        // over it, Keystone itself stores false at the next update.
        u.ignoreInactivity = false;
        u.enabled = false;
        QCOMPARE(inactivityVerdict(u, s, today, 7).state, InactivityState::Disabled);
        u.lastActiveAt = today.addDays(-88);
        QCOMPARE(inactivityVerdict(u, s, today, 7).state, InactivityState::StoredDisabled);

        ComplianceSettings off = s;
        off.disableInactiveDays.reset();
        QCOMPARE(inactivityVerdict(u, off, today, 7).state, InactivityState::NotConfigured);
    }

    void passwordExpiryFollowsKeystone()
    {
        ComplianceUser u = local(0, {});
        QCOMPARE(passwordVerdict(u, m_now, 7).state, ExpiryState::NoExpiry);

        u.passwordExpires = m_now; // utcnow() >= expires_at: expired
        QCOMPARE(passwordVerdict(u, m_now, 7).state, ExpiryState::Expired);
        u.passwordExpires = m_now.addSecs(1);
        QCOMPARE(passwordVerdict(u, m_now, 7).state, ExpiryState::ExpiresSoon);
        u.passwordExpires = m_now.addDays(3);
        QCOMPARE(passwordVerdict(u, m_now, 7).state, ExpiryState::ExpiresSoon);
        QCOMPARE(passwordVerdict(u, m_now, 3).state, ExpiryState::Valid);
        QCOMPARE(passwordVerdict(u, m_now, 1).state, ExpiryState::Valid);

        u.passwordExpires = m_now.addDays(-1);
        u.ignorePasswordExpiry = true;
        const ExpiryVerdict exempt = passwordVerdict(u, m_now, 7);
        QCOMPARE(exempt.state, ExpiryState::Exempt);
        QCOMPARE(exempt.expiresAt, m_now.addDays(-1));
    }

    void classifySortsOntoEveryList()
    {
        const ComplianceSettings s = lab();
        QList<ComplianceUser> users;
        ComplianceUser late = local(3, m_now.addSecs(-60)); // unlocks in 29 min
        late.id = QStringLiteral("late");
        ComplianceUser early = local(4, m_now.addSecs(-1700)); // unlocks in 100 s
        early.id = QStringLiteral("early");
        early.passwordExpires = m_now.addDays(-2); // also expired
        ComplianceUser two = local(2, m_now.addDays(-3));
        ComplianceUser one = local(1, m_now.addDays(-1));
        ComplianceUser idle = local(0, {});
        idle.lastActiveAt = m_now.date().addDays(-85);
        ComplianceUser gone = local(0, {});
        gone.id = QStringLiteral("gone");
        gone.lastActiveAt = m_now.date().addDays(-100);
        ComplianceUser expiring = local(0, {});
        expiring.id = QStringLiteral("expiring");
        expiring.passwordExpires = m_now.addDays(5);
        users << late << one << early << two << idle << gone << expiring;

        const ComplianceReport r = classifyUsers(users, s, m_now, 7);
        QCOMPARE(r.at, m_now);
        QCOMPARE(r.withinDays, 7);
        QVERIFY(r.locked.available());
        QCOMPARE(r.locked.value->size(), 2);
        QCOMPARE(r.locked.value->at(0).user.id, QStringLiteral("early"));
        QCOMPARE(r.locked.value->at(0).at, m_now.addSecs(100));
        QCOMPARE(r.locked.value->at(1).user.id, QStringLiteral("late"));
        QCOMPARE(r.failing.value->size(), 2);
        QCOMPARE(r.failing.value->at(0).user.failedAuthCount, 2);
        QCOMPARE(r.failing.value->at(0).at, m_now.addDays(-3));
        QCOMPARE(r.inactiveSoon.value->size(), 1);
        QCOMPARE(r.inactiveSoon.value->at(0).day, m_now.date().addDays(5));
        QCOMPARE(r.inactiveSoon.value->at(0).daysInactive, 85);
        QCOMPARE(r.inactiveDisabled.value->size(), 1);
        QCOMPARE(r.inactiveDisabled.value->at(0).user.id, QStringLiteral("gone"));
        QCOMPARE(r.passwordExpiring.value->size(), 1);
        QCOMPARE(r.passwordExpiring.value->at(0).user.id, QStringLiteral("expiring"));
        QCOMPARE(r.passwordExpired.value->size(), 1);
        QCOMPARE(r.passwordExpired.value->at(0).user.id, QStringLiteral("early"));

        ComplianceSettings off;
        const ComplianceReport d = classifyUsers(users, off, m_now, 7);
        QVERIFY(!d.locked.available());
        QVERIFY2(d.locked.error.contains(QStringLiteral("lockout_failure_attempts")),
                 qPrintable(d.locked.error));
        QVERIFY(!d.inactiveSoon.available() && !d.inactiveDisabled.available());
        // Failures are recorded whether or not lockout is on.
        QCOMPARE(d.failing.value->size(), 4);
        QCOMPARE(d.passwordExpired.value->size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestComplianceRules)
#include "tst_compliancerules.moc"
