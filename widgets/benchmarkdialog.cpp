#include "benchmarkdialog.h"
#include "util/iopool.h"

#include "bench/benchengine.h"
#include "bench/productiongate.h"
#include "bench/revocationimpact.h"
#include "chartexporter.h"
#include "chartview.h"
#include "exportmenu.h"
#include "guarded/actionrunner.h"
#include "history/historystore.h"
#include "history/metricnames.h"
#include "profiles/secretstore.h"

#include <QCloseEvent>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QtConcurrent/QtConcurrentRun>
#include <QTextBrowser>
#include <QToolButton>
#include <QVBoxLayout>

namespace turnstile {

namespace {
Bucket point(qint64 ts, double v)
{
    return Bucket{ts, v, v, v, 1};
}

// One cloud of (events, figure) points, paired by the measurement's second.
ScatterSeries cloud(const QString &name, const QList<BenchHistory::Point> &points, bool p99)
{
    ScatterSeries s;
    s.name = name;
    s.x.metric = QStringLiteral("bench.revocation_events");
    s.y.metric = p99 ? QStringLiteral("bench.p99_ms") : QStringLiteral("bench.rps");
    s.x.name = metricDisplayName(s.x.metric);
    s.y.name = metricDisplayName(s.y.metric);
    for (const BenchHistory::Point &pt : points) {
        if (pt.revocationEvents < 0)
            continue;
        s.x.buckets.append(point(pt.ts, pt.revocationEvents));
        s.y.buckets.append(point(pt.ts, p99 ? pt.p99Ms : pt.rps));
    }
    return s;
}

BenchHistory::Point toPoint(const BenchResult &r)
{
    BenchHistory::Point p;
    p.ts = r.finishedAt.toSecsSinceEpoch();
    p.rps = r.achievedRate;
    p.p50Ms = r.latency.p50Ms;
    p.p99Ms = r.latency.p99Ms;
    p.revocationEvents = double(r.revocationEvents);
    return p;
}
} // namespace

BenchmarkDialog::BenchmarkDialog(SecretStore *secrets, const QList<Profile> &profiles,
                                 const QString &profile, const HistoryConfig &history,
                                 QWidget *parent)
    : QDialog(parent), m_secrets(secrets), m_profiles(profiles), m_history(history),
      m_profile(new QComboBox(this)), m_experiment(new QComboBox(this)),
      m_concurrency(new QSpinBox(this)), m_duration(new QSpinBox(this)),
      m_rate(new QDoubleSpinBox(this)), m_pool(new QSpinBox(this)), m_steps(new QLineEdit(this)),
      m_kind(new QComboBox(this)), m_confirmLabel(new QLabel(this)), m_confirm(new QLineEdit(this)),
      m_previewView(new QTextBrowser(this)), m_previewButton(new QPushButton(tr("Preview"), this)),
      m_start(new QPushButton(tr("Start"), this)), m_cancel(new QPushButton(tr("Cancel"), this)),
      m_export(new QToolButton(this)), m_progress(new QProgressBar(this)),
      m_status(new QLabel(this)), m_runs(new QListWidget(this)),
      m_live(new ChartView(ChartView::Kind::Time, this)),
      m_rpsChart(new ChartView(ChartView::Kind::Scatter, this)),
      m_p99Chart(new ChartView(ChartView::Kind::Scatter, this)), m_relay(new BenchRelay(this))
{
    setWindowTitle(tr("Benchmark"));
    setMinimumSize(980, 720);
    for (const Profile &p : profiles)
        m_profile->addItem(p.name, p.name);
    m_profile->setCurrentIndex(std::max(0, m_profile->findData(profile)));
    m_experiment->addItem(tr("Token validation"), int(Experiment::Validate));
    m_experiment->addItem(tr("Revocation impact (guarded)"), int(Experiment::RevocationImpact));
    m_concurrency->setRange(1, BenchConfig::kMaxConcurrency);
    m_concurrency->setValue(20);
    m_concurrency->setToolTip(tr("Requests in flight; in open loop the most in flight"));
    m_duration->setRange(1, 3600);
    m_duration->setValue(15);
    m_duration->setSuffix(tr(" s"));
    m_rate->setRange(0, BenchConfig::kMaxRate);
    m_rate->setDecimals(1);
    m_rate->setSpecialValueText(tr("closed loop"));
    m_rate->setSuffix(tr(" /s"));
    m_rate->setToolTip(tr("0: closed loop. Above 0: open loop at this rate; latency counts from "
                          "the intended send time, so stalls are not hidden."));
    m_pool->setRange(1, BenchConfig::kMaxPool);
    m_pool->setValue(50);
    m_steps->setText(QStringLiteral("0,100,500,1000"));
    m_kind->addItem(tr("per token (audit id)"), QStringLiteral("audit"));
    m_kind->addItem(tr("per user"), QStringLiteral("user"));
    m_kind->addItem(tr("per project"), QStringLiteral("project"));
    m_confirmLabel->setWordWrap(true);
    m_confirmLabel->setTextFormat(Qt::RichText);
    m_confirm->setPlaceholderText(tr("type the target exactly"));
    m_previewView->setMaximumHeight(130);
    m_previewView->setOpenLinks(false);
    m_progress->setRange(0, 1);
    m_progress->setValue(0);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_export->setText(tr("Export"));
    m_export->setPopupMode(QToolButton::InstantPopup);
    using F = ChartExporter::Format;
    auto *exportMenu = new ExportMenu(
        {F::Png, F::Svg, F::Pdf, F::Csv},
        [this](const QString &filter, const QString &suffix) { chooseExportFile(filter, suffix); },
        m_export);
    m_export->setMenu(exportMenu);
    m_live->setTitle(tr("Answers per second (live)"));
    m_rpsChart->setTitle(tr("Validations per second against revocation events"));
    m_rpsChart->setAxisTitles(tr("revocation events"), tr("validations/s"));
    m_p99Chart->setTitle(tr("p99 latency against revocation events"));
    m_p99Chart->setAxisTitles(tr("revocation events"), tr("ms"));
    m_runs->setToolTip(tr("Saved runs of this profile; tick them to lay them over the charts"));

    auto *form = new QGridLayout;
    form->addWidget(new QLabel(tr("Profile:"), this), 0, 0);
    form->addWidget(m_profile, 0, 1);
    form->addWidget(new QLabel(tr("Experiment:"), this), 0, 2);
    form->addWidget(m_experiment, 0, 3);
    form->addWidget(new QLabel(tr("Concurrency:"), this), 0, 4);
    form->addWidget(m_concurrency, 0, 5);
    form->addWidget(new QLabel(tr("Duration:"), this), 1, 0);
    form->addWidget(m_duration, 1, 1);
    form->addWidget(new QLabel(tr("Rate:"), this), 1, 2);
    form->addWidget(m_rate, 1, 3);
    form->addWidget(new QLabel(tr("Token pool:"), this), 1, 4);
    form->addWidget(m_pool, 1, 5);
    form->addWidget(new QLabel(tr("Steps (events):"), this), 2, 0);
    form->addWidget(m_steps, 2, 1);
    form->addWidget(new QLabel(tr("Kind of event:"), this), 2, 2);
    form->addWidget(m_kind, 2, 3);

    auto *charts = new QGridLayout;
    charts->addWidget(m_live, 0, 0, 1, 2);
    charts->addWidget(m_rpsChart, 1, 0);
    charts->addWidget(m_p99Chart, 1, 1);
    charts->setRowStretch(0, 2);
    charts->setRowStretch(1, 3);
    auto *runsBox = new QVBoxLayout;
    runsBox->addWidget(new QLabel(tr("Saved runs:"), this));
    runsBox->addWidget(m_runs, 1);
    auto *body = new QHBoxLayout;
    body->addLayout(charts, 4);
    body->addLayout(runsBox, 1);

    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_previewButton, QDialogButtonBox::ActionRole);
    buttons->addButton(m_start, QDialogButtonBox::ActionRole);
    buttons->addButton(m_cancel, QDialogButtonBox::ActionRole);
    buttons->addButton(m_export, QDialogButtonBox::ActionRole);
    QPushButton *close = buttons->addButton(QDialogButtonBox::Close);
    for (QPushButton *b : {m_previewButton, m_start, m_cancel, close})
        b->setAutoDefault(false);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_previewView);
    layout->addWidget(m_confirmLabel);
    layout->addWidget(m_confirm);
    layout->addWidget(m_progress);
    layout->addWidget(m_status);
    layout->addLayout(body, 1);
    layout->addWidget(buttons);

    connect(m_relay, &BenchRelay::progress, this, &BenchmarkDialog::onProgress);
    connect(m_relay, &BenchRelay::step, this, &BenchmarkDialog::onStep);
    connect(&m_validateWatcher, &QFutureWatcher<std::pair<BenchResult, QString>>::finished, this,
            &BenchmarkDialog::onValidateFinished);
    connect(m_runs, &QListWidget::itemChanged, this, &BenchmarkDialog::redrawImpact);
    connect(m_profile, &QComboBox::currentIndexChanged, this, [this] {
        m_hasPreview = false;
        m_results.clear();
        reloadRuns();
        updateControls();
    });
    connect(m_experiment, &QComboBox::currentIndexChanged, this, [this] {
        m_hasPreview = false;
        updateControls();
    });
    connect(m_steps, &QLineEdit::textChanged, this, [this] {
        m_hasPreview = false;
        updateControls();
    });
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        m_hasPreview = false;
        updateControls();
    });
    connect(m_confirm, &QLineEdit::textChanged, this, &BenchmarkDialog::updateControls);
    connect(m_previewButton, &QPushButton::clicked, this, &BenchmarkDialog::requestPreview);
    connect(m_start, &QPushButton::clicked, this, &BenchmarkDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_engine)
            m_engine->cancel();
        if (m_runner)
            m_runner->cancel();
        m_status->setText(tr("Cancelling; what was measured is kept…"));
    });
    updateControls();
    reloadRuns();
}

BenchmarkDialog::~BenchmarkDialog()
{
    // The workers call back through m_relay: stop and wait for them before
    // any member goes.
    if (m_engine)
        m_engine->cancel();
    if (m_runner) {
        m_runner->cancel();
        delete m_runner;
        m_runner = nullptr;
    }
    m_validateWatcher.waitForFinished();
}

QList<ChartView *> BenchmarkDialog::charts() const
{
    if (experiment() == Experiment::RevocationImpact)
        return {m_rpsChart, m_p99Chart};
    return {m_live, m_rpsChart, m_p99Chart};
}

Profile BenchmarkDialog::currentProfile() const
{
    const QString name = m_profile->currentData().toString();
    for (const Profile &p : m_profiles)
        if (p.name == name)
            return p;
    return {};
}

BenchmarkDialog::Experiment BenchmarkDialog::experiment() const
{
    return Experiment(m_experiment->currentData().toInt());
}

BenchConfig BenchmarkDialog::config() const
{
    BenchConfig c;
    c.concurrency = m_concurrency->value();
    c.durationMs = qint64(m_duration->value()) * 1000;
    c.poolSize = m_pool->value();
    if (m_rate->value() > 0) {
        c.mode = BenchConfig::Mode::Open;
        c.rate = m_rate->value();
    }
    return c;
}

void BenchmarkDialog::updateControls()
{
    const bool impact = experiment() == Experiment::RevocationImpact;
    const Profile p = currentProfile();
    for (QWidget *w : std::initializer_list<QWidget *>{m_profile, m_experiment, m_concurrency,
                                                       m_duration, m_rate, m_pool, m_steps, m_kind})
        w->setEnabled(!m_running);
    m_steps->setEnabled(!m_running && impact);
    m_kind->setEnabled(!m_running && impact);
    m_previewButton->setVisible(impact);
    m_previewButton->setEnabled(!m_running && !p.name.isEmpty());
    m_previewView->setVisible(impact);
    m_cancel->setEnabled(m_running);
    bool mayStart = !m_running && !p.name.isEmpty();
    if (impact) {
        const bool typed = m_hasPreview && m_preview.target.matches(m_confirm->text());
        m_confirmLabel->setVisible(m_hasPreview && !m_preview.refused());
        m_confirm->setVisible(m_hasPreview && !m_preview.refused());
        if (m_hasPreview && !m_preview.refused())
            m_confirmLabel->setText(
                tr("This adds revocation events to Keystone. Type <b>%1</b> to run it.")
                    .arg(m_preview.target.text.toHtmlEscaped()));
        mayStart = mayStart && m_hasPreview && !m_preview.refused() && typed;
        if (!m_hasPreview && !m_running)
            m_previewView->setPlainText(
                tr("Preview first: a dry run that shows what the experiment will add."));
    } else {
        // A benchmark changes nothing, but on production it is load: the
        // operator types the profile's name.
        m_confirmLabel->setVisible(p.production);
        m_confirm->setVisible(p.production);
        if (p.production) {
            m_confirmLabel->setText(tr("Profile <b>%1</b> is marked production: a benchmark puts "
                                       "load on it. Type its name to go ahead.")
                                        .arg(p.name.toHtmlEscaped()));
        }
        // The same gate as turnstilectl bench validate --confirm.
        mayStart = mayStart && benchmarkLoadRefusal(p, m_confirm->text()).isEmpty();
    }
    if (const QString why = config().validationError(); !why.isEmpty()) {
        mayStart = false;
        m_status->setText(why);
    }
    m_start->setEnabled(mayStart);
    m_export->setEnabled(!m_running);
}

void BenchmarkDialog::reloadRuns()
{
    const QString profile = currentProfile().name;
    const HistoryConfig config = m_history;
    // The runs of a profile no longer chosen are dropped.
    m_runsLoad.start(
        [config, profile] {
            // Reading must not create an empty store where a collector is about to write.
            if (profile.isEmpty() || (config.backend == HistoryConfig::Backend::Sqlite &&
                                      !QFileInfo::exists(config.effectiveSqlitePath())))
                return QList<BenchHistory::Run>{};
            HistoryStore store;
            if (!store.open(config))
                return QList<BenchHistory::Run>{};
            return BenchHistory::runs(store, profile).value_or(QList<BenchHistory::Run>{});
        },
        [this](const QList<BenchHistory::Run> &runs) { showRuns(runs); });
}

void BenchmarkDialog::showRuns(const QList<BenchHistory::Run> &runs)
{
    m_saved = runs;
    QSignalBlocker block(m_runs);
    m_runs->clear();
    for (const BenchHistory::Run &run : std::as_const(m_saved)) {
        auto *item = new QListWidgetItem(
            tr("%1 (%n point(s))", nullptr, int(run.points.size())).arg(run.label()), m_runs);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
        item->setData(Qt::UserRole, run.runId);
    }
    redrawImpact();
    emit runsLoaded();
}

void BenchmarkDialog::requestPreview()
{
    const Profile profile = currentProfile();
    QString err;
    const auto steps = RevocationImpact::parseSteps(m_steps->text(), &err);
    if (!steps) {
        m_status->setText(err);
        return;
    }
    m_previewView->setPlainText(tr("Computing the preview (a dry run; nothing is changed)…"));
    m_previewButton->setEnabled(false);
    QPointer<BenchmarkDialog> self(this);
    const auto kind = BenchHistory::kindFromName(m_kind->currentData().toString())
                          .value_or(BenchHistory::Kind::Audit);
    const BenchConfig cfg = config();
    m_secrets->readAll(profile.name, [self, profile, kind, steps, cfg](const Secrets &s,
                                                                       const QString &) {
        if (!self || self->currentProfile().name != profile.name || self->m_running)
            return;
        if (self->m_runner) {
            delete self->m_runner;
            self->m_runner = nullptr;
        }
        self->m_action = std::make_shared<RevocationImpact>(profile, s, kind, *steps, cfg);
        self->m_action->setHistory(self->m_history);
        BenchRelay *relay = self->m_relay;
        self->m_action->setBenchProgress(
            [relay](const BenchProgress &p) { emit relay->progress(p); });
        self->m_action->setStepCallback([relay](const BenchResult &r) { emit relay->step(r); });
        self->m_runner = new ActionRunner(self->m_action, profile, self);
        connect(self->m_runner, &ActionRunner::previewReady, self, [self](const ActionPreview &pv) {
            self->m_preview = pv;
            self->m_hasPreview = true;
            // ActionPreview::describe()'s wording, as every guarded action shows it.
            QStringList lines{pv.title};
            for (const ActionPreview::Line &line : pv.describe())
                lines << tr("%1: %2").arg(line.label, line.text);
            self->m_previewView->setPlainText(lines.join(u'\n'));
            self->updateControls();
            emit self->previewShown();
        });
        connect(self->m_runner, &ActionRunner::finished, self, &BenchmarkDialog::onImpactFinished);
        self->m_runner->requestPreview();
    });
}

void BenchmarkDialog::start()
{
    const Profile profile = currentProfile();
    if (profile.name.isEmpty() || m_running)
        return;
    m_results.clear();
    m_currentRunId = 0;
    m_liveStart = 0;
    m_live->setSeries({});
    m_running = true;
    m_progress->setRange(0, 0);
    m_status->setText(tr("Starting…"));
    updateControls();
    if (experiment() == Experiment::RevocationImpact) {
        if (!m_runner || !m_hasPreview) {
            finishRun(tr("Preview first."));
            return;
        }
        Confirmation c;
        c.typedTarget = m_confirm->text();
        m_runner->requestRun(m_preview, c);
        return;
    }
    QPointer<BenchmarkDialog> self(this);
    m_secrets->readAll(profile.name, [self, profile](const Secrets &s, const QString &) {
        if (!self)
            return;
        self->startValidate(profile, s);
    });
}

void BenchmarkDialog::startValidate(const Profile &profile, const Secrets &secrets)
{
    m_engine = std::make_shared<BenchEngine>(profile, secrets);
    BenchRelay *relay = m_relay;
    m_engine->setProgress([relay](const BenchProgress &p) { emit relay->progress(p); });
    const std::shared_ptr<BenchEngine> engine = m_engine;
    const BenchConfig cfg = config();
    const HistoryConfig history = m_history;
    m_validateWatcher.setFuture(QtConcurrent::run(ioPool(), [engine, cfg, history] {
        BenchResult r = engine->run(cfg);
        // Save and annotate as turnstilectl does; a store error is shown.
        const QString storeError = BenchHistory::saveValidation(history, r);
        return std::make_pair(r, storeError);
    }));
}

void BenchmarkDialog::onProgress(const BenchProgress &p)
{
    if (!m_running)
        return;
    m_status->setText(p.message);
    if (p.total > 0) {
        m_progress->setRange(0, int(std::min<qint64>(p.total, INT_MAX)));
        m_progress->setValue(int(std::min<qint64>(p.done, INT_MAX)));
    } else if (p.plannedS > 0) {
        m_progress->setRange(0, int(p.plannedS * 10));
        m_progress->setValue(int(std::min(p.elapsedS, p.plannedS) * 10));
    } else {
        m_progress->setRange(0, 0);
    }
    if (p.phase != BenchProgress::Phase::Validate)
        return;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (m_liveStart == 0 || p.perSecond.isEmpty())
        m_liveStart = now - qint64(p.elapsedS);
    NamedSeries s;
    s.name = tr("answers per second");
    for (qsizetype i = 0; i < p.perSecond.size(); ++i)
        s.buckets.append(point(m_liveStart + i, double(p.perSecond[i])));
    m_live->setTimeRange(m_liveStart, m_liveStart + std::max<qint64>(qint64(p.plannedS), 10));
    m_live->setSeries({s});
}

void BenchmarkDialog::onStep(const BenchResult &r)
{
    m_results.append(r);
    m_liveStart = 0;
    m_status->setText(tr("%1 events: %2").arg(r.revocationEvents).arg(r.oneLine()));
    redrawImpact();
}

void BenchmarkDialog::redrawImpact()
{
    QList<BenchHistory::Point> mine;
    for (const BenchResult &r : std::as_const(m_results))
        if (!r.failed())
            mine.append(toPoint(r));
    QList<ScatterSeries> rps, p99;
    if (!mine.isEmpty()) {
        rps.append(cloud(tr("this run"), mine, false));
        p99.append(cloud(tr("this run"), mine, true));
    }
    for (int i = 0; i < m_runs->count(); ++i) {
        const QListWidgetItem *item = m_runs->item(i);
        if (item->checkState() != Qt::Checked)
            continue;
        const qint64 id = item->data(Qt::UserRole).toLongLong();
        if (id == m_currentRunId && !mine.isEmpty())
            continue;
        for (const BenchHistory::Run &run : std::as_const(m_saved))
            if (run.runId == id) {
                rps.append(cloud(run.label(), run.points, false));
                p99.append(cloud(run.label(), run.points, true));
            }
    }
    m_rpsChart->setScatter(rps);
    m_p99Chart->setScatter(p99);
}

void BenchmarkDialog::onValidateFinished()
{
    const auto [r, storeError] = m_validateWatcher.result();
    m_engine.reset();
    m_currentRunId = r.startedAt.toSecsSinceEpoch();
    if (!r.failed() || r.sent > 0) {
        m_results.append(r);
        redrawImpact();
    }
    QString message = r.failed() && r.sent == 0 ? r.error : r.oneLine();
    if (!storeError.isEmpty())
        message += u'\n' + tr("The result was not stored: %1").arg(storeError);
    finishRun(message);
    if (r.sent > 0 && storeError.isEmpty()) {
        emit resultsStored();
        reloadRuns();
    }
}

void BenchmarkDialog::onImpactFinished(const ActionResult &r)
{
    if (m_action)
        m_currentRunId = m_action->runId();
    finishRun(tr("%1 — %2").arg(ActionResult::outcomeName(r.outcome), r.message));
    m_hasPreview = false; // a new run needs a new preview (the counts moved)
    m_confirm->clear();
    updateControls();
    if (!m_results.isEmpty()) {
        emit resultsStored();
        reloadRuns();
    }
}

void BenchmarkDialog::finishRun(const QString &message)
{
    m_running = false;
    m_progress->setRange(0, 1);
    m_progress->setValue(1);
    updateControls();
    m_status->setText(message);
    emit runFinished();
}

QString BenchmarkDialog::caption() const
{
    qint64 from = 0, to = 0;
    for (const BenchResult &r : m_results) {
        const qint64 a = r.startedAt.toSecsSinceEpoch(), b = r.finishedAt.toSecsSinceEpoch();
        from = from == 0 ? a : std::min(from, a);
        to = std::max(to, b);
    }
    if (from == 0)
        to = from = QDateTime::currentSecsSinceEpoch();
    return ChartExporter::caption({currentProfile().name}, from, to,
                                  QDateTime::currentDateTimeUtc());
}

void BenchmarkDialog::chooseExportFile(const QString &filter, const QString &suffix)
{
    const QString suggested =
        QStringLiteral("turnstile-benchmark-%1-%2.%3")
            .arg(currentProfile().name,
                 QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")), suffix);
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export benchmark charts"), suggested, filter);
    if (!path.isEmpty())
        exportTo(path);
}

void BenchmarkDialog::exportTo(const QString &path)
{
    if (m_exporting) {
        const QString error = tr("An export is still being written.");
        emit exportFinished(path, error);
        return;
    }
    m_exporting = true;
    // The one asynchronous chart export (ChartExporter::exportAsync).
    ChartExporter::exportAsync(this, path, charts(), caption(), [this, path](const QString &error) {
        m_exporting = false;
        m_status->setText(error.isEmpty() ? tr("Exported to %1.").arg(path) : error);
        emit exportFinished(path, error);
    });
}

void BenchmarkDialog::closeEvent(QCloseEvent *e)
{
    if (m_running) {
        m_status->setText(tr("A run is going: cancel it first."));
        e->ignore();
        return;
    }
    QDialog::closeEvent(e);
}

void BenchmarkDialog::reject()
{
    if (m_running) {
        m_status->setText(tr("A run is going: cancel it first."));
        return;
    }
    QDialog::reject();
}

} // namespace turnstile
