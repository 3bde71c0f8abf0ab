// What Keystone's events add to an Overview tile (OverviewModel::setEvents):
// the consumer's status line, amber before a lockout, red when locked, the
// transport hint when the broker and Keystone's latency go together, and
// service accounts without ignore_lockout_failure_attempts as a note.
#include "events/lockoutwarning.h"
#include "health/fixtarget.h"
#include "overviewmodel.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QTest>

using namespace turnstile;

namespace {

ProbeResult healthy(const QString &name, double issueMs = 40)
{
    ProbeResult r;
    r.profile = name;
    r.startedAt = QDateTime::currentDateTimeUtc();
    r.reachable = true;
    r.keystoneVersion = QStringLiteral("v3.14");
    r.issueMs = issueMs;
    r.validateMs = 12;
    return r;
}

QList<KeystoneEvent> failures(const QString &user, int n, qint64 now)
{
    QList<KeystoneEvent> out;
    for (int i = 0; i < n; ++i) {
        KeystoneEvent e;
        e.messageId = QStringLiteral("m%1").arg(i);
        e.action = QStringLiteral("authenticate");
        e.outcome = QStringLiteral("failure");
        e.initiatorName = user;
        e.initiatorId = user + QStringLiteral("-id");
        e.reasonCode = QStringLiteral("401");
        e.eventTimeMs = now - (n - i) * 20'000;
        out << e;
    }
    return out;
}

ProfileEvents consuming(EventConsumerStatus::State state = EventConsumerStatus::State::Consuming)
{
    ProfileEvents ev;
    ev.consuming = true;
    ev.status.state = state;
    ev.status.where = QStringLiteral("amqp://turnstile@127.0.0.1:37410/lab");
    ev.status.queue = QStringLiteral("turnstile.events.lab");
    ev.status.error = QStringLiteral("RabbitMQ does not answer.");
    ev.status.retryInSeconds = 4;
    return ev;
}

OverviewModel::Status statusOf(const OverviewModel &m)
{
    return m.index(0, 0).data(OverviewModel::StatusRole).value<OverviewModel::Status>();
}

QString reasonOf(const OverviewModel &m)
{
    return m.index(0, 0).data(OverviewModel::ReasonRole).toString();
}

} // namespace

class TestOverviewEvents : public QObject
{
    Q_OBJECT
private slots:
    void statusLineOnlyWithAConsumer()
    {
        OverviewModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setProfiles({QStringLiteral("lab")});
        m.setResult(healthy(QStringLiteral("lab")));
        QCOMPARE(m.index(0, 0).data(OverviewModel::EventsLineRole).toString(), QString());
        m.setEvents(QStringLiteral("lab"), consuming());
        QCOMPARE(m.index(0, 0).data(OverviewModel::EventsLineRole).toString(),
                 consuming().status.line());
        QVERIFY(m.index(0, 0)
                    .data(OverviewModel::EventsLineRole)
                    .toString()
                    .startsWith(u"Events: consuming from amqp://turnstile@127.0.0.1:37410/lab"));
        QCOMPARE(statusOf(m), OverviewModel::Status::Ok);
        // A plain amqp:// broker off loopback: the clear-text warning follows the line.
        ProfileEvents plain = consuming();
        plain.transportWarning =
            QStringLiteral("The broker password crosses the network in clear.");
        m.setEvents(QStringLiteral("lab"), plain);
        QCOMPARE(m.index(0, 0).data(OverviewModel::EventsLineRole).toString(),
                 plain.status.line() + QStringLiteral(" ") + plain.transportWarning);
        // Events survive a change of the shown profiles.
        m.setProfiles({QStringLiteral("lab"), QStringLiteral("other")});
        QVERIFY(!m.index(0, 0).data(OverviewModel::EventsLineRole).toString().isEmpty());
    }

    void amberBeforeTheLockoutRedWhenLocked()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const LockoutPolicy policy{3, 1800};
        OverviewModel m;
        m.setProfiles({QStringLiteral("lab")});
        m.setResult(healthy(QStringLiteral("lab")));
        ProfileEvents ev = consuming();
        ev.lockout = evaluateLockout(failures(QStringLiteral("nova"), 2, now), policy, now);
        m.setEvents(QStringLiteral("lab"), ev);
        QCOMPARE(statusOf(m), OverviewModel::Status::Warning);
        QCOMPARE(reasonOf(m), QStringLiteral("nova has 2 of 3 failed logins in the last 1 min; "
                                             "one more locks it for 30 min."));
        const auto fixes =
            m.index(0, 0).data(OverviewModel::FixTargetsRole).value<QList<FixTarget>>();
        QCOMPARE(fixes.size(), 1);
        QCOMPARE(fixes.first().kind, FixTarget::Kind::ComplianceUser);
        QCOMPARE(fixes.first().argument, QStringLiteral("nova-id"));
        ev.lockout = evaluateLockout(failures(QStringLiteral("nova"), 3, now), policy, now);
        m.setEvents(QStringLiteral("lab"), ev);
        QCOMPARE(statusOf(m), OverviewModel::Status::Critical);
        QVERIFY(reasonOf(m).startsWith(u"nova is locked out after 3 failed logins"));
        // The lockout passes: green again.
        m.setEvents(QStringLiteral("lab"), consuming());
        QCOMPARE(statusOf(m), OverviewModel::Status::Ok);
    }

    void probeCriticalStillLeadsOverAmberEvents()
    {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        OverviewModel m;
        m.setProfiles({QStringLiteral("lab")});
        ProbeResult down = healthy(QStringLiteral("lab"));
        down.endpointError = QStringLiteral("Keystone does not answer.");
        m.setResult(down);
        ProfileEvents ev = consuming();
        ev.lockout = evaluateLockout(failures(QStringLiteral("nova"), 2, now), {3, 1800}, now);
        m.setEvents(QStringLiteral("lab"), ev);
        QCOMPARE(statusOf(m), OverviewModel::Status::Critical);
        QVERIFY(reasonOf(m).startsWith(u"Keystone does not answer."));
        QVERIFY(reasonOf(m).contains(u"nova has 2 of 3"));
    }

    void transportHintWhenBrokerAndLatencyGoTogether()
    {
        OverviewModel m;
        m.setProfiles({QStringLiteral("lab")});
        // Calm: the broker answers, token issue 40 ms.
        m.setEvents(QStringLiteral("lab"), consuming());
        m.setResult(healthy(QStringLiteral("lab"), 40));
        // The broker goes; Keystone's next figures are 6 s slower.
        m.setEvents(QStringLiteral("lab"), consuming(EventConsumerStatus::State::Retrying));
        QCOMPARE(statusOf(m), OverviewModel::Status::Ok); // not slower yet
        m.setResult(healthy(QStringLiteral("lab"), 6100));
        QCOMPARE(statusOf(m), OverviewModel::Status::Warning);
        QVERIFY2(reasonOf(m).contains(u"token issue 6.1 s (was 40 ms)"), qPrintable(reasonOf(m)));
        QVERIFY(reasonOf(m).contains(u"notification transport is the likely cause"));
        // The broker is back: no hint, and the slow figure did not become calm.
        m.setEvents(QStringLiteral("lab"), consuming());
        QCOMPARE(statusOf(m), OverviewModel::Status::Ok);
        m.setEvents(QStringLiteral("lab"), consuming(EventConsumerStatus::State::Retrying));
        QVERIFY(reasonOf(m).contains(u"(was 40 ms)"));
    }

    void unprotectedServiceAccountsAreANote()
    {
        OverviewModel m;
        m.setProfiles({QStringLiteral("lab")});
        ProbeResult r = healthy(QStringLiteral("lab"));
        ComplianceSummary c;
        c.locked = 0;
        c.unprotectedServiceAccounts.append(
            {QStringLiteral("n-id"), QStringLiteral("nova"), QStringLiteral("Default"), {}});
        r.compliance = c;
        m.setResult(r);
        QCOMPARE(statusOf(m), OverviewModel::Status::Ok);
        const QString notes = m.index(0, 0).data(OverviewModel::NotesRole).toString();
        QCOMPARE(notes,
                 QStringLiteral("Service accounts without ignore_lockout_failure_attempts, which "
                                "anyone who knows the name can lock out: nova (Default). Set it "
                                "with openstack user set --ignore-lockout-failure-attempts NAME."));
        QVERIFY(reasonOf(m).endsWith(notes));
    }
};

QTEST_GUILESS_MAIN(TestOverviewEvents)
#include "tst_overviewevents.moc"
