// The Overview verdict from locked accounts: a locked service account is red
// with its name and unlock time; many locked users follow the users.locked rule.
#include "health/thresholds.h"
#include "probe/compliancealert.h"
#include "probe/proberesult.h"

#include <QTest>

using namespace turnstile;

class TestComplianceAlert : public QObject
{
    Q_OBJECT

    static ComplianceSummary locked(int n, const QStringList &services = {})
    {
        ComplianceSummary s;
        s.at = QDateTime::fromString(QStringLiteral("2026-11-23T10:00:00Z"), Qt::ISODate);
        s.locked = n;
        for (const QString &name : services) {
            ComplianceSummary::LockedServiceAccount a;
            a.id = name + QStringLiteral("-id");
            a.name = name;
            a.domain = QStringLiteral("Default");
            a.unlocksAt =
                QDateTime::fromString(QStringLiteral("2026-11-23T10:30:00Z"), Qt::ISODate);
            s.lockedServiceAccounts.append(a);
        }
        return s;
    }

private slots:
    void lockedServiceAccountIsCriticalAndNamed()
    {
        ProbeResult r;
        r.thresholdLevel = 1;
        applyComplianceAlert(r, locked(1, {QStringLiteral("nova")}), effectiveThresholds({}));
        QCOMPARE(r.thresholdLevel, 3);
        QVERIFY2(r.thresholdReason.contains(QStringLiteral("nova")), qPrintable(r.thresholdReason));
        QVERIFY2(r.thresholdReason.contains(QStringLiteral("10:30")),
                 qPrintable(r.thresholdReason));
        QVERIFY(r.compliance.has_value());
    }

    void manyLockedUsersFollowTheRule()
    {
        const QList<ThresholdRule> rules = effectiveThresholds({}); // users.locked warn 5, crit 20
        ProbeResult few;
        few.thresholdLevel = 1;
        applyComplianceAlert(few, locked(3), rules);
        QCOMPARE(few.thresholdLevel, 1);
        QVERIFY(few.thresholdReason.isEmpty());
        ProbeResult some;
        some.thresholdLevel = 1;
        applyComplianceAlert(some, locked(6), rules);
        QCOMPARE(some.thresholdLevel, 2);
        QVERIFY(!some.thresholdReason.isEmpty());
        // Issue 21: the tile highlights the locked users row, amber here.
        QCOMPARE(some.thresholdTriggered, QStringList{QStringLiteral("users.locked")});
        QVERIFY(some.thresholdCritical.isEmpty());
        QVERIFY(few.thresholdTriggered.isEmpty());
        ProbeResult many;
        applyComplianceAlert(many, locked(21), rules);
        QCOMPARE(many.thresholdLevel, 3);
        QCOMPARE(many.thresholdCritical, QStringList{QStringLiteral("users.locked")});
    }

    void otherReasonsAreKeptAndUnavailableChangesNothing()
    {
        ProbeResult r;
        r.thresholdLevel = 2;
        r.thresholdReason = QStringLiteral("4,812 revocation events.");
        applyComplianceAlert(r, locked(1, {QStringLiteral("neutron")}), effectiveThresholds({}));
        QCOMPARE(r.thresholdLevel, 3);
        QVERIFY(r.thresholdReason.startsWith(QStringLiteral("1")) ||
                r.thresholdReason.contains(QStringLiteral("neutron")));
        QVERIFY(r.thresholdReason.contains(QStringLiteral("4,812 revocation events")));
        ProbeResult u;
        u.thresholdLevel = 1;
        ComplianceSummary unavailable;
        unavailable.error = QStringLiteral("no grant");
        applyComplianceAlert(u, unavailable, effectiveThresholds({}));
        QCOMPARE(u.thresholdLevel, 1);
    }
};

QTEST_GUILESS_MAIN(TestComplianceAlert)
#include "tst_compliancealert.moc"
