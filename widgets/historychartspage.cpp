#include "historychartspage.h"

#include "chartexporter.h"
#include "chartview.h"
#include "historyloader.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
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

HistoryChartsPage::HistoryChartsPage(const QList<ChartSpec> &specs, QWidget *parent)
    : QWidget(parent), m_config(HistoryLoader::windowConfig()), m_specs(specs),
      m_profileChooser(new QComboBox(this)), m_rangeChooser(new QComboBox(this)),
      m_refresh(new QPushButton(QIcon(QStringLiteral(":/icons/refresh.svg")), tr("Reload"), this)),
      m_export(new QToolButton(this)), m_note(new QLabel(this)), m_status(new QLabel(this)),
      m_grid(new QGridLayout), m_timer(new QTimer(this))
{
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
    exportMenu->addSeparator();
    exportMenu->addAction(tr("Copy image"), this, &HistoryChartsPage::copyImage);
    m_export->setText(tr("Export"));
    m_export->setToolTip(tr("Export or copy the charts (Ctrl+Shift+E)"));
    m_export->setMenu(exportMenu);
    // Ctrl+E already edits the profile (main window); Ctrl+Shift+E opens
    // this menu while the page is the one shown.
    auto *openExport = new QAction(this);
    openExport->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    openExport->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(openExport, &QAction::triggered, m_export, &QToolButton::showMenu);
    addAction(openExport);
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

    m_charts = HistoryLoader::createCharts(m_specs, this);

    m_note->setWordWrap(true);
    m_note->setForegroundRole(QPalette::PlaceholderText);
    m_note->hide();
    m_status->setWordWrap(true);
    auto *outer = new QVBoxLayout(this);
    outer->addLayout(bar);
    outer->addWidget(m_note);
    outer->addWidget(m_status);
    outer->addLayout(m_grid, 1);

    connect(m_profileChooser, &QComboBox::currentIndexChanged, this, &HistoryChartsPage::reload);
    connect(m_rangeChooser, &QComboBox::currentIndexChanged, this, &HistoryChartsPage::reload);
    connect(m_refresh, &QPushButton::clicked, this, &HistoryChartsPage::reload);
    m_timer->setInterval(60 * 1000);
    connect(m_timer, &QTimer::timeout, this, &HistoryChartsPage::reload);
}

HistoryChartsPage::~HistoryChartsPage() = default;

QList<qint64> HistoryChartsPage::rangeChoices()
{
    return {kHour, kDay, 7 * kDay, 30 * kDay, 90 * kDay};
}

void HistoryChartsPage::setHistoryConfig(const HistoryConfig &config)
{
    m_config = config;
    reload();
}

void HistoryChartsPage::setProfiles(const QStringList &names)
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

void HistoryChartsPage::setProfile(const QString &name)
{
    const int idx = m_profileChooser->findText(name);
    if (idx >= 0)
        m_profileChooser->setCurrentIndex(idx);
}

QString HistoryChartsPage::profile() const
{
    return m_profileChooser->currentText();
}

void HistoryChartsPage::setRangeSeconds(qint64 seconds)
{
    const int idx = m_rangeChooser->findData(seconds);
    if (idx >= 0)
        m_rangeChooser->setCurrentIndex(idx);
}

qint64 HistoryChartsPage::rangeSeconds() const
{
    return m_rangeChooser->currentData().toLongLong();
}

void HistoryChartsPage::setNote(const QString &note)
{
    m_note->setText(note);
    m_note->setVisible(!note.isEmpty());
}

QString HistoryChartsPage::statusText() const
{
    return m_status->text();
}

QString HistoryChartsPage::caption() const
{
    return ChartExporter::caption({m_shownProfile}, m_shownFrom, m_shownTo,
                                  QDateTime::currentDateTime());
}

void HistoryChartsPage::showEvent(QShowEvent *e)
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

void HistoryChartsPage::hideEvent(QHideEvent *e)
{
    QWidget::hideEvent(e);
    m_timer->stop();
}

void HistoryChartsPage::reload()
{
    // Every request makes the ones in flight stale, also one that is not
    // started because the page is hidden.
    const quint64 generation = ++m_generation;
    if (!isVisible())
        return; // showEvent loads
    const QString name = profile();
    if (name.isEmpty()) {
        m_status->setText(noProfileText());
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

void HistoryChartsPage::apply(const HistoryLoad &r)
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

void HistoryChartsPage::chooseExportFile(const QString &filter, const QString &suffix)
{
    const QString suggested =
        QStringLiteral("turnstile-%1-%2-%3.%4")
            .arg(exportStem(), m_shownProfile,
                 QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")), suffix);
    const QString path = QFileDialog::getSaveFileName(this, exportTitle(), suggested, filter);
    if (!path.isEmpty())
        exportTo(path);
}

void HistoryChartsPage::copyImage()
{
    // The same painter path as a PNG export, so a pasted picture carries the
    // caption too; the clipboard takes a QImage, no file is written.
    QGuiApplication::clipboard()->setImage(ChartExporter::image(m_charts, caption()));
    m_status->setText(tr("Copied the charts of %1 to the clipboard.").arg(m_shownProfile));
}

void HistoryChartsPage::exportTo(const QString &path)
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
