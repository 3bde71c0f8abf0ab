// The audit log's hash chain: every way of tampering with a past line breaks
// verify() at that line; appends from two writers never fork the chain.
#include "guarded/auditannotations.h"
#include "guarded/auditlog.h"
#include "guarded/auditnotifier.h"

#include <QFile>
#include <QJsonDocument>
#include <QtConcurrent/QtConcurrentRun>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>

using namespace turnstile;

class TestAuditLog : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    static QJsonObject record(int i)
    {
        QJsonObject o;
        o.insert(QStringLiteral("profile"), i % 2 ? QStringLiteral("a") : QStringLiteral("b"));
        o.insert(QStringLiteral("action"), QStringLiteral("purge.tokens"));
        o.insert(QStringLiteral("n"), i);
        return o;
    }
    QString fresh(const QString &name) const { return m_dir.filePath(name); }
    static QList<QByteArray> lines(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        QList<QByteArray> out = f.readAll().split('\n');
        if (!out.isEmpty() && out.last().isEmpty())
            out.removeLast();
        return out;
    }
    static void write(const QString &path, const QList<QByteArray> &ls)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        for (const QByteArray &l : ls)
            f.write(l + '\n');
    }

private slots:
    void chainIsWrittenAndVerified()
    {
        AuditLog log(fresh(QStringLiteral("a.jsonl")));
        QVERIFY(log.verify().ok); // missing file: nothing to distrust
        for (int i = 0; i < 5; ++i)
            QVERIFY(log.append(record(i)));
        const auto v = log.verify();
        QVERIFY(v.ok);
        QCOMPARE(v.lines, 5);
        const QList<QByteArray> ls = lines(log.path());
        QCOMPARE(ls.size(), 5);
        const QJsonObject first = QJsonDocument::fromJson(ls.at(0)).object();
        QCOMPARE(first.value(u"prev").toString(), QString(64, u'0'));
        QCOMPARE(first.value(u"seq").toInteger(), 1);
        const QJsonObject second = QJsonDocument::fromJson(ls.at(1)).object();
        QCOMPARE(second.value(u"prev").toString(), AuditLog::hashLine(ls.at(0)));
        QCOMPARE(second.value(u"seq").toInteger(), 2);
        const auto onlyA = log.read(QStringLiteral("a"));
        QVERIFY(onlyA);
        QCOMPARE(onlyA->size(), 2);
    }

    void tamperingIsFoundAtTheRightLine_data()
    {
        QTest::addColumn<QString>("how");
        QTest::addColumn<int>("badLine");
        QTest::newRow("edited figure") << QStringLiteral("edit") << 4;
        QTest::newRow("removed line") << QStringLiteral("remove") << 2;
        QTest::newRow("swapped lines") << QStringLiteral("swap") << 2;
        QTest::newRow("garbage line") << QStringLiteral("garbage") << 3;
        QTest::newRow("truncated head") << QStringLiteral("head") << 1;
    }
    void tamperingIsFoundAtTheRightLine()
    {
        QFETCH(QString, how);
        QFETCH(int, badLine);
        AuditLog log(fresh(how + QStringLiteral(".jsonl")));
        for (int i = 0; i < 5; ++i)
            QVERIFY(log.append(record(i)));
        QList<QByteArray> ls = lines(log.path());
        if (how == u"edit")
            ls[2].replace("\"n\":2", "\"n\":9"); // line 3 edited: line 4's prev no longer matches
        else if (how == u"remove")
            ls.removeAt(1);
        else if (how == u"swap")
            ls.swapItemsAt(1, 2);
        else if (how == u"garbage")
            ls.insert(2, "not json");
        else if (how == u"head")
            ls.removeFirst();
        write(log.path(), ls);
        const auto v = log.verify();
        QVERIFY(!v.ok);
        QCOMPARE(v.firstBadLine, badLine);
        QVERIFY(!v.reason.isEmpty());
    }

    void twoWritersNeverForkTheChain()
    {
        const QString path = fresh(QStringLiteral("concurrent.jsonl"));
        auto writer = [path](int base) {
            AuditLog log(path);
            for (int i = 0; i < 40; ++i)
                log.append(record(base + i));
        };
        QFuture<void> a = QtConcurrent::run(writer, 0);
        QFuture<void> b = QtConcurrent::run(writer, 1000);
        a.waitForFinished();
        b.waitForFinished();
        const auto v = AuditLog(path).verify();
        QVERIFY2(v.ok, qPrintable(v.reason));
        QCOMPARE(v.lines, 80);
    }

    void appendsAreAnnouncedOnTheMainThread()
    {
        // The guarded workflow appends on a pool thread; whoever shows the
        // log hears of it on its own (the main) thread, after the line is
        // on disk, once per line written and never for a failed append.
        const QString path = fresh(QStringLiteral("announced.jsonl"));
        struct Heard
        {
            QString path;
            QString profile;
            qint64 seq;
            bool onMainThread;
            int linesOnDisk;
        };
        QList<Heard> heard;
        QObject receiver; // lives on the main thread
        connect(AuditNotifier::instance(), &AuditNotifier::appended, &receiver,
                [&](const QString &p, const QString &profile, qint64 seq) {
                    heard.append({p, profile, seq, QThread::currentThread() == qApp->thread(),
                                  int(lines(p).size())});
                });
        // A thread of its own: waiting on a pool future may run the task on
        // the waiting thread.
        bool written = false;
        std::unique_ptr<QThread> worker(QThread::create([path, &written] {
            AuditLog log(path);
            written = log.append(record(1)) && log.append(record(2));
        }));
        worker->start();
        QVERIFY(worker->wait(10000));
        QVERIFY(written);
        QVERIFY(heard.isEmpty()); // queued, not called on the worker
        QTRY_COMPARE(heard.size(), 2);
        QCOMPARE(heard.at(0).path, path);
        QCOMPARE(heard.at(0).profile, QStringLiteral("a"));
        QCOMPARE(heard.at(0).seq, 1);
        QCOMPARE(heard.at(1).profile, QStringLiteral("b"));
        QCOMPARE(heard.at(1).seq, 2);
        QVERIFY(heard.at(0).onMainThread && heard.at(1).onMainThread);
        QCOMPARE(heard.at(1).linesOnDisk, 2);

        // A failed append announces nothing.
        QVERIFY(!AuditLog(QStringLiteral("/proc/turnstile-no/audit.jsonl")).append(record(3)));
        QTest::qWait(50);
        QCOMPARE(heard.size(), 2);
    }

    void actionsBecomeChartAnnotations()
    {
        auto rec = [](const QString &action, const QString &outcome, qint64 affected,
                      const QString &end) {
            QJsonObject result;
            result.insert(QStringLiteral("outcome"), outcome);
            result.insert(QStringLiteral("affected"), affected);
            QJsonObject o;
            o.insert(QStringLiteral("profile"), QStringLiteral("lab"));
            o.insert(QStringLiteral("action"), action);
            o.insert(QStringLiteral("end"), end);
            o.insert(QStringLiteral("result"), result);
            return o;
        };
        QList<QJsonObject> records{
            rec(QStringLiteral("purge.tokens"), QStringLiteral("completed"), 1938245,
                QStringLiteral("2026-11-20T10:00:00.000Z")),
            rec(QStringLiteral("revocations.prune"), QStringLiteral("cancelled"), 0,
                QStringLiteral("2026-11-20T11:00:00.000Z")), // changed nothing
            rec(QStringLiteral("revocations.truncate"), QStringLiteral("failed"), 300,
                QStringLiteral("2026-11-20T12:00:00.000Z")),
            rec(QStringLiteral("purge.tokens"), QStringLiteral("completed"), 5,
                QStringLiteral("2026-11-25T12:00:00.000Z")), // outside the range
            rec(QStringLiteral("users.unlock.database"), QStringLiteral("completed"), 1,
                QStringLiteral("2026-11-20T13:00:00.000Z")),
        };
        records[4].insert(QStringLiteral("target"), QStringLiteral("nova"));
        const qint64 from =
            QDateTime::fromString(QStringLiteral("2026-11-20T00:00:00Z"), Qt::ISODate)
                .toSecsSinceEpoch();
        const QList<Annotation> a = annotationsFromAudit(records, from, from + 86400);
        QCOMPARE(a.size(), 3);
        QCOMPARE(a.at(0).kind, QStringLiteral("purge.tokens"));
        QCOMPARE(a.at(0).ts, from + 10 * 3600);
        // What was done, in words and a rounded count; never the machine kind.
        QCOMPARE(a.at(0).text, QStringLiteral("Purged 1.9 M expired tokens"));
        QCOMPARE(a.at(1).text, QStringLiteral("Truncated 300 revocation events (failed)"));
        QCOMPARE(a.at(2).text, QStringLiteral("Unlocked user nova"));
        QVERIFY(!a.at(2).text.contains(QStringLiteral("users.unlock")));
        // Drawn only on the charts they concern.
        QVERIFY(
            annotationConcerns(QStringLiteral("purge.tokens"), QStringLiteral("token.expired")));
        QVERIFY(!annotationConcerns(QStringLiteral("purge.tokens"),
                                    QStringLiteral("revocation_event.rows")));
        QVERIFY(annotationConcerns(QStringLiteral("revocations.prune"),
                                   QStringLiteral("revocation_event.obsolete")));
        QVERIFY(!annotationConcerns(QStringLiteral("users.unlock.database"),
                                    QStringLiteral("token.live")));
        QVERIFY(
            annotationConcerns(QStringLiteral("keys.rotate"), QStringLiteral("validate.p99.ms")));
        QVERIFY(annotationConcerns(QStringLiteral("some.future"), QStringLiteral("token.live")));
        QVERIFY(
            annotationConcerns(QStringLiteral("flush.trusts"), QStringLiteral("table.trust.rows")));
        QVERIFY(!annotationConcerns(QStringLiteral("flush.trusts"), QStringLiteral("token.live")));
        QVERIFY(annotationConcerns(QStringLiteral("rebuild.table"),
                                   QStringLiteral("schema.keystone.bytes")));
    }

    // A writer killed mid-line left a line without its newline. The next
    // append must not glue its record onto it: the chain stays verifiable and
    // the broken bytes are kept aside, not lost.
    void partialLastLineIsRepairedBeforeAppending()
    {
        AuditLog log(fresh(QStringLiteral("partial.jsonl")));
        for (int i = 0; i < 3; ++i)
            QVERIFY(log.append(record(i)));
        {
            QFile f(log.path());
            QVERIFY(f.open(QIODevice::Append));
            f.write("{\"profile\":\"a\",\"action\":\"purge.tok");
        }
        QString error;
        QVERIFY2(log.append(record(3), &error), qPrintable(error));
        const auto v = log.verify();
        QVERIFY2(v.ok, qPrintable(v.reason));
        QCOMPARE(v.lines, 4);
        const QJsonObject last = QJsonDocument::fromJson(lines(log.path()).last()).object();
        const QString aside = last.value(u"repaired_partial_line").toString();
        QVERIFY(!aside.isEmpty());
        QFile kept(aside);
        QVERIFY(kept.open(QIODevice::ReadOnly));
        QCOMPARE(kept.readAll(), QByteArray("{\"profile\":\"a\",\"action\":\"purge.tok"));
    }

    // The line number is the file's, so an editor finds it: a blank line
    // before the damage counts.
    void verifyNamesTheFileLine()
    {
        const QString path = fresh(QStringLiteral("lineno.jsonl"));
        AuditLog log(path);
        for (int i = 0; i < 4; ++i)
            QVERIFY(log.append(record(i)));
        QList<QByteArray> ls = lines(path);
        ls.insert(1, QByteArray());
        ls[3].replace("\"n\":2", "\"n\":7");
        write(path, ls);
        const auto v = log.verify();
        QVERIFY(!v.ok);
        QCOMPARE(v.firstBadLine, 5);
        QVERIFY2(v.reason.contains(QStringLiteral("line 5")), qPrintable(v.reason));
    }

    // Newest first from the tail, stopping when asked, across chunk borders.
    void readsBackwardsFromTheEnd()
    {
        AuditLog log(fresh(QStringLiteral("backwards.jsonl")));
        for (int i = 0; i < 400; ++i) {
            QJsonObject o = record(i);
            o.insert(QStringLiteral("pad"), QString(i % 397, u'x'));
            QVERIFY(log.append(o));
        }
        QList<int> seen;
        QVERIFY(log.readBackwards([&](const QJsonObject &o) {
            seen.append(o.value(u"n").toInt());
            return true;
        }));
        QCOMPARE(seen.size(), 400);
        for (int i = 0; i < 400; ++i)
            QCOMPARE(seen.at(i), 399 - i);
        seen.clear();
        log.readBackwards([&](const QJsonObject &o) {
            seen.append(o.value(u"n").toInt());
            return seen.size() < 3;
        });
        QCOMPARE(seen, (QList<int>{399, 398, 397}));
    }

    // A started line answered by a finished one is one run; an unanswered
    // one (a killed run) stays visible.
    void runsPairStartedAndFinished()
    {
        QList<QJsonObject> records;
        records.append(QJsonObject{{QStringLiteral("seq"), 1},
                                   {QStringLiteral("phase"), QStringLiteral("started")}});
        records.append(QJsonObject{{QStringLiteral("seq"), 2},
                                   {QStringLiteral("phase"), QStringLiteral("finished")},
                                   {QStringLiteral("started_seq"), 1}});
        records.append(QJsonObject{{QStringLiteral("seq"), 3},
                                   {QStringLiteral("phase"), QStringLiteral("started")}});
        const QList<QJsonObject> runs = AuditLog::runs(records);
        QCOMPARE(runs.size(), 2);
        QCOMPARE(runs.at(0).value(u"seq").toInt(), 2);
        QCOMPARE(runs.at(1).value(u"result").toObject().value(u"outcome").toString(),
                 QStringLiteral("started"));
    }

    void unwritableLogIsASentence()
    {
        AuditLog log(QStringLiteral("/proc/turnstile-no/audit.jsonl"));
        QString error;
        QVERIFY(!log.append(record(1), &error));
        QVERIFY2(error.contains(QStringLiteral("/proc/turnstile-no/audit.jsonl")),
                 qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
