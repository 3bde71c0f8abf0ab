#include "events/notificationcheck.h"
#include "profiles/keystoneconf.h"

#include <QTest>

using namespace turnstile;

namespace {

KeystoneConf conf(const QByteArray &text)
{
    return KeystoneConf::fromIni(IniFile::parse(text, QStringLiteral("keystone.conf")));
}

} // namespace

class TestNotificationCheck : public QObject
{
    Q_OBJECT

private slots:
    void labConfigurationIsFine()
    {
        QCOMPARE(checkNotificationConfig(conf("[DEFAULT]\nnotification_format = cadf\n"
                                              "notification_opt_out =\n"
                                              "[oslo_messaging_notifications]\n"
                                              "driver = messagingv2\ndriver = log\n"
                                              "transport_url = rabbit://u:p@h:5672/\n")),
                 QStringList());
    }

    void keystoneDefaultsSayWhatToChange()
    {
        // no driver at all (noop); Keystone's default opt-out list hides the
        // successful logins but, with its "failed" spelling, not the failures
        const QStringList found = checkNotificationConfig(conf("[DEFAULT]\n"));
        QCOMPARE(found.size(), 2);
        QVERIFY2(found[0].contains(QStringLiteral("set driver = messagingv2")),
                 qPrintable(found[0]));
        QVERIFY2(found[1].contains(QStringLiteral("default notification_opt_out hides successful")),
                 qPrintable(found[1]));
    }

    void logDriverBasicFormatAndHiddenFailures()
    {
        const QStringList found =
            checkNotificationConfig(conf("[DEFAULT]\nnotification_format = basic\n"
                                         "notification_opt_out = identity.authenticate.failure\n"
                                         "[oslo_messaging_notifications]\ndriver = log\n"));
        QCOMPARE(found.size(), 3);
        QVERIFY(found[0].contains(QStringLiteral("add a line driver = messagingv2")));
        QVERIFY(found[1].contains(QStringLiteral("notification_format = cadf")));
        QVERIFY(found[2].contains(QStringLiteral("lockout warning")));
        QVERIFY(found[2].contains(QStringLiteral("remove that line")));
    }

    void messagingWithoutTransport()
    {
        const QStringList found = checkNotificationConfig(
            conf("[DEFAULT]\nnotification_opt_out =\n[oslo_messaging_notifications]\n"
                 "driver = messagingv2\n"));
        QCOMPARE(found.size(), 1);
        QVERIFY(found[0].contains(QStringLiteral("no transport_url")));
    }
};

QTEST_GUILESS_MAIN(TestNotificationCheck)
#include "tst_notificationcheck.moc"
