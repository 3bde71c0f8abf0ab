#include "events/notificationparser.h"
#include "history/historyschema.h"
#include "history/historystore.h"

#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

namespace {

constexpr qint64 T0 = 1699920000; // 2023-11-14T00:00:00Z

HistoryConfig configFor(const QString &path)
{
    HistoryConfig c;
    c.sqlitePath = path;
    return c;
}

KeystoneEvent failure(const QString &id, const QString &user, qint64 ms)
{
    KeystoneEvent e;
    e.messageId = id;
    e.eventType = QStringLiteral("identity.authenticate");
    e.action = QStringLiteral("authenticate");
    e.outcome = QStringLiteral("failure");
    e.initiatorName = user;
    e.initiatorId = QStringLiteral("0123456789abcdef0123456789abcdef");
    e.initiatorAddress = QStringLiteral("10.0.0.5");
    e.initiatorAgent = QStringLiteral("python-keystoneclient");
    e.targetType = QStringLiteral("service/security/account/user");
    e.targetId = QStringLiteral("26dc7d99-5fa1-5973-9c24-e8ea50b73322");
    e.eventTimeMs = ms;
    return e;
}

bool execOn(const QString &path, const QStringList &statements)
{
    const QString name = QStringLiteral("tst-exec");
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        ok = db.open();
        QSqlQuery q(db);
        for (const QString &s : statements)
            ok = ok && q.exec(s);
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

} // namespace

class TestHistoryEvents : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_n = 0;
    QString newPath() { return m_dir.filePath(QStringLiteral("h%1.sqlite").arg(++m_n)); }

private slots:
    void storesOnceAndCountsFailuresPerMinute()
    {
        HistoryStore store;
        QVERIFY2(store.open(configFor(newPath())), qPrintable(store.error()));
        const qint64 ms = T0 * 1000 + 5000;
        QList<KeystoneEvent> batch{failure(QStringLiteral("m1"), QStringLiteral("nova"), ms),
                                   failure(QStringLiteral("m2"), QStringLiteral("nova"), ms + 1000),
                                   failure(QStringLiteral("m3"), QStringLiteral("glance"), ms)};
        KeystoneEvent ok = failure(QStringLiteral("m4"), QStringLiteral("nova"), ms + 2000);
        ok.outcome = QStringLiteral("success");
        batch << ok;
        QCOMPARE(store.appendEvents(QStringLiteral("lab"), batch), 4);
        // A redelivery (the ack was lost when the broker restarted) is stored
        // once and counted once.
        QCOMPARE(store.appendEvents(QStringLiteral("lab"), batch), 0);
        // ... but the same message id in another profile is another event.
        QCOMPARE(store.appendEvents(QStringLiteral("other"), batch.mid(0, 1)), 1);

        const auto counts = store.authFailures(QStringLiteral("lab"), T0, T0 + 60);
        QVERIFY(counts);
        QCOMPARE(*counts, (QList<AuthFailureCount>{{QStringLiteral("glance"), T0, 1},
                                                   {QStringLiteral("nova"), T0, 2}}));

        EventQuery q;
        q.profile = QStringLiteral("lab");
        auto all = store.events(q);
        QVERIFY(all);
        QCOMPARE(all->size(), 4);
        QCOMPARE(all->first().initiatorAddress, QStringLiteral("10.0.0.5"));
        QVERIFY(all->first().rowId > 0);
        KeystoneEvent back = all->first();
        KeystoneEvent sent = batch.first();
        sent.rowId = back.rowId;
        QCOMPARE(back, sent);
        q.outcome = QStringLiteral("success");
        QCOMPARE(store.events(q)->size(), 1);
        q.outcome.clear();
        // --follow: only rows stored after the cursor, in the order they arrived
        q.afterId = all->at(0).rowId; // m1, the first row stored
        const auto later = store.events(q);
        QCOMPARE(later->size(), 3);
        QCOMPARE(later->first().messageId, QStringLiteral("m2"));
        q.afterId = 0;
        q.actions = {QStringLiteral("deleted.user")};
        QCOMPARE(store.events(q)->size(), 0);
    }

    void deletedTargetKeepsTheNameSeenBefore()
    {
        HistoryStore store;
        QVERIFY(store.open(configFor(newPath())));
        KeystoneEvent created;
        created.messageId = QStringLiteral("c");
        created.eventType = QStringLiteral("identity.user.created");
        created.action = QStringLiteral("created.user");
        created.outcome = QStringLiteral("success");
        created.targetType = QStringLiteral("data/security/account/user");
        created.targetId = QStringLiteral("u1");
        created.targetName = QStringLiteral("svc-backup");
        created.eventTimeMs = T0 * 1000;
        QCOMPARE(store.appendEvents(QStringLiteral("lab"), {created}), 1);
        QCOMPARE(*store.eventTargetName(QStringLiteral("lab"), QStringLiteral("u1")),
                 QStringLiteral("svc-backup"));
        QCOMPARE(*store.eventTargetName(QStringLiteral("lab"), QStringLiteral("u2")), QString());
        QCOMPARE(*store.eventTargetName(QStringLiteral("other"), QStringLiteral("u1")), QString());
    }

    void retentionRemovesOldEventsAndCounts()
    {
        HistoryConfig c = configFor(newPath());
        c.eventRetentionDays = 1;
        HistoryStore store;
        QVERIFY(store.open(c));
        QCOMPARE(store.appendEvents(
                     QStringLiteral("lab"),
                     {failure(QStringLiteral("old"), QStringLiteral("nova"), T0 * 1000),
                      failure(QStringLiteral("new"), QStringLiteral("nova"), (T0 + 86400) * 1000)}),
                 2);
        QVERIFY2(store.applyRetention(T0 + 86400 + 3600), qPrintable(store.error()));
        EventQuery q;
        q.profile = QStringLiteral("lab");
        const auto left = store.events(q);
        QCOMPARE(left->size(), 1);
        QCOMPARE(left->first().messageId, QStringLiteral("new"));
        QCOMPARE(store.authFailures(QStringLiteral("lab"), 0, T0 * 2)->size(), 1);
        QVERIFY(store.removeProfile(QStringLiteral("lab")));
        QCOMPARE(store.events(q)->size(), 0);
    }

    // A history file of schema 1 (before events) gains the event tables and
    // keeps its samples.
    void upgradesASchemaOneFile()
    {
        const QString path = newPath();
        {
            HistoryStore store;
            QVERIFY(store.open(configFor(path)));
            QCOMPARE(store.append(SeriesKey{QStringLiteral("lab"), QStringLiteral("x")},
                                  {Sample{T0, 1}}),
                     1);
        }
        QVERIFY(execOn(path, {QStringLiteral("DROP TABLE history_events"),
                              QStringLiteral("DROP TABLE history_auth_failures"),
                              QStringLiteral("UPDATE history_meta SET value = '1' WHERE key = "
                                             "'schema_version'")}));
        HistoryStore store;
        QVERIFY2(store.open(configFor(path)), qPrintable(store.error()));
        QCOMPARE(store.appendEvents(QStringLiteral("lab"),
                                    {failure(QStringLiteral("m"), QStringLiteral("nova"), T0)}),
                 1);
        QCOMPARE(
            store.samples(SeriesKey{QStringLiteral("lab"), QStringLiteral("x")}, 0, T0 + 1)->size(),
            1);
    }

    // Bytes per stored event in SQLite, with realistic field sizes (UUID
    // message ids, 32-hex user ids): printed for docs, bounded here.
    void bytesPerEvent()
    {
        const QString path = newPath();
        HistoryStore store;
        QVERIFY(store.open(configFor(path)));
        const int n = 5000;
        QList<KeystoneEvent> batch;
        for (int i = 0; i < n; ++i)
            batch << failure(
                QStringLiteral("f635eeba-e325-4215-8544-%1").arg(i, 12, 10, QChar(u'0')),
                QStringLiteral("user%1").arg(i % 20), (T0 + i) * 1000);
        const qint64 before =
            QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size();
        QCOMPARE(store.appendEvents(QStringLiteral("lab"), batch), n);
        QVERIFY(store.compact());
        const qint64 after = QFileInfo(path).size();
        const double perEvent = double(after - before) / n;
        qInfo("SQLite: %.0f bytes per stored event (events, indexes and failure counts)", perEvent);
        QVERIFY(perEvent < 600);
    }
};

QTEST_GUILESS_MAIN(TestHistoryEvents)
#include "tst_historyevents.moc"
