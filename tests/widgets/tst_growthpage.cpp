#include "chartview.h"
#include "growthpage.h"
#include "guarded/auditlog.h"
#include "history/historystore.h"
#include "isolatedenvironment.h"
#include "util/timetext.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonObject>
#include <QLabel>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <memory>

using namespace turnstile;

class TestGrowthPage : public QObject
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
        // Ten days, one sample every 10 minutes: every range has data, and
        // the 1 h and 7 d views differ in span.
        QList<Sample> live, expired, revocations, trusts;
        for (qint64 t = m_now - 10 * 86400; t < m_now; t += 600) {
            live.append(Sample{t, 1000.0 + double((t / 600) % 50)});
            expired.append(Sample{t, 200});
            revocations.append(Sample{t, 12});
            trusts.append(Sample{t, 3});
        }
        const QString lab = QStringLiteral("lab");
        QVERIFY(store.append(SeriesKey{lab, QStringLiteral("token.live")}, live) > 0);
        QVERIFY(store.append(SeriesKey{lab, QStringLiteral("token.expired")}, expired) > 0);
        QVERIFY(store.append(SeriesKey{lab, QStringLiteral("revocation_event.rows")}, revocations) >
                0);
        QVERIFY(store.append(SeriesKey{lab, QStringLiteral("table.trust.rows")}, trusts) > 0);
        // Two schemas on the server; the schema chart finds them by pattern.
        for (const char *schema : {"schema.keystone.bytes", "schema.mysql.bytes"}) {
            QList<Sample> sizes;
            for (const Sample &x : std::as_const(expired))
                sizes.append(Sample{x.ts, 1e6});
            QVERIFY(store.append(SeriesKey{lab, QLatin1String(schema)}, sizes) > 0);
        }
        // A second region with fewer tokens, for the side-by-side charts.
        QList<Sample> dc2;
        for (const Sample &x : std::as_const(live))
            dc2.append(Sample{x.ts, x.value / 2});
        QVERIFY(store.append(SeriesKey{QStringLiteral("dc2"), QStringLiteral("token.live")}, dc2) >
                0);
        // A third region whose collector was down for six hours yesterday.
        QList<Sample> dc3;
        for (const Sample &x : std::as_const(live))
            if (x.ts < m_now - 18 * 3600 || x.ts >= m_now - 12 * 3600)
                dc3.append(Sample{x.ts, x.value * 0.75});
        QVERIFY(store.append(SeriesKey{QStringLiteral("dc3"), QStringLiteral("token.live")}, dc3) >
                0);
        QVERIFY(store.addAnnotation(Annotation{m_now - 1800, lab, QStringLiteral("purge.tokens"),
                                               QStringLiteral("purged 40 expired tokens")}));
        QVERIFY(store.rollup(m_now));
    }
    void showsSeriesAfterAsyncLoad()
    {
        GrowthPage page;
        page.resize(1000, 700);
        QSignalSpy loaded(&page, &GrowthPage::loaded);
        page.setProfiles({QStringLiteral("lab"), QStringLiteral("empty")});
        page.setRangeSeconds(3600);
        QCOMPARE(loaded.count(), 0); // hidden: nothing is read yet
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        QCOMPARE(page.shownRangeSeconds(), 3600);
        const QList<ChartView *> charts = page.charts();
        QCOMPARE(charts.size(), 4);
        // One curve per schema the store knows for this profile, by name.
        QCOMPARE(charts[3]->series().size(), 2);
        // Legends carry human names; the key stays beside them for exports.
        QCOMPARE(charts[3]->series()[0].name, QStringLiteral("Size of schema keystone"));
        QCOMPARE(charts[3]->series()[0].metric, QStringLiteral("schema.keystone.bytes"));
        QCOMPARE(charts[3]->series()[1].name, QStringLiteral("Size of schema mysql"));
        QVERIFY(charts[3]->linePointCount(1) >= 5);
        // Shown in MiB: 1e6 bytes is 0.95 MiB.
        QCOMPARE(charts[3]->series()[0].buckets.first().max, 1e6 / (1024 * 1024));
        // ~6 samples in the last hour, one per bucket.
        QVERIFY2(charts[0]->linePointCount(0) >= 5,
                 qPrintable(QString::number(charts[0]->linePointCount(0))));
        QVERIFY(charts[0]->linePointCount(1) >= 5);
        QVERIFY(charts[1]->linePointCount(0) >= 5);
        QVERIFY(charts[2]->linePointCount(0) >= 5);
        QCOMPARE(charts[0]->series().first().name, QStringLiteral("Live tokens"));
        QCOMPARE(charts[0]->markerCount(), 1);
        // A picture of the page for a person to look at: set
        // TURNSTILE_TEST_GRAB_DIR. QtCharts lays legends out on the next
        // event loop pass, hence the wait.
        if (const QByteArray dir = qgetenv("TURNSTILE_TEST_GRAB_DIR"); !dir.isEmpty()) {
            QTest::qWait(100);
            page.grab().save(
                QDir(QString::fromLocal8Bit(dir)).filePath(QStringLiteral("growthpage.png")));
        }

        page.setProfile(QStringLiteral("empty"));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 10000);
        QCOMPARE(charts[0]->linePointCount(0), 0);
        QVERIFY2(page.statusText().contains(QStringLiteral("empty")),
                 qPrintable(page.statusText()));
    }
    void auditRecordBecomesAMarkerWithoutAReloadCall()
    {
        // A purge's audit line (written on a worker, as the guarded workflow
        // does) reaches the charts as a marker: the page follows the log.
        QTemporaryDir dir;
        qputenv("TURNSTILE_AUDIT_LOG", dir.filePath(QStringLiteral("audit.jsonl")).toLocal8Bit());
        const auto unset = qScopeGuard([] { qunsetenv("TURNSTILE_AUDIT_LOG"); });
        GrowthPage page;
        page.resize(1000, 700);
        QSignalSpy loaded(&page, &GrowthPage::loaded);
        page.setProfiles({QStringLiteral("lab")});
        page.setRangeSeconds(3600);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        QCOMPARE(page.charts().first()->markerCount(), 1); // the store's own

        QJsonObject result;
        result.insert(QStringLiteral("outcome"), QStringLiteral("completed"));
        result.insert(QStringLiteral("affected"), 77);
        QJsonObject record;
        record.insert(QStringLiteral("profile"), QStringLiteral("lab"));
        record.insert(QStringLiteral("action"), QStringLiteral("purge.tokens"));
        record.insert(QStringLiteral("phase"), QStringLiteral("finished"));
        record.insert(QStringLiteral("end"),
                      QDateTime::currentDateTimeUtc().addSecs(-60).toString(Qt::ISODateWithMs));
        record.insert(QStringLiteral("result"), result);
        bool written = false;
        std::unique_ptr<QThread> worker(
            QThread::create([record, &written] { written = AuditLog().append(record); }));
        worker->start();
        QVERIFY(worker->wait(10000));
        QVERIFY(written);
        QTRY_COMPARE_WITH_TIMEOUT(page.charts().first()->markerCount(), 2, 10000);
    }
    void newerRangeWins()
    {
        GrowthPage page;
        page.resize(1000, 700);
        page.setProfiles({QStringLiteral("lab")});
        QSignalSpy loaded(
            &page, &GrowthPage::loaded); // before show(): waiting for exposure runs the event loop
        QList<qint64> shown;
        connect(&page, &GrowthPage::loaded, this, [&] { shown.append(page.shownRangeSeconds()); });
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        shown.clear();
        // Two changes in a row: the 90-day load is normally still in flight
        // when the 1-hour one starts (a worker fast enough to finish before
        // then lands first, which is not stale and may show briefly).
        page.setRangeSeconds(90 * 86400);
        page.setRangeSeconds(3600);
        QTRY_VERIFY_WITH_TIMEOUT(shown.contains(3600), 10000);
        QTest::qWait(500); // the stale 90-day load must not land afterwards
        QCOMPARE(shown.last(), 3600);
        QCOMPARE(shown.count(3600), 1);
        QVERIFY(shown.size() <= 2);
        QCOMPARE(page.shownRangeSeconds(), 3600);
        QVERIFY(page.charts()[0]->linePointCount(0) <= 7);
    }
    void regionsSideBySide()
    {
        GrowthPage page;
        page.resize(1000, 700);
        QSignalSpy loaded(&page, &GrowthPage::loaded);
        page.setProfiles({QStringLiteral("lab"), QStringLiteral("dc2")});
        QCOMPARE(page.selectedProfiles(), QStringList{QStringLiteral("lab")});
        page.showAllProfiles();
        QCOMPARE(page.profile(), QString());
        QCOMPARE(page.selectedProfiles(),
                 (QStringList{QStringLiteral("lab"), QStringLiteral("dc2")}));
        page.show();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        // One curve per region and metric in one chart.
        QStringList names;
        for (const NamedSeries &s : page.charts()[0]->series())
            names.append(s.name);
        QVERIFY2(names.contains(QStringLiteral("Live tokens — lab")), qPrintable(names.join(u',')));
        QVERIFY2(names.contains(QStringLiteral("Live tokens — dc2")), qPrintable(names.join(u',')));
        const int dc2 = int(names.indexOf(QStringLiteral("Live tokens — dc2")));
        QVERIFY(page.charts()[0]->linePointCount(dc2) > 100);
        QVERIFY(page.caption().contains(QStringLiteral("lab")));
        QVERIFY(page.caption().contains(QStringLiteral("dc2")));
        // A new profile list keeps the side-by-side choice.
        page.setProfiles({QStringLiteral("lab"), QStringLiteral("dc2"), QStringLiteral("empty")});
        QCOMPARE(page.selectedProfiles().size(), 3);
        page.setProfile(QStringLiteral("dc2"));
        QCOMPARE(page.selectedProfiles(), QStringList{QStringLiteral("dc2")});
    }
    // The side-by-side page a capacity review puts on a slide: legends in
    // words, one entry per region with data (none for a profile without
    // any), and the warning level of a thresholded metric as a line.
    void sideBySideLegendsAndThresholdLines()
    {
        GrowthPage page;
        page.resize(1200, 800);
        QSignalSpy loaded(&page, &GrowthPage::loaded);
        page.setProfiles({QStringLiteral("lab"), QStringLiteral("dc2"), QStringLiteral("dc3"),
                          QStringLiteral("empty")});
        page.showAllProfiles();
        // lab's own levels for expired tokens, close to its data.
        page.setThresholdOverrides(
            {{QStringLiteral("lab"),
              QJsonObject{{QStringLiteral("token.expired"),
                           QJsonObject{{QStringLiteral("warn"), 300},
                                       {QStringLiteral("critical"), 1500}}}}}});
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        const QList<ChartView *> charts = page.charts();
        QCOMPARE(charts[0]->legendTexts(),
                 (QStringList{QStringLiteral("lab"), QStringLiteral("dc2"), QStringLiteral("dc3"),
                              QStringLiteral("Live tokens"), QStringLiteral("Expired tokens")}));
        // dc3's six hours without samples are a hole: two segments.
        const QList<NamedSeries> tokens = charts[0]->series();
        for (int i = 0; i < tokens.size(); ++i)
            QCOMPARE(charts[0]->segmentCount(i), tokens[i].buckets.isEmpty()                  ? 0
                                                 : tokens[i].profile == QStringLiteral("dc3") ? 2
                                                                                              : 1);
        for (const ChartView *c : charts)
            QVERIFY2(!c->legendTexts().contains(QStringLiteral("empty")),
                     qPrintable(c->legendTexts().join(u'|')));
        // A region keeps its colour on every chart, also where it alone has
        // data (only lab has schemas): its two schemas differ by style.
        QCOMPARE(charts[3]->linePen(0).color(), charts[0]->linePen(0).color());
        QCOMPARE(charts[3]->linePen(1).color(), charts[0]->linePen(0).color());
        QVERIFY(charts[3]->linePen(0).style() != charts[3]->linePen(1).style());
        QCOMPARE(charts[3]->legendTexts(),
                 (QStringList{QStringLiteral("lab"), QStringLiteral("Size of schema keystone"),
                              QStringLiteral("Size of schema mysql")}));
        // One metric per chart: the title names it, the legend the regions.
        QCOMPARE(charts[2]->legendTexts(), QStringList{QStringLiteral("lab")});
        // Only lab has expired tokens: only its levels, none of dc2's.
        const QStringList lines = charts[0]->thresholdLabels();
        QCOMPARE(lines, (QStringList{QStringLiteral("warning 300 tokens — lab"),
                                     QStringLiteral("critical 1.5 k tokens — lab")}));
        // The purge concerns tokens: on the token chart, not on trusts.
        QCOMPARE(charts[0]->markerCount(), 1);
        QCOMPARE(charts[2]->markerCount(), 0);
        // Local times: the caption names their zone (ChartExporter::caption).
        QVERIFY2(page.caption().contains(
                     timeZoneText(page.shownFrom(), page.shownFrom() + page.shownRangeSeconds())),
                 qPrintable(page.caption()));
        if (const QByteArray dir = qgetenv("TURNSTILE_TEST_GRAB_DIR"); !dir.isEmpty()) {
            QTest::qWait(100);
            page.grab().save(QDir(QString::fromLocal8Bit(dir))
                                 .filePath(QStringLiteral("growthpage-side-by-side.png")));
            // The same in a dark window, to look at the palette there.
            QPalette dark;
            dark.setColor(QPalette::Window, QColor(0x2b, 0x2b, 0x2b));
            dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
            dark.setColor(QPalette::Text, QColor(0xe0, 0xe0, 0xe0));
            dark.setColor(QPalette::WindowText, QColor(0xe0, 0xe0, 0xe0));
            page.setPalette(dark);
            QTest::qWait(100);
            page.grab().save(QDir(QString::fromLocal8Bit(dir))
                                 .filePath(QStringLiteral("growthpage-side-by-side-dark.png")));
        }
    }

    void zoomAndPanLoadTheSpanShown()
    {
        GrowthPage page;
        page.resize(1000, 700);
        page.setProfiles({QStringLiteral("lab")});
        page.setRangeSeconds(86400);
        QSignalSpy loaded(&page, &GrowthPage::loaded);
        page.show();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        const QList<ChartView *> charts = page.charts();
        const int pointsAt24h = charts[0]->linePointCount(0);

        // Zoom into the last six hours on one chart: every chart follows,
        // and the page reads that span from the store at full resolution.
        charts[0]->zoomBy(0.25, 1.0);
        QVERIFY(page.customRange());
        QCOMPARE(page.rangeSeconds(), 21600);
        QCOMPARE(charts[1]->shownTimeRange(), charts[0]->shownTimeRange());
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 2, 10000);
        QCOMPARE(page.shownRangeSeconds(), 21600);
        const int pointsAt6h = charts[0]->linePointCount(0);
        QVERIFY2(pointsAt6h >= 30 && pointsAt6h < pointsAt24h,
                 qPrintable(QStringLiteral("%1 vs %2").arg(pointsAt6h).arg(pointsAt24h)));
        QVERIFY(page.caption().contains(QStringLiteral("lab")));

        // Pan half a span back: same length, earlier.
        const qint64 before = page.shownFrom();
        charts[2]->panBy(-0.5);
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 3, 10000);
        QCOMPARE(page.shownRangeSeconds(), 21600);
        QCOMPARE(page.shownFrom(), before - 10800);

        // Double click: back to the preset.
        emit charts[0]->timeRangeResetRequested();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 4, 10000);
        QVERIFY(!page.customRange());
        QCOMPARE(page.shownRangeSeconds(), 86400);
    }
    void missingStoreIsASentenceNotAFile()
    {
        HistoryConfig config;
        config.sqlitePath = m_dir.filePath(QStringLiteral("absent.sqlite"));
        GrowthPage page;
        page.setProfiles({QStringLiteral("lab")});
        page.show();
        page.setHistoryConfig(config);
        QTRY_VERIFY_WITH_TIMEOUT(page.statusText().contains(QStringLiteral("absent.sqlite")),
                                 10000);
        QVERIFY(!QFile::exists(config.sqlitePath));
    }
    void saysItDrawsFromPrometheus()
    {
        // Turnstile's own history: nothing to say, the line is hidden.
        GrowthPage page;
        page.resize(1000, 700);
        page.setProfiles({QStringLiteral("lab")});
        QCOMPARE(page.sourceText(), QString());
        auto *line = page.findChild<QLabel *>(QStringLiteral("historySource"));
        QVERIFY(line);
        QVERIFY(line->isHidden());

        // A Prometheus (nothing listens on port 9): a picture of the page names it, without
        // the user info of the URL, and the zone of the times on the axes.
        HistoryConfig config;
        PrometheusSourceSettings prometheus;
        prometheus.url = QUrl(QStringLiteral("http://reader@127.0.0.1:9"));
        config.prometheus = prometheus;
        QSignalSpy loaded(&page, &GrowthPage::loaded);
        page.setHistoryConfig(config);
        page.showLast(20 * 60);
        page.show();
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 15000);
        const QString zone = timeZoneText(page.shownFrom(), page.shownFrom() + 1200);
        // The schema chart stays empty: the exporter does not serve schema.*.bytes.
        QCOMPARE(page.sourceText(),
                 QStringLiteral("History from Prometheus http://127.0.0.1:9 · times in ") + zone +
                     QStringLiteral(" · not exported to Prometheus, only in Turnstile's own "
                                    "history: Schema sizes (MiB)"));
        QVERIFY(line->isVisible());
        QCOMPARE(line->text(), page.sourceText());
        // `turnstile --range 20m`: a span that is not a preset ends now.
        QVERIFY(page.customRange());
        QCOMPARE(page.shownRangeSeconds(), 1200);
        page.showLast(3600);
        QVERIFY(!page.customRange());
        QCOMPARE(page.rangeSeconds(), 3600);
    }
    void exportsWhatIsShown()
    {
        GrowthPage page;
        page.resize(1000, 700);
        page.setProfiles({QStringLiteral("lab")});
        QSignalSpy loaded(&page, &GrowthPage::loaded);
        page.show();
        QTRY_COMPARE_WITH_TIMEOUT(loaded.count(), 1, 10000);
        QVERIFY(page.caption().contains(QStringLiteral("lab")));
        QSignalSpy exported(&page, &GrowthPage::exportFinished);
        const QString csv = m_dir.filePath(QStringLiteral("growth.csv"));
        page.exportTo(csv);
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 10000);
        QCOMPARE(exported.first().at(1).toString(), QString());
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(f.readLine().startsWith("time,series,min,max,avg,count"));
        QVERIFY(f.readAll().contains("token.expired"));

        page.exportTo(QStringLiteral("/nonexistent-turnstile-dir/growth.png"));
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 2, 10000);
        QVERIFY(!exported.last().at(1).toString().isEmpty());
        QCOMPARE(page.statusText(), exported.last().at(1).toString());
    }
};

QTEST_MAIN(TestGrowthPage)
#include "tst_growthpage.moc"
