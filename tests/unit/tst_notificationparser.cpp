#include "events/notificationparser.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace turnstile;

namespace {

QString dataPath(const char *name)
{
    return QStringLiteral(TURNSTILE_SOURCE_DIR "/tests/unit/data/") + QString::fromLatin1(name);
}

QByteArray readData(const char *name)
{
    QFile f(dataPath(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", name);
    return f.readAll();
}

// Real messages received from the lab's Keystone (tests/unit/data/keystone-notifications.jsonl).
QList<QByteArray> realMessages()
{
    QList<QByteArray> out;
    for (const QByteArray &line : readData("keystone-notifications.jsonl").split('\n'))
        if (!line.trimmed().isEmpty())
            out << line;
    return out;
}

QByteArray envelope(const QJsonObject &message)
{
    QJsonObject outer;
    outer.insert(QStringLiteral("oslo.version"), QStringLiteral("2.0"));
    outer.insert(QStringLiteral("oslo.message"),
                 QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    return QJsonDocument(outer).toJson(QJsonDocument::Compact);
}

QJsonObject innerOf(const QByteArray &body)
{
    const QJsonObject outer = QJsonDocument::fromJson(body).object();
    return QJsonDocument::fromJson(outer.value(QStringLiteral("oslo.message")).toString().toUtf8())
        .object();
}

} // namespace

class TestNotificationParser : public QObject
{
    Q_OBJECT

private slots:
    void failedLoginFromKeystone()
    {
        const ParsedNotification p = parseNotification(readData("keystone-auth-failure.json"));
        QCOMPARE(p.reason, RejectReason::None);
        QVERIFY(p.event);
        const KeystoneEvent &e = *p.event;
        QCOMPARE(e.messageId, QStringLiteral("f635eeba-e325-4215-8544-7e2de11ca12f"));
        QCOMPARE(e.eventType, QStringLiteral("identity.authenticate"));
        QCOMPARE(e.publisherId, QStringLiteral("identity.vm"));
        QCOMPARE(e.action, QStringLiteral("authenticate"));
        QCOMPARE(e.outcome, QStringLiteral("failure"));
        QCOMPARE(e.initiatorId, QStringLiteral("29e5d69797324023a15a461b801022f2"));
        QCOMPARE(e.initiatorName, QStringLiteral("admin"));
        QCOMPARE(e.initiatorAddress, QStringLiteral("127.0.0.1"));
        QCOMPARE(e.initiatorAgent, QStringLiteral("curl/7.88.1"));
        QCOMPARE(e.targetType, QStringLiteral("service/security/account/user"));
        QCOMPARE(e.targetId, QStringLiteral("26dc7d99-5fa1-5973-9c24-e8ea50b73322"));
        QCOMPARE(e.observerId, QStringLiteral("dd2b4b4bcbe8444f8c0b837c67874c73"));
        QVERIFY(e.reasonType.isEmpty()); // a wrong password has no reason
        // 2026-12-07T05:06:25.518309+0000
        QCOMPARE(e.eventTimeMs, qint64(1796619985518));
        QVERIFY(e.isAuthFailure());
        QVERIFY(!e.isLockedOut());
        QCOMPARE(e.authUser(), QStringLiteral("admin"));
    }

    void everyRealMessage()
    {
        const QList<QByteArray> messages = realMessages();
        QCOMPARE(messages.size(), 9);
        QStringList actions;
        int rejected = 0;
        for (const QByteArray &m : messages) {
            const ParsedNotification p = parseNotification(m);
            if (!p.event) {
                ++rejected;
                // {"hello":"from rabbitmq-c"}: the probe's own test message
                QCOMPARE(p.reason, RejectReason::BadEnvelope);
                continue;
            }
            actions << p.event->action + u'/' + p.event->outcome;
        }
        QCOMPARE(rejected, 1);
        QCOMPARE(actions, (QStringList{
                              QStringLiteral("authenticate/failure"),
                              QStringLiteral("authenticate/success"),
                              QStringLiteral("created.user/success"),
                              QStringLiteral("deleted.user/success"),
                              QStringLiteral("authenticate/failure"),
                              QStringLiteral("authenticate/success"),
                              QStringLiteral("created.user/success"),
                              QStringLiteral("deleted.user/success"),
                          }));
        const KeystoneEvent created = *parseNotification(messages.at(2)).event;
        QCOMPARE(created.targetType, QStringLiteral("data/security/account/user"));
        QCOMPARE(created.targetId, QStringLiteral("8b7804215a3a4fbdb365bdba2d5cb51b"));
        QVERIFY(!created.initiatorProjectId.isEmpty());
        // Keystone sends the deletion without an initiator ("initiator": null)
        const KeystoneEvent deleted = *parseNotification(messages.at(3)).event;
        QCOMPARE(deleted.targetId, QStringLiteral("8b7804215a3a4fbdb365bdba2d5cb51b"));
        QVERIFY(deleted.initiatorId.isEmpty());
    }

    void unknownUserAndLockout()
    {
        QJsonObject m = innerOf(readData("keystone-auth-failure.json"));
        QJsonObject payload = m.value(QStringLiteral("payload")).toObject();
        // an unknown user name: only user_name, and a 404 reason
        payload.insert(QStringLiteral("initiator"),
                       QJsonObject{{QStringLiteral("user_name"), QStringLiteral("nosuchuser")},
                                   {QStringLiteral("domain_id"), QStringLiteral("default")}});
        payload.insert(QStringLiteral("reason"),
                       QJsonObject{{QStringLiteral("reasonType"),
                                    QStringLiteral("Could not find user: nosuchuser.")},
                                   {QStringLiteral("reasonCode"), QStringLiteral("404")}});
        m.insert(QStringLiteral("payload"), payload);
        KeystoneEvent e = *parseNotification(envelope(m)).event;
        QCOMPARE(e.authUser(), QStringLiteral("nosuchuser"));
        QCOMPARE(e.reasonCode, QStringLiteral("404"));
        QVERIFY(!e.isLockedOut());

        payload.insert(QStringLiteral("reason"),
                       QJsonObject{{QStringLiteral("reasonType"),
                                    QStringLiteral("The account is locked for user: abc.")},
                                   {QStringLiteral("reasonCode"), QStringLiteral("401")}});
        m.insert(QStringLiteral("payload"), payload);
        e = *parseNotification(envelope(m)).event;
        QVERIFY(e.isLockedOut());
    }

    void bareV1MessageIsAccepted()
    {
        const QJsonObject m = innerOf(readData("keystone-auth-failure.json"));
        const ParsedNotification p =
            parseNotification(QJsonDocument(m).toJson(QJsonDocument::Compact));
        QVERIFY(p.event);
        QCOMPARE(p.event->messageId, QStringLiteral("f635eeba-e325-4215-8544-7e2de11ca12f"));
    }

    void malformedMessagesAreRejectedWithAReason_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("reason");
        const QByteArray real = readData("keystone-auth-failure.json");
        const QJsonObject inner = innerOf(real);
        auto without = [&](const char *key) {
            QJsonObject m = inner;
            m.remove(QLatin1String(key));
            return envelope(m);
        };
        auto payloadWithout = [&](const char *key) {
            QJsonObject m = inner;
            QJsonObject p = m.value(QStringLiteral("payload")).toObject();
            p.remove(QLatin1String(key));
            m.insert(QStringLiteral("payload"), p);
            return envelope(m);
        };
        QTest::newRow("empty") << QByteArray() << int(RejectReason::Empty);
        QTest::newRow("blank") << QByteArray(" \n") << int(RejectReason::Empty);
        QTest::newRow("garbage") << QByteArray("\x01\xff garbage {") << int(RejectReason::NotJson);
        QTest::newRow("array") << QByteArray("[1,2]") << int(RejectReason::NotJson);
        QTest::newRow("truncated") << real.left(real.size() / 2) << int(RejectReason::NotJson);
        QTest::newRow("huge") << QByteArray(kMaxNotificationBytes + 1, 'x')
                              << int(RejectReason::TooLarge);
        QTest::newRow("inner not a string")
            << QByteArray("{\"oslo.version\":\"2.0\",\"oslo.message\":{\"a\":1}}")
            << int(RejectReason::BadEnvelope);
        QTest::newRow("inner truncated")
            << QByteArray(
                   "{\"oslo.version\":\"2.0\",\"oslo.message\":\"{\\\"message_id\\\": \\\"x\\\"\"}")
            << int(RejectReason::BadEnvelope);
        QTest::newRow("no message id") << without("message_id") << int(RejectReason::NoMessageId);
        QTest::newRow("no event type") << without("event_type") << int(RejectReason::NoEventType);
        QTest::newRow("no payload") << without("payload") << int(RejectReason::NoPayload);
        QTest::newRow("basic format") << payloadWithout("action") << int(RejectReason::NotCadf);
        QTest::newRow("no time") << payloadWithout("eventTime") << int(RejectReason::BadEventTime);
    }
    void malformedMessagesAreRejectedWithAReason()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, reason);
        const ParsedNotification p = parseNotification(body);
        QVERIFY(!p.event);
        QCOMPARE(int(p.reason), reason);
        QVERIFY(!rejectReasonText(p.reason).isEmpty());
        QVERIFY(!rejectReasonKey(p.reason).isEmpty());
    }

    void wrongTypesAreAbsentNotConverted()
    {
        QJsonObject m = innerOf(readData("keystone-auth-failure.json"));
        QJsonObject p = m.value(QStringLiteral("payload")).toObject();
        p.insert(QStringLiteral("outcome"), 42);
        p.insert(QStringLiteral("initiator"), QStringLiteral("not an object"));
        m.insert(QStringLiteral("payload"), p);
        const ParsedNotification r = parseNotification(envelope(m));
        QVERIFY(r.event);
        QVERIFY(r.event->outcome.isEmpty());
        QVERIFY(r.event->initiatorId.isEmpty());
    }

    void cadfTimes()
    {
        QCOMPARE(parseCadfTime(QStringLiteral("1970-01-01T00:00:01.5+0000")), qint64(1500));
        QCOMPARE(parseCadfTime(QStringLiteral("1970-01-01T01:00:00+01:00")), qint64(0));
        QCOMPARE(parseCadfTime(QStringLiteral("1970-01-01 00:00:00.123456")), qint64(123));
        QCOMPARE(parseCadfTime(QStringLiteral("1970-01-01T00:00:00Z")), qint64(0));
        QVERIFY(!parseCadfTime(QStringLiteral("2026-13-01T00:00:00Z")));
        QVERIFY(!parseCadfTime(QStringLiteral("yesterday")));
        QVERIFY(!parseCadfTime(QStringLiteral("1970-01-01T00:00:00+9900")));
        QVERIFY(!parseCadfTime(QString()));
    }
};

QTEST_GUILESS_MAIN(TestNotificationParser)
#include "tst_notificationparser.moc"
