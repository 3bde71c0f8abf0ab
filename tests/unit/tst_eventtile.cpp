// The Overview's event findings (core/events/eventtile): the transport hint,
// the verdict with service accounts, the fix links; and the Events page's
// chart data and export writers (failurechart, eventexport), all pure.
#include "compliance/compliancerules.h"
#include "compliance/compliancesummary.h"
#include "events/eventexport.h"
#include "events/eventfilter.h"
#include "events/eventtile.h"
#include "events/failurechart.h"
#include "events/lockoutwarning.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace turnstile;

namespace {

constexpr qint64 kNow = 1'800'000'000'000; // ms

KeystoneEvent login(const QString &user, const QString &outcome, qint64 ms, int n)
{
    KeystoneEvent e;
    e.messageId = QStringLiteral("m-%1-%2").arg(user).arg(n);
    e.eventType = QStringLiteral("identity.authenticate");
    e.action = QStringLiteral("authenticate");
    e.outcome = outcome;
    e.initiatorName = user;
    e.initiatorId = user + QStringLiteral("-id");
    e.eventTimeMs = ms;
    e.reasonCode = outcome == u"failure" ? QStringLiteral("401") : QString();
    return e;
}

QList<KeystoneEvent> failures(const QString &user, int n)
{
    QList<KeystoneEvent> out;
    for (int i = 0; i < n; ++i)
        out << login(user, QStringLiteral("failure"), kNow - (n - i) * 30'000, i);
    return out;
}

EventConsumerStatus retrying()
{
    EventConsumerStatus s;
    s.state = EventConsumerStatus::State::Retrying;
    s.where = QStringLiteral("amqp://turnstile@127.0.0.1:37410/lab");
    s.error = QStringLiteral("RabbitMQ at amqp://turnstile@127.0.0.1:37410/lab is unreachable.");
    s.retryInSeconds = 8;
    return s;
}

} // namespace

class TestEventTile : public QObject
{
    Q_OBJECT
private slots:
    void transportHintNeedsBrokerDownAndAJump()
    {
        TransportLatency calm{40.0, 12.0, 40.0, 12.0};
        QVERIFY(notificationTransportHint(retrying(), calm).isEmpty());
        // Keystone ~6 s slower per notifying call, the broker unreachable.
        TransportLatency slow{6100.0, 12.0, 40.0, 12.0};
        const QString hint = notificationTransportHint(retrying(), slow);
        QVERIFY2(hint.contains(u"notification transport is the likely cause"), qPrintable(hint));
        QVERIFY2(hint.contains(u"token issue 6.1 s (was 40 ms)"), qPrintable(hint));
        QVERIFY(hint.contains(u"amqp://turnstile@127.0.0.1:37410/lab"));
        // A validation jump counts the same.
        TransportLatency slowValidate{40.0, 6012.0, 40.0, 12.0};
        QVERIFY(notificationTransportHint(retrying(), slowValidate).contains(u"validation 6.0 s"));
        // The same jump while Turnstile reaches the broker: something else.
        EventConsumerStatus ok = retrying();
        ok.state = EventConsumerStatus::State::Consuming;
        QVERIFY(notificationTransportHint(ok, slow).isEmpty());
        // A configuration that cannot work is no transport outage.
        EventConsumerStatus failed = retrying();
        failed.state = EventConsumerStatus::State::Failed;
        QVERIFY(notificationTransportHint(failed, slow).isEmpty());
        // Below the jump: no hint.
        TransportLatency little{1500.0, 12.0, 40.0, 12.0};
        QVERIFY(notificationTransportHint(retrying(), little).isEmpty());
        // No calm figure yet (Turnstile started with the broker down): slow in itself.
        TransportLatency noCalm{6100.0, 12.0, std::nullopt, std::nullopt};
        QVERIFY(!notificationTransportHint(retrying(), noCalm).isEmpty());
        TransportLatency noCalmFast{300.0, 12.0, std::nullopt, std::nullopt};
        QVERIFY(notificationTransportHint(retrying(), noCalmFast).isEmpty());
    }

    void amberAtOneBeforeTheLockRedWhenLocked()
    {
        const LockoutPolicy policy{3, 1800};
        ProfileEvents ev;
        ev.consuming = true;
        ev.lockout = evaluateLockout(failures(QStringLiteral("nova"), 2), policy, kNow);
        EventTileVerdict v = eventTileVerdict(ev, {});
        QCOMPARE(v.level, 2);
        QCOMPARE(v.reasons,
                 QStringList{QStringLiteral("nova has 2 of 3 failed logins in the last 1 min; one "
                                            "more locks it for 30 min.")});
        ev.lockout = evaluateLockout(failures(QStringLiteral("nova"), 3), policy, kNow);
        v = eventTileVerdict(ev, {});
        QCOMPARE(v.level, 3);
        QVERIFY(v.reasons.first().startsWith(u"nova is locked out after 3 failed logins"));
        // One failure of a person: nothing yet.
        ev.lockout = evaluateLockout(failures(QStringLiteral("alice"), 1), policy, kNow);
        QCOMPARE(eventTileVerdict(ev, {}).level, 1);
    }

    void serviceAccountsAreWarnedEarlierAndRedAtOneBefore()
    {
        const LockoutPolicy policy{3, 1800};
        const QStringList service{QStringLiteral("nova")};
        ProfileEvents ev;
        ev.consuming = true;
        // One failure of a service account: already amber, in stronger words.
        ev.lockout = evaluateLockout(failures(QStringLiteral("nova"), 1), policy, kNow, service);
        QCOMPARE(ev.lockout.size(), 1);
        QVERIFY(ev.lockout.first().serviceAccount);
        EventTileVerdict v = eventTileVerdict(ev, {});
        QCOMPARE(v.level, 2);
        QCOMPARE(v.reasons.first(),
                 QStringLiteral("Service account nova has 1 of 3 failed logins in the last 1 min; "
                                "two more lock it for 30 min and stop the service that logs in as "
                                "it."));
        // Two: red, before the lock.
        ev.lockout = evaluateLockout(failures(QStringLiteral("nova"), 2), policy, kNow, service);
        v = eventTileVerdict(ev, {});
        QCOMPARE(v.level, 3);
        QVERIFY(v.reasons.first().contains(u"one more locks it for 30 min and stops the service"));
        // By id too.
        ev.lockout = evaluateLockout(failures(QStringLiteral("nova"), 2), policy, kNow,
                                     {QStringLiteral("nova-id")});
        QCOMPARE(eventTileVerdict(ev, {}).level, 3);
        // Locked service accounts lead the sentences, before a person one failure away.
        ev.lockout = evaluateLockout(failures(QStringLiteral("alice"), 2) +
                                         failures(QStringLiteral("nova"), 3),
                                     policy, kNow, service);
        v = eventTileVerdict(ev, {});
        QCOMPARE(v.reasons.size(), 2);
        QVERIFY(v.reasons.at(0).startsWith(u"Service account nova is locked out"));
        QVERIFY(v.reasons.at(1).startsWith(u"alice has 2 of 3"));
        // The links: unlock the service account, show alice on the Compliance page.
        const QList<FixTarget> fixes = lockoutFixTargets(ev.lockout);
        QCOMPARE(fixes.size(), 2);
        QCOMPARE(fixes.at(0).kind, FixTarget::Kind::UnlockUser);
        QCOMPARE(fixes.at(0).argument, QStringLiteral("nova-id"));
        QCOMPARE(fixes.at(1).kind, FixTarget::Kind::ComplianceUser);
        QCOMPARE(fixes.at(1).argument, QStringLiteral("alice-id"));
    }

    void transportHintIsAWarning()
    {
        ProfileEvents ev;
        ev.consuming = true;
        ev.status = retrying();
        const EventTileVerdict v = eventTileVerdict(ev, QStringLiteral("hint"));
        QCOMPARE(v.level, 2);
        QCOMPARE(v.reasons, QStringList{QStringLiteral("hint")});
    }

    void failureChartTopUsersAndOthers()
    {
        const qint64 from = 1'800'000'000; // s, a multiple of 60
        QList<AuthFailureCount> counts{
            {QStringLiteral("nova"), from, 5},        {QStringLiteral("nova"), from + 120, 2},
            {QStringLiteral("glance"), from + 60, 4}, {QStringLiteral("alice"), from, 1},
            {QStringLiteral("bob"), from + 60, 1},    {QStringLiteral("old"), from - 600, 9}};
        const QList<NamedSeries> s =
            authFailureSeries(counts, QStringLiteral("lab"), from, from + 300, 2, 300);
        QCOMPARE(s.size(), 3);
        QCOMPARE(s.at(0).name, QStringLiteral("nova"));
        QCOMPARE(s.at(1).name, QStringLiteral("glance"));
        QCOMPARE(s.at(2).name, QStringLiteral("other users"));
        QCOMPARE(s.at(0).metric, QStringLiteral("auth.failures"));
        QCOMPARE(s.at(0).profile, QStringLiteral("lab"));
        // Every minute of the range is a point: no failure is a zero.
        QCOMPARE(s.at(0).buckets.size(), 5);
        QCOMPARE(s.at(0).buckets.at(0).max, 5.0);
        QCOMPARE(s.at(0).buckets.at(1).max, 0.0);
        QCOMPARE(s.at(0).buckets.at(2).max, 2.0);
        QCOMPARE(s.at(2).buckets.at(0).max, 1.0); // alice
        QCOMPARE(s.at(2).buckets.at(1).max, 1.0); // bob
        // Decimated to the chart's width, a burst survives as the bucket's max.
        const QList<NamedSeries> narrow =
            authFailureSeries(counts, QStringLiteral("lab"), from, from + 300, 5, 2);
        QVERIFY(narrow.at(0).buckets.size() <= 2);
        QCOMPARE(narrow.at(0).buckets.at(0).max, 5.0);
        QVERIFY(authFailureSeries({}, QStringLiteral("lab"), from, from + 300, 5, 10).isEmpty());
    }

    void descriptionNamesTheDeletedUser()
    {
        KeystoneEvent e;
        e.action = QStringLiteral("deleted.user");
        e.outcome = QStringLiteral("success");
        e.targetType = QStringLiteral("data/security/account/user");
        e.targetId = QStringLiteral("4c1f");
        e.targetName = QStringLiteral("svc-backup");
        e.initiatorName = QStringLiteral("admin");
        e.initiatorAddress = QStringLiteral("10.0.0.5");
        QCOMPARE(eventDescription(e),
                 QStringLiteral("user svc-backup (id 4c1f) deleted by admin from 10.0.0.5"));
        KeystoneEvent f = login(QStringLiteral("nova"), QStringLiteral("failure"), kNow, 0);
        f.initiatorAddress = QStringLiteral("127.0.0.1");
        QCOMPARE(eventDescription(f), QStringLiteral("nova failed to log in from 127.0.0.1"));
    }

    void exportWritesExactValues()
    {
        KeystoneEvent e;
        e.messageId = QStringLiteral("m1");
        e.eventType = QStringLiteral("identity.user.deleted");
        e.action = QStringLiteral("deleted.user");
        e.outcome = QStringLiteral("success");
        e.eventTimeMs = 1'800'000'000'123;
        e.initiatorName = QStringLiteral("admin");
        e.targetType = QStringLiteral("data/security/account/user");
        e.targetId = QStringLiteral("4c1f");
        e.targetName = QStringLiteral("svc, \"backup\"");
        QCOMPARE(QString::fromUtf8(eventsCsv({e})),
                 eventCsvHeader() +
                     QStringLiteral("\n2027-01-15T08:00:00.123Z,deleted.user,success,admin,,,,"
                                    "data/security/account/user,4c1f,\"svc, \"\"backup\"\"\",,,"
                                    "identity.user.deleted,m1\n"));
        const QJsonObject o =
            QJsonDocument::fromJson(eventsJson(QStringLiteral("lab"), {e})).object();
        QCOMPARE(o[u"profile"].toString(), QStringLiteral("lab"));
        const QJsonObject first = o[u"events"].toArray().first().toObject();
        QCOMPARE(first[u"target_name"].toString(), QStringLiteral("svc, \"backup\""));
        QCOMPARE(first[u"time"].toString(), QStringLiteral("2027-01-15T08:00:00.123Z"));
        QVERIFY(!first.contains(u"initiator_id")); // absent, not empty
    }

    // Service accounts without ignore_lockout_failure_attempts, while lockout
    // is on: local ones only (only they have a failure count to lock on).
    void unprotectedServiceAccounts()
    {
        auto user = [](const QString &name, bool service, bool local, bool exempt) {
            ComplianceUser u;
            u.id = name + QStringLiteral("-id");
            u.name = name;
            u.domainName = QStringLiteral("Default");
            u.local = local;
            u.ignoreLockout = exempt;
            u.serviceAccount = service;
            return u;
        };
        const QList<ComplianceUser> users{
            user(QStringLiteral("nova"), true, true, false),
            user(QStringLiteral("glance"), true, true, true),     // exempt
            user(QStringLiteral("ldap-svc"), true, false, false), // not local
            user(QStringLiteral("alice"), false, true, false)};   // a person
        ComplianceSettings settings;
        settings.lockoutFailureAttempts = 3;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        ComplianceSummary s = summarizeCompliance(classifyUsers(users, settings, now, 7));
        QCOMPARE(s.unprotectedServiceAccounts.size(), 1);
        QCOMPARE(s.unprotectedServiceAccounts.first().name, QStringLiteral("nova"));
        QVERIFY(s.unprotectedSentence().contains(u": nova (Default). Set it with openstack user "
                                                 u"set --ignore-lockout-failure-attempts NAME."));
        // Every service account, by name and id, for the lockout warning.
        QVERIFY(s.serviceAccounts.contains(QStringLiteral("glance")));
        QVERIFY(s.serviceAccounts.contains(QStringLiteral("ldap-svc-id")));
        QVERIFY(!s.serviceAccounts.contains(QStringLiteral("alice")));
        // Lockout off: nothing to flag.
        s = summarizeCompliance(classifyUsers(users, ComplianceSettings{}, now, 7));
        QVERIFY(s.unprotectedServiceAccounts.isEmpty());
        QVERIFY(s.unprotectedSentence().isEmpty());
    }

    void filterMatchesNamesAndIds()
    {
        KeystoneEvent e;
        e.action = QStringLiteral("deleted.project");
        e.outcome = QStringLiteral("success");
        e.targetType = QStringLiteral("data/security/project");
        e.targetId = QStringLiteral("p-77");
        e.targetName = QStringLiteral("Backup-Tenant");
        e.initiatorName = QStringLiteral("admin");
        e.eventTimeMs = 5000;
        EventFilter f;
        QVERIFY(f.matches(e));
        f.project = QStringLiteral("backup");
        QVERIFY(f.matches(e));
        f.user = QStringLiteral("ADM");
        QVERIFY(f.matches(e));
        f.user = QStringLiteral("nova");
        QVERIFY(!f.matches(e));
        f = {};
        f.action = QStringLiteral("deleted.user");
        QVERIFY(!f.matches(e));
        f = {};
        f.fromMs = 6000;
        QVERIFY(!f.matches(e));
        f = {};
        f.outcome = QStringLiteral("failure");
        QVERIFY(!f.matches(e));
    }
};

QTEST_GUILESS_MAIN(TestEventTile)
#include "tst_eventtile.moc"
