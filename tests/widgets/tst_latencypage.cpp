#include "bench/benchhistory.h"
#include "chartexporter.h"
#include "chartview.h"
#include "history/historystore.h"
#include "isolatedenvironment.h"
#include "latencypage.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QImage>
#include <QSignalSpy>
#include <QTest>

#include <cmath>
#include <limits>

using namespace turnstile;

class TestLatencyPage : public QObject
{
    Q_OBJECT
private:
    // History, audit log and settings of its own.
    testsupport::IsolatedEnvironment m_dir;
    qint64 m_now = 0;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString path = m_dir.historyFile();

        HistoryConfig config;
        config.sqlitePath = path;
        HistoryStore store;
        QVERIFY2(store.open(config), qPrintable(store.error()));
        m_now = QDateTime::currentSecsSinceEpoch();
        // Seven days every 5 minutes: revocation events pile up and
        // validation slows with them; one probe failed to validate (a gap).
        QList<Sample> validate, issue, revocations;
        QHash<QString, QList<Sample>> percentiles;
        const qint64 from = m_now - 7 * 86400;
        for (qint64 t = from; t < m_now; t += 300) {
            const double events = 100 + double(t - from) / 600.0;
            revocations.append(Sample{t, std::round(events)});
            const double v = 12 + events / 200 + 3 * std::sin(double(t) / 3600);
            const double i = 55 + 8 * std::sin(double(t) / 5400);
            validate.append(Sample{t, v});
            issue.append(Sample{t, i});
            // The probe window's percentiles: a tail above the median.
            percentiles[QStringLiteral("validate.p50.ms")].append(Sample{t, v});
            percentiles[QStringLiteral("validate.p95.ms")].append(Sample{t, v * 1.6});
            percentiles[QStringLiteral("validate.p99.ms")].append(Sample{t, v * 2.5});
            percentiles[QStringLiteral("issue.p50.ms")].append(Sample{t, i});
            percentiles[QStringLiteral("issue.p95.ms")].append(Sample{t, i * 1.3});
            percentiles[QStringLiteral("issue.p99.ms")].append(Sample{t, i * 1.8});
        }
        validate[validate.size() / 2].value = std::numeric_limits<double>::quiet_NaN();
        const QString lab = QStringLiteral("lab");
        QVERIFY(store.append(SeriesKey{lab, QStringLiteral("validate.ms")}, validate) > 0);
        QVERIFY(store.append(SeriesKey{lab, QStringLiteral("issue.ms")}, issue) > 0);
        for (auto it = percentiles.cbegin(); it != percentiles.cend(); ++it)
            QVERIFY(store.append(SeriesKey{lab, it.key()}, it.value()) > 0);
        QVERIFY(store.append(SeriesKey{lab, QStringLiteral("revocation_event.rows")}, revocations) >
                0);
        QVERIFY(store.rollup(m_now));
    }

    void showsLatencyAndScatter()
    {
        LatencyPage page;
        page.resize(1100, 760);
        QSignalSpy loaded(&page, &LatencyPage::loaded);
        page.setProfiles({QStringLiteral("lab"), QStringLiteral("empty")});
        page.setRangeSeconds(7 * 86400);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);

        const QList<ChartView *> charts = page.charts();
        QCOMPARE(charts.size(), 3);
        QCOMPARE(charts[0]->kind(), ChartView::Kind::Time);
        // p50, p95 and p99 over time, one curve each.
        QStringList validateNames, issueNames;
        for (const auto &s : charts[0]->series())
            validateNames.append(s.name);
        for (const auto &s : charts[1]->series())
            issueNames.append(s.name);
        QCOMPARE(validateNames,
                 (QStringList{QStringLiteral("Validation p50"), QStringLiteral("Validation p95"),
                              QStringLiteral("Validation p99")}));
        QCOMPARE(issueNames,
                 (QStringList{QStringLiteral("Token issue p50"), QStringLiteral("Token issue p95"),
                              QStringLiteral("Token issue p99")}));
        for (int i = 0; i < 3; ++i) {
            QVERIFY(charts[0]->linePointCount(i) > 100);
            QVERIFY(charts[1]->linePointCount(i) > 100);
        }

        // One point per time bucket that has both figures.
        ChartView *scatter = charts[2];
        QCOMPARE(scatter->kind(), ChartView::Kind::Scatter);
        QCOMPARE(scatter->scatter().size(), 1);
        const ScatterSeries cloud = scatter->scatter().first(); // scatter() returns a copy
        QCOMPARE(cloud.x.name, QStringLiteral("Revocation events"));
        QCOMPARE(cloud.x.metric, QStringLiteral("revocation_event.rows"));
        QCOMPARE(cloud.y.name, QStringLiteral("Validation time"));
        QVERIFY(scatter->scatterPointCount(0) > 100);
        QCOMPARE(scatter->scatterPointCount(0), int(cloud.points().size()));
        // Validation grows with the events in the seeded data: the cloud
        // rises from left to right.
        const QList<QPointF> points = cloud.points();
        double lowX = 0, highX = 0;
        int lowN = 0, highN = 0;
        const double midX = (points.first().x() + points.last().x()) / 2;
        for (const QPointF &p : points) {
            if (p.x() < midX) {
                lowX += p.y();
                ++lowN;
            } else {
                highX += p.y();
                ++highN;
            }
        }
        QVERIFY(lowN > 0 && highN > 0);
        QVERIFY(highX / highN > lowX / lowN);

        // A picture of the page for a person to look at: set
        // TURNSTILE_TEST_GRAB_DIR. QtCharts lays legends out on the next
        // event loop pass, hence the wait.
        if (const QByteArray dir = qgetenv("TURNSTILE_TEST_GRAB_DIR"); !dir.isEmpty()) {
            QTest::qWait(100);
            page.grab().save(
                QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("latencypage.png")));
        }

        page.setProfile(QStringLiteral("empty"));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 10000);
        QCOMPARE(charts[0]->linePointCount(0), 0);
        QCOMPARE(scatter->scatterPointCount(0), 0);
        QVERIFY2(page.statusText().contains(QStringLiteral("empty")),
                 qPrintable(page.statusText()));
    }

    void benchmarkPointsOnTheScatter()
    {
        // Three measurements of a revocation-impact run, as the benchmark stores them.
        HistoryConfig config;
        config.sqlitePath = qEnvironmentVariable("TURNSTILE_HISTORY");
        {
            HistoryStore store;
            QVERIFY(store.open(config));
            const QList<QPair<qint64, double>> steps{{0, 40.0}, {100, 42.5}, {500, 47.0}};
            qint64 t = m_now - 600;
            for (const auto &[events, p50] : steps) {
                BenchResult r;
                r.profile = QStringLiteral("benched");
                r.finishedAt = QDateTime::fromSecsSinceEpoch(t += 30, Qt::UTC);
                r.achievedRate = 30;
                r.latency.p50Ms = p50;
                r.latency.p99Ms = p50 * 2;
                r.revocationEvents = events;
                QVERIFY(BenchHistory::save(store, r, m_now - 600, BenchHistory::Kind::User) > 0);
            }
        }
        LatencyPage page;
        page.resize(1000, 700);
        QSignalSpy loaded(&page, &LatencyPage::loaded);
        page.setProfiles({QStringLiteral("benched")});
        page.setRangeSeconds(3600);
        page.show();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        ChartView *scatter = page.charts()[2];
        // No probe data: only the two benchmark clouds, each point one measurement.
        const QList<ScatterSeries> clouds = scatter->scatter();
        QCOMPARE(clouds.size(), 3);
        QCOMPARE(clouds[0].points().size(), 0); // the probe's cloud, empty
        QCOMPARE(clouds[1].name, QStringLiteral("benchmark p50"));
        QCOMPARE(clouds[1].points().size(), 3);
        QCOMPARE(clouds[1].points().last(), QPointF(500, 47.0));
        QCOMPARE(clouds[2].name, QStringLiteral("benchmark p99"));
        QCOMPARE(clouds[2].points().first(), QPointF(0, 80.0));
    }

    void rangePickerAndExport()
    {
        LatencyPage page;
        page.resize(1000, 700);
        page.setProfiles({QStringLiteral("lab")});
        QSignalSpy loaded(&page, &LatencyPage::loaded);
        page.show();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        // The presets and Custom…
        QCOMPARE(page.rangeChooser()->count(), int(LatencyPage::rangeChoices().size()) + 1);
        page.setRangeSeconds(3600);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 10000);
        QCOMPARE(page.shownRangeSeconds(), 3600);
        QVERIFY(page.charts()[0]->linePointCount(0) <= 13);

        QSignalSpy exported(&page, &LatencyPage::exportFinished);
        const QString csv = m_dir.filePath(QStringLiteral("latency.csv"));
        page.exportTo(csv);
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 10000);
        QCOMPARE(exported.first().at(1).toString(), QString());
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray all = f.readAll();
        QVERIFY(all.startsWith("time,series,min,max,avg,count"));
        // Every curve and both scatter axes are in the file.
        QVERIFY(all.contains(",revocation_event.rows,"));
        QVERIFY(all.contains(",validate.ms,"));
        for (const char *m : {",validate.p50.ms,", ",validate.p95.ms,", ",validate.p99.ms,",
                              ",issue.p50.ms,", ",issue.p95.ms,", ",issue.p99.ms,"})
            QVERIFY2(all.contains(m), m);
        QCOMPARE(int(all.count(",validate.p99.ms,")), page.charts()[0]->linePointCount(2));

        // Copy image: the PNG export's picture, on the clipboard.
        page.copyImage();
        const QImage copied = QGuiApplication::clipboard()->image();
        QCOMPARE(copied.size(), ChartExporter::pictureSize(3));
        QVERIFY(page.statusText().contains(QStringLiteral("clipboard")));
        bool shortcut = false;
        for (const QAction *a : page.actions())
            shortcut = shortcut || a->shortcut() == QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E);
        QVERIFY(shortcut);

        const QString png = m_dir.filePath(QStringLiteral("latency.png"));
        page.exportTo(png);
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 2, 10000);
        QCOMPARE(exported.last().at(1).toString(), QString());
        QImage image;
        QVERIFY(image.load(png, "PNG"));
        QCOMPARE(image.size(), ChartExporter::pictureSize(3));
    }
};

QTEST_MAIN(TestLatencyPage)
#include "tst_latencypage.moc"
