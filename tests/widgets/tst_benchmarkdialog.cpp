// The Benchmark dialog without a server: which controls are enabled when,
// the production guard, the preview requirement of the guarded experiment,
// saved runs from the history store laid over the charts, and export.
#include "bench/benchhistory.h"
#include "benchmarkdialog.h"
#include "chartview.h"
#include "history/historystore.h"
#include "isolatedenvironment.h"
#include "profiles/secretstore.h"

#include <QComboBox>
#include <QDateTime>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>

using namespace turnstile;

class TestBenchmarkDialog : public QObject
{
    Q_OBJECT
    // History, audit log and settings of its own.
    testsupport::IsolatedEnvironment m_dir;

    HistoryConfig history() const
    {
        HistoryConfig c;
        c.backend = HistoryConfig::Backend::Sqlite;
        c.sqlitePath = m_dir.filePath(QStringLiteral("history.sqlite"));
        return c;
    }
    static QList<Profile> profiles()
    {
        Profile lab;
        lab.name = QStringLiteral("lab");
        lab.authUrl = QUrl(QStringLiteral("http://127.0.0.1:1/v3"));
        Profile prod = lab;
        prod.name = QStringLiteral("prod");
        prod.production = true;
        return {lab, prod};
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        HistoryStore store;
        QVERIFY(store.open(history()));
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        for (int i = 0; i < 3; ++i) {
            BenchResult r;
            r.profile = QStringLiteral("lab");
            r.finishedAt = QDateTime::fromSecsSinceEpoch(now - 300 + i * 20, Qt::UTC);
            r.achievedRate = 35 - i;
            r.latency.p99Ms = 700 + i * 10;
            r.revocationEvents = i * 100;
            QVERIFY(BenchHistory::save(store, r, now - 400, BenchHistory::Kind::Project) > 0);
        }
    }

    void validateControls()
    {
        SecretStore secrets;
        BenchmarkDialog d(&secrets, profiles(), QStringLiteral("lab"), history());
        d.show();
        QVERIFY(QTest::qWaitForWindowExposed(&d));
        QCOMPARE(d.profileChooser()->currentText(), QStringLiteral("lab"));
        QVERIFY(d.startButton()->isEnabled());
        QVERIFY(!d.cancelButton()->isEnabled());
        QVERIFY(!d.previewButton()->isVisible());
        QVERIFY(!d.confirmationEdit()->isVisible());
        // The concurrency cap is in the control itself.
        d.concurrencyBox()->setValue(100000);
        QCOMPARE(d.concurrencyBox()->value(), BenchConfig::kMaxConcurrency);
        // Production: the name must be typed.
        d.profileChooser()->setCurrentIndex(1);
        QVERIFY(d.confirmationEdit()->isVisible());
        QVERIFY(!d.startButton()->isEnabled());
        d.confirmationEdit()->setText(QStringLiteral("pro"));
        QVERIFY(!d.startButton()->isEnabled());
        d.confirmationEdit()->setText(QStringLiteral("prod"));
        QVERIFY(d.startButton()->isEnabled());
    }

    void revocationImpactNeedsPreview()
    {
        SecretStore secrets;
        BenchmarkDialog d(&secrets, profiles(), QStringLiteral("lab"), history());
        d.show();
        d.experimentChooser()->setCurrentIndex(1);
        QVERIFY(d.previewButton()->isVisible());
        QVERIFY(d.previewButton()->isEnabled());
        QVERIFY(!d.startButton()->isEnabled());
        QCOMPARE(d.charts().size(), 2);
        // Bad steps are a message, not a preview.
        d.stepsEdit()->setText(QStringLiteral("0,500,100"));
        d.previewButton()->click();
        QVERIFY2(d.statusLabel()->text().contains(QStringLiteral("increase")),
                 qPrintable(d.statusLabel()->text()));
        QVERIFY(!d.hasPreview());
        QVERIFY(!d.startButton()->isEnabled());
    }

    void savedRunsOverlayAndExport()
    {
        SecretStore secrets;
        BenchmarkDialog d(&secrets, profiles(), QStringLiteral("lab"), history());
        QSignalSpy loaded(&d, &BenchmarkDialog::runsLoaded);
        d.resize(1100, 800);
        d.show();
        QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 10000);
        QCOMPARE(d.savedRuns()->count(), 1);
        QVERIFY(d.savedRuns()->item(0)->text().contains(QStringLiteral("per-project")));
        d.experimentChooser()->setCurrentIndex(1);
        const QList<ChartView *> charts = d.charts();
        QCOMPARE(charts[0]->scatterPointCount(0), -1); // nothing shown yet
        d.savedRuns()->item(0)->setCheckState(Qt::Checked);
        QCOMPARE(charts[0]->scatter().size(), 1);
        QCOMPARE(charts[0]->scatterPointCount(0), 3);
        QCOMPARE(charts[1]->scatter().first().points().last(), QPointF(200, 720));
        if (const QByteArray dir = qgetenv("TURNSTILE_TEST_GRAB_DIR"); !dir.isEmpty()) {
            QTest::qWait(100);
            d.grab().save(QString::fromLocal8Bit(dir) + QStringLiteral("/benchmarkdialog.png"));
        }
        for (const QString &suffix :
             {QStringLiteral("png"), QStringLiteral("csv"), QStringLiteral("pdf")}) {
            QSignalSpy exported(&d, &BenchmarkDialog::exportFinished);
            const QString path = m_dir.filePath(QStringLiteral("bench.") + suffix);
            d.exportTo(path);
            QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 10000);
            QVERIFY2(exported.first().at(1).toString().isEmpty(),
                     qPrintable(exported.first().at(1).toString()));
            QVERIFY(QFile(path).size() > 100);
        }
        QSignalSpy bad(&d, &BenchmarkDialog::exportFinished);
        d.exportTo(m_dir.filePath(QStringLiteral("bench.gif")));
        QCOMPARE(bad.count(), 1);
        QVERIFY(!bad.first().at(1).toString().isEmpty());
    }
};

QTEST_MAIN(TestBenchmarkDialog)
#include "tst_benchmarkdialog.moc"
