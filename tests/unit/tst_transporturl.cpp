#include "events/eventconsumerconfig.h"
#include "events/transporturl.h"
#include "profiles/keystoneconf.h"

#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

class TestTransportUrl : public QObject
{
    Q_OBJECT

private slots:
    void osloUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("vhost");
        QTest::addColumn<bool>("tls");
        QTest::addColumn<QString>("shown");
        QTest::newRow("lab") << "rabbit://ksnotify:rmqpass123@127.0.0.1:5673/lab"
                             << "127.0.0.1" << 5673 << "ksnotify"
                             << "rmqpass123"
                             << "lab" << false << "amqp://ksnotify@127.0.0.1:5673/lab";
        QTest::newRow("cluster, default vhost")
            << "rabbit://openstack:p%40ss@rmq1:5672,openstack:p%40ss@rmq2:5672/"
            << "rmq1" << 5672 << "openstack"
            << "p@ss"
            << "/" << false << "amqp://openstack@rmq1:5672/";
        QTest::newRow("ssl query") << "rabbit://u:p@mq.example.org/nova?ssl=1"
                                   << "mq.example.org" << 5671 << "u"
                                   << "p"
                                   << "nova" << true << "amqps://u@mq.example.org:5671/nova";
        QTest::newRow("ipv6") << "amqp://u:p@[::1]:5673"
                              << "::1" << 5673 << "u"
                              << "p"
                              << "/" << false << "amqp://u@[::1]:5673/";
        QTest::newRow("slash in password") << "rabbit://u:a%2Fb@h:1/v%2Fw"
                                           << "h" << 1 << "u"
                                           << "a/b"
                                           << "v/w" << false << "amqp://u@h:1/v%2Fw";
    }
    void osloUrls()
    {
        QFETCH(QString, url);
        QString error;
        const TransportUrl t = TransportUrl::parse(url, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QTEST(t.host, "host");
        QTEST(t.port, "port");
        QTEST(t.user, "user");
        QTEST(t.password, "password");
        QTEST(t.vhost, "vhost");
        QTEST(t.tls, "tls");
        QTEST(t.toString(), "shown");
        QVERIFY(!t.toString().contains(u':' + t.password + u'@'));
    }

    void refusedUrlsNeverQuoteThePassword_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("no scheme") << "ksnotify:s3cret@host";
        QTest::newRow("kafka") << "kafka://u:s3cret@host:9092";
        QTest::newRow("bad port") << "rabbit://u:s3cret@host:99999/";
        QTest::newRow("no host") << "rabbit://u:s3cret@:5672/";
    }
    void refusedUrlsNeverQuoteThePassword()
    {
        QFETCH(QString, url);
        QString error;
        QVERIFY(!TransportUrl::parse(url, &error).isValid());
        QVERIFY(!error.isEmpty());
        QVERIFY2(!error.contains(QStringLiteral("s3cret")), qPrintable(error));
    }

    void cleartextIsNamedOffLoopback()
    {
        QVERIFY(TransportUrl::parse(QStringLiteral("rabbit://u:p@127.0.0.1:5672/"))
                    .cleartextWarning()
                    .isEmpty());
        QVERIFY(TransportUrl::parse(QStringLiteral("rabbit://u:p@localhost/"))
                    .cleartextWarning()
                    .isEmpty());
        QVERIFY(TransportUrl::parse(QStringLiteral("rabbit://u:p@mq.example.org/?ssl=1"))
                    .cleartextWarning()
                    .isEmpty());
        const QString w = TransportUrl::parse(QStringLiteral("rabbit://u:s3cret@mq.example.org/"))
                              .cleartextWarning();
        QVERIFY(w.contains(QStringLiteral("amqp://u@mq.example.org:5672/")));
        QVERIFY(!w.contains(QStringLiteral("s3cret")));
    }

    void keystoneConfNotificationOptions()
    {
        const QByteArray text = "[DEFAULT]\n"
                                "transport_url = rabbit://fallback:x@other:5672/\n"
                                "notification_format = cadf\n"
                                "notification_opt_out =\n"
                                "control_exchange = openstack\n"
                                "[oslo_messaging_notifications]\n"
                                "driver = messagingv2\n"
                                "driver = log\n"
                                "topics = notifications,audit\n"
                                "transport_url = rabbit://ksnotify:pw@127.0.0.1:5673/lab\n";
        QString error;
        const KeystoneConf c =
            KeystoneConf::fromIni(IniFile::parse(text, QStringLiteral("k.conf")), &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(*c.transportUrl, QStringLiteral("rabbit://ksnotify:pw@127.0.0.1:5673/lab"));
        QCOMPARE(c.notificationDrivers,
                 (QStringList{QStringLiteral("messagingv2"), QStringLiteral("log")}));
        QVERIFY(c.notificationOptOut.isEmpty());
        QCOMPARE(c.controlExchange, QStringLiteral("openstack"));
        QCOMPARE(c.notificationTopics.first(), QStringLiteral("notifications"));

        // Keystone's defaults: the default opt-out list, the [DEFAULT] URL
        const KeystoneConf d = KeystoneConf::fromIni(
            IniFile::parse("[DEFAULT]\ntransport_url = rabbit://a:b@h/\n", QStringLiteral("d")));
        QCOMPARE(d.notificationOptOut.size(), 3);
        QVERIFY(d.notificationDrivers.isEmpty());
        QCOMPARE(*d.transportUrl, QStringLiteral("rabbit://a:b@h/"));

        // Import: the URL without password on the profile, the password apart
        Profile p;
        p.name = QStringLiteral("lab");
        const ImportedSecrets s = applyKeystoneConf(p, c, QStringLiteral("/etc/keystone/k.conf"));
        QCOMPARE(p.notificationUrl, QStringLiteral("amqp://ksnotify@127.0.0.1:5673/lab"));
        QCOMPARE(s.notificationPassword, QStringLiteral("pw"));
        QCOMPARE(Profile::fromJson(p.toJson()), p);
    }

    void consumerConfigFromTheProfile()
    {
        Profile p;
        p.name = QStringLiteral("east/1");
        p.notificationUrl = QStringLiteral("amqp://turnstile@127.0.0.1:5673/lab");
        p.eventQueueMaxLength = 5000;
        Secrets s;
        QString error;
        EventConsumerConfig c = EventConsumerConfig::forProfile(p, s, HistoryConfig{}, &error);
        QVERIFY(error.contains(QStringLiteral("keychain"))); // no password
        s.notificationPassword = QStringLiteral("pw");
        c = EventConsumerConfig::forProfile(p, s, HistoryConfig{}, &error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(c.queueName, QStringLiteral("turnstile.events.east_1"));
        QCOMPARE(c.maxLength, 5000);
        QCOMPARE(c.exchange, QStringLiteral("keystone"));
        QCOMPARE(c.routingKey, QStringLiteral("notifications.info"));
        QCOMPARE(c.transport.user, QStringLiteral("turnstile"));

        p.notificationUrl.clear();
        c = EventConsumerConfig::forProfile(p, s, HistoryConfig{}, &error);
        QVERIFY(error.contains(QStringLiteral("no RabbitMQ URL")));
    }
};

QTEST_GUILESS_MAIN(TestTransportUrl)
#include "tst_transporturl.moc"
