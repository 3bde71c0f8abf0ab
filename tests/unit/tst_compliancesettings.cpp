// The [security_compliance] options as the compliance lists read them: from a
// profile's keystone.conf, Keystone's defaults without one, an error (not
// silent defaults) for a file that is named but unreadable.
#include "compliance/compliancesettings.h"
#include "profiles/keystoneconf.h"
#include "profiles/profile.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

class TestComplianceSettings : public QObject
{
    Q_OBJECT

    static QString valueOf(const ComplianceSettings &s, const char *option)
    {
        for (const ComplianceSettings::Row &r : s.describe()) {
            if (r.option == QLatin1String(option))
                return r.value;
        }
        return QStringLiteral("<missing>");
    }

private slots:
    void readsEveryOptionFromKeystoneConf()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("keystone.conf"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[security_compliance]\n"
                "lockout_failure_attempts = 5\n"
                "lockout_duration = 600\n"
                "disable_user_account_days_inactive = 45\n"
                "password_expires_days = 90\n"
                "password_expires_ignore_user_ids = abc, def\n"
                "unique_last_password_count = 4\n"
                "minimum_password_age = 1\n"
                "password_regex = ^(?=.*\\d).{12,}$\n"
                "password_regex_description = 12 characters, one digit\n");
        f.close();
        Profile p;
        p.name = QStringLiteral("prod");
        p.keystoneConfPath = path;
        QString error;
        const ComplianceSettings s = ComplianceSettings::forProfile(p, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(s.lockoutFailureAttempts, std::optional<int>(5));
        QCOMPARE(s.lockoutDurationSec, 600);
        QCOMPARE(s.disableInactiveDays, std::optional<int>(45));
        QCOMPARE(s.passwordExpiresDays, std::optional<int>(90));
        QCOMPARE(s.passwordExpiresIgnoreUserIds,
                 (QStringList{QStringLiteral("abc"), QStringLiteral("def")}));
        QCOMPARE(s.uniqueLastPasswordCount, 4);
        QCOMPARE(s.minimumPasswordAgeDays, 1);
        QCOMPARE(*s.passwordRegex, QStringLiteral("^(?=.*\\d).{12,}$"));
        QCOMPARE(*s.passwordRegexDescription, QStringLiteral("12 characters, one digit"));
        QCOMPARE(s.sourceDescription(), path);
        QVERIFY(s.lockoutEnabled() && s.inactivityEnabled());

        // Every option has a row, with its effective value.
        QCOMPARE(s.describe().size(), 9);
        QVERIFY(valueOf(s, "lockout_failure_attempts").contains(u'5'));
        QVERIFY(valueOf(s, "lockout_duration").contains(QStringLiteral("600 s")));
        QVERIFY(valueOf(s, "disable_user_account_days_inactive").contains(QStringLiteral("45")));
        QVERIFY(
            valueOf(s, "password_expires_ignore_user_ids").contains(QStringLiteral("abc, def")));
        QVERIFY(valueOf(s, "password_expires_ignore_user_ids")
                    .contains(QStringLiteral("ignore_password_expiry")));
        QCOMPARE(valueOf(s, "password_regex_description"),
                 QStringLiteral("12 characters, one digit"));
    }

    void defaultsWithoutKeystoneConf()
    {
        Profile p;
        p.name = QStringLiteral("api-only");
        QString error = QStringLiteral("stale");
        const ComplianceSettings s = ComplianceSettings::forProfile(p, &error);
        QVERIFY(error.isEmpty());
        QVERIFY(!s.lockoutEnabled());
        QVERIFY(!s.inactivityEnabled());
        QVERIFY(!s.passwordExpiresDays);
        QCOMPARE(s.lockoutDurationSec, 1800); // Keystone's default
        QVERIFY(s.sourcePath.isEmpty());
        QVERIFY(s.sourceDescription().contains(QStringLiteral("default")));
        QVERIFY(valueOf(s, "lockout_failure_attempts").contains(QStringLiteral("not set")));
        QVERIFY(valueOf(s, "password_regex").contains(QStringLiteral("not set")));
    }

    void unreadableKeystoneConfIsAnError()
    {
        Profile p;
        p.name = QStringLiteral("broken");
        p.keystoneConfPath = QStringLiteral("/nonexistent/keystone.conf");
        QString error;
        const ComplianceSettings s = ComplianceSettings::forProfile(p, &error);
        QVERIFY(error.contains(QStringLiteral("/nonexistent/keystone.conf")));
        QVERIFY(error.contains(QStringLiteral("broken")));
        QVERIFY(!s.lockoutEnabled());

        // A value Keystone would refuse is refused here as well.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("keystone.conf"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[security_compliance]\nlockout_failure_attempts = 0\n");
        f.close();
        p.keystoneConfPath = path;
        ComplianceSettings::forProfile(p, &error);
        QVERIFY2(error.contains(QStringLiteral("lockout_failure_attempts")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestComplianceSettings)
#include "tst_compliancesettings.moc"
