#pragma once

#include "events/eventfilter.h"
#include "events/eventquery.h"
#include "events/keystoneevent.h"
#include "history/historyconfig.h"
#include "profilepage.h"
#include "profiles/profile.h"
#include "util/latestjob.h"

#include <QList>
#include <QStringList>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTimer;
class QToolButton;

namespace turnstile {

class ChartView;
class EventFeedModel;

// What one load of the Events page read on a worker.
struct EventsPageData
{
    QString profile;
    qint64 fromMs = 0;
    QList<KeystoneEvent> events; // oldest first
    QList<AuthFailureCount> failures;
    QStringList configProblems; // checkNotificationConfig over the profile's keystone.conf
    QString error;
};

// The Events page: Keystone's audit events of one profile (CADF, consumed
// by the window's EventMonitor into the history store) as a live feed with
// filters (action, outcome, user, project, time range), a chart of failed
// logins per minute split by user (the top five, the rest as "other
// users") and CSV/JSON export of the shown rows. Names are the ones
// resolved when the event arrived, so a deleted user still reads
// "user svc-backup (id …) deleted by admin from 10.0.0.5". When the
// profile's keystone.conf hides the events Turnstile needs, the page says
// which line to change (checkNotificationConfig).
//
// The store and keystone.conf are read on a worker (LatestJob: a newer
// profile or range drops the older load); new events arrive from the
// monitor as values and are inserted at the top, one insert per batch; the
// chart follows them at most once a second.
class EventsPage : public QWidget, public ProfilePage
{
    Q_OBJECT
public:
    static constexpr int kTopUsers = 5;

    explicit EventsPage(QWidget *parent = nullptr);
    ~EventsPage() override;

    void selectionChanged(const ProfileSelection &selection) override;
    void setHistoryConfig(const HistoryConfig &config);
    void setProfiles(const QList<Profile> &profiles);
    void setProfile(const QString &name);
    QString profile() const;
    // How far back the feed and the chart reach, in seconds.
    void setRange(qint64 seconds);
    qint64 range() const;
    // The filter fields as the widgets hold them (time from the range).
    EventFilter filter() const;
    void setFilterText(const QString &action, const QString &outcome, const QString &user,
                       const QString &project);
    // The consumer's status line of the shown profile (EventMonitor).
    void setConsumerLine(const QString &profile, const QString &line);

    EventFeedModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    ChartView *chart() const { return m_chart; }
    QLabel *configCheck() const { return m_configCheck; }
    QComboBox *actionChooser() const { return m_action; }
    QComboBox *outcomeChooser() const { return m_outcome; }
    QLineEdit *userFilter() const { return m_user; }
    QLineEdit *projectFilter() const { return m_project; }
    QString statusText() const;
    bool isLoading() const { return m_load.isRunning(); }

public slots:
    void reload();
    // New events of a profile (the monitor's batches); others than the
    // shown profile are ignored.
    void appendEvents(const QString &profile, const QList<turnstile::KeystoneEvent> &events);
    // Writes the shown rows, oldest first, as CSV or JSON by the suffix.
    void exportTo(const QString &path);

signals:
    void loaded();
    void exportFinished(const QString &path, const QString &error);

protected:
    void showEvent(QShowEvent *e) override;

private:
    void present(const EventsPageData &data);
    void applyFilter();
    void updateChart();
    void updateStatus();
    void updateActions();
    void chooseExportFile(const QString &filter, const QString &suffix);

    QList<Profile> m_profiles;
    HistoryConfig m_history;
    EventFeedModel *m_model;
    QComboBox *m_profileChooser;
    QComboBox *m_rangeChooser;
    QComboBox *m_action;
    QComboBox *m_outcome;
    QLineEdit *m_user;
    QLineEdit *m_project;
    QToolButton *m_export;
    QLabel *m_configCheck;
    QLabel *m_status;
    QLabel *m_consumer;
    ChartView *m_chart;
    QTableView *m_view;
    QTimer *m_chartTimer;
    QList<AuthFailureCount> m_failures;
    QString m_loadedProfile;
    qint64 m_loadedFromMs = 0;
    QString m_error;
    QHash<QString, QString> m_consumerLines;
    LatestJob<EventsPageData> m_load{this};
};

} // namespace turnstile
