// The Compliance page offscreen: its own load through the thread pool, a
// report's lists in the chooser and the table, the unlock button's rules, the
// unlock refused before any confirmation, and the CSV export on a worker.
#include "compliance/compliancerules.h"
#include "compliancemodel.h"
#include "compliancepage.h"
#include "isolatedenvironment.h"

#include <QComboBox>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace turnstile;

class TestCompliancePage : public QObject
{
    Q_OBJECT

    // Audit log and settings of its own.
    testsupport::IsolatedEnvironment m_dir;
    const QDateTime m_now = QDateTime::currentDateTimeUtc();

    static Profile profileNamed(const char *name)
    {
        Profile p;
        p.name = QLatin1String(name);
        // Nothing listens on port 1: any API call fails at once.
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3"));
        p.username = QStringLiteral("admin");
        p.timeoutMs = 2000;
        return p;
    }

    ComplianceReport report() const
    {
        ComplianceSettings s;
        s.lockoutFailureAttempts = 3;
        s.disableInactiveDays = 90;
        auto user = [&](const char *id, int failures) {
            ComplianceUser u;
            u.id = QLatin1String(id);
            u.name = QLatin1String(id);
            u.domainName = QStringLiteral("Default");
            u.local = true;
            u.failedAuthCount = failures;
            u.failedAuthAt = m_now.addSecs(-60);
            u.lastActiveAt = m_now.date();
            u.serviceAccount = QLatin1String(id) == u"nova";
            return u;
        };
        ComplianceReport r =
            classifyUsers({user("nova", 3), user("bob", 4), user("one", 1)}, s, m_now, 7);
        r.profile = QStringLiteral("prod");
        r.passwordExpired = Metric<QList<ComplianceEntry>>::unavailable(
            QStringLiteral("unavailable for this schema: password.expires_at"));
        return r;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void ownLoadSaysWhatIsMissing()
    {
        CompliancePage page(nullptr);
        QSignalSpy loaded(&page, &CompliancePage::loaded);
        page.setProfiles({profileNamed("no-database")});
        page.show();
        QVERIFY(loaded.wait(10000));
        QVERIFY2(page.statusText().contains(QStringLiteral("has no database")),
                 qPrintable(page.statusText()));
        QCOMPARE(page.model()->rowCount(), 0);
        QCOMPARE(page.model()->count(ComplianceList::Locked), -1);
        QVERIFY(page.settingsText().contains(QStringLiteral("defaults")));
        QVERIFY(!page.unlockButton()->isEnabled());
    }

    void showsAReport()
    {
        CompliancePage page(nullptr);
        page.setProfiles({profileNamed("prod")});
        QSignalSpy summary(&page, &CompliancePage::summaryChanged);
        page.showReport(report());
        QCOMPARE(summary.count(), 1);
        const auto s = summary.at(0).at(1).value<ComplianceSummary>();
        QCOMPARE(s.locked, 2);
        QCOMPARE(s.lockedServiceAccounts.size(), 1);
        QCOMPARE(page.listChooser()->itemText(0), QStringLiteral("Locked now (2)"));
        QCOMPARE(page.listChooser()->itemText(5),
                 QStringLiteral("Passwords expired (unavailable)"));
        QCOMPARE(page.view()->model()->rowCount(), 2);
        QVERIFY(page.settingsText().contains(QStringLiteral("lockout after 3")));
        QVERIFY2(page.statusText().contains(QStringLiteral("nova")), qPrintable(page.statusText()));

        // Unlock needs a selected row of a lockout list.
        QVERIFY(!page.unlockButton()->isEnabled());
        page.view()->selectRow(0);
        QVERIFY(page.unlockButton()->isEnabled());
        page.setList(ComplianceList::InactiveSoon);
        QVERIFY(!page.unlockButton()->isEnabled());
        page.setList(ComplianceList::PasswordExpired);
        QCOMPARE(page.statusText(),
                 QStringLiteral("unavailable for this schema: password.expires_at"));
        page.setList(ComplianceList::Failing);
        QCOMPARE(page.view()->model()->rowCount(), 1);

        // A read-only profile never offers the unlock.
        Profile ro = profileNamed("prod");
        ro.readOnly = true;
        page.setProfiles({ro});
        page.view()->selectRow(0);
        QVERIFY(!page.unlockButton()->isEnabled());
    }

    void unlockRefusedBeforeAnyConfirmation()
    {
        CompliancePage page(nullptr);
        page.setProfiles({profileNamed("prod")});
        page.showReport(report());
        bool asked = false;
        page.setConfirmer([&](const ActionPreview &) {
            asked = true;
            return QStringLiteral("nova");
        });
        page.view()->selectRow(0);
        page.unlockSelected();
        QVERIFY(!page.unlockButton()->isEnabled()); // one unlock at a time
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().startsWith(QStringLiteral("Not unlocked")),
                                 15000);
        // The profile has no password: the API cannot be asked, and the
        // preview refuses without a confirmation.
        QVERIFY2(page.statusText().contains(QStringLiteral("Cannot log in to Keystone's API")),
                 qPrintable(page.statusText()));
        QVERIFY(!asked);
        QVERIFY(page.unlockButton()->isEnabled());
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("audit.jsonl"))));
    }

    void exportsTheShownListAsCsv()
    {
        CompliancePage page(nullptr);
        page.setProfiles({profileNamed("prod")});
        page.showReport(report());
        QSignalSpy done(&page, &CompliancePage::exportFinished);
        const QString path = m_dir.filePath(QStringLiteral("locked.csv"));
        page.exportCsv(path);
        QVERIFY(done.wait(10000));
        QCOMPARE(done.at(0).at(1).toString(), QString());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray csv = f.readAll();
        QCOMPARE(csv, page.model()->csv().toUtf8());
        QVERIFY(csv.startsWith("list,name,domain,email,date,user_id,failures,service_account\r\n"));
        QCOMPARE(csv.count("\r\nlocked,"), 2);

        page.exportCsv(m_dir.filePath(QStringLiteral("no/such/dir/x.csv")));
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 2, 10000);
        QVERIFY(!done.at(1).at(1).toString().isEmpty());
    }
};

QTEST_MAIN(TestCompliancePage)
#include "tst_compliancepage.moc"
