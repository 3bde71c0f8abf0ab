#include "eventspage.h"

#include "charts/chartview.h"
#include "eventfeedmodel.h"
#include "events/eventexport.h"
#include "events/failurechart.h"
#include "events/notificationcheck.h"
#include "exportmenu.h"
#include "history/historystore.h"
#include "profiles/keystoneconf.h"
#include "profileselection.h"
#include "util/atomicfile.h"
#include "util/iopool.h"
#include "util/whenfinished.h"

#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QtConcurrent/QtConcurrentRun>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace turnstile {

namespace {
constexpr qint64 kMinute = 60;
constexpr qint64 kHour = 3600;
constexpr qint64 kDay = 86400;
} // namespace

EventsPage::EventsPage(QWidget *parent)
    : QWidget(parent), m_history(HistoryConfig::resolve()), m_model(new EventFeedModel(this)),
      m_profileChooser(new QComboBox(this)), m_rangeChooser(new QComboBox(this)),
      m_action(new QComboBox(this)), m_outcome(new QComboBox(this)), m_user(new QLineEdit(this)),
      m_project(new QLineEdit(this)), m_export(new QToolButton(this)),
      m_configCheck(new QLabel(this)), m_status(new QLabel(this)), m_consumer(new QLabel(this)),
      m_chart(new ChartView(this)), m_view(new QTableView(this)), m_chartTimer(new QTimer(this))
{
    m_profileChooser->setMinimumContentsLength(16);
    m_rangeChooser->addItem(tr("Last 15 minutes"), 15 * kMinute);
    m_rangeChooser->addItem(tr("Last hour"), kHour);
    m_rangeChooser->addItem(tr("Last 6 hours"), 6 * kHour);
    m_rangeChooser->addItem(tr("Last 24 hours"), kDay);
    m_rangeChooser->addItem(tr("Last 7 days"), 7 * kDay);
    m_rangeChooser->setCurrentIndex(1);
    m_action->addItem(tr("All actions"), QString());
    m_outcome->addItem(tr("All outcomes"), QString());
    m_outcome->addItem(tr("Success"), QStringLiteral("success"));
    m_outcome->addItem(tr("Failure"), QStringLiteral("failure"));
    m_user->setPlaceholderText(tr("User name or id"));
    m_user->setClearButtonEnabled(true);
    m_project->setPlaceholderText(tr("Project name or id"));
    m_project->setClearButtonEnabled(true);

    using F = ChartExporter::Format;
    auto *exportMenu = new ExportMenu(
        {F::Csv, F::Json},
        [this](const QString &filter, const QString &suffix) { chooseExportFile(filter, suffix); },
        m_export);
    m_export->setText(tr("Export"));
    m_export->setToolTip(tr("Write the events shown, as CSV or JSON"));
    m_export->setMenu(exportMenu);
    m_export->setPopupMode(QToolButton::InstantPopup);
    m_export->setToolButtonStyle(Qt::ToolButtonTextOnly);

    // The keystone.conf line that hides events: warning colours, always
    // readable, selectable for a ticket.
    m_configCheck->setObjectName(QStringLiteral("configCheck"));
    m_configCheck->setWordWrap(true);
    m_configCheck->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_configCheck->setStyleSheet(QStringLiteral("QLabel { background: #fff3e0; color: #5d4037; "
                                                "border: 1px solid #ef8f00; padding: 6px; }"));
    m_configCheck->hide();
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_consumer->setObjectName(QStringLiteral("consumer"));
    m_consumer->setForegroundRole(QPalette::PlaceholderText);
    m_consumer->setWordWrap(true);
    m_consumer->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_chart->setTitle(tr("Failed logins per minute, by user"));
    m_chart->setValueUnit(ChartSpec::Unit::Count);
    m_chart->setMinimumHeight(180);

    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    // Fixed row heights and column widths: a feed of thousands of rows must
    // not be measured row by row while events arrive.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_view->horizontalHeader()->setStretchLastSection(true);
    const int em = m_view->fontMetrics().horizontalAdvance(u'M');
    m_view->setColumnWidth(EventFeedModel::TimeColumn, 16 * em);
    m_view->setColumnWidth(EventFeedModel::ActionColumn, 9 * em);
    m_view->setColumnWidth(EventFeedModel::OutcomeColumn, 6 * em);
    m_view->setColumnWidth(EventFeedModel::UserColumn, 12 * em);
    m_view->setColumnWidth(EventFeedModel::TargetColumn, 16 * em);
    m_view->setColumnWidth(EventFeedModel::AddressColumn, 7 * em);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Profile:"), this));
    bar->addWidget(m_profileChooser);
    bar->addSpacing(12);
    bar->addWidget(new QLabel(tr("Range:"), this));
    bar->addWidget(m_rangeChooser);
    bar->addStretch(1);
    bar->addWidget(m_export);
    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Action:"), this));
    filters->addWidget(m_action);
    filters->addWidget(new QLabel(tr("Outcome:"), this));
    filters->addWidget(m_outcome);
    filters->addWidget(new QLabel(tr("User:"), this));
    filters->addWidget(m_user, 1);
    filters->addWidget(new QLabel(tr("Project:"), this));
    filters->addWidget(m_project, 1);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_chart);
    split->addWidget(m_view);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(m_configCheck);
    layout->addLayout(filters);
    layout->addWidget(split, 1);
    layout->addWidget(m_status);
    layout->addWidget(m_consumer);

    m_chartTimer->setSingleShot(true);
    m_chartTimer->setInterval(1000);
    connect(m_chartTimer, &QTimer::timeout, this, &EventsPage::updateChart);
    connect(m_profileChooser, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setEvents({});
        m_failures.clear();
        m_consumer->setText(m_consumerLines.value(profile()));
        reload();
    });
    connect(m_rangeChooser, &QComboBox::currentIndexChanged, this, &EventsPage::reload);
    connect(m_action, &QComboBox::currentIndexChanged, this, &EventsPage::applyFilter);
    connect(m_outcome, &QComboBox::currentIndexChanged, this, &EventsPage::applyFilter);
    connect(m_user, &QLineEdit::textChanged, this, &EventsPage::applyFilter);
    connect(m_project, &QLineEdit::textChanged, this, &EventsPage::applyFilter);
    updateStatus();
}

EventsPage::~EventsPage() = default;

void EventsPage::selectionChanged(const ProfileSelection &selection)
{
    setProfiles(selection.all);
    if (!selection.isAll())
        setProfile(selection.name);
}

void EventsPage::setHistoryConfig(const HistoryConfig &config)
{
    if (config == m_history)
        return;
    m_history = config;
    reload();
}

void EventsPage::setProfiles(const QList<Profile> &profiles)
{
    const QString current = profile();
    const bool sameConf = [&] {
        for (const Profile &p : profiles)
            for (const Profile &o : std::as_const(m_profiles))
                if (p.name == current && o.name == current)
                    return p.keystoneConfPath == o.keystoneConfPath;
        return false;
    }();
    m_profiles = profiles;
    {
        QSignalBlocker block(m_profileChooser);
        m_profileChooser->clear();
        for (const Profile &p : profiles)
            m_profileChooser->addItem(p.name);
        const int idx = m_profileChooser->findText(current);
        m_profileChooser->setCurrentIndex(idx >= 0 ? idx : 0);
    }
    if (profile() != current) {
        m_model->setEvents({});
        m_failures.clear();
        m_consumer->setText(m_consumerLines.value(profile()));
        reload();
    } else if (!sameConf) {
        reload(); // an edited keystone.conf path: the check again
    }
}

void EventsPage::setProfile(const QString &name)
{
    const int idx = m_profileChooser->findText(name);
    if (idx >= 0)
        m_profileChooser->setCurrentIndex(idx);
}

QString EventsPage::profile() const
{
    return m_profileChooser->currentText();
}

void EventsPage::setRange(qint64 seconds)
{
    const int idx = m_rangeChooser->findData(seconds);
    if (idx >= 0)
        m_rangeChooser->setCurrentIndex(idx);
}

qint64 EventsPage::range() const
{
    return m_rangeChooser->currentData().toLongLong();
}

EventFilter EventsPage::filter() const
{
    EventFilter f;
    f.action = m_action->currentData().toString();
    f.outcome = m_outcome->currentData().toString();
    f.user = m_user->text().trimmed();
    f.project = m_project->text().trimmed();
    f.fromMs = m_loadedFromMs;
    return f;
}

void EventsPage::setFilterText(const QString &action, const QString &outcome, const QString &user,
                               const QString &project)
{
    if (!action.isEmpty() && m_action->findData(action) < 0)
        m_action->addItem(action, action);
    m_action->setCurrentIndex(std::max(0, m_action->findData(action)));
    m_outcome->setCurrentIndex(std::max(0, m_outcome->findData(outcome)));
    m_user->setText(user);
    m_project->setText(project);
}

void EventsPage::setConsumerLine(const QString &profileName, const QString &line)
{
    m_consumerLines.insert(profileName, line);
    if (profileName == profile())
        m_consumer->setText(line);
}

QString EventsPage::statusText() const
{
    return m_status->text();
}

void EventsPage::showEvent(QShowEvent *e)
{
    QWidget::showEvent(e);
    if (m_loadedProfile != profile() || !m_error.isEmpty())
        reload();
}

void EventsPage::reload()
{
    const auto ticket = m_load.next();
    Q_UNUSED(ticket)
    if (!isVisible())
        return; // showEvent loads
    const QString name = profile();
    if (name.isEmpty()) {
        m_status->setText(tr("No profile yet: add one with a RabbitMQ to see its events."));
        return;
    }
    Profile p;
    for (const Profile &candidate : std::as_const(m_profiles))
        if (candidate.name == name)
            p = candidate;
    const qint64 fromMs = (QDateTime::currentSecsSinceEpoch() - range()) * 1000;
    m_status->setText(tr("Reading the events of %1…").arg(name));
    m_load.start(
        [p, fromMs, history = m_history] {
            EventsPageData d;
            d.profile = p.name;
            d.fromMs = fromMs;
            if (!p.keystoneConfPath.isEmpty()) {
                QString confError;
                const KeystoneConf conf = KeystoneConf::load(p.keystoneConfPath, &confError);
                if (confError.isEmpty())
                    d.configProblems = checkNotificationConfig(conf);
            }
            HistoryStore store;
            if (!store.open(history)) {
                d.error = store.error();
                return d;
            }
            EventQuery q;
            q.profile = p.name;
            q.fromMs = fromMs;
            q.limit = 20000;
            if (const auto events = store.events(q))
                d.events = *events;
            else
                d.error = store.error();
            if (const auto failures = store.authFailures(p.name, fromMs / 1000,
                                                         QDateTime::currentSecsSinceEpoch() + 60))
                d.failures = *failures;
            return d;
        },
        [this](const EventsPageData &d) { present(d); });
}

void EventsPage::present(const EventsPageData &d)
{
    m_loadedProfile = d.profile;
    m_loadedFromMs = d.fromMs;
    m_error = d.error;
    m_configCheck->setText(d.configProblems.join(u'\n'));
    m_configCheck->setVisible(!d.configProblems.isEmpty());
    m_failures = d.failures;
    // The filter's time follows the range the store was read for.
    {
        const QSignalBlocker block(m_model);
        m_model->setFilter(filter());
    }
    m_model->setEvents(d.events);
    updateActions();
    updateChart();
    updateStatus();
    emit loaded();
}

void EventsPage::appendEvents(const QString &profileName, const QList<KeystoneEvent> &events)
{
    if (profileName != profile() || m_loadedProfile != profileName)
        return;
    m_model->appendEvents(events);
    bool failures = false;
    for (const KeystoneEvent &e : events) {
        if (!e.isAuthFailure())
            continue;
        // The store counts the same way (history_auth_failures): the user's
        // name as the event gives it, per minute.
        const qint64 minute = e.eventTimeMs / 1000 / 60 * 60;
        const QString user = e.authUser();
        auto it =
            std::find_if(m_failures.begin(), m_failures.end(), [&](const AuthFailureCount &c) {
                return c.minute == minute && c.user == user;
            });
        if (it != m_failures.end())
            ++it->count;
        else
            m_failures.append({user, minute, 1});
        failures = true;
    }
    if (failures && !m_chartTimer->isActive())
        m_chartTimer->start();
    if (m_action->count() - 1 != m_model->actions().size())
        updateActions();
    updateStatus();
}

void EventsPage::applyFilter()
{
    m_model->setFilter(filter());
    updateStatus();
}

void EventsPage::updateActions()
{
    const QString current = m_action->currentData().toString();
    const QSignalBlocker block(m_action);
    m_action->clear();
    m_action->addItem(tr("All actions"), QString());
    QStringList actions = m_model->actions();
    if (!current.isEmpty() && !actions.contains(current))
        actions.append(current);
    for (const QString &a : std::as_const(actions))
        m_action->addItem(a, a);
    m_action->setCurrentIndex(std::max(0, m_action->findData(current)));
}

void EventsPage::updateChart()
{
    const qint64 to = QDateTime::currentSecsSinceEpoch();
    const qint64 from = m_loadedFromMs / 1000;
    m_chart->setTimeRange(from, to);
    m_chart->setSeries(authFailureSeries(m_failures, m_loadedProfile, from, to, kTopUsers,
                                         std::max(60, m_chart->pixelBudget())));
}

void EventsPage::updateStatus()
{
    if (!m_error.isEmpty()) {
        m_status->setText(m_error);
        return;
    }
    if (m_loadedProfile.isEmpty())
        return;
    const QLocale loc;
    m_status->setText(tr("%1 of %2 events of %3 shown.")
                          .arg(loc.toString(m_model->rowCount()),
                               loc.toString(m_model->heldCount()), m_loadedProfile));
}

void EventsPage::chooseExportFile(const QString &filter, const QString &suffix)
{
    const QString suggested =
        QStringLiteral("turnstile-events-%1-%2.%3")
            .arg(profile(), QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmm")),
                 suffix);
    const QString path = QFileDialog::getSaveFileName(this, tr("Export events"), suggested, filter);
    if (!path.isEmpty())
        exportTo(path);
}

void EventsPage::exportTo(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    const QList<KeystoneEvent> rows = m_model->shownOldestFirst();
    QByteArray bytes;
    if (suffix == u"csv")
        bytes = eventsCsv(rows);
    else if (suffix == u"json")
        bytes = eventsJson(m_loadedProfile, rows);
    else {
        const QString error = tr("%1: only .csv and .json can be written.").arg(path);
        m_status->setText(error);
        emit exportFinished(path, error);
        return;
    }
    // Every export reports, so not LatestJob; the one atomic file writer.
    whenFinished(
        this,
        QtConcurrent::run(ioPool(), [path, bytes] { return writeFileAtomically(path, bytes); }),
        [this, path](const QString &error) {
            m_status->setText(error.isEmpty()
                                  ? tr("Exported to %1.").arg(QDir::toNativeSeparators(path))
                                  : error);
            emit exportFinished(path, error);
        });
}

} // namespace turnstile
