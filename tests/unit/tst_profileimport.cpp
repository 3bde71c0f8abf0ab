// The import "apply" step shared by turnstilectl and the GUI: merge over the
// saved profile, refuse unusable names, say which secrets were not stored.
#include "profiles/profileimport.h"

#include <QTest>

using namespace turnstile;

namespace {
ImportedCloud cloud(const QString &name, const QString &url)
{
    ImportedCloud c;
    c.profile.name = name;
    c.profile.authUrl = QUrl(url);
    c.profile.username = QStringLiteral("admin");
    c.secrets.password = QStringLiteral("pw-") + name;
    return c;
}
} // namespace

class TestProfileImport : public QObject
{
    Q_OBJECT
private slots:
    void mergesOverTheSavedProfile()
    {
        Profile saved;
        saved.name = QStringLiteral("prod");
        saved.authUrl = QUrl(QStringLiteral("https://old.example:5000/v3"));
        saved.databaseUrl = QStringLiteral("mysql+pymysql://keystone@db/keystone");
        const ProfileImportPlan plan = planProfileImport(
            {saved}, {cloud(QStringLiteral("prod"), QStringLiteral("https://new.example:5000/v3")),
                      cloud(QStringLiteral("lab"), QStringLiteral("http://lab:5000/v3"))});
        QVERIFY(plan.refusals.isEmpty());
        QCOMPARE(plan.entries.size(), 2);
        const auto &prod = plan.entries.at(0);
        QVERIFY(prod.existed);
        // What the source describes is refreshed, what it does not is kept.
        QCOMPARE(prod.profile.authUrl, QUrl(QStringLiteral("https://new.example:5000/v3")));
        QCOMPARE(prod.profile.databaseUrl, saved.databaseUrl);
        QCOMPARE(prod.secrets.password, QStringLiteral("pw-prod"));
        QVERIFY(!plan.entries.at(1).existed);
        QCOMPARE(plan.summary(),
                 (QStringList{QStringLiteral("Updated profile prod (https://new.example:5000/v3)."),
                              QStringLiteral("Created profile lab (http://lab:5000/v3).")}));
        QCOMPARE(plan.profiles().size(), 2);
    }

    void unusableNamesAreRefusedOneByOne()
    {
        const ProfileImportPlan plan =
            planProfileImport({}, {cloud(QStringLiteral("../etc"), QStringLiteral("http://a/v3")),
                                   cloud(QStringLiteral("ok"), QStringLiteral("http://b/v3")),
                                   cloud(QString(), QStringLiteral("http://c/v3"))});
        QCOMPARE(plan.entries.size(), 1);
        QCOMPARE(plan.entries.first().profile.name, QStringLiteral("ok"));
        QCOMPARE(plan.refusals.size(), 2);
        QVERIFY2(plan.refusals.first().contains(QStringLiteral("\"../etc\" is not a usable")),
                 qPrintable(plan.refusals.first()));
    }

    void nameOverrideNamesTheProfile()
    {
        // turnstilectl --profile NAME: saved (and its secrets stored) under NAME.
        const ProfileImportPlan plan =
            planProfileImport({}, {cloud(QStringLiteral("envvars"), QStringLiteral("http://a/v3"))},
                              QStringLiteral("mine"));
        QCOMPARE(plan.entries.size(), 1);
        QCOMPARE(plan.entries.first().profile.name, QStringLiteral("mine"));
        QVERIFY(planProfileImport({}, {cloud(QStringLiteral("envvars"), QStringLiteral("x"))},
                                  QStringLiteral("bad/name"))
                    .entries.isEmpty());
    }

    void failedSecretWritesAreOneSentence()
    {
        QCOMPARE(secretsNotStored(QStringLiteral("prod"), {}), QString());
        SecretResult ok;
        ok.ok = true;
        QCOMPARE(secretsNotStored(QStringLiteral("prod"), {ok, ok}), QString());
        SecretResult failed;
        failed.error = QStringLiteral("The keychain is locked.");
        const QString s = secretsNotStored(QStringLiteral("prod"), {ok, failed});
        QVERIFY2(s.startsWith(QStringLiteral("The keychain is locked. The secret for profile prod "
                                             "was not stored")),
                 qPrintable(s));
        QVERIFY(s.contains(QStringLiteral("OS_PASSWORD")));
    }
};

QTEST_GUILESS_MAIN(TestProfileImport)
#include "tst_profileimport.moc"
