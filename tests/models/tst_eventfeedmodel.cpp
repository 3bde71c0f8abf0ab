// The Events page's feed: newest first, one insert per batch, duplicates
// (redelivered messages) skipped, filters narrow, a cap on what it holds.
#include "eventfeedmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace turnstile;

namespace {

KeystoneEvent ev(int n, const QString &action, const QString &outcome, const QString &user)
{
    KeystoneEvent e;
    e.messageId = QStringLiteral("m%1").arg(n);
    e.action = action;
    e.outcome = outcome;
    e.initiatorName = user;
    e.eventTimeMs = 1'800'000'000'000 + n * 1000;
    return e;
}

KeystoneEvent deletedUser(int n, const QString &name)
{
    KeystoneEvent e =
        ev(n, QStringLiteral("deleted.user"), QStringLiteral("success"), QStringLiteral("admin"));
    e.targetType = QStringLiteral("data/security/account/user");
    e.targetId = QStringLiteral("id-%1").arg(name);
    e.targetName = name;
    e.initiatorAddress = QStringLiteral("10.0.0.5");
    return e;
}

} // namespace

class TestEventFeedModel : public QObject
{
    Q_OBJECT
private slots:
    void newestFirstAndOneInsertPerBatch()
    {
        EventFeedModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setEvents({ev(1, QStringLiteral("authenticate"), QStringLiteral("success"),
                        QStringLiteral("admin")),
                     ev(2, QStringLiteral("authenticate"), QStringLiteral("failure"),
                        QStringLiteral("nova"))});
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.index(0, EventFeedModel::UserColumn).data().toString(), QStringLiteral("nova"));
        QSignalSpy inserted(&m, &QAbstractItemModel::rowsInserted);
        // A redelivered message (same id) is not shown twice.
        m.appendEvents({ev(2, QStringLiteral("authenticate"), QStringLiteral("failure"),
                           QStringLiteral("nova")),
                        ev(3, QStringLiteral("created.user"), QStringLiteral("success"),
                           QStringLiteral("admin")),
                        deletedUser(4, QStringLiteral("svc-backup"))});
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(m.rowCount(), 4);
        QCOMPARE(m.index(0, EventFeedModel::ActionColumn).data().toString(),
                 QStringLiteral("deleted.user"));
        QCOMPARE(m.index(0, EventFeedModel::TargetColumn).data().toString(),
                 QStringLiteral("user svc-backup (id id-svc-backup)"));
        QCOMPARE(
            m.index(0, EventFeedModel::DescriptionColumn).data().toString(),
            QStringLiteral("user svc-backup (id id-svc-backup) deleted by admin from 10.0.0.5"));
        QCOMPARE(m.index(1, EventFeedModel::ActionColumn).data().toString(),
                 QStringLiteral("created.user"));
        QCOMPARE(m.index(0, 0).data(EventFeedModel::EventRole).value<KeystoneEvent>().messageId,
                 QStringLiteral("m4"));
        QCOMPARE(m.actions(),
                 (QStringList{QStringLiteral("authenticate"), QStringLiteral("created.user"),
                              QStringLiteral("deleted.user")}));
        QCOMPARE(m.shownOldestFirst().first().messageId, QStringLiteral("m1"));
    }

    void filtersNarrowAndNewEventsFollowThem()
    {
        EventFeedModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setEvents({ev(1, QStringLiteral("authenticate"), QStringLiteral("success"),
                        QStringLiteral("admin")),
                     ev(2, QStringLiteral("authenticate"), QStringLiteral("failure"),
                        QStringLiteral("nova")),
                     deletedUser(3, QStringLiteral("svc-backup"))});
        EventFilter f;
        f.outcome = QStringLiteral("failure");
        m.setFilter(f);
        QCOMPARE(m.rowCount(), 1);
        QCOMPARE(m.heldCount(), 3);
        // Arriving events that do not match are held, not shown.
        m.appendEvents({ev(4, QStringLiteral("authenticate"), QStringLiteral("success"),
                           QStringLiteral("nova")),
                        ev(5, QStringLiteral("authenticate"), QStringLiteral("failure"),
                           QStringLiteral("glance"))});
        QCOMPARE(m.rowCount(), 2);
        QCOMPARE(m.index(0, EventFeedModel::UserColumn).data().toString(),
                 QStringLiteral("glance"));
        f = {};
        f.user = QStringLiteral("svc");
        m.setFilter(f);
        QCOMPARE(m.rowCount(), 1);
        QCOMPARE(m.index(0, EventFeedModel::ActionColumn).data().toString(),
                 QStringLiteral("deleted.user"));
        m.setFilter({});
        QCOMPARE(m.rowCount(), 5);
    }

    void capDropsTheOldest()
    {
        EventFeedModel m;
        QAbstractItemModelTester tester(&m, QAbstractItemModelTester::FailureReportingMode::QtTest);
        m.setMaxEvents(3);
        QList<KeystoneEvent> first;
        for (int i = 1; i <= 5; ++i)
            first << ev(i, QStringLiteral("authenticate"), QStringLiteral("success"),
                        QStringLiteral("u%1").arg(i));
        m.setEvents(first);
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.index(2, EventFeedModel::UserColumn).data().toString(), QStringLiteral("u3"));
        m.appendEvents(
            {ev(6, QStringLiteral("authenticate"), QStringLiteral("success"), QStringLiteral("u6")),
             ev(7, QStringLiteral("authenticate"), QStringLiteral("success"),
                QStringLiteral("u7"))});
        QCOMPARE(m.rowCount(), 3);
        QCOMPARE(m.index(0, EventFeedModel::UserColumn).data().toString(), QStringLiteral("u7"));
        QCOMPARE(m.index(2, EventFeedModel::UserColumn).data().toString(), QStringLiteral("u5"));
        // A dropped event may come again (a store reload) and is held again.
        QCOMPARE(m.heldCount(), 3);
    }
};

QTEST_GUILESS_MAIN(TestEventFeedModel)
#include "tst_eventfeedmodel.moc"
