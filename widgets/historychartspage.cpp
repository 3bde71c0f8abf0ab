#include "historychartspage.h"
#include "history/viewrange.h"
#include "profileselection.h"

#include "chartexporter.h"
#include "chartpresenter.h"
#include "chartview.h"
#include "exportmenu.h"
#include "guarded/auditnotifier.h"
#include "util/timetext.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QShowEvent>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace turnstile {

namespace {
constexpr qint64 kHour = 3600;
constexpr qint64 kDay = 24 * kHour;
// Range chooser data of the Custom… entry; the presets hold their seconds.
constexpr qint64 kCustom = -1;

QString shortTime(qint64 secs)
{
    return QLocale().toString(QDateTime::fromSecsSinceEpoch(secs), QLocale::ShortFormat);
}
} // namespace

HistoryChartsPage::HistoryChartsPage(const QList<ChartSpec> &specs, QWidget *parent)
    : QWidget(parent), m_config(HistoryConfig::resolve()), m_specs(specs),
      m_profileChooser(new QComboBox(this)), m_rangeChooser(new QComboBox(this)),
      m_refresh(new QPushButton(QIcon(QStringLiteral(":/icons/refresh.svg")), tr("Reload"), this)),
      m_export(new QToolButton(this)), m_note(new QLabel(this)), m_source(new QLabel(this)),
      m_status(new QLabel(this)), m_grid(new QGridLayout), m_timer(new QTimer(this))
{
    m_rangeChooser->addItem(tr("Last hour"), kHour);
    m_rangeChooser->addItem(tr("Last 24 hours"), kDay);
    m_rangeChooser->addItem(tr("Last 7 days"), 7 * kDay);
    m_rangeChooser->addItem(tr("Last 30 days"), 30 * kDay);
    m_rangeChooser->addItem(tr("Last 90 days"), 90 * kDay);
    m_rangeChooser->addItem(tr("Custom…"), kCustom);
    m_rangeChooser->setCurrentIndex(1);
    m_profileChooser->setMinimumContentsLength(16);

    using F = ChartExporter::Format;
    auto *exportMenu = new ExportMenu(
        {F::Png, F::Svg, F::Pdf, F::Csv, F::Json},
        [this](const QString &filter, const QString &suffix) { chooseExportFile(filter, suffix); },
        m_export);
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

    m_charts = ChartPresenter::createCharts(m_specs, this);

    m_note->setWordWrap(true);
    m_note->setForegroundRole(QPalette::PlaceholderText);
    m_note->hide();
    m_status->setWordWrap(true);
    // A picture of the page (a slide, a ticket) says where its curves and
    // times come from: another engine than Turnstile's own history.
    m_source->setObjectName(QStringLiteral("historySource"));
    m_source->setWordWrap(true);
    m_source->setTextInteractionFlags(Qt::TextSelectableByMouse);
    updateSource();
    auto *outer = new QVBoxLayout(this);
    outer->addLayout(bar);
    outer->addWidget(m_source);
    outer->addWidget(m_note);
    outer->addWidget(m_status);
    outer->addLayout(m_grid, 1);

    connect(m_profileChooser, &QComboBox::currentIndexChanged, this, &HistoryChartsPage::reload);
    // activated, not currentIndexChanged: choosing Custom… again must ask
    // again, and setting the index from code must not open a dialog.
    connect(m_rangeChooser, &QComboBox::activated, this, &HistoryChartsPage::rangeChosen);
    for (ChartView *chart : std::as_const(m_charts)) {
        connect(chart, &ChartView::timeRangeRequested, this, &HistoryChartsPage::setCustomRange);
        connect(chart, &ChartView::timeRangeResetRequested, this, [this] {
            m_rangeChooser->setCurrentIndex(m_presetIndex);
            reload();
        });
    }
    connect(m_refresh, &QPushButton::clicked, this, &HistoryChartsPage::reload);
    m_timer->setInterval(60 * 1000);
    connect(m_timer, &QTimer::timeout, this, &HistoryChartsPage::reload);
    // The annotations (purges, rotations) come from the audit log: a record
    // this process appends (on a worker) shows without waiting for the timer.
    connect(AuditNotifier::instance(), &AuditNotifier::appended, this, &HistoryChartsPage::reload,
            Qt::QueuedConnection);
}

HistoryChartsPage::~HistoryChartsPage() = default;

QList<qint64> HistoryChartsPage::rangeChoices()
{
    return {kHour, kDay, 7 * kDay, 30 * kDay, 90 * kDay};
}

void HistoryChartsPage::setHistoryConfig(const HistoryConfig &config)
{
    m_config = config;
    updateSource();
    reload();
}

QString HistoryChartsPage::sourceText() const
{
    if (!m_config.prometheus)
        return {};
    const qint64 to = m_shownTo > 0 ? m_shownTo : QDateTime::currentSecsSinceEpoch();
    const qint64 from = m_shownTo > 0 ? m_shownFrom : to;
    const QString source = tr("History from Prometheus %1 · times in %2")
                               .arg(m_config.prometheus->url.toDisplayString(QUrl::RemoveUserInfo),
                                    timeZoneText(from, to));
    // A chart left empty says why, instead of reading as "nothing happened".
    QStringList missing;
    for (const ChartSpec &spec : m_specs)
        if (!std::all_of(spec.metrics.cbegin(), spec.metrics.cend(), prometheusServes))
            missing.append(spec.title);
    if (missing.isEmpty())
        return source;
    return tr("%1 · not exported to Prometheus, only in Turnstile's own history: %2")
        .arg(source, QLocale().createSeparatedList(missing));
}

void HistoryChartsPage::updateSource()
{
    m_source->setText(sourceText());
    m_source->setVisible(!m_source->text().isEmpty());
}

void HistoryChartsPage::setProfiles(const QStringList &names)
{
    const QStringList current = selectedProfiles();
    const bool all = profile().isEmpty() && m_profileChooser->count() > 0;
    {
        QSignalBlocker block(m_profileChooser);
        m_profileChooser->clear();
        for (const QString &name : names)
            m_profileChooser->addItem(name, name);
        // Regions side by side: every profile's curve in each chart.
        if (names.size() > 1) {
            m_profileChooser->insertSeparator(m_profileChooser->count());
            m_profileChooser->addItem(tr("All profiles, side by side"), QString());
        }
        // findData(QString()) would find the "All profiles" entry.
        const int idx = all && names.size() > 1 ? m_profileChooser->count() - 1
                        : current.isEmpty()     ? 0
                                                : m_profileChooser->findData(current.value(0));
        m_profileChooser->setCurrentIndex(idx >= 0 ? idx : 0);
    }
    if (selectedProfiles() != current)
        reload();
}

void HistoryChartsPage::setProfile(const QString &name)
{
    const int idx = m_profileChooser->findData(name);
    if (idx >= 0 && !name.isEmpty())
        m_profileChooser->setCurrentIndex(idx);
}

void HistoryChartsPage::showAllProfiles()
{
    if (m_profileChooser->count() > 2)
        m_profileChooser->setCurrentIndex(m_profileChooser->count() - 1);
}

QString HistoryChartsPage::profile() const
{
    return m_profileChooser->currentData().toString();
}

QStringList HistoryChartsPage::selectedProfiles() const
{
    if (m_profileChooser->currentIndex() < 0)
        return {};
    if (const QString one = profile(); !one.isEmpty())
        return {one};
    QStringList all;
    for (int i = 0; i < m_profileChooser->count(); ++i)
        if (const QString name = m_profileChooser->itemData(i).toString(); !name.isEmpty())
            all.append(name);
    return all;
}

void HistoryChartsPage::setRangeSeconds(qint64 seconds)
{
    const int idx = m_rangeChooser->findData(seconds);
    if (idx >= 0 && seconds > 0) {
        m_rangeChooser->setCurrentIndex(idx);
        m_presetIndex = idx;
        reload();
    }
}

qint64 HistoryChartsPage::rangeSeconds() const
{
    return customRange() ? m_customTo - m_customFrom : m_rangeChooser->currentData().toLongLong();
}

bool HistoryChartsPage::customRange() const
{
    return m_rangeChooser->currentData().toLongLong() == kCustom;
}

void HistoryChartsPage::setCustomRange(qint64 from, qint64 to)
{
    if (to <= from)
        return;
    m_customFrom = from;
    m_customTo = to;
    const int idx = m_rangeChooser->findData(kCustom);
    m_rangeChooser->setItemText(idx, tr("%1 – %2").arg(shortTime(from), shortTime(to)));
    m_rangeChooser->setCurrentIndex(idx);
    // Every time chart of the page shows the same span: move them all now,
    // on the data already loaded, and fill in what the new span needs.
    showRangeOnCharts(from, to);
    reload();
}

void HistoryChartsPage::showLast(qint64 seconds)
{
    if (seconds <= 0)
        return;
    if (rangeChoices().contains(seconds)) {
        setRangeSeconds(seconds);
        return;
    }
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    setCustomRange(now - seconds, now);
}

void HistoryChartsPage::showRangeOnCharts(qint64 from, qint64 to)
{
    for (ChartView *chart : std::as_const(m_charts))
        if (chart->kind() == ChartView::Kind::Time)
            chart->setTimeRange(from, to);
}

void HistoryChartsPage::rangeChosen(int index)
{
    if (m_rangeChooser->itemData(index).toLongLong() == kCustom) {
        askCustomRange();
        return;
    }
    m_presetIndex = index;
    reload();
}

void HistoryChartsPage::askCustomRange()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Custom range"));
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 to = customRange() && m_customTo > m_customFrom ? m_customTo : now;
    const qint64 from = customRange() && m_customTo > m_customFrom
                            ? m_customFrom
                            : now - m_rangeChooser->itemData(m_presetIndex).toLongLong();
    auto *fromEdit = new QDateTimeEdit(QDateTime::fromSecsSinceEpoch(from), &dialog);
    auto *toEdit = new QDateTimeEdit(QDateTime::fromSecsSinceEpoch(to), &dialog);
    for (QDateTimeEdit *e : {fromEdit, toEdit})
        e->setCalendarPopup(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("From:"), fromEdit);
    form->addRow(tr("To:"), toEdit);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() != QDialog::Accepted ||
        toEdit->dateTime().toSecsSinceEpoch() <= fromEdit->dateTime().toSecsSinceEpoch()) {
        // Cancelled, or an empty span: stay with what was shown.
        if (!customRange() || m_customTo <= m_customFrom)
            m_rangeChooser->setCurrentIndex(m_presetIndex);
        return;
    }
    setCustomRange(fromEdit->dateTime().toSecsSinceEpoch(), toEdit->dateTime().toSecsSinceEpoch());
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
    return ChartExporter::caption(m_shownProfiles, m_shownFrom, m_shownTo,
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
    m_load.cancel();
    if (!isVisible())
        return; // showEvent loads
    const QStringList names = selectedProfiles();
    if (names.isEmpty()) {
        m_status->setText(noProfileText());
        return;
    }
    const bool custom = customRange() && m_customTo > m_customFrom;
    const qint64 to = custom ? m_customTo : rangeEndNow();
    const qint64 from = custom ? m_customFrom : to - rangeSeconds();
    QList<int> budgets;
    for (const ChartView *c : std::as_const(m_charts))
        budgets.append(c->pixelBudget());
    m_status->setText(tr("Loading the history of %1…").arg(names.join(QStringLiteral(", "))));
    const HistoryConfig config = m_config;
    const QList<ChartSpec> specs = m_specs;
    const QHash<QString, QJsonObject> thresholds = m_thresholds;
    // A load that a newer profile or range overtook is dropped.
    m_load.start(
        [config, names, from, to, budgets, specs, thresholds] {
            return ChartData::load(config, names, from, to, specs, budgets, thresholds);
        },
        [this](const ChartData &r) { apply(r); });
}

void HistoryChartsPage::apply(const ChartData &r)
{
    m_shownProfiles = r.profiles;
    m_shownFrom = r.from;
    m_shownTo = r.to;
    updateSource();
    ChartPresenter::show(r, m_specs, m_charts);
    if (!r.error.isEmpty())
        m_status->setText(r.error);
    else if (r.bucketCount() == 0)
        m_status->setText(tr("No samples of %1 in this range yet.").arg(shownProfilesText()));
    else
        m_status->setText(tr("%1 · %n annotation(s)", nullptr, int(r.annotations.size()))
                              .arg(shownProfilesText()));
    emit loaded();
}

QString HistoryChartsPage::shownProfilesText() const
{
    return m_shownProfiles.join(QStringLiteral(", "));
}

void HistoryChartsPage::chooseExportFile(const QString &filter, const QString &suffix)
{
    const QString suggested =
        QStringLiteral("turnstile-%1-%2-%3.%4")
            .arg(exportStem(),
                 m_shownProfiles.size() == 1 ? m_shownProfiles.first() : QStringLiteral("all"),
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
    m_status->setText(tr("Copied the charts of %1 to the clipboard.").arg(shownProfilesText()));
}

void HistoryChartsPage::exportTo(const QString &path)
{
    // The one asynchronous chart export (ChartExporter::exportAsync).
    ChartExporter::exportAsync(this, path, m_charts, caption(), [this, path](const QString &err) {
        m_status->setText(err.isEmpty() ? tr("Exported to %1.").arg(QDir::toNativeSeparators(path))
                                        : err);
        emit exportFinished(path, err);
    });
}

void HistoryChartsPage::setThresholdOverrides(const QHash<QString, QJsonObject> &overrides)
{
    if (overrides == m_thresholds)
        return;
    m_thresholds = overrides;
    reload();
}

void HistoryChartsPage::selectionChanged(const ProfileSelection &selection)
{
    QHash<QString, QJsonObject> overrides;
    for (const Profile &p : selection.all)
        overrides.insert(p.name, p.thresholds);
    // The threshold lines follow an edited profile's levels.
    const bool changed = overrides != m_thresholds;
    m_thresholds = overrides;
    if (changed)
        reload();
    setProfiles(selection.allNames());
    // One profile, or every region side by side.
    if (selection.isAll())
        showAllProfiles();
    else
        setProfile(selection.name);
}

} // namespace turnstile
