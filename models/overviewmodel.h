#pragma once

#include "events/eventtile.h"
#include "probe/proberesult.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QList>

#include <optional>

namespace turnstile {

// One row per profile with the latest probe figures and a triage status.
class OverviewModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        StatusColumn,
        VersionColumn,
        IssueColumn,
        ValidateColumn,
        RevocationColumn,
        TokenRowsColumn,
        UpdatedColumn,
        TokenGrowthColumn, // rows per day over the last day
        MemcachedColumn,   // hit ratio
        KeysColumn,        // Fernet key repositories agree?
        LockedUsersColumn, // locked local users (PCI-DSS lockout)
        ColumnCount
    };
    enum class Status
    {
        Unknown,
        Ok,
        Warning,
        Critical
    };
    Q_ENUM(Status)
    enum Roles
    {
        StatusRole = Qt::UserRole + 1,
        ReasonRole,
        BusyRole,
        ProfileNameRole,
        SubtitleRole,
        // What the tile offers about the profile's own account: AuthAction.
        AuthActionRole,
        AuthUserIdRole, // the account to unlock (AuthAction::Unlock)
        // The drivers' and Keystone's own words behind the reason sentence.
        DetailRole,
        // Per figure column: Status::Critical or ::Warning when a threshold
        // on that figure is crossed (the row the tile highlights), else Ok.
        FigureStatusRole,
        // QList<FixTarget> (core/health/fixtarget.h): where each non-green
        // finding is fixed, in the reason's order; empty when green.
        FixTargetsRole,
        // The event consumer's status line (EventConsumerStatus::line());
        // empty for a profile without a broker.
        EventsLineRole,
        // Sentences that do not change the verdict but belong on the tile
        // (service accounts without ignore_lockout_failure_attempts); part
        // of ReasonRole too.
        NotesRole
    };
    enum class AuthAction
    {
        None,
        Retry, // the credentials were rejected; Turnstile stopped trying
        Unlock // the account is locked (database); the guarded unlock
    };
    Q_ENUM(AuthAction)

    explicit OverviewModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation o, int role = Qt::DisplayRole) const override;

    // Replaces the list of profiles; keeps figures of profiles that stay.
    void setProfiles(const QStringList &names);
    void setBusy(const QString &profile, bool busy);
    void setResult(const ProbeResult &result);
    // What the profile's event consumer adds to its tile: the status line,
    // the lockout early warning (amber, red) and the transport hint.
    void setEvents(const QString &profile, const ProfileEvents &events);
    ProfileEvents events(const QString &profile) const;
    // The tile's verdict from events for that row (with the transport hint
    // over its latest figures), as the status and reason use it.
    EventTileVerdict eventVerdict(const QString &profile) const;
    std::optional<ProbeResult> result(const QString &profile) const;
    QStringList profiles() const;
    // "2 critical · 1 warning · 5 OK · 1 unknown": the levels across all
    // profiles, zero counts left out. A profile without a result (not probed
    // yet, still probing) is unknown. Empty without profiles.
    QString summaryText() const;
    // The same line over some rows only (a group of the Overview).
    QString summaryText(const QList<int> &rows) const;
    // The rows in the order the Overview shows them: critical first, then
    // warning, then the rest, each level in the model's own (alphabetical)
    // order. The one place the severity order is decided.
    QList<int> rowsBySeverity() const;
    // The rank behind that order: 0 critical, 1 warning, 2 the rest.
    static int severityRank(Status s);

    // The triage verdict for one probe and the one sentence explaining it.
    static Status statusOf(const ProbeResult &r);
    static QString reasonOf(const ProbeResult &r);
    static QString statusText(Status s);
    // The column showing a threshold metric ("validate.ms" -> ValidateColumn),
    // -1 for one the tile has no row for.
    static int columnOfMetric(const QString &metric);
    // "+125,000 / day"; from less than 20 h of history the change itself,
    // "-1,669,327 in the last 9h 2m": a day's extrapolation of a few hours
    // (a purge, a burst) reads as an absurd rate.
    // With less than an hour observed, no rate at all: "collecting (15 min so far)".
    static QString tokenGrowthText(std::optional<double> perDay, std::optional<qint64> spanSec);

private:
    struct Row
    {
        QString name;
        std::optional<ProbeResult> result;
        bool busy = false;
        ProfileEvents events;
        // Keystone's latency while Turnstile last reached the broker: what a
        // jump is measured against (notificationTransportHint).
        std::optional<double> calmIssueMs;
        std::optional<double> calmValidateMs;
    };
    EventTileVerdict eventVerdictOfRow(int row) const;
    QString notesOfRow(int row) const;
    int rowOf(const QString &name) const;
    Status statusOfRow(int row) const;
    QList<Row> m_rows;
};

} // namespace turnstile
