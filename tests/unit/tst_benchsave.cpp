// The benchmark use cases turnstilectl and the GUI share: "save and
// annotate" a validation run (every failure reported) and the production gate.
#include "bench/benchhistory.h"
#include "bench/productiongate.h"
#include "history/historystore.h"

#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

namespace {
BenchResult measured()
{
    BenchResult r;
    r.profile = QStringLiteral("prod");
    r.startedAt = QDateTime::currentDateTimeUtc().addSecs(-10);
    r.finishedAt = r.startedAt.addSecs(10);
    r.elapsedS = 10;
    r.sent = r.completed = r.ok = 1000;
    r.achievedRate = 100;
    r.latency.p50Ms = 4;
    r.latency.p99Ms = 12;
    return r;
}

HistoryConfig sqliteAt(const QString &path)
{
    HistoryConfig c;
    c.sqlitePath = path;
    return c;
}
} // namespace

class TestBenchSave : public QObject
{
    Q_OBJECT
private slots:
    void savesAndMarksTheCharts()
    {
        QTemporaryDir dir;
        const HistoryConfig config = sqliteAt(dir.filePath(QStringLiteral("history.sqlite")));
        const BenchResult r = measured();
        QCOMPARE(BenchHistory::saveValidation(config, r), QString());
        HistoryStore store;
        QVERIFY2(store.open(config), qPrintable(store.error()));
        const auto runs = BenchHistory::runs(store, QStringLiteral("prod"));
        QVERIFY(runs);
        QCOMPARE(runs->size(), 1);
        QCOMPARE(runs->first().kind, BenchHistory::Kind::Validate);
        const auto marks =
            store.annotations(0, QDateTime::currentSecsSinceEpoch() + 60, QStringLiteral("prod"));
        QVERIFY(marks);
        QCOMPARE(marks->size(), 1);
        QCOMPARE(marks->first().kind, QStringLiteral("bench.validate"));
        QVERIFY(marks->first().text.startsWith(QStringLiteral("benchmark: ")));
    }

    void nothingSentStoresNothing()
    {
        QTemporaryDir dir;
        BenchResult r = measured();
        r.sent = 0;
        const QString path = dir.filePath(QStringLiteral("history.sqlite"));
        QCOMPARE(BenchHistory::saveValidation(sqliteAt(path), r), QString());
        QVERIFY(!QFile::exists(path));
    }

    void aStoreThatCannotBeOpenedIsReported()
    {
        QTemporaryDir dir;
        QFile blocker(dir.filePath(QStringLiteral("file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        // A directory that cannot exist: its parent is a file.
        const QString error = BenchHistory::saveValidation(
            sqliteAt(dir.filePath(QStringLiteral("file/history.sqlite"))), measured());
        QVERIFY(!error.isEmpty());
    }

    void productionNeedsTheTypedName()
    {
        Profile p;
        p.name = QStringLiteral("prod");
        QCOMPARE(benchmarkLoadRefusal(p, QString()), QString());
        p.production = true;
        QVERIFY(benchmarkLoadRefusal(p, QString()).contains(QStringLiteral("marked production")));
        QVERIFY(!benchmarkLoadRefusal(p, QStringLiteral("Prod")).isEmpty());
        QCOMPARE(benchmarkLoadRefusal(p, QStringLiteral(" prod ")), QString());
    }
};

QTEST_GUILESS_MAIN(TestBenchSave)
#include "tst_benchsave.moc"
