#include "health/thresholds.h"

#include <QTest>

using namespace turnstile;

class TestThresholds : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }
    void greenWhenEverythingIsQuiet()
    {
        const HealthVerdict v = evaluateHealth(defaultThresholds(),
                                               {{QStringLiteral("keystone.up"), 1},
                                                {QStringLiteral("validate.ms"), 60},
                                                {QStringLiteral("revocation_event.rows"), 12},
                                                {QStringLiteral("revocation_event.obsolete"), 10}},
                                               {});
        QCOMPARE(v.level, HealthLevel::Ok);
        QVERIFY(v.reason.isEmpty());
    }
    void revocationStormReadsAsOneSentence()
    {
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        const HealthVerdict v =
            evaluateHealth(defaultThresholds(),
                           {{QStringLiteral("keystone.up"), 1},
                            {QStringLiteral("validate.ms"), 1300},
                            {QStringLiteral("revocation_event.rows"), 4812},
                            {QStringLiteral("revocation_event.obsolete"), 3900}},
                           {});
        QCOMPARE(v.level, HealthLevel::Warning);
        QVERIFY2(v.reason.contains(QStringLiteral("4,812 revocation events")),
                 qPrintable(v.reason));
        QVERIFY2(v.reason.contains(QStringLiteral("3,900 of 4,812 revocation events are obsolete")),
                 qPrintable(v.reason));
        QVERIFY2(v.reason.contains(QStringLiteral("Token validation takes 1.3 s")),
                 qPrintable(v.reason));
        QVERIFY(v.reason.endsWith(u'.'));
    }
    void criticalWinsAndComesFirst()
    {
        const HealthVerdict v = evaluateHealth(
            defaultThresholds(),
            {{QStringLiteral("keystone.up"), 0}, {QStringLiteral("issue.ms"), 2500}}, {});
        QCOMPARE(v.level, HealthLevel::Critical);
        QVERIFY(v.reason.startsWith(QStringLiteral("Keystone does not answer")));
    }
    // A metric without a sentence of its own still shows its figure with
    // every digit, not "1.93825E+06".
    void otherMetricsKeepEveryDigit()
    {
        const ThresholdRule rule{
            QStringLiteral("token.live"), ThresholdRule::Kind::Above, 1e6, 1e7, {}, 0, {}};
        const HealthVerdict v =
            evaluateHealth({rule}, {{QStringLiteral("token.live"), 1938245}}, {});
        QCOMPARE(v.level, HealthLevel::Warning);
        QCOMPARE(v.reason, QStringLiteral("Live tokens: 1,938,245 (warning above 1,000,000)."));
    }

    // Issue 21: every non-green figure names the measurement and the
    // threshold it crossed, in the figure's own unit.
    void findingNamesItsThreshold()
    {
        const QList<ThresholdRule> rules = effectiveThresholds(QJsonObject{
            {QStringLiteral("validate.ms"),
             QJsonObject{{QStringLiteral("warn"), 500}, {QStringLiteral("critical"), 1000}}}});
        const ThresholdRule &validate = rules.at(1);
        QCOMPARE(validate.metric, QStringLiteral("validate.ms"));
        QCOMPARE(thresholdFinding(validate, HealthLevel::Critical, 1300, {}, true),
                 QStringLiteral("validation p99 1.3 s (critical above 1.0 s)"));
        QCOMPARE(thresholdFinding(validate, HealthLevel::Warning, 700, {}, true),
                 QStringLiteral("validation p99 700 ms (warning above 500 ms)"));
        const QList<ThresholdRule> d = defaultThresholds();
        const auto rule = [&d](const QString &metric, ThresholdRule::Kind kind) {
            for (const ThresholdRule &r : d)
                if (r.metric == metric && r.kind == kind)
                    return r;
            return ThresholdRule{};
        };
        using K = ThresholdRule::Kind;
        QCOMPARE(thresholdFinding(rule(QStringLiteral("memcached.hit_ratio"), K::Below),
                                  HealthLevel::Critical, 0.42),
                 QStringLiteral("the memcached hit ratio is 42% (critical below 50%)"));
        QCOMPARE(
            thresholdFinding(rule(QStringLiteral("revocation_event.obsolete"), K::ShareOf),
                             HealthLevel::Warning, 3900,
                             {{QStringLiteral("revocation_event.rows"), 4812}}),
            QStringLiteral("3,900 of 4,812 revocation events are obsolete (warning above 50%)"));
        QCOMPARE(thresholdFinding(rule(QStringLiteral("token.live"), K::GrowthPerDay),
                                  HealthLevel::Warning, 250000),
                 QStringLiteral("Live tokens: 250,000 more rows a day (warning above 100,000 "
                                "rows a day)"));
        QCOMPARE(thresholdFinding(rule(QStringLiteral("revocation_event.rows"), K::Above),
                                  HealthLevel::Critical, 12000),
                 QStringLiteral("12,000 revocation events (critical above 10,000)"));
        // "Keystone does not answer" is the whole story.
        QCOMPARE(thresholdFinding(rule(QStringLiteral("keystone.up"), K::Below),
                                  HealthLevel::Critical, 0),
                 QStringLiteral("Keystone does not answer"));
        // The verdict uses the same words and says which metrics are red.
        const HealthVerdict v = evaluateHealth(
            rules, {{QStringLiteral("validate.p99.ms"), 1300}, {QStringLiteral("issue.ms"), 2500}},
            {});
        QCOMPARE(v.level, HealthLevel::Critical);
        QVERIFY2(v.reason.startsWith(
                     QStringLiteral("Validation p99 1.3 s (critical above 1.0 s); issuing a "
                                    "token takes 2.5 s (warning above 2.0 s).")),
                 qPrintable(v.reason));
        QCOMPARE(v.triggered,
                 (QStringList{QStringLiteral("validate.ms"), QStringLiteral("issue.ms")}));
        QCOMPARE(v.critical, QStringList{QStringLiteral("validate.ms")});
    }
    void shareIgnoresTinyTables()
    {
        const HealthVerdict v = evaluateHealth(defaultThresholds(),
                                               {{QStringLiteral("revocation_event.rows"), 4},
                                                {QStringLiteral("revocation_event.obsolete"), 4}},
                                               {});
        QCOMPARE(v.level, HealthLevel::Ok);
    }
    void growthPerDayAndOverrides()
    {
        QHash<QString, double> growth{{QStringLiteral("token.live"), 250000}};
        HealthVerdict v = evaluateHealth(defaultThresholds(), {}, growth);
        QCOMPARE(v.level, HealthLevel::Warning);
        QVERIFY2(v.reason.contains(QStringLiteral("Live tokens: 250,000 more rows a day")),
                 qPrintable(v.reason));
        const QJsonObject overrides{
            {QStringLiteral("token.live/day"),
             QJsonObject{{QStringLiteral("warn"), 500000}, {QStringLiteral("critical"), 900000}}}};
        v = evaluateHealth(effectiveThresholds(overrides), {}, growth);
        QCOMPARE(v.level, HealthLevel::Ok);
    }
    // The expired figure comes from estimates; the verdict must not state it
    // as a count.
    void estimatedExpiredIsNotStatedAsFact()
    {
        const HealthVerdict v =
            evaluateHealth(defaultThresholds(), {{QStringLiteral("token.expired"), 1908024}}, {});
        QCOMPARE(v.level, HealthLevel::Warning);
        QVERIFY2(v.reason.contains(QStringLiteral("about 1,908,024"), Qt::CaseInsensitive),
                 qPrintable(v.reason));
    }
    // Issue 17: the tables that grow besides token have default thresholds,
    // and the Overview's sentence names the purgeable rows and the limit.
    void purgeableRowsReadAsSentences()
    {
        const HealthVerdict v =
            evaluateHealth(defaultThresholds(),
                           {{QStringLiteral("trust.expired"), 12500},
                            {QStringLiteral("trust.deleted"), 3},
                            {QStringLiteral("password.max_per_user"), 1500},
                            {QStringLiteral("application_credential.expired"), 2}},
                           {});
        QCOMPARE(v.level, HealthLevel::Critical);
        QVERIFY2(v.reason.contains(QStringLiteral("12,500 expired trusts (warning above 10,000)")),
                 qPrintable(v.reason));
        QVERIFY2(v.reason.contains(QStringLiteral(
                     "user has 1,500 passwords in the history (critical above 1,000 passwords)")),
                 qPrintable(v.reason));
        QVERIFY2(!v.reason.contains(QStringLiteral("soft-deleted")), qPrintable(v.reason));
    }
    void belowRules()
    {
        const HealthVerdict v = evaluateHealth(defaultThresholds(),
                                               {{QStringLiteral("memcached.hit_ratio"), 0.42}}, {});
        QCOMPARE(v.level, HealthLevel::Critical);
        QVERIFY(v.reason.contains(QStringLiteral("42")));
    }
    void nothingKnownIsUnknown()
    {
        QCOMPARE(evaluateHealth(defaultThresholds(), {}, {}).level, HealthLevel::Unknown);
    }
};

QTEST_GUILESS_MAIN(TestThresholds)
#include "tst_thresholds.moc"
