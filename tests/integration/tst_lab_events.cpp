// Issue 20: Keystone's CADF notifications through the lab's RabbitMQ
// (CTest fixture lab_rabbitmq: lab.sh rabbitmq-on) into the history store.
// A throw-away user per run, never admin, so other lab tests are not disturbed.
#include "events/amqpsession.h"
#include "events/eventconsumer.h"
#include "events/eventexport.h"
#include "events/lockoutwarning.h"
#include "events/notificationparser.h"
#include "history/historystore.h"
#include "isolatedenvironment.h"
#include "keystone/keystoneclient.h"
#include "profiles/keystoneconf.h"
#include "testsupport.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace turnstile;
using testsupport::lab;

namespace {

QString labScript()
{
    return QStringLiteral(TURNSTILE_SOURCE_DIR "/tests/lab/lab.sh");
}

} // namespace

class TestLabEvents : public QObject
{
    Q_OBJECT

    testsupport::IsolatedEnvironment m_dir;
    QString m_tag;
    std::unique_ptr<KeystoneClient> m_admin;
    std::unique_ptr<EventConsumer> m_consumer;
    QStringList m_userIds;    // to delete in cleanupTestCase
    QStringList m_projectIds; // to delete in cleanupTestCase
    QStringList m_queues;     // likewise
    QString m_deletedId;      // deletedUserKeepsItsName -> cliSaysWhomItDeleted

    QString profileName() const { return QStringLiteral("events-") + m_tag; }

    HistoryConfig history() const
    {
        HistoryConfig c;
        c.sqlitePath = m_dir.filePath(QStringLiteral("history.sqlite"));
        return c;
    }

    EventConsumerConfig consumerConfig() const
    {
        Profile p = testsupport::labAdminProfile();
        p.name = profileName();
        // Turnstile's own broker user: it may only configure queues named
        // turnstile.*, so it declares Keystone's exchange passively.
        p.notificationUrl = QStringLiteral("amqp://turnstile@%1:%2/%3")
                                .arg(lab(QStringLiteral("TURNSTILE_LAB_RMQ_HOST")),
                                     lab(QStringLiteral("TURNSTILE_LAB_RMQ_PORT")),
                                     lab(QStringLiteral("TURNSTILE_LAB_RMQ_VHOST")));
        p.keystoneConfPath = lab(QStringLiteral("TURNSTILE_LAB_KEYSTONE_CONF"));
        Secrets s = testsupport::labAdminSecrets();
        s.notificationPassword = lab(QStringLiteral("TURNSTILE_LAB_RMQ_PASSWORD"));
        QString error;
        EventConsumerConfig c = EventConsumerConfig::forProfile(p, s, history(), &error);
        if (!error.isEmpty())
            qWarning("%s", qPrintable(error));
        c.batchMs = 50;
        c.maxBackoffSeconds = 2;
        c.maxLength = 10000; // the lab's broker is small
        return c;
    }

    // Keystone's own publisher account, as a plain AMQP client would use it.
    AmqpSession::Options keystoneAccount() const
    {
        AmqpSession::Options o;
        o.url.host = lab(QStringLiteral("TURNSTILE_LAB_RMQ_HOST"));
        o.url.port = lab(QStringLiteral("TURNSTILE_LAB_RMQ_PORT")).toInt();
        o.url.vhost = lab(QStringLiteral("TURNSTILE_LAB_RMQ_VHOST"));
        o.url.user = lab(QStringLiteral("TURNSTILE_LAB_RMQ_KS_USER"));
        o.url.password = lab(QStringLiteral("TURNSTILE_LAB_RMQ_KS_PASSWORD"));
        return o;
    }

    QString createUser(const QString &name, const QString &password)
    {
        const QString id = testsupport::createLabUser(*m_admin, name, password);
        if (!id.isEmpty())
            m_userIds << id;
        return id;
    }

    static int login(const QString &user, const QString &password)
    {
        return testsupport::labUserLogin(user, password);
    }

    QList<KeystoneEvent> stored(const QStringList &actions = {}) const
    {
        HistoryStore store;
        if (!store.open(history()))
            return {};
        EventQuery q;
        q.profile = profileName();
        q.actions = actions;
        return store.events(q).value_or(QList<KeystoneEvent>());
    }

    // Polls the store until `done` holds (events arrive within ~100 ms
    // normally; a loaded 2-core machine gets 60 s).
    template <typename F> bool waitFor(F done, int ms = 60000)
    {
        QDeadlineTimer deadline(ms);
        while (!deadline.hasExpired()) {
            if (done())
                return true;
            QTest::qWait(100);
        }
        return done();
    }

    bool consuming()
    {
        return waitFor(
            [&] { return m_consumer->status().state == EventConsumerStatus::State::Consuming; });
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_KS_URL")).isEmpty(), "lab.env missing");
        // The CTest fixture lab_rabbitmq provides it; never a silent skip.
        QVERIFY2(lab(QStringLiteral("TURNSTILE_LAB_RABBITMQ")) == u"1",
                 "the lab runs without RabbitMQ (run: tests/lab/lab.sh rabbitmq-on)");
        m_tag = QString::number(QRandomGenerator::system()->generate64(), 36);
        m_admin = std::make_unique<KeystoneClient>(testsupport::labAdminProfile(),
                                                   testsupport::labAdminSecrets());
        QVERIFY(m_admin->issueToken().ok());
        // the lab's keystone.conf as Turnstile reads it
        QString error;
        const KeystoneConf conf =
            KeystoneConf::load(lab(QStringLiteral("TURNSTILE_LAB_KEYSTONE_CONF")), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QVERIFY(conf.notificationDrivers.contains(QStringLiteral("messagingv2")));
        QVERIFY(conf.notificationOptOut.isEmpty());
        QCOMPARE(conf.controlExchange, QStringLiteral("keystone"));
        QVERIFY(conf.transportUrl.has_value());

        m_consumer = std::make_unique<EventConsumer>();
        m_consumer->start(consumerConfig());
        m_queues << consumerConfig().queueName;
        QVERIFY2(consuming(), qPrintable(m_consumer->status().line()));
    }

    void cleanupTestCase()
    {
        m_consumer.reset();
        if (m_admin)
            for (const QString &id : std::as_const(m_userIds))
                m_admin->remove(QStringLiteral("/users/") + id);
        if (m_admin)
            for (const QString &id : std::as_const(m_projectIds))
                m_admin->remove(QStringLiteral("/projects/") + id);
        // The durable queues of this run; a real installation keeps its own.
        AmqpSession s;
        if (s.open(keystoneAccount()))
            for (const QString &q : std::as_const(m_queues))
                s.deleteQueue(q);
    }

    // Wrong passwords produce failure events, and the warning fires at N-1,
    // before Keystone locks the account.
    void failuresWarnBeforeTheLockout()
    {
        const QString name = QStringLiteral("evt-lock-") + m_tag;
        const QString password = QStringLiteral("Pw-") + m_tag;
        QVERIFY(!createUser(name, password).isEmpty());
        const LockoutPolicy policy{3, 1800}; // the lab's [security_compliance]
        auto findings = [&] {
            return evaluateLockout(stored({QStringLiteral("authenticate")}), policy,
                                   QDateTime::currentMSecsSinceEpoch());
        };
        auto findingFor = [&]() -> std::optional<LockoutFinding> {
            for (const LockoutFinding &f : findings())
                if (f.user == name)
                    return f;
            return std::nullopt;
        };
        QCOMPARE(login(name, QStringLiteral("wrong")), 401);
        QCOMPARE(login(name, QStringLiteral("wrong")), 401);
        QVERIFY2(waitFor([&] { return findingFor().has_value(); }),
                 qPrintable(m_consumer->status().line()));
        const LockoutFinding amber = *findingFor();
        QCOMPARE(amber.level, LockoutFinding::Level::Amber);
        QVERIFY2(amber.text.startsWith(name + QStringLiteral(" has 2 of 3 failed logins")),
                 qPrintable(amber.text));
        // The warning came in time: the right password still works.
        QCOMPARE(login(name, password), 201);
        // ... and cleared the count; three more failures lock the account.
        for (int i = 0; i < 3; ++i)
            QCOMPARE(login(name, QStringLiteral("wrong")), 401);
        QVERIFY(waitFor([&] {
            const auto f = findingFor();
            return f && f->level == LockoutFinding::Level::Red;
        }));
        QCOMPARE(login(name, password), 401); // locked indeed
        // the failures are counted per user and minute too
        HistoryStore store;
        QVERIFY(store.open(history()));
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        int counted = 0;
        const QList<AuthFailureCount> counts =
            store.authFailures(profileName(), now - 3600, now + 60)
                .value_or(QList<AuthFailureCount>());
        for (const AuthFailureCount &c : counts)
            if (c.user == name)
                counted += c.count;
        QVERIFY2(counted >= 5, qPrintable(QString::number(counted)));
    }

    // The name is resolved when the event arrives and stored with it, so the
    // deletion still says whom it deleted.
    void deletedUserKeepsItsName()
    {
        const QString name = QStringLiteral("evt-gone-") + m_tag;
        const QString id = createUser(name, QStringLiteral("Pw-") + m_tag);
        QVERIFY(!id.isEmpty());
        QVERIFY(waitFor([&] {
            for (const KeystoneEvent &e : stored({QStringLiteral("created.user")}))
                if (e.targetId == id)
                    return true;
            return false;
        }));
        QCOMPARE(m_admin->remove(QStringLiteral("/users/") + id).status, 204);
        m_userIds.removeAll(id);
        QVERIFY(waitFor([&] {
            for (const KeystoneEvent &e : stored({QStringLiteral("deleted.user")}))
                if (e.targetId == id)
                    return true;
            return false;
        }));
        m_deletedId = id;
        for (const KeystoneEvent &e : stored({QStringLiteral("deleted.user")})) {
            if (e.targetId != id)
                continue;
            QCOMPARE(e.targetName, name);
            QCOMPARE(e.targetType, QStringLiteral("data/security/account/user"));
        }
    }

    // Issue 20's other half: a project, too, keeps its name after the
    // deletion — in the stored event and in the sentence the feed and the
    // CLI show (eventexport).
    void deletedProjectKeepsItsName()
    {
        const QString name = QStringLiteral("evt-gone-project-") + m_tag;
        const QJsonObject project{{QStringLiteral("name"), name},
                                  {QStringLiteral("domain_id"), QStringLiteral("default")}};
        const HttpResult h =
            m_admin->post(QStringLiteral("/projects"),
                          QJsonDocument(QJsonObject{{QStringLiteral("project"), project}})
                              .toJson(QJsonDocument::Compact));
        QCOMPARE(h.status, 201);
        const QString id =
            QJsonDocument::fromJson(h.body).object()[u"project"].toObject()[u"id"].toString();
        QVERIFY(!id.isEmpty());
        m_projectIds << id;
        auto storedAbout = [&](const QString &action) -> std::optional<KeystoneEvent> {
            for (const KeystoneEvent &e : stored({action}))
                if (e.targetId == id)
                    return e;
            return std::nullopt;
        };
        QVERIFY2(
            waitFor([&] { return storedAbout(QStringLiteral("created.project")).has_value(); }),
            qPrintable(m_consumer->status().line()));
        QCOMPARE(storedAbout(QStringLiteral("created.project"))->targetName, name);
        QCOMPARE(m_admin->remove(QStringLiteral("/projects/") + id).status, 204);
        m_projectIds.removeAll(id);
        QVERIFY(
            waitFor([&] { return storedAbout(QStringLiteral("deleted.project")).has_value(); }));
        const KeystoneEvent deleted = *storedAbout(QStringLiteral("deleted.project"));
        QCOMPARE(deleted.targetName, name);
        QCOMPARE(deleted.targetType, QStringLiteral("data/security/project"));
        const QString sentence = eventDescription(deleted);
        QVERIFY2(sentence.startsWith(QStringLiteral("project %1 (id %2) deleted").arg(name, id)),
                 qPrintable(sentence));
        QVERIFY2(
            eventTextLine(deleted).contains(QStringLiteral("project %1 (id %2)").arg(name, id)),
            qPrintable(eventTextLine(deleted)));
    }

    // turnstilectl events reads the same store: the deletion with the name.
    void cliSaysWhomItDeleted()
    {
        QVERIFY(!m_deletedId.isEmpty());
        QProcess ctl;
        ctl.start(testsupport::builtProgram(QStringLiteral("turnstilectl")),
                  {QStringLiteral("events"), QStringLiteral("--profile"), profileName(),
                   QStringLiteral("--action"), QStringLiteral("deleted.user"),
                   QStringLiteral("--json")});
        QVERIFY(ctl.waitForFinished(60000));
        QCOMPARE(ctl.exitCode(), 0);
        const QJsonArray events =
            QJsonDocument::fromJson(ctl.readAllStandardOutput()).object()[u"events"].toArray();
        bool found = false;
        for (const QJsonValue &v : events)
            if (v[u"target_id"].toString() == m_deletedId) {
                found = true;
                QCOMPARE(v[u"target_name"].toString(), QStringLiteral("evt-gone-") + m_tag);
                QCOMPARE(v[u"action"].toString(), QStringLiteral("deleted.user"));
            }
        QVERIFY(found);
        ctl.start(testsupport::builtProgram(QStringLiteral("turnstilectl")),
                  {QStringLiteral("events"), QStringLiteral("--profile"), profileName(),
                   QStringLiteral("--action"), QStringLiteral("deleted.user")});
        QVERIFY(ctl.waitForFinished(60000));
        const QString text = QString::fromUtf8(ctl.readAllStandardOutput());
        QVERIFY2(text.contains(QStringLiteral("deleted.user success: user evt-gone-%1 (id %2)")
                                   .arg(m_tag, m_deletedId)),
                 qPrintable(text));
    }

    // A plain consumer of Keystone's standard queue loses nothing to Turnstile.
    void standardQueueStillGetsEveryMessage()
    {
        AmqpSession plain;
        QVERIFY2(plain.open(keystoneAccount()), qPrintable(plain.error()));
        QVERIFY2(plain.consume(QStringLiteral("notifications.info"), 100),
                 qPrintable(plain.error()));
        auto drain = [&](QSet<QString> *ids, int idleMs) {
            AmqpSession::Delivery d;
            while (plain.next(idleMs, &d) == AmqpSession::Wait::Message) {
                if (const ParsedNotification p = parseNotification(d.body); p.event && ids)
                    ids->insert(p.event->messageId);
                plain.ackUpTo(d.tag);
            }
        };
        drain(nullptr, 500); // what earlier tests left there
        const QString name = QStringLiteral("evt-both-") + m_tag;
        for (int i = 0; i < 5; ++i)
            QCOMPARE(login(name, QStringLiteral("wrong")), 401); // unknown user: 404 reason
        QSet<QString> plainIds;
        QDeadlineTimer deadline(60000);
        while (plainIds.size() < 5 && !deadline.hasExpired())
            drain(&plainIds, 1000);
        QCOMPARE(plainIds.size(), 5);
        QVERIFY(waitFor([&] {
            int found = 0;
            for (const KeystoneEvent &e : stored({QStringLiteral("authenticate")}))
                found += plainIds.contains(e.messageId) ? 1 : 0;
            return found == 5;
        }));
    }

    // Garbage on the exchange is counted and the consumer carries on.
    void malformedMessagesAreCountedAndSkipped()
    {
        const qint64 before = m_consumer->status().rejected;
        AmqpSession publisher;
        QVERIFY(publisher.open(keystoneAccount()));
        const QString exchange = QStringLiteral("keystone");
        const QString key = QStringLiteral("notifications.info");
        QVERIFY(publisher.publish(exchange, key, QByteArray("garbage")));
        QVERIFY(publisher.publish(exchange, key, QByteArray("{\"oslo.message\": \"{\\\"mess")));
        QVERIFY(publisher.publish(exchange, key, QByteArray(kMaxNotificationBytes + 10, '{')));
        QVERIFY(waitFor([&] { return m_consumer->status().rejected >= before + 3; }));
        const EventConsumerStatus s = m_consumer->status();
        QCOMPARE(s.state, EventConsumerStatus::State::Consuming);
        QVERIFY(s.rejectedBy[size_t(RejectReason::TooLarge)] >= 1);
        QVERIFY(s.line().contains(QStringLiteral("rejected")));
        // still consuming real events
        const QString name = QStringLiteral("evt-after-") + m_tag;
        const QString id = createUser(name, QStringLiteral("Pw-") + m_tag);
        QVERIFY(waitFor([&] {
            for (const KeystoneEvent &e : stored({QStringLiteral("created.user")}))
                if (e.targetId == id)
                    return e.targetName == name;
            return false;
        }));
    }

    // amqps: verified against the profile's CA; without it (the system's CAs)
    // the lab's certificate is refused with a sentence, and retried.
    void tlsIsVerified()
    {
        EventConsumerConfig c = consumerConfig();
        c.profile.name = profileName() + QStringLiteral("-tls");
        c.queueName = EventConsumerConfig::queueNameFor(c.profile.name);
        m_queues << c.queueName;
        c.transport.tls = true;
        // rabbitmq-c 0.11 checks the host name against the certificate's DNS
        // names only (not its IP addresses): the lab certificate names localhost.
        c.transport.host = QStringLiteral("localhost");
        c.transport.port = lab(QStringLiteral("TURNSTILE_LAB_RMQ_TLS_PORT")).toInt();
        c.profile.caCertFile = lab(QStringLiteral("TURNSTILE_LAB_TLS_CA"));
        {
            EventConsumer tls;
            tls.start(c);
            QVERIFY2(waitFor([&] {
                         return tls.status().state == EventConsumerStatus::State::Consuming;
                     }),
                     qPrintable(tls.status().line()));
            QVERIFY(tls.status().where.startsWith(QStringLiteral("amqps://")));
        }
        c.profile.caCertFile.clear();
        EventConsumer untrusted;
        untrusted.start(c);
        QVERIFY(waitFor(
            [&] { return untrusted.status().state == EventConsumerStatus::State::Retrying; }));
        const QString error = untrusted.status().error;
        QVERIFY2(error.contains(QStringLiteral("amqps://")), qPrintable(error));
        QVERIFY2(untrusted.status().line().contains(QStringLiteral("Retrying")), qPrintable(error));
        qInfo("without the lab CA: %s", qPrintable(error));
    }

    // Consume and store rate, for docs (bounded: 5,000 synthetic CADF
    // messages through Keystone's exchange).
    void throughput()
    {
        const QByteArray sample = [] {
            QFile f(
                QStringLiteral(TURNSTILE_SOURCE_DIR "/tests/unit/data/keystone-auth-failure.json"));
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        QVERIFY(!sample.isEmpty());
        const QJsonObject outer = QJsonDocument::fromJson(sample).object();
        QJsonObject inner =
            QJsonDocument::fromJson(outer[u"oslo.message"].toString().toUtf8()).object();
        const qint64 before = m_consumer->status().stored;
        AmqpSession publisher;
        QVERIFY(publisher.open(keystoneAccount()));
        const int n = 5000;
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < n; ++i) {
            inner[u"message_id"] = QStringLiteral("bench-%1-%2").arg(m_tag).arg(i);
            QJsonObject o = outer;
            o[u"oslo.message"] =
                QString::fromUtf8(QJsonDocument(inner).toJson(QJsonDocument::Compact));
            QVERIFY(publisher.publish(QStringLiteral("keystone"),
                                      QStringLiteral("notifications.info"),
                                      QJsonDocument(o).toJson(QJsonDocument::Compact)));
        }
        QVERIFY(waitFor([&] { return m_consumer->status().stored >= before + n; }, 120000));
        qInfo("%d events published, consumed and stored in %lld ms (%.0f events/s)", n, t.elapsed(),
              n * 1000.0 / std::max<qint64>(1, t.elapsed()));
    }

    // A broker restart loses the non-durable exchange and the bindings; the
    // consumer reconnects, redeclares them, and the durable queue kept its
    // messages.
    void reconnectsAfterABrokerRestart()
    {
        QProcess restart;
        restart.setProcessChannelMode(QProcess::ForwardedChannels);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("LAB_DIR"), lab(QStringLiteral("TURNSTILE_LAB_DIR")));
        env.insert(QStringLiteral("LAB_RABBITMQ"), QStringLiteral("1"));
        restart.setProcessEnvironment(env);
        restart.start(labScript(), {QStringLiteral("rabbitmq-restart")});
        QVERIFY(restart.waitForFinished(180000));
        QCOMPARE(restart.exitCode(), 0);
        // Keystone recreates the exchange with its next notification; until
        // then the passive declare fails and the consumer retries.
        const QString name = QStringLiteral("evt-restart-") + m_tag;
        QString id;
        QVERIFY(waitFor(
            [&] {
                if (id.isEmpty())
                    id = createUser(name, QStringLiteral("Pw-") + m_tag);
                return m_consumer->status().state == EventConsumerStatus::State::Consuming &&
                       m_consumer->status().reconnects >= 1;
            },
            120000));
        // events sent after the consumer is back arrive
        const QString second =
            createUser(name + QStringLiteral("-2"), QStringLiteral("Pw-") + m_tag);
        QVERIFY(waitFor([&] {
            for (const KeystoneEvent &e : stored({QStringLiteral("created.user")}))
                if (e.targetId == second)
                    return true;
            return false;
        }));
    }
};

QTEST_GUILESS_MAIN(TestLabEvents)
#include "tst_lab_events.moc"
