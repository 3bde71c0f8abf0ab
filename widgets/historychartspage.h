#pragma once

#include "history/chartdata.h"
#include "history/chartspec.h"
#include "history/historyconfig.h"
#include "profilepage.h"
#include "util/latestjob.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QWidget>

class QComboBox;
class QGridLayout;
class QImage;
class QLabel;
class QPushButton;
class QTimer;
class QToolButton;

namespace turnstile {

class ChartView;

// A page of history charts for one profile, or for every profile side by
// side (one curve per region): profile and range pickers (1 h to 90 d or a
// custom span; wheel zoom and drag pan on any chart set a custom span too),
// the charts of its ChartSpecs read from the history store
// already decimated to one bucket per chart pixel, annotations (purges,
// rotations) as markers, and Export (PNG, SVG, PDF, CSV) through
// ChartExporter. The Growth and Latency pages are this with other charts.
//
// The store is read on a worker thread, a fresh HistoryStore per load; a
// load that a newer one overtook (profile or range changed meanwhile) is
// dropped. The page only loads while visible: when shown, and every
// minute after that, so a page left open follows the collector.
class HistoryChartsPage : public QWidget, public ProfilePage
{
    Q_OBJECT
public:
    ~HistoryChartsPage() override;
    void selectionChanged(const ProfileSelection &selection) override;

    // The store; by default the [history] settings, or $TURNSTILE_HISTORY.
    void setHistoryConfig(const HistoryConfig &config);
    const HistoryConfig &historyConfig() const { return m_config; }
    void setProfiles(const QStringList &names);
    void setProfile(const QString &name);
    // Each profile's Profile::thresholds (selectionChanged sets them from
    // the profiles): the charts draw those warning and critical levels.
    void setThresholdOverrides(const QHash<QString, QJsonObject> &overrides);
    // The chosen profile; empty when all are shown side by side.
    QString profile() const;
    // Every profile in one chart, one series each (needs two or more).
    void showAllProfiles();
    // What the charts are asked to show: one profile, or all of them.
    QStringList selectedProfiles() const;
    // One of 1 h, 24 h, 7 d, 30 d, 90 d, in seconds; for a custom span its
    // length.
    void setRangeSeconds(qint64 seconds);
    qint64 rangeSeconds() const;
    // A fixed span [from, to), as zoom and pan and the Custom… entry set it.
    void setCustomRange(qint64 from, qint64 to);
    bool customRange() const;
    // The last `seconds`: the preset of that length, else a custom span
    // ending now (`turnstile --range`).
    void showLast(qint64 seconds);
    static QList<qint64> rangeChoices();

    QList<ChartView *> charts() const { return m_charts; }
    QList<ChartSpec> specs() const { return m_specs; }
    QComboBox *profileChooser() const { return m_profileChooser; }
    QComboBox *rangeChooser() const { return m_rangeChooser; }
    QToolButton *exportButton() const { return m_export; }
    QString statusText() const;
    // Where the charts come from, when not Turnstile's own history: "History
    // from Prometheus URL · times in ZONE"; empty otherwise.
    QString sourceText() const;
    // The range of the data on screen; 0 before the first load.
    qint64 shownRangeSeconds() const { return m_shownTo - m_shownFrom; }
    qint64 shownFrom() const { return m_shownFrom; }
    QStringList shownProfiles() const { return m_shownProfiles; }
    // The caption every export carries.
    QString caption() const;

public slots:
    void reload();
    // Renders on this thread, writes on a worker; emits exportFinished.
    void exportTo(const QString &path);
    // The charts as an export paints them (PNG path), onto the clipboard.
    void copyImage();

signals:
    void loaded();
    void exportFinished(const QString &path, const QString &error);

protected:
    HistoryChartsPage(const QList<ChartSpec> &specs, QWidget *parent);
    // Where the page lays out charts(); below the pickers and the status.
    QGridLayout *chartGrid() const { return m_grid; }
    // A line under the pickers that says how to read the charts.
    void setNote(const QString &note);

    // What the page says with no profile at all.
    virtual QString noProfileText() const = 0;
    // The export dialog's title and the stem of the suggested file name.
    virtual QString exportTitle() const = 0;
    virtual QString exportStem() const = 0;

    void showEvent(QShowEvent *e) override;
    void hideEvent(QHideEvent *e) override;

private:
    void apply(const ChartData &result);
    void chooseExportFile(const QString &filter, const QString &suffix);
    void rangeChosen(int index);
    void askCustomRange();
    void showRangeOnCharts(qint64 from, qint64 to);
    QString shownProfilesText() const;
    void updateSource();

    HistoryConfig m_config;
    QList<ChartSpec> m_specs; // parallel to m_charts
    QComboBox *m_profileChooser;
    QComboBox *m_rangeChooser;
    QPushButton *m_refresh;
    QToolButton *m_export;
    QLabel *m_note;
    QLabel *m_source;
    QLabel *m_status;
    QGridLayout *m_grid;
    QTimer *m_timer;
    QList<ChartView *> m_charts;
    LatestJob<ChartData> m_load{this};
    QStringList m_shownProfiles;
    // Each profile's threshold overrides, for the charts' threshold lines.
    QHash<QString, QJsonObject> m_thresholds;
    int m_presetIndex = 1; // the last preset range, for going back from a zoom
    qint64 m_customFrom = 0;
    qint64 m_customTo = 0;
    qint64 m_shownFrom = 0;
    qint64 m_shownTo = 0;
};

} // namespace turnstile
