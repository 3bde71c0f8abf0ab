// The Benchmark dialog against the lab's Keystone: a validation run with its
// live chart, and the guarded revocation-impact experiment driven through the
// dialog's own controls (preview, typed target, start), then exported.
//
// Also how docs/revocation-impact.png is made (see docs/benchmark.md):
//   TURNSTILE_BENCH_GUI_STEPS=0,100,500,1000 TURNSTILE_BENCH_GUI_KIND=user
//   TURNSTILE_BENCH_GUI_DURATION=15 TURNSTILE_BENCH_GUI_HISTORY=/tmp/x.sqlite
//   TURNSTILE_BENCH_GUI_OVERLAY=1 TURNSTILE_BENCH_GUI_EXPORT=docs/revocation-impact.png
//   tst_gui_bench revocationImpactFromTheDialog
#include "benchmarkdialog.h"
#include "chartview.h"
#include "profiles/secretstore.h"
#include "testsupport.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;
using testsupport::lab;

class TestGuiBench : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    static QString env(const char *name, const QString &dflt)
    {
        const QString v = qEnvironmentVariable(name);
        return v.isEmpty() ? dflt : v;
    }
    HistoryConfig history() const
    {
        HistoryConfig c;
        c.backend = HistoryConfig::Backend::Sqlite;
        c.sqlitePath =
            env("TURNSTILE_BENCH_GUI_HISTORY", m_dir.filePath(QStringLiteral("history.sqlite")));
        return c;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_KS_URL")).isEmpty(), "lab env file missing");
        qputenv("DBUS_SESSION_BUS_ADDRESS",
                lab(QStringLiteral("TURNSTILE_LAB_DBUS_ADDRESS")).toUtf8());
        qputenv("TURNSTILE_AUDIT_LOG", m_dir.filePath(QStringLiteral("audit.jsonl")).toUtf8());
        SecretStore secrets;
        QVERIFY(secrets
                    .writeBlocking(testsupport::labAdminProfile().name, SecretKind::Password,
                                   lab(QStringLiteral("TURNSTILE_LAB_ADMIN_PASSWORD")))
                    .ok);
    }

    void cleanupTestCase()
    {
        SecretStore().removeBlocking(testsupport::labAdminProfile().name, SecretKind::Password);
    }

    void validationRunWithLiveChart()
    {
        SecretStore secrets;
        const Profile p = testsupport::labAdminProfile();
        BenchmarkDialog d(&secrets, {p}, p.name, history());
        d.resize(1100, 800);
        d.show();
        d.concurrencyBox()->setValue(4);
        d.durationBox()->setValue(3);
        d.poolBox()->setValue(4);
        QSignalSpy finished(&d, &BenchmarkDialog::runFinished);
        QSignalSpy stored(&d, &BenchmarkDialog::resultsStored);
        QVERIFY(d.startButton()->isEnabled());
        d.startButton()->click();
        QVERIFY(d.isRunning());
        QVERIFY(d.cancelButton()->isEnabled());
        QVERIFY(!d.startButton()->isEnabled());
        // The dialog refuses to close while a run is going.
        d.close();
        QVERIFY(d.isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QCOMPARE(stored.count(), 1);
        QCOMPARE(d.results().size(), 1);
        const BenchResult r = d.results().first();
        QVERIFY2(!r.failed(), qPrintable(r.error));
        QCOMPARE(r.errors, 0);
        QVERIFY(r.ok > 0);
        QVERIFY(d.charts()[0]->linePointCount(0) > 0); // the live series
    }

    void revocationImpactFromTheDialog()
    {
        SecretStore secrets;
        const Profile p = testsupport::labAdminProfile();
        BenchmarkDialog d(&secrets, {p}, p.name, history());
        d.resize(1200, 860);
        d.show();
        const QString steps = env("TURNSTILE_BENCH_GUI_STEPS", QStringLiteral("0,5"));
        const QString kind = env("TURNSTILE_BENCH_GUI_KIND", QStringLiteral("audit"));
        d.experimentChooser()->setCurrentIndex(1);
        d.concurrencyBox()->setValue(
            env("TURNSTILE_BENCH_GUI_CONCURRENCY", QStringLiteral("4")).toInt());
        d.durationBox()->setValue(env("TURNSTILE_BENCH_GUI_DURATION", QStringLiteral("2")).toInt());
        d.poolBox()->setValue(5);
        d.stepsEdit()->setText(steps);
        d.kindChooser()->setCurrentIndex(d.kindChooser()->findData(kind));
        QSignalSpy shown(&d, &BenchmarkDialog::previewShown);
        d.previewButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(shown.count(), 1, 60000);
        QVERIFY2(!d.preview().refused(), qPrintable(d.preview().refusal));
        QVERIFY(!d.startButton()->isEnabled());
        d.confirmationEdit()->setText(QStringLiteral("wrong"));
        QVERIFY(!d.startButton()->isEnabled());
        d.confirmationEdit()->setText(d.preview().target.text);
        QVERIFY(d.startButton()->isEnabled());
        QSignalSpy finished(&d, &BenchmarkDialog::runFinished);
        // Saved runs are read again when the run ends; the overlay below waits for that.
        QSignalSpy loaded(&d, &BenchmarkDialog::runsLoaded);
        d.startButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 3600000);
        const int n = int(steps.split(u',').size());
        QCOMPARE(d.results().size(), n);
        for (const BenchResult &r : d.results())
            QVERIFY2(!r.failed() && r.errors == 0, qPrintable(r.oneLine()));
        QVERIFY2(d.statusLabel()->text().startsWith(QStringLiteral("completed")),
                 qPrintable(d.statusLabel()->text()));
        QCOMPARE(d.charts()[0]->scatterPointCount(0), n);
        QCOMPARE(d.charts()[1]->scatterPointCount(0), n);
        if (!qEnvironmentVariableIsEmpty("TURNSTILE_BENCH_GUI_OVERLAY")) {
            // Earlier runs (other kinds) over this one, as a person would tick them.
            QTRY_VERIFY_WITH_TIMEOUT(loaded.count() >= 1, 10000);
            for (int i = 0; i < d.savedRuns()->count(); ++i) {
                QListWidgetItem *item = d.savedRuns()->item(i);
                // This run is already drawn as "this run".
                if (item->data(Qt::UserRole).toLongLong() !=
                    d.results().first().startedAt.toSecsSinceEpoch())
                    item->setCheckState(Qt::Checked);
            }
        }
        QTest::qWait(200);
        if (const QByteArray dir = qgetenv("TURNSTILE_TEST_GRAB_DIR"); !dir.isEmpty())
            d.grab().save(QString::fromLocal8Bit(dir) + QStringLiteral("/benchmarkdialog-lab.png"));
        const QString out =
            env("TURNSTILE_BENCH_GUI_EXPORT", m_dir.filePath(QStringLiteral("impact.png")));
        QSignalSpy exported(&d, &BenchmarkDialog::exportFinished);
        d.exportTo(out);
        QTRY_COMPARE_WITH_TIMEOUT(exported.count(), 1, 10000);
        QVERIFY2(exported.first().at(1).toString().isEmpty(),
                 qPrintable(exported.first().at(1).toString()));
        QVERIFY(QFile(out).size() > 1000);
    }
};

QTEST_MAIN(TestGuiBench)
#include "tst_gui_bench.moc"
