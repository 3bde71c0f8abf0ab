#pragma once

#include "events/producersource.h"
#include "history/historyconfig.h"
#include "profilepage.h"
#include "profiles/profile.h"
#include "util/latestjob.h"

#include <QDateTime>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace turnstile {

class SecretStore;
class TableSizesModel;
class TokenProducersModel;
struct ProducerReport;
struct Secrets;

// What lives on a profile's database server and how big it is: every schema
// and table the database user may see (sizes from the server's statistics,
// KeystoneInspector::serverSizes), sortable, with growth per day where the
// history has the size (Keystone's tables every cycle, schema totals
// hourly).
//
// The database and the history are read on a worker thread, one connection
// each per load; a load a newer one overtook (other profile, Refresh) is
// dropped. The page loads when shown and on Refresh: sizes change slowly.
class DatabasePage : public QWidget, public ProfilePage
{
    Q_OBJECT
public:
    explicit DatabasePage(SecretStore *secrets, QWidget *parent = nullptr);
    ~DatabasePage() override;

    void setProfile(const Profile &profile);
    const Profile &profile() const { return m_profile; }
    void selectionChanged(const ProfileSelection &selection) override;
    void setHistoryConfig(const HistoryConfig &config);

    TableSizesModel *model() const { return m_model; }
    QSortFilterProxyModel *proxy() const { return m_proxy; }
    QTableView *view() const { return m_view; }
    // Tables, or schemas and other databases.
    QComboBox *kindChooser() const { return m_kind; }
    QString statusText() const;
    // Who fills the legacy token table (KeystoneInspector::tokenProducers),
    // read beside the sizes by a load of its own: a GROUP BY over a large
    // table must not hold the sizes back.
    TokenProducersModel *producersModel() const { return m_producersModel; }
    QTableView *producersView() const { return m_producersView; }
    QString producersText() const;

    // How far back growth per day is measured.
    static constexpr qint64 kGrowthWindow = 7 * 86400;

public slots:
    void reload();

    // "Rebuild table…" on the selected row, enabled on Keystone's own tables
    // that the guarded rebuild knows.
    QAction *rebuildAction() const { return m_rebuildAction; }

signals:
    void loaded();
    void producersLoaded();
    // The operator asked to rebuild a table of Keystone's schema (a name
    // TableRebuild::tableFromName accepts); the window opens its preview.
    void rebuildRequested(const QString &table);

protected:
    void showEvent(QShowEvent *e) override;

private:
    struct Load;
    static Load load(const Profile &profile, const Secrets &secrets, const HistoryConfig &config,
                     qint64 now);
    void start(const Secrets &secrets);
    void apply(const Load &result);
    void applyProducers(const ProducerReport &report);

    SecretStore *m_secrets;
    Profile m_profile;
    HistoryConfig m_config;
    TableSizesModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QLabel *m_header;
    QComboBox *m_kind;
    QPushButton *m_refresh;
    QLabel *m_status;
    QTableView *m_view;
    QAction *m_rebuildAction;
    TokenProducersModel *m_producersModel;
    QLabel *m_producersStatus;
    QTableView *m_producersView;
    LatestJob<Load> m_load{this};
    LatestJob<ProducerReport> m_producers{this};
    QDateTime m_loadedAt;
};

} // namespace turnstile
