// The Events page over a real SQLite history store: the feed, its filters,
// the failed-logins chart with the users' names in the legend, the export
// of exactly the shown rows, the keystone.conf line that hides events, and
// live batches at the top.
#include "chartview.h"
#include "eventfeedmodel.h"
#include "events/eventexport.h"
#include "eventspage.h"
#include "history/historystore.h"
#include "isolatedenvironment.h"
#include "profiles/profile.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>

using namespace turnstile;

namespace {

KeystoneEvent login(int n, const QString &user, const QString &outcome, qint64 ms)
{
    KeystoneEvent e;
    e.messageId = QStringLiteral("login-%1").arg(n);
    e.eventType = QStringLiteral("identity.authenticate");
    e.action = QStringLiteral("authenticate");
    e.outcome = outcome;
    e.initiatorName = user;
    e.initiatorId = user + QStringLiteral("-id");
    e.initiatorAddress = QStringLiteral("127.0.0.1");
    e.reasonCode = outcome == u"failure" ? QStringLiteral("401") : QString();
    e.eventTimeMs = ms;
    return e;
}

KeystoneEvent change(int n, const QString &verb, const QString &kind, const QString &name,
                     qint64 ms)
{
    KeystoneEvent e;
    e.messageId = QStringLiteral("change-%1").arg(n);
    e.eventType = QStringLiteral("identity.%1.%2").arg(kind, verb);
    e.action = QStringLiteral("%1.%2").arg(verb, kind);
    e.outcome = QStringLiteral("success");
    e.initiatorName = QStringLiteral("admin");
    e.initiatorId = QStringLiteral("admin-id");
    e.initiatorAddress = QStringLiteral("10.0.0.5");
    e.targetType = kind == u"user" ? QStringLiteral("data/security/account/user")
                                   : QStringLiteral("data/security/project");
    e.targetId = QStringLiteral("%1-id").arg(name);
    e.targetName = name;
    e.eventTimeMs = ms;
    return e;
}

} // namespace

class TestEventsPage : public QObject
{
    Q_OBJECT
private:
    testsupport::IsolatedEnvironment m_dir;
    HistoryConfig m_config;
    qint64 m_now = 0;
    QString m_conf;

    Profile profile() const
    {
        Profile p;
        p.name = QStringLiteral("lab");
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:5000/v3"));
        p.keystoneConfPath = m_conf;
        return p;
    }

    void showLoaded(EventsPage &page)
    {
        QSignalSpy loaded(&page, &EventsPage::loaded);
        page.setHistoryConfig(m_config);
        page.setProfiles({profile()});
        page.resize(1100, 700);
        page.show();
        QVERIFY(loaded.wait(10000));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_config.sqlitePath = m_dir.historyFile();
        HistoryStore store;
        QVERIFY2(store.open(m_config), qPrintable(store.error()));
        m_now = QDateTime::currentMSecsSinceEpoch();
        QList<KeystoneEvent> events;
        int n = 0;
        // nova: 4 failures, glance 2, alice 1, and the rest one each.
        for (const auto &[user, count] :
             QList<std::pair<QString, int>>{{QStringLiteral("nova"), 4},
                                            {QStringLiteral("glance"), 2},
                                            {QStringLiteral("alice"), 1},
                                            {QStringLiteral("bob"), 1},
                                            {QStringLiteral("carol"), 1},
                                            {QStringLiteral("dave"), 1},
                                            {QStringLiteral("erin"), 1}})
            for (int i = 0; i < count; ++i) {
                ++n;
                events << login(n, user, QStringLiteral("failure"), m_now - 600'000 + n * 1000);
            }
        events << login(++n, QStringLiteral("admin"), QStringLiteral("success"), m_now - 300'000);
        events << change(1, QStringLiteral("created"), QStringLiteral("user"),
                         QStringLiteral("svc-backup"), m_now - 200'000);
        events << change(2, QStringLiteral("deleted"), QStringLiteral("user"),
                         QStringLiteral("svc-backup"), m_now - 100'000);
        events << change(3, QStringLiteral("deleted"), QStringLiteral("project"),
                         QStringLiteral("backup-tenant"), m_now - 90'000);
        QCOMPARE(store.appendEvents(QStringLiteral("lab"), events), int(events.size()));
        // A keystone.conf that sends nothing Turnstile can read.
        m_conf = m_dir.filePath(QStringLiteral("keystone.conf"));
        QFile f(m_conf);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("[oslo_messaging_notifications]\ndriver = noop\n");
    }

    void feedShowsNamesAfterDeletion()
    {
        EventsPage page;
        showLoaded(page);
        QCOMPARE(page.model()->rowCount(), 15);
        // Newest first: the project, then the user, deleted.
        QCOMPARE(
            page.model()->index(1, EventFeedModel::DescriptionColumn).data().toString(),
            QStringLiteral("user svc-backup (id svc-backup-id) deleted by admin from 10.0.0.5"));
        QVERIFY(page.statusText().contains(u"15 of 15 events of lab shown"));
    }

    void filtersNarrowTheFeed()
    {
        EventsPage page;
        showLoaded(page);
        QComboBox *outcome = page.outcomeChooser();
        outcome->setCurrentIndex(outcome->findData(QStringLiteral("failure")));
        QCOMPARE(page.model()->rowCount(), 11);
        page.userFilter()->setText(QStringLiteral("NOVA"));
        QCOMPARE(page.model()->rowCount(), 4);
        outcome->setCurrentIndex(0);
        page.userFilter()->setText(QStringLiteral("svc-backup"));
        QCOMPARE(page.model()->rowCount(), 2); // created and deleted
        QComboBox *action = page.actionChooser();
        QVERIFY(action->findData(QStringLiteral("deleted.user")) > 0);
        action->setCurrentIndex(action->findData(QStringLiteral("deleted.user")));
        QCOMPARE(page.model()->rowCount(), 1);
        page.userFilter()->clear();
        action->setCurrentIndex(0);
        page.projectFilter()->setText(QStringLiteral("backup-ten"));
        QCOMPARE(page.model()->rowCount(), 1);
        QCOMPARE(page.model()->index(0, EventFeedModel::ActionColumn).data().toString(),
                 QStringLiteral("deleted.project"));
        QVERIFY(page.statusText().contains(u"1 of 15 events"));
    }

    void chartNamesUsersInTheLegend()
    {
        EventsPage page;
        showLoaded(page);
        QTest::qWait(50);
        const QStringList legend = page.chart()->legendTexts();
        // The top five by name, the rest together; never a metric key.
        for (const char *name : {"nova", "glance", "alice", "bob", "carol", "other users"})
            QVERIFY2(legend.contains(QString::fromLatin1(name)), qPrintable(legend.join(u'|')));
        QVERIFY(!legend.contains(QStringLiteral("dave")));
        QVERIFY(!legend.join(u' ').contains(u"auth.failures"));
        QCOMPARE(page.chart()->series().first().name, QStringLiteral("nova"));
        if (const QByteArray dir = qgetenv("TURNSTILE_TEST_GRAB_DIR"); !dir.isEmpty())
            page.grab().save(
                QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("eventspage.png")));
    }

    void exportWritesTheShownRowsExactly()
    {
        EventsPage page;
        showLoaded(page);
        page.userFilter()->setText(QStringLiteral("svc-backup"));
        QCOMPARE(page.model()->rowCount(), 2);
        const QString csv = m_dir.filePath(QStringLiteral("events.csv"));
        QSignalSpy done(&page, &EventsPage::exportFinished);
        page.exportTo(csv);
        QVERIFY(done.wait(10000));
        QCOMPARE(done.first().at(1).toString(), QString());
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines = QString::fromUtf8(f.readAll()).split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.at(0), eventCsvHeader());
        // Oldest first, every field as stored.
        const QString created =
            QDateTime::fromMSecsSinceEpoch(m_now - 200'000, Qt::UTC).toString(Qt::ISODateWithMs);
        QCOMPARE(lines.at(1), created + QStringLiteral(",created.user,success,admin,admin-id,"
                                                       "10.0.0.5,,data/security/account/user,"
                                                       "svc-backup-id,svc-backup,,,"
                                                       "identity.user.created,change-1"));
        QVERIFY(lines.at(2).contains(u",deleted.user,success,admin,"));
        QVERIFY(
            lines.at(2).endsWith(u",svc-backup-id,svc-backup,,,identity.user.deleted,change-2"));

        const QString json = m_dir.filePath(QStringLiteral("events.json"));
        done.clear();
        page.exportTo(json);
        QVERIFY(done.wait(10000));
        QFile j(json);
        QVERIFY(j.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(j.readAll()).object();
        QCOMPARE(o[u"profile"].toString(), QStringLiteral("lab"));
        const QJsonArray events = o[u"events"].toArray();
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(1).toObject()[u"action"].toString(), QStringLiteral("deleted.user"));
        QCOMPARE(events.at(1).toObject()[u"target_name"].toString(), QStringLiteral("svc-backup"));
        QCOMPARE(events.at(1).toObject()[u"message_id"].toString(), QStringLiteral("change-2"));
    }

    void configCheckSaysWhichLine()
    {
        EventsPage page;
        showLoaded(page);
        QVERIFY(page.configCheck()->isVisible());
        const QString text = page.configCheck()->text();
        QVERIFY2(text.contains(u"driver"), qPrintable(text));
        QVERIFY2(text.contains(u"noop"), qPrintable(text));
    }

    void liveBatchesGoOnTop()
    {
        EventsPage page;
        showLoaded(page);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        page.appendEvents(QStringLiteral("other"),
                          {login(100, QStringLiteral("zed"), QStringLiteral("failure"), now)});
        QCOMPARE(page.model()->rowCount(), 15);
        page.appendEvents(QStringLiteral("lab"),
                          {login(101, QStringLiteral("zed"), QStringLiteral("failure"), now),
                           login(101, QStringLiteral("zed"), QStringLiteral("failure"), now)});
        QCOMPARE(page.model()->rowCount(), 16);
        QCOMPARE(page.model()->index(0, EventFeedModel::UserColumn).data().toString(),
                 QStringLiteral("zed"));
        // The chart follows within a second.
        QTRY_VERIFY_WITH_TIMEOUT(
            page.chart()->legendTexts().contains(QStringLiteral("other users")), 3000);
    }
};

QTEST_MAIN(TestEventsPage)
#include "tst_eventspage.moc"
