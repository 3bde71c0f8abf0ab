// The compliance lists as a table: QAbstractItemModelTester over report and
// list changes, the per-list date column, counts and unavailable lists.
#include "compliance/compliancerules.h"
#include "compliancemodel.h"

#include <QAbstractItemModelTester>
#include <QColor>
#include <QSignalSpy>
#include <QTest>

using namespace turnstile;

class TestComplianceModel : public QObject
{
    Q_OBJECT

    const QDateTime m_now = QDateTime(QDate(2026, 3, 10), QTime(12, 0, 0), Qt::UTC);

    ComplianceReport report() const
    {
        ComplianceSettings s;
        s.lockoutFailureAttempts = 3;
        s.disableInactiveDays = 90;
        auto user = [&](const char *id, int failures, int secsAgo) {
            ComplianceUser u;
            u.id = QLatin1String(id);
            u.name = QLatin1String(id) + QStringLiteral("-name");
            u.domainId = QStringLiteral("default");
            u.domainName = QStringLiteral("Default");
            u.local = true;
            u.failedAuthCount = failures;
            u.failedAuthAt = m_now.addSecs(-secsAgo);
            u.lastActiveAt = m_now.date();
            u.serviceAccount = false;
            return u;
        };
        ComplianceUser nova = user("nova", 3, 600);
        nova.serviceAccount = true;
        ComplianceUser bob = user("bob", 5, 60);
        bob.email = QStringLiteral("bob@example.org");
        ComplianceUser idle = user("idle", 0, 0);
        idle.lastActiveAt = m_now.date().addDays(-86);
        idle.serviceAccount.reset();
        ComplianceReport r = classifyUsers({nova, bob, idle, user("one", 1, 3600)}, s, m_now, 7);
        r.profile = QStringLiteral("prod");
        return r;
    }

private slots:
    void passesModelTester()
    {
        ComplianceModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(m.rowCount(), 0);
        m.setReport(report());
        for (const ComplianceList l : allComplianceLists())
            m.setList(l);
        m.setList(ComplianceList::Locked);
        m.setReport(report());
        m.clear();
        QCOMPARE(m.rowCount(), 0);
    }

    void lockedListShowsUnlockTimesAndServiceAccounts()
    {
        ComplianceModel m;
        m.setReport(report());
        QCOMPARE(m.list(), ComplianceList::Locked);
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.headerData(ComplianceModel::DateColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Unlocks at"));
        // Soonest unlock first: nova failed 10 minutes ago, bob 1 minute ago.
        QCOMPARE(m.index(0, ComplianceModel::NameColumn).data().toString(),
                 QStringLiteral("nova-name"));
        QCOMPARE(m.index(0, ComplianceModel::DateColumn).data().toString(),
                 QStringLiteral("2026-03-10 12:20 UTC"));
        QCOMPARE(m.index(0, ComplianceModel::DateColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("in 20m"));
        QCOMPARE(
            m.index(0, ComplianceModel::DateColumn).data(ComplianceModel::SortRole).toDateTime(),
            m_now.addSecs(1200));
        QCOMPARE(m.index(0, ComplianceModel::ServiceColumn).data().toString(),
                 QStringLiteral("service account"));
        QCOMPARE(
            m.index(0, ComplianceModel::ServiceColumn).data(Qt::DecorationRole).value<QColor>(),
            QColor(0xc6, 0x28, 0x28));
        QVERIFY(!m.index(1, ComplianceModel::ServiceColumn).data(Qt::DecorationRole).isValid());
        QCOMPARE(m.index(1, ComplianceModel::EmailColumn).data().toString(),
                 QStringLiteral("bob@example.org"));
        QCOMPARE(m.index(1, 0).data(ComplianceModel::UserIdRole).toString(), QStringLiteral("bob"));
        QCOMPARE(m.index(1, 0).data(ComplianceModel::FailuresRole).toInt(), 5);
        QCOMPARE(m.entry(1)->user.id, QStringLiteral("bob"));
        QVERIFY(!m.entry(2));
        QCOMPARE(m.csv().count(QStringLiteral("\r\n")), 3);
        QVERIFY(m.csv().contains(QStringLiteral("locked,bob-name,Default,bob@example.org,")));
    }

    void switchingListsChangesRowsAndHeader()
    {
        ComplianceModel m;
        m.setReport(report());
        QSignalSpy header(&m, &QAbstractItemModel::headerDataChanged);
        m.setList(ComplianceList::InactiveSoon);
        QCOMPARE(header.count(), 1);
        QCOMPARE(m.headerData(ComplianceModel::DateColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Disabled on"));
        QCOMPARE(m.rowCount(), 1);
        QCOMPARE(m.index(0, ComplianceModel::DateColumn).data().toString(),
                 QStringLiteral("2026-03-14"));
        QCOMPARE(m.index(0, ComplianceModel::DetailColumn).data().toString(),
                 QStringLiteral("inactive 86 day(s)"));
        QCOMPARE(m.index(0, ComplianceModel::ServiceColumn).data().toString(),
                 QStringLiteral("unknown"));
        QVERIFY(!m.index(0, 0).data(ComplianceModel::ServiceAccountRole).isValid());

        m.setList(ComplianceList::Failing);
        QCOMPARE(m.rowCount(), 1);
        QCOMPARE(m.index(0, ComplianceModel::DetailColumn).data().toString(),
                 QStringLiteral("1 failure(s)"));
        QCOMPARE(m.count(ComplianceList::Locked), 2);
        QCOMPARE(m.count(ComplianceList::PasswordExpired), 0);
        QCOMPARE(m.listLabel(ComplianceList::Locked), QStringLiteral("Locked now (2)"));
        QCOMPARE(m.listLabel(ComplianceList::PasswordExpiring),
                 QStringLiteral("Passwords expiring within 7 day(s) (0)"));
    }

    void unavailableListIsEmptyWithAReason()
    {
        ComplianceReport r = report();
        r.locked = Metric<QList<ComplianceEntry>>::unavailable(
            QStringLiteral("unavailable for this schema: x"));
        ComplianceModel m;
        m.setReport(r);
        QCOMPARE(m.rowCount(), 0);
        QCOMPARE(m.count(ComplianceList::Locked), -1);
        QCOMPARE(m.unavailableReason(), QStringLiteral("unavailable for this schema: x"));
        QCOMPARE(m.listLabel(ComplianceList::Locked), QStringLiteral("Locked now (unavailable)"));
        m.setList(ComplianceList::Failing);
        QVERIFY(m.unavailableReason().isEmpty());
        m.clear();
        QCOMPARE(m.count(ComplianceList::Failing), -1);
        QCOMPARE(m.listLabel(ComplianceList::Locked), QStringLiteral("Locked now"));
    }
};

QTEST_GUILESS_MAIN(TestComplianceModel)
#include "tst_compliancemodel.moc"
