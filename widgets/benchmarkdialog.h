#pragma once

#include "bench/benchconfig.h"
#include "bench/benchhistory.h"
#include "bench/benchprogress.h"
#include "bench/benchresult.h"
#include "guarded/actionpreview.h"
#include "guarded/actionresult.h"
#include "history/historyconfig.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"
#include "util/latestjob.h"

#include <QDialog>
#include <QFutureWatcher>
#include <QList>

#include <memory>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTextBrowser;
class QToolButton;

namespace turnstile {

class ActionRunner;
class BenchEngine;
class ChartView;
class RevocationImpact;
class SecretStore;

// Carries a benchmark's progress and results from its thread to the dialog:
// emitted on the worker, delivered queued on the GUI thread.
class BenchRelay : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
signals:
    void progress(const turnstile::BenchProgress &p);
    void step(const turnstile::BenchResult &r);
};

// Tools → Benchmark: the token-validation benchmark and the guarded
// revocation-impact experiment, with live progress, a live chart of answers
// per second and, for the experiment, validations per second and p99 against
// the number of revocation events. Saved runs of the profile can be laid
// over the current one; every chart exports like the pages' (PNG, SVG, PDF,
// CSV through ChartExporter).
//
// All network and store work runs on worker threads; the dialog cannot be
// closed while a run is going (Cancel stops it, keeping what was measured).
class BenchmarkDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Experiment
    {
        Validate,
        RevocationImpact
    };

    BenchmarkDialog(SecretStore *secrets, const QList<Profile> &profiles, const QString &profile,
                    const HistoryConfig &history, QWidget *parent = nullptr);
    ~BenchmarkDialog() override;

    // For tests and automation.
    QComboBox *profileChooser() const { return m_profile; }
    QComboBox *experimentChooser() const { return m_experiment; }
    QSpinBox *concurrencyBox() const { return m_concurrency; }
    QSpinBox *durationBox() const { return m_duration; }
    QDoubleSpinBox *rateBox() const { return m_rate; }
    QSpinBox *poolBox() const { return m_pool; }
    QLineEdit *stepsEdit() const { return m_steps; }
    QComboBox *kindChooser() const { return m_kind; }
    QLineEdit *confirmationEdit() const { return m_confirm; }
    QPushButton *previewButton() const { return m_previewButton; }
    QPushButton *startButton() const { return m_start; }
    QPushButton *cancelButton() const { return m_cancel; }
    QListWidget *savedRuns() const { return m_runs; }
    QLabel *statusLabel() const { return m_status; }
    QList<ChartView *> charts() const;
    bool isRunning() const { return m_running; }
    QList<BenchResult> results() const { return m_results; }
    const ActionPreview &preview() const { return m_preview; }
    bool hasPreview() const { return m_hasPreview; }
    // Renders on this thread, writes on a worker; emits exportFinished.
    void exportTo(const QString &path);
    // Reads the saved runs of the chosen profile again (worker thread).
    void reloadRuns();
    void showRuns(const QList<BenchHistory::Run> &runs);

signals:
    void runFinished();
    void previewShown();
    void runsLoaded();
    void exportFinished(const QString &path, const QString &error);
    // Something was written to the history store (the Latency page may reload).
    void resultsStored();

protected:
    void closeEvent(QCloseEvent *e) override;
    void reject() override;

private:
    Profile currentProfile() const;
    BenchConfig config() const;
    Experiment experiment() const;
    void updateControls();
    void requestPreview();
    void start();
    void startValidate(const Profile &profile, const Secrets &secrets);
    void startImpact(const Profile &profile, const Secrets &secrets);
    void onProgress(const BenchProgress &p);
    void onStep(const BenchResult &r);
    void onValidateFinished();
    void onImpactFinished(const ActionResult &r);
    void finishRun(const QString &message);
    void redrawImpact();
    void chooseExportFile(const QString &filter, const QString &suffix);
    QString caption() const;

    SecretStore *m_secrets;
    QList<Profile> m_profiles;
    HistoryConfig m_history;

    QComboBox *m_profile;
    QComboBox *m_experiment;
    QSpinBox *m_concurrency;
    QSpinBox *m_duration;
    QDoubleSpinBox *m_rate;
    QSpinBox *m_pool;
    QLineEdit *m_steps;
    QComboBox *m_kind;
    QLabel *m_confirmLabel;
    QLineEdit *m_confirm;
    QTextBrowser *m_previewView;
    QPushButton *m_previewButton;
    QPushButton *m_start;
    QPushButton *m_cancel;
    QToolButton *m_export;
    QProgressBar *m_progress;
    QLabel *m_status;
    QListWidget *m_runs;
    ChartView *m_live;
    ChartView *m_rpsChart;
    ChartView *m_p99Chart;

    BenchRelay *m_relay;
    ActionRunner *m_runner = nullptr;
    std::shared_ptr<BenchEngine> m_engine;
    std::shared_ptr<RevocationImpact> m_action;
    // The run and the error of storing it (empty when stored).
    QFutureWatcher<std::pair<BenchResult, QString>> m_validateWatcher;
    LatestJob<QList<BenchHistory::Run>> m_runsLoad{this};
    bool m_exporting = false; // one export at a time

    ActionPreview m_preview;
    bool m_hasPreview = false;
    bool m_running = false;
    qint64 m_liveStart = 0;
    qint64 m_currentRunId = 0; // drawn as "this run", so not again as a saved run
    QList<BenchResult> m_results;
    QList<BenchHistory::Run> m_saved;
};

} // namespace turnstile
