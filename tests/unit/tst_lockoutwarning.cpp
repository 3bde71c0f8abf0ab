#include "events/lockoutwarning.h"

#include <QTest>

using namespace turnstile;

namespace {

constexpr qint64 T0 = 1699920000000; // ms
constexpr qint64 kMin = 60000;

KeystoneEvent auth(const char *user, const char *outcome, qint64 ms, const char *reason = "")
{
    KeystoneEvent e;
    e.action = QStringLiteral("authenticate");
    e.outcome = QLatin1String(outcome);
    e.initiatorName = QLatin1String(user);
    e.initiatorId = QLatin1String(user) + QStringLiteral("-id");
    e.eventTimeMs = ms;
    e.reasonType = QLatin1String(reason);
    return e;
}

const LockoutPolicy kPolicy{3, 1800};

} // namespace

class TestLockoutWarning : public QObject
{
    Q_OBJECT

private slots:
    void amberAtOneBelowTheLimit()
    {
        const QList<KeystoneEvent> events{auth("nova", "failure", T0),
                                          auth("nova", "failure", T0 + 3 * kMin + 10000)};
        const auto findings = evaluateLockout(events, kPolicy, T0 + 4 * kMin);
        QCOMPARE(findings.size(), 1);
        QCOMPARE(findings[0].level, LockoutFinding::Level::Amber);
        QCOMPARE(findings[0].failures, 2);
        QCOMPARE(findings[0].text, QStringLiteral("nova has 2 of 3 failed logins in the last 4 "
                                                  "min; one more locks it for 30 min."));
        // one failure: nothing to say yet
        QVERIFY(evaluateLockout(events.mid(0, 1), kPolicy, T0 + kMin).isEmpty());
    }

    void redWhenLockedAndUntilTheDurationEnds()
    {
        QList<KeystoneEvent> events{auth("nova", "failure", T0), auth("nova", "failure", T0 + 1000),
                                    auth("nova", "failure", T0 + 2000)};
        auto findings = evaluateLockout(events, kPolicy, T0 + 3000);
        QCOMPARE(findings.size(), 1);
        QCOMPARE(findings[0].level, LockoutFinding::Level::Red);
        QCOMPARE(findings[0].lockedUntilMs, T0 + 2000 + 1800000);
        QVERIFY(findings[0].text.startsWith(QStringLiteral("nova is locked out after 3 failed")));
        // attempts while locked change nothing (Keystone does not count them)
        events << auth("nova", "failure", T0 + 60000, "The account is locked for user: nova-id.");
        QCOMPARE(evaluateLockout(events, kPolicy, T0 + 61000).value(0).lockedUntilMs,
                 T0 + 2000 + 1800000);
        // after the duration the lock is over and nothing is reported
        QVERIFY(evaluateLockout(events, kPolicy, T0 + 2000 + 1800000).isEmpty());
    }

    void successClearsAndTheExpiredLockStartsAfresh()
    {
        QList<KeystoneEvent> events{auth("nova", "failure", T0), auth("nova", "failure", T0 + 1),
                                    auth("nova", "success", T0 + 2),
                                    auth("nova", "failure", T0 + 3)};
        QVERIFY(evaluateLockout(events, kPolicy, T0 + 10).isEmpty());
        // locked, then after the duration one failure counts as the first
        QList<KeystoneEvent> later{auth("glance", "failure", T0), auth("glance", "failure", T0 + 1),
                                   auth("glance", "failure", T0 + 2),
                                   auth("glance", "failure", T0 + 2 + 1800000 + 1)};
        QVERIFY(evaluateLockout(later, kPolicy, T0 + 2 + 1800000 + 10).isEmpty());
    }

    void unknownUsersAndOtherEventsCountNothing()
    {
        KeystoneEvent unknown = auth("ghost", "failure", T0);
        unknown.reasonCode = QStringLiteral("404");
        KeystoneEvent created = auth("nova", "success", T0);
        created.action = QStringLiteral("created.user");
        const QList<KeystoneEvent> events{unknown, unknown, created,
                                          auth("nova", "failure", T0 + 1),
                                          auth("nova", "failure", T0 + 2)};
        const auto findings = evaluateLockout(events, kPolicy, T0 + 3);
        QCOMPARE(findings.size(), 1);
        QCOMPARE(findings[0].user, QStringLiteral("nova"));
    }

    void reportedLockIsRedEvenWithoutTheFailuresBeforeIt()
    {
        const QList<KeystoneEvent> events{
            auth("cinder", "failure", T0, "The account is locked for user: cinder-id.")};
        const auto findings = evaluateLockout(events, kPolicy, T0 + 1000);
        QCOMPARE(findings.size(), 1);
        QCOMPARE(findings[0].level, LockoutFinding::Level::Red);
    }

    void redComesFirstAndLockoutOffSaysNothing()
    {
        const QList<KeystoneEvent> events{auth("a", "failure", T0), auth("a", "failure", T0 + 1),
                                          auth("b", "failure", T0), auth("b", "failure", T0 + 1),
                                          auth("b", "failure", T0 + 2)};
        const auto findings = evaluateLockout(events, kPolicy, T0 + 5);
        QCOMPARE(findings.size(), 2);
        QCOMPARE(findings[0].user, QStringLiteral("b"));
        QCOMPARE(findings[1].user, QStringLiteral("a"));
        QVERIFY(evaluateLockout(events, LockoutPolicy{0, 1800}, T0 + 5).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestLockoutWarning)
#include "tst_lockoutwarning.moc"
