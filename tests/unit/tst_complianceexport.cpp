// The compliance lists as CSV for a mail merge and as JSON, and the alerting
// summary: exact columns, quoting, spreadsheet-formula defusing.
#include "compliance/complianceexport.h"
#include "compliance/compliancerules.h"
#include "compliance/compliancesummary.h"

#include <QJsonArray>
#include <QTest>

using namespace turnstile;

class TestComplianceExport : public QObject
{
    Q_OBJECT

    const QDateTime m_now = QDateTime(QDate(2026, 3, 10), QTime(12, 0, 0), Qt::UTC);

    ComplianceReport report() const
    {
        ComplianceSettings s;
        s.lockoutFailureAttempts = 3;
        s.disableInactiveDays = 90;
        ComplianceUser nova;
        nova.id = QStringLiteral("id-nova");
        nova.name = QStringLiteral("nova");
        nova.domainId = QStringLiteral("default");
        nova.domainName = QStringLiteral("Default");
        nova.local = true;
        nova.failedAuthCount = 3;
        nova.failedAuthAt = m_now.addSecs(-600);
        nova.lastActiveAt = m_now.date();
        nova.serviceAccount = true;
        ComplianceUser ann;
        ann.id = QStringLiteral("id-ann");
        ann.name = QStringLiteral("Smith, Ann \"A.\"");
        ann.domainId = QStringLiteral("d2");
        ann.domainName = QStringLiteral("Sales");
        ann.email = QStringLiteral("ann@example.org");
        ann.local = true;
        ann.failedAuthCount = 4;
        ann.failedAuthAt = m_now.addSecs(-60);
        ann.lastActiveAt = m_now.date().addDays(-88);
        ann.serviceAccount = false;
        ComplianceUser evil;
        evil.id = QStringLiteral("id-evil");
        evil.name = QStringLiteral("=HYPERLINK(\"http://x\")");
        evil.domainId = QStringLiteral("default");
        evil.local = true;
        evil.failedAuthCount = 1;
        evil.failedAuthAt = m_now.addDays(-1);
        evil.lastActiveAt = m_now.date();
        ComplianceReport r = classifyUsers({nova, ann, evil}, s, m_now, 7);
        r.profile = QStringLiteral("prod");
        return r;
    }

private slots:
    void csvFields()
    {
        QCOMPARE(csvField(QStringLiteral("plain")), QStringLiteral("plain"));
        QCOMPARE(csvField(QStringLiteral("a,b")), QStringLiteral("\"a,b\""));
        QCOMPARE(csvField(QStringLiteral("say \"hi\"")), QStringLiteral("\"say \"\"hi\"\"\""));
        QCOMPARE(csvField(QStringLiteral("two\nlines")), QStringLiteral("\"two\nlines\""));
        QCOMPARE(csvField(QStringLiteral("=1+2")), QStringLiteral("'=1+2"));
        QCOMPARE(csvField(QStringLiteral("+49 30")), QStringLiteral("'+49 30"));
        QCOMPARE(csvField(QStringLiteral("-x")), QStringLiteral("'-x"));
        QCOMPARE(csvField(QStringLiteral("@sum")), QStringLiteral("'@sum"));
        QCOMPARE(csvField(QString()), QString());
    }

    void csvForAMailMerge()
    {
        const QString csv =
            complianceCsv(report(), {ComplianceList::Locked, ComplianceList::Failing,
                                     ComplianceList::InactiveSoon});
        const QStringList lines = csv.split(QStringLiteral("\r\n"));
        QCOMPARE(lines.size(), 6); // header, 4 rows, and the empty tail after the last CRLF
        QCOMPARE(lines.at(0),
                 QStringLiteral("list,name,domain,email,date,user_id,failures,service_account"));
        // Locked, soonest unlock first.
        QCOMPARE(lines.at(1),
                 QStringLiteral("locked,nova,Default,,2026-03-10T12:20:00Z,id-nova,3,yes"));
        QCOMPARE(lines.at(2),
                 QStringLiteral("locked,\"Smith, Ann \"\"A.\"\"\",Sales,ann@example.org,"
                                "2026-03-10T12:29:00Z,id-ann,4,no"));
        // A name a spreadsheet would run stays text; no domain name: the id.
        QCOMPARE(lines.at(3), QStringLiteral("failing,\"'=HYPERLINK(\"\"http://x\"\")\",default,,"
                                             "2026-03-09T12:00:00Z,id-evil,1,"));
        QCOMPARE(lines.at(4), QStringLiteral("inactive_soon,\"Smith, Ann \"\"A.\"\"\",Sales,"
                                             "ann@example.org,2026-03-12,id-ann,4,no"));
        QVERIFY(lines.at(5).isEmpty());

        // An unavailable list contributes no rows, only the header stays.
        ComplianceReport r = report();
        r.locked = Metric<QList<ComplianceEntry>>::unavailable(QStringLiteral("unavailable: x"));
        QCOMPARE(complianceCsv(r, {ComplianceList::Locked}).count(QStringLiteral("\r\n")), 1);
    }

    void jsonCarriesListsErrorsAndSettings()
    {
        ComplianceReport r = report();
        r.passwordExpired = Metric<QList<ComplianceEntry>>::unavailable(
            QStringLiteral("unavailable for this schema: x"));
        const QJsonObject o = complianceJson(
            r, {ComplianceList::Locked, ComplianceList::Failing, ComplianceList::PasswordExpired});
        QCOMPARE(o.value(u"profile").toString(), QStringLiteral("prod"));
        QCOMPARE(o.value(u"at").toString(), QStringLiteral("2026-03-10T12:00:00Z"));
        QCOMPARE(o.value(u"within_days").toInt(), 7);
        QCOMPARE(o.value(u"settings").toObject().value(u"lockout_failure_attempts").toInt(), 3);
        QVERIFY(o.value(u"settings").toObject().value(u"password_expires_days").isNull());
        const QJsonObject lists = o.value(u"lists").toObject();
        QCOMPARE(lists.keys(), (QStringList{QStringLiteral("failing"), QStringLiteral("locked"),
                                            QStringLiteral("password_expired")}));
        const QJsonArray locked = lists.value(u"locked").toArray();
        QCOMPARE(locked.size(), 2);
        const QJsonObject nova = locked.at(0).toObject();
        QCOMPARE(nova.value(u"name").toString(), QStringLiteral("nova"));
        QCOMPARE(nova.value(u"date").toString(), QStringLiteral("2026-03-10T12:20:00Z"));
        QCOMPARE(nova.value(u"failed_auth_count").toInt(), 3);
        QCOMPARE(nova.value(u"service_account").toBool(), true);
        QVERIFY(nova.value(u"email").isNull());
        QVERIFY(lists.value(u"password_expired").isNull());
        QCOMPARE(o.value(u"errors").toObject().value(u"password_expired").toString(),
                 QStringLiteral("unavailable for this schema: x"));
    }

    void summaryForAlerting()
    {
        const ComplianceSummary s = summarizeCompliance(report());
        QVERIFY(s.available());
        QCOMPARE(s.locked, 2);
        QCOMPARE(s.lockedServiceAccounts.size(), 1);
        QCOMPARE(s.lockedServiceAccounts.at(0).name, QStringLiteral("nova"));
        QCOMPARE(s.lockedServiceAccounts.at(0).domain, QStringLiteral("Default"));
        QCOMPARE(s.lockedServiceAccounts.at(0).unlocksAt, m_now.addSecs(1200));
        QVERIFY(s.serviceAccountsKnown);
        QVERIFY2(s.sentence().contains(QStringLiteral("nova (Default) until 2026-03-10 12:20")),
                 qPrintable(s.sentence()));
        const QJsonObject j = s.toJson();
        QCOMPARE(j.value(u"locked").toInt(), 2);
        QCOMPARE(j.value(u"locked_service_accounts")
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(u"unlocks_at")
                     .toString(),
                 QStringLiteral("2026-03-10T12:20:00Z"));

        // Unknown service status is said, not counted as "no".
        ComplianceReport r = report();
        (*r.locked.value)[1].user.serviceAccount.reset();
        QVERIFY(!summarizeCompliance(r).serviceAccountsKnown);

        r.locked = Metric<QList<ComplianceEntry>>::unavailable(QStringLiteral("unavailable: off"));
        const ComplianceSummary off = summarizeCompliance(r);
        QVERIFY(!off.available());
        QCOMPARE(off.sentence(), QStringLiteral("unavailable: off"));
        QVERIFY(off.toJson().value(u"locked").isNull());
    }
};

QTEST_GUILESS_MAIN(TestComplianceExport)
#include "tst_complianceexport.moc"
