#include "growthpage.h"

#include "chartexporter.h"
#include "chartview.h"
#include "historyloader.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSettings>
#include <QShowEvent>
#include <QtConcurrent/QtConcurrentRun>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace turnstile {

namespace {
constexpr qint64 kHour = 3600;
constexpr qint64 kDay = 24 * kHour;
} // namespace

GrowthPage::GrowthPage(QWidget *parent)
    : QWidget(parent), m_profileChooser(new QComboBox(this)), m_rangeChooser(new QComboBox(this)),
      m_refresh(new QPushButton(QIcon(QStringLiteral(":/icons/refresh.svg")), tr("Reload"), this)),
      m_export(new QToolButton(this)), m_status(new QLabel(this)), m_timer(new QTimer(this))
{
    {
        QSettings settings;
        m_config = HistoryConfig::fromSettings(settings);
    }
    // The environment wins over the settings, as it does for turnstilectl:
    // it is how a test or a second checkout points at its own file.
    if (qEnvironmentVariableIsSet("TURNSTILE_HISTORY")) {
        m_config.backend = HistoryConfig::Backend::Sqlite;
        m_config.sqlitePath = HistoryConfig::defaultSqlitePath();
    }

    m_rangeChooser->addItem(tr("Last hour"), kHour);
    m_rangeChooser->addItem(tr("Last 24 hours"), kDay);
    m_rangeChooser->addItem(tr("Last 7 days"), 7 * kDay);
    m_rangeChooser->addItem(tr("Last 30 days"), 30 * kDay);
    m_rangeChooser->addItem(tr("Last 90 days"), 90 * kDay);
    m_rangeChooser->setCurrentIndex(1);
    m_profileChooser->setMinimumContentsLength(16);

    auto *exportMenu = new QMenu(m_export);
    exportMenu->addAction(tr("PNG image…"), this, [this] {
        chooseExportFile(tr("PNG image (*.png)"), QStringLiteral("png"));
    });
    exportMenu->addAction(tr("SVG drawing…"), this, [this] {
        chooseExportFile(tr("SVG drawing (*.svg)"), QStringLiteral("svg"));
    });
    exportMenu->addAction(tr("PDF document…"), this, [this] {
        chooseExportFile(tr("PDF document (*.pdf)"), QStringLiteral("pdf"));
    });
    exportMenu->addAction(tr("CSV data…"), this, [this] {
        chooseExportFile(tr("CSV data (*.csv)"), QStringLiteral("csv"));
    });
    m_export->setText(tr("Export"));
    m_export->setMenu(exportMenu);
    m_export->setPopupMode(QToolButton::InstantPopup);
    m_export->setToolButtonStyle(Qt::ToolButtonTextOnly);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Profile:"), this));
    bar->addWidget(m_profileChooser);
    bar->addSpacing(12);
    bar->addWidget(new QLabel(tr("Range:"), this));
    bar->addWidget(m_rangeChooser);
    bar->addWidget(m_refresh);
    bar->addStretch(1);
    bar->addWidget(m_export);

    m_specs = chartSpecs();
    m_charts = HistoryLoader::createCharts(m_specs, this);
    auto *grid = new QGridLayout;
    for (qsizetype i = 0; i < m_charts.size(); ++i) {
        // The token chart is the one that matters most: full width on top.
        if (i == 0)
            grid->addWidget(m_charts[i], 0, 0, 1, 2);
        else
            grid->addWidget(m_charts[i], 1, int(i - 1));
    }
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 2);

    m_status->setWordWrap(true);
    auto *outer = new QVBoxLayout(this);
    outer->addLayout(bar);
    outer->addWidget(m_status);
    outer->addLayout(grid, 1);

    connect(m_profileChooser, &QComboBox::currentIndexChanged, this, &GrowthPage::reload);
    connect(m_rangeChooser, &QComboBox::currentIndexChanged, this, &GrowthPage::reload);
    connect(m_refresh, &QPushButton::clicked, this, &GrowthPage::reload);
    m_timer->setInterval(60 * 1000);
    connect(m_timer, &QTimer::timeout, this, &GrowthPage::reload);
}

GrowthPage::~GrowthPage() = default;

QList<qint64> GrowthPage::rangeChoices()
{
    return {kHour, kDay, 7 * kDay, 30 * kDay, 90 * kDay};
}

QList<ChartSpec> GrowthPage::chartSpecs()
{
    return {
        ChartSpec::time(tr("Token rows"),
                        {QStringLiteral("token.live"), QStringLiteral("token.expired")}),
        ChartSpec::time(tr("Revocation events"), {QStringLiteral("revocation_event.rows")}),
        ChartSpec::time(tr("Trusts"), {QStringLiteral("table.trust.rows")}),
    };
}

void GrowthPage::setHistoryConfig(const HistoryConfig &config)
{
    m_config = config;
    reload();
}

void GrowthPage::setProfiles(const QStringList &names)
{
    const QString current = profile();
    {
        QSignalBlocker block(m_profileChooser);
        m_profileChooser->clear();
        m_profileChooser->addItems(names);
        const int idx = m_profileChooser->findText(current);
        m_profileChooser->setCurrentIndex(idx >= 0 ? idx : 0);
    }
    if (profile() != current)
        reload();
}

void GrowthPage::setProfile(const QString &name)
{
    const int idx = m_profileChooser->findText(name);
    if (idx >= 0)
        m_profileChooser->setCurrentIndex(idx);
}

QString GrowthPage::profile() const
{
    return m_profileChooser->currentText();
}

void GrowthPage::setRangeSeconds(qint64 seconds)
{
    const int idx = m_rangeChooser->findData(seconds);
    if (idx >= 0)
        m_rangeChooser->setCurrentIndex(idx);
}

qint64 GrowthPage::rangeSeconds() const
{
    return m_rangeChooser->currentData().toLongLong();
}

QString GrowthPage::statusText() const
{
    return m_status->text();
}

QString GrowthPage::caption() const
{
    return ChartExporter::caption({m_shownProfile}, m_shownFrom, m_shownTo,
                                  QDateTime::currentDateTime());
}

void GrowthPage::showEvent(QShowEvent *e)
{
    QWidget::showEvent(e);
    // A top-level window gets a second, spontaneous show event when the
    // window system maps it; one load per show is enough.
    if (e->spontaneous())
        return;
    // What was loaded before the page was hidden is old now.
    reload();
    m_timer->start();
}

void GrowthPage::hideEvent(QHideEvent *e)
{
    QWidget::hideEvent(e);
    m_timer->stop();
}

void GrowthPage::reload()
{
    // Every request makes the ones in flight stale, also one that is not
    // started because the page is hidden.
    const quint64 generation = ++m_generation;
    if (!isVisible())
        return; // showEvent loads
    const QString name = profile();
    if (name.isEmpty()) {
        m_status->setText(tr("No profile yet: add one to see how its tables grow."));
        return;
    }
    const qint64 to = QDateTime::currentSecsSinceEpoch();
    const qint64 from = to - rangeSeconds();
    QList<int> budgets;
    for (const ChartView *c : std::as_const(m_charts))
        budgets.append(c->pixelBudget());
    m_status->setText(tr("Loading the history of %1…").arg(name));
    const HistoryConfig config = m_config;
    const QList<ChartSpec> specs = m_specs;
    QtConcurrent::run([config, name, from, to, budgets, specs, generation] {
        HistoryLoad r = HistoryLoader::load(config, {name}, from, to, specs, budgets);
        r.generation = generation;
        return r;
    }).then(this, [this](const HistoryLoad &r) {
        if (r.generation != m_generation)
            return; // a newer profile or range was chosen meanwhile
        apply(r);
    });
}

void GrowthPage::apply(const HistoryLoad &r)
{
    m_shownProfile = r.profiles.value(0);
    m_shownFrom = r.from;
    m_shownTo = r.to;
    HistoryLoader::show(r, m_specs, m_charts);
    if (!r.error.isEmpty())
        m_status->setText(r.error);
    else if (r.bucketCount() == 0)
        m_status->setText(tr("No samples of %1 in this range yet.").arg(m_shownProfile));
    else
        m_status->setText(
            tr("%1 · %n annotation(s)", nullptr, int(r.annotations.size())).arg(m_shownProfile));
    emit loaded();
}

void GrowthPage::chooseExportFile(const QString &filter, const QString &suffix)
{
    const QString suggested =
        QStringLiteral("turnstile-growth-%1-%2.%3")
            .arg(m_shownProfile,
                 QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")), suffix);
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export growth charts"), suggested, filter);
    if (!path.isEmpty())
        exportTo(path);
}

void GrowthPage::exportTo(const QString &path)
{
    const std::optional<ChartExporter::Format> format = ChartExporter::formatOf(path);
    if (!format) {
        const QString error = ChartExporter::unsupportedFormat(path);
        m_status->setText(error);
        emit exportFinished(path, error);
        return;
    }
    // Painting needs this thread; the file is written on a worker.
    QString error;
    const QByteArray bytes = ChartExporter::encode(*format, m_charts, caption(),
                                                   ChartExporter::kDefaultChartSize, &error);
    if (!error.isEmpty()) {
        m_status->setText(error);
        emit exportFinished(path, error);
        return;
    }
    QtConcurrent::run([path, bytes] {
        return ChartExporter::write(path, bytes);
    }).then(this, [this, path](const QString &err) {
        m_status->setText(err.isEmpty() ? tr("Exported to %1.").arg(QDir::toNativeSeparators(path))
                                        : err);
        emit exportFinished(path, err);
    });
}

} // namespace turnstile
