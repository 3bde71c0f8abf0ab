// Who mints the tokens: the store's per-user count of successful logins,
// the pure ranking (top N, share of all, rate per hour), the token table's
// lists, and the threshold that turns the Overview amber with one sentence.
#include "events/producerranking.h"
#include "health/profileverdict.h"
#include "health/thresholdoverrides.h"
#include "health/thresholds.h"
#include "history/historystore.h"

#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

namespace {

constexpr qint64 T0 = 1699920000; // 2023-11-14T00:00:00Z

KeystoneEvent login(const QString &id, const QString &user, qint64 ms, bool ok = true)
{
    KeystoneEvent e;
    e.messageId = id;
    e.eventType = QStringLiteral("identity.authenticate");
    e.action = QStringLiteral("authenticate");
    e.outcome = ok ? QStringLiteral("success") : QStringLiteral("failure");
    e.initiatorName = user;
    e.initiatorId = QStringLiteral("id-") + user;
    e.eventTimeMs = ms;
    return e;
}

} // namespace

class TestTokenProducers : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_n = 0;
    HistoryConfig newConfig()
    {
        HistoryConfig c;
        c.sqlitePath = m_dir.filePath(QStringLiteral("h%1.sqlite").arg(++m_n));
        return c;
    }

    // `n` logins of `user` spread over [fromSec, fromSec + spanSec).
    static QList<KeystoneEvent> logins(const QString &user, int n, qint64 fromSec, qint64 spanSec,
                                       bool ok = true)
    {
        QList<KeystoneEvent> out;
        for (int i = 0; i < n; ++i)
            out << login(QStringLiteral("%1-%2-%3-%4").arg(user).arg(fromSec).arg(i).arg(ok), user,
                         fromSec * 1000 + spanSec * 1000 * i / std::max(1, n), ok);
        return out;
    }

private slots:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates)); }

    // Only successful logins count, per user (the name, else the id), in the
    // range; another profile's events and other actions stay out.
    void storeCountsSuccessesPerUserInTheRange()
    {
        HistoryStore store;
        QVERIFY2(store.open(newConfig()), qPrintable(store.error()));
        const QString p = QStringLiteral("lab");
        QList<KeystoneEvent> batch = logins(QStringLiteral("ceilometer"), 7, T0, 3600) +
                                     logins(QStringLiteral("nova"), 2, T0, 3600) +
                                     logins(QStringLiteral("nova"), 5, T0, 3600, false) +
                                     logins(QStringLiteral("old"), 9, T0 - 7200, 3600);
        KeystoneEvent noName = login(QStringLiteral("anon"), QString(), T0 * 1000 + 10);
        noName.initiatorId = QStringLiteral("0123abcd");
        KeystoneEvent created = login(QStringLiteral("c1"), QStringLiteral("admin"), T0 * 1000);
        created.action = QStringLiteral("created.user");
        batch << noName << created;
        QCOMPARE(store.appendEvents(p, batch), int(batch.size()));
        QCOMPARE(store.appendEvents(QStringLiteral("other"),
                                    logins(QStringLiteral("nova"), 50, T0, 3600)),
                 50);

        const auto counts = store.authSuccesses(p, T0 * 1000, (T0 + 3600) * 1000);
        QVERIFY2(counts, qPrintable(store.error()));
        const QList<AuthSuccessCount> expected{{QStringLiteral("ceilometer"), 7},
                                               {QStringLiteral("nova"), 2},
                                               {QStringLiteral("0123abcd"), 1}};
        QCOMPARE(*counts, expected);
        QCOMPARE(store.authSuccesses(p, (T0 + 3600) * 1000, (T0 + 7200) * 1000)->size(), 0);
    }

    // Top N of every user: the total and the shares count the users below
    // the cut too; the rate is per hour of the window; ties by name.
    void rankingKeepsTheTotalOfEveryone()
    {
        const QList<AuthSuccessCount> counts{{QStringLiteral("nova"), 100},
                                             {QStringLiteral("ceilometer"), 700},
                                             {QStringLiteral("glance"), 100},
                                             {QStringLiteral("cinder"), 100}};
        const ProducerRanking day = rankAuthSuccesses(counts, 86400, 2);
        QCOMPARE(day.source, ProducerRanking::Source::Events);
        QCOMPARE(day.total, 1000);
        QCOMPARE(day.rows.size(), 2);
        QCOMPARE(day.rows.at(0).who, QStringLiteral("ceilometer"));
        QCOMPARE(day.rows.at(0).tokens, 700);
        QCOMPARE(*day.rows.at(0).share, 0.7);
        QVERIFY(qAbs(*day.rows.at(0).perHour - 700.0 / 24.0) < 1e-9);
        QCOMPARE(day.rows.at(1).who, QStringLiteral("cinder")); // 100 each: by name
        QCOMPARE(rankAuthSuccesses(counts, 3600, 10).rows.size(), 4);
        QCOMPARE(*rankAuthSuccesses(counts, 3600, 10).rows.at(0).perHour, 700.0);

        const ProducerRanking none = rankAuthSuccesses({}, 3600, 10);
        QCOMPARE(none.total, 0);
        QVERIFY(none.rows.isEmpty());
    }

    // The token table's lists: users then trusts, shares of the counted
    // total; a list the inspector could not read is left out.
    void tokenTableRowsUsersThenTrusts()
    {
        TokenProducers p;
        p.byUser = Metric<QList<TokenProducer>>::of(
            {{QStringLiteral("u-notifier"), 600, {}}, {QStringLiteral("u-admin"), 300, {}}});
        p.byTrust = Metric<QList<TokenProducer>>::of({{QStringLiteral("t-1"), 500, {}}});
        const ProducerRanking r = rankTokenTable(p, 1000, 3600);
        QCOMPARE(r.source, ProducerRanking::Source::TokenTable);
        QCOMPARE(r.rows.size(), 3);
        QCOMPARE(r.rows.at(0).who, QStringLiteral("u-notifier"));
        QCOMPARE(*r.rows.at(0).share, 0.6);
        QCOMPARE(r.rows.at(2).kind, ProducerRow::Kind::Trust);
        QCOMPARE(producerKindKey(r.rows.at(2).kind), QStringLiteral("trust"));
        QCOMPARE(*r.rows.at(2).share, 0.5);

        // Whole table without a count: the shares the exact sample gave.
        p.byTrust = Metric<QList<TokenProducer>>::unavailable(QStringLiteral("unavailable: x"));
        p.byUser.value->first().share = 0.25;
        const ProducerRanking whole = rankTokenTable(p, std::nullopt, 0);
        QCOMPARE(whole.rows.size(), 2);
        QCOMPARE(*whole.rows.at(0).share, 0.25);
        QVERIFY(!whole.rows.at(1).share);
        QVERIFY(!whole.rows.at(0).perHour);
    }

    // The sentence, with the threshold it crossed; the user's name
    // keeps its lower case at the start of the reason.
    void thresholdNamesTheUserAndTheShare()
    {
        const HealthVerdict v = evaluateHealth(
            defaultThresholds(),
            {{QStringLiteral("auth.top_user.hour"), 41000},
             {QStringLiteral("auth.success.hour"), 58571}},
            {}, {{QStringLiteral("auth.top_user.hour"), QStringLiteral("ceilometer")}});
        QCOMPARE(v.level, HealthLevel::Warning);
        QCOMPARE(v.reason, QStringLiteral("ceilometer issued 41,000 tokens in the last hour, 70 % "
                                          "of all (warning above 10,000 an hour)."));
        QCOMPARE(v.triggered, QStringList{QStringLiteral("auth.top_user.hour")});

        const HealthVerdict quiet =
            evaluateHealth(defaultThresholds(),
                           {{QStringLiteral("auth.top_user.hour"), 900},
                            {QStringLiteral("auth.success.hour"), 1000}},
                           {}, {{QStringLiteral("auth.top_user.hour"), QStringLiteral("nova")}});
        QCOMPARE(quiet.level, HealthLevel::Ok);
        QVERIFY(thresholdKeys().contains(QStringLiteral("auth.top_user.hour")));
        QCOMPARE(thresholdUnit(*thresholdRuleFor(QStringLiteral("auth.top_user.hour"))),
                 QStringLiteral("tokens an hour"));
    }

    // The verdict the Overview, `probe --json` and `thresholds` share: the
    // store's last hour, judged by the profile's own levels.
    void profileVerdictJudgesTheLastHour()
    {
        HistoryStore store;
        QVERIFY2(store.open(newConfig()), qPrintable(store.error()));
        const QString p = QStringLiteral("lab");
        const qint64 now = T0 + 7200;
        QVERIFY(store.appendEvents(p, logins(QStringLiteral("ceilometer"), 70, now - 3000, 2900) +
                                          logins(QStringLiteral("nova"), 30, now - 3000, 2900) +
                                          // yesterday's storm is not this hour's
                                          logins(QStringLiteral("heat"), 500, now - 7000, 3000)) >
                0);
        const QJsonObject overrides{
            {QStringLiteral("auth.top_user.hour"),
             QJsonObject{{QStringLiteral("warn"), 50}, {QStringLiteral("critical"), 1000}}}};
        const ProfileVerdict pv = evaluateProfileHealth(overrides, p, &store, now);
        QCOMPARE(pv.verdict.level, HealthLevel::Warning);
        QCOMPARE(pv.verdict.reason, QStringLiteral("ceilometer issued 70 tokens in the last hour, "
                                                   "70 % of all (warning above 50 an hour)."));
        QCOMPARE(pv.latest.value(QStringLiteral("auth.success.hour")), 100.0);

        // The default levels: 70 an hour is nothing.
        QCOMPARE(evaluateProfileHealth({}, p, &store, now).verdict.level, HealthLevel::Ok);
        // A profile without events has no such figure at all.
        const ProfileVerdict other =
            evaluateProfileHealth(overrides, QStringLiteral("x"), &store, now);
        QVERIFY(!other.latest.contains(QStringLiteral("auth.top_user.hour")));
        QCOMPARE(other.verdict.level, HealthLevel::Unknown);
    }
};

QTEST_GUILESS_MAIN(TestTokenProducers)
#include "tst_tokenproducers.moc"
