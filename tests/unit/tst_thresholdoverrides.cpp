// Threshold overrides: one parser of "WARN:CRITICAL" for the profile editor,
// `turnstilectl thresholds --set` and the profile file; the file keeps them
// in a readable section per profile, and the old JSON-inside-INI form is
// still read and migrated once.
#include "health/thresholdoverrides.h"
#include "profiles/profilestore.h"

#include <QFile>
#include <QJsonDocument>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

namespace {
QByteArray fileText(const QString &path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return f.readAll();
}
Profile profileNamed(const QString &name)
{
    Profile p;
    p.name = name;
    p.authUrl = QUrl(QStringLiteral("https://ks.example/v3"));
    return p;
}
} // namespace

class TestThresholdOverrides : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany)); }

    void parsesWarnAndCritical()
    {
        QString error;
        const auto l =
            parseThresholdLevels(QStringLiteral("validate.ms"), QStringLiteral("300:800"), &error);
        QVERIFY2(l, qPrintable(error));
        QCOMPARE(*l->warn, 300.0);
        QCOMPARE(*l->critical, 800.0);
        QCOMPARE(formatThresholdLevels(*l), QStringLiteral("300:800"));
    }

    // An empty side keeps its default; both empty is no override at all.
    void emptySideKeepsTheDefault()
    {
        const auto warnOnly =
            parseThresholdLevels(QStringLiteral("token.live/day"), QStringLiteral("500000:"));
        QVERIFY(warnOnly);
        QCOMPARE(*warnOnly->warn, 500000.0);
        QVERIFY(!warnOnly->critical);
        QCOMPARE(formatThresholdLevels(*warnOnly), QStringLiteral("500000:"));
        const auto critOnly = parseThresholdLevels(QStringLiteral("validate.ms"),
                                                   QStringLiteral(" "), QStringLiteral("900"));
        QVERIFY(critOnly);
        QVERIFY(!critOnly->warn);
        QCOMPARE(formatThresholdLevels(*critOnly), QStringLiteral(":900"));
        const auto none = parseThresholdLevels(QStringLiteral("validate.ms"), QStringLiteral(":"));
        QVERIFY(none);
        QVERIFY(none->isEmpty());
        // Big levels are written with every digit, never 1e+07.
        QCOMPARE(formatThresholdLevel(10000000), QStringLiteral("10000000"));
        QCOMPARE(formatThresholdLevel(0.5), QStringLiteral("0.5"));
    }

    void refusesWithOneSentence_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("says");
        QTest::newRow("order") << QStringLiteral("validate.ms") << QStringLiteral("900:800")
                               << QStringLiteral("must not be above the critical level (800 ms)");
        // The other side's default counts: 2000 ms warns after 1500 ms is red.
        QTest::newRow("order-default")
            << QStringLiteral("validate.ms") << QStringLiteral("2000:")
            << QStringLiteral("(2000 ms) must not be above the critical level (1500 ms)");
        QTest::newRow("below") << QStringLiteral("memcached.hit_ratio") << QStringLiteral("0.4:0.6")
                               << QStringLiteral("must not be below");
        QTest::newRow("share") << QStringLiteral("revocation_event.obsolete")
                               << QStringLiteral("50:90") << QStringLiteral("between 0 and 1");
        QTest::newRow("negative") << QStringLiteral("issue.ms") << QStringLiteral("-1:")
                                  << QStringLiteral("cannot be negative");
        QTest::newRow("word") << QStringLiteral("issue.ms") << QStringLiteral("fast:slow")
                              << QStringLiteral("\"fast\" is not a number");
        // A German comma is not read as a decimal point in one language and
        // a thousands separator in another.
        QTest::newRow("comma") << QStringLiteral("issue.ms") << QStringLiteral("1,5:")
                               << QStringLiteral("is not a number");
        QTest::newRow("colon") << QStringLiteral("issue.ms") << QStringLiteral("300")
                               << QStringLiteral("is not WARN:CRITICAL");
        QTest::newRow("unknown") << QStringLiteral("validate_ms") << QStringLiteral("1:2")
                                 << QStringLiteral("is not a metric with a threshold");
    }
    void refusesWithOneSentence()
    {
        QFETCH(QString, key);
        QFETCH(QString, text);
        QFETCH(QString, says);
        QString error;
        QVERIFY(!parseThresholdLevels(key, text, &error));
        QVERIFY2(error.contains(says), qPrintable(error));
        QVERIFY2(error.endsWith(u'.') || error.endsWith(u')'), qPrintable(error));
        QCOMPARE(error.count(QStringLiteral(". ")), 0); // one sentence
    }

    void unitsAndLabels()
    {
        QCOMPARE(thresholdUnit(*thresholdRuleFor(QStringLiteral("validate.ms"))),
                 QStringLiteral("ms"));
        QCOMPARE(thresholdUnit(*thresholdRuleFor(QStringLiteral("token.live/day"))),
                 QStringLiteral("rows a day"));
        QCOMPARE(thresholdUnit(*thresholdRuleFor(QStringLiteral("revocation_event.obsolete"))),
                 QStringLiteral("share (0–1)"));
        QCOMPARE(thresholdLabel(*thresholdRuleFor(QStringLiteral("token.live/day"))),
                 QStringLiteral("Live tokens per day"));
        QVERIFY(thresholdKeys().contains(QStringLiteral("revocation_event.rows/day")));
        QVERIFY(thresholdKeys().contains(QStringLiteral("revocation_event.rows")));
    }

    // The overrides the verdict uses are those parsed, one side at a time.
    void effectiveThresholdsTakeOneSide()
    {
        QJsonObject o;
        o.insert(
            QStringLiteral("validate.ms"),
            parseThresholdLevels(QStringLiteral("validate.ms"), QStringLiteral("300:"))->toJson());
        for (const ThresholdRule &r : effectiveThresholds(o))
            if (r.metric == u"validate.ms") {
                QCOMPARE(r.warn, 300.0);
                QCOMPARE(r.critical, 1500.0);
            }
    }

    // The file holds the overrides in a section of their own, as a person
    // would write them, and no JSON of them.
    void storeWritesAReadableSection()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("profiles.ini"));
        ProfileStore store(file);
        Profile p = profileNamed(QStringLiteral("lab"));
        p.thresholds.insert(
            QStringLiteral("validate.ms"),
            QJsonObject{{QStringLiteral("warn"), 300}, {QStringLiteral("critical"), 800}});
        p.thresholds.insert(QStringLiteral("token.live/day"),
                            QJsonObject{{QStringLiteral("warn"), 500000}});
        QVERIFY(store.save(p));
        const QByteArray text = fileText(file);
        QVERIFY2(text.contains("[thresholds.lab]\n"), text.constData());
        QVERIFY2(text.contains("validate.ms=300:800\n"), text.constData());
        QVERIFY2(text.contains("token.live\\day=500000:\n"), text.constData());
        QVERIFY2(!text.contains("\\\"thresholds\\\""), text.constData());
        QCOMPARE(store.profile(QStringLiteral("lab")).thresholds, p.thresholds);
        QCOMPARE(store.profiles().value(0).thresholds, p.thresholds);

        // Cleared overrides leave no section behind; neither does a removal.
        p.thresholds.remove(QStringLiteral("token.live/day"));
        QVERIFY(store.save(p));
        QVERIFY(!fileText(file).contains("token.live"));
        QVERIFY(store.remove(QStringLiteral("lab")));
        QVERIFY2(!fileText(file).contains("thresholds"), fileText(file).constData());
    }

    // A person edits the section by hand: it is read with the same parser,
    // and a line it refuses leaves that rule at its default.
    void handEditedSectionIsRead()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("profiles.ini"));
        ProfileStore store(file);
        QVERIFY(store.save(profileNamed(QStringLiteral("lab"))));
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::Append));
            f.write("\n[thresholds.lab]\nissue.ms=1000:3000\nvalidate.ms=900:100\n");
        }
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("must not be above the critical")));
        const Profile p = store.profile(QStringLiteral("lab"));
        QCOMPARE(p.thresholds.value(u"issue.ms").toObject().value(u"warn").toDouble(), 1000.0);
        QVERIFY(!p.thresholds.contains(u"validate.ms"));
    }

    // Issue 21: thresholds were hand-edited JSON inside an INI string. An old
    // file is still read, and rewritten once into the readable form.
    void oldJsonThresholdsAreMigratedOnce()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("profiles.ini"));
        Profile old = profileNamed(QStringLiteral("legacy"));
        old.thresholds.insert(
            QStringLiteral("validate.ms"),
            QJsonObject{{QStringLiteral("warn"), 300}, {QStringLiteral("critical"), 800}});
        old.thresholds.insert(QStringLiteral("token.live/day"),
                              QJsonObject{{QStringLiteral("warn"), 500000}});
        Profile other = profileNamed(QStringLiteral("other"));
        {
            // As earlier versions wrote the file: everything in the JSON.
            QSettings s(file, QSettings::IniFormat);
            for (const Profile &p : {old, other})
                s.setValue(
                    QStringLiteral("profiles/") + p.name,
                    QString::fromUtf8(QJsonDocument(p.toJson()).toJson(QJsonDocument::Compact)));
        }
        QVERIFY(fileText(file).contains("\\\"thresholds\\\""));
        ProfileStore store(file);
        // Read before the migration...
        QCOMPARE(store.profile(QStringLiteral("legacy")).thresholds, old.thresholds);
        QString error;
        QCOMPARE(store.migrateLegacyThresholds(&error), QStringList{QStringLiteral("legacy")});
        QVERIFY(error.isEmpty());
        // ...and after it, from the section, with no JSON left.
        const QByteArray text = fileText(file);
        QVERIFY2(!text.contains("\\\"thresholds\\\""), text.constData());
        QVERIFY2(text.contains("[thresholds.legacy]"), text.constData());
        QVERIFY2(text.contains("validate.ms=300:800"), text.constData());
        QCOMPARE(store.profile(QStringLiteral("legacy")).thresholds, old.thresholds);
        QCOMPARE(store.profile(QStringLiteral("other")).thresholds, QJsonObject());
        // Once: nothing left to do.
        QCOMPARE(store.migrateLegacyThresholds(&error), QStringList());
        QCOMPARE(fileText(file), text);
    }

    // A profile whose database URL still holds a password is left to the
    // password migration (which saves it, thresholds included): migrating
    // it here would drop the password before it reaches the keychain.
    void migrationKeepsAPasswordForTheKeychain()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("profiles.ini"));
        Profile old = profileNamed(QStringLiteral("legacy"));
        old.databaseUrl = QStringLiteral("mysql+pymysql://keystone:Secret1@db1/keystone");
        old.thresholds.insert(QStringLiteral("issue.ms"),
                              QJsonObject{{QStringLiteral("warn"), 1000}});
        {
            QSettings s(file, QSettings::IniFormat);
            s.setValue(
                QStringLiteral("profiles/legacy"),
                QString::fromUtf8(QJsonDocument(old.toJson()).toJson(QJsonDocument::Compact)));
        }
        ProfileStore store(file);
        QCOMPARE(store.migrateLegacyThresholds(), QStringList());
        QCOMPARE(store.databasePasswordsInFile().value(QStringLiteral("legacy")),
                 QStringLiteral("Secret1"));
        QVERIFY(store.stripDatabasePasswords({QStringLiteral("legacy")}));
        QVERIFY(fileText(file).contains("[thresholds.legacy]"));
        QCOMPARE(store.profile(QStringLiteral("legacy")).thresholds, old.thresholds);
    }
};

QTEST_GUILESS_MAIN(TestThresholdOverrides)
#include "tst_thresholdoverrides.moc"
