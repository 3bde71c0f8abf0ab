// `probe` names the keystone.conf line that hides Keystone's events
// (checkNotificationConfig), as `events` and the Events page do: runProbe
// reads the profile's keystone.conf even when Keystone does not answer, and
// the JSON carries the sentences under notification_config.
#include "probe/prober.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

class TestProbeNotifications : public QObject
{
    Q_OBJECT
private slots:
    void probeNamesTheLineToChange()
    {
        QTemporaryDir dir;
        const QString conf = dir.filePath(QStringLiteral("keystone.conf"));
        QFile f(conf);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[oslo_messaging_notifications]\ndriver = noop\n[security_compliance]\n"
                "lockout_failure_attempts = 3\n");
        f.close();
        Profile p;
        p.name = QStringLiteral("conf");
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3")); // nobody listens
        p.timeoutMs = 2000;
        p.keystoneConfPath = conf;
        const ProbeResult r = runProbe(p, Secrets{});
        QVERIFY(!r.notificationProblems.isEmpty());
        QVERIFY2(r.notificationProblems.first().contains(u"driver is noop"),
                 qPrintable(r.notificationProblems.join(u'\n')));
        const QJsonObject o = r.toJson();
        QCOMPARE(o[u"notification_config"].toArray().size(),
                 qsizetype(r.notificationProblems.size()));
        QCOMPARE(ProbeResult::fromJson(o).notificationProblems, r.notificationProblems);

        // A keystone.conf that sends what Turnstile needs: nothing to say.
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("[DEFAULT]\nnotification_format = cadf\nnotification_opt_out =\n"
                "transport_url = rabbit://ks:pw@127.0.0.1:5672/\n"
                "[oslo_messaging_notifications]\ndriver = messagingv2\n");
        f.close();
        const ProbeResult ok = runProbe(p, Secrets{});
        QVERIFY2(ok.notificationProblems.isEmpty(),
                 qPrintable(ok.notificationProblems.join(u'\n')));
        QCOMPARE(ok.toJson()[u"notification_config"].toArray().size(), 0);
        QVERIFY(ok.toJson()[u"notification_queue"].isNull()); // not read: null
    }

    // notification_queue in probe --json: the depth with the finding of
    // `events --follow`, and back (the lab test reads the real API).
    void notificationQueueJson()
    {
        ProbeResult r;
        r.notificationQueueRead = true;
        r.notificationQueue.depth =
            BrokerQueueDepth{QStringLiteral("notifications.info"), 25000, 0};
        const QJsonObject q = r.toJson()[u"notification_queue"].toObject();
        QCOMPARE(q[u"messages"].toDouble(), 25000.0);
        QCOMPARE(q[u"consumers"].toInt(), 0);
        QCOMPARE(q[u"finding"].toString(), unreadQueueFinding(*r.notificationQueue.depth));
        QVERIFY(q[u"finding"].toString().contains(u"nothing reads it"));
        const ProbeResult back = ProbeResult::fromJson(r.toJson());
        QVERIFY(back.notificationQueueRead);
        QCOMPARE(back.notificationQueue.depth, r.notificationQueue.depth);

        ProbeResult refused;
        refused.notificationQueueRead = true;
        refused.notificationQueue.error = QStringLiteral("HTTP 401");
        QCOMPARE(refused.toJson()[u"notification_queue"].toObject()[u"error"].toString(),
                 QStringLiteral("HTTP 401"));
        QCOMPARE(ProbeResult::fromJson(refused.toJson()).notificationQueue.error,
                 QStringLiteral("HTTP 401"));
    }
};

QTEST_GUILESS_MAIN(TestProbeNotifications)
#include "tst_probenotifications.moc"
