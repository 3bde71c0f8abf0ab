#include "overviewmodel.h"
#include "health/fixtarget.h"
#include "history/growthrate.h"
#include "util/duration.h"
#include "util/timetext.h"

#include <QColor>
#include <QLocale>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace turnstile {

OverviewModel::OverviewModel(QObject *parent) : QAbstractTableModel(parent) {}

int OverviewModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int OverviewModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

OverviewModel::Status OverviewModel::statusOf(const ProbeResult &r)
{
    if (!r.endpointError.isEmpty() || !r.tokenError.isEmpty() || r.thresholdLevel == 3)
        return Status::Critical;
    const bool dbProblem =
        r.databaseConfigured &&
        (!r.databaseError.isEmpty() || !r.revocationError.isEmpty() || !r.tokenRowsError.isEmpty());
    if (dbProblem || !r.warnings.isEmpty() || r.thresholdLevel == 2)
        return Status::Warning;
    return Status::Ok;
}

QString OverviewModel::reasonOf(const ProbeResult &r)
{
    // A Keystone that fails while a node of its Galera cluster is gone or not synced: the
    // cluster is the likely cause, so its sentence comes first, Keystone's symptom after it.
    const QString galera = r.galera && r.galera->level >= 2 ? r.galera->reason : QString();
    const auto causeFirst = [&galera](const QString &symptom) {
        return galera.isEmpty() ? symptom : galera + u' ' + symptom;
    };
    if (!r.endpointError.isEmpty())
        return causeFirst(r.endpointError);
    if (!r.tokenError.isEmpty())
        return causeFirst(r.tokenError);
    // Thresholds first: they say what is wrong with Keystone, not with us.
    if (r.thresholdLevel >= 2 && !r.thresholdReason.isEmpty())
        return r.thresholdReason;
    if (!r.databaseError.isEmpty())
        return r.databaseError;
    if (!r.revocationError.isEmpty())
        return tr("revocation_event: %1").arg(r.revocationError);
    if (!r.tokenRowsError.isEmpty())
        return tr("token: %1").arg(r.tokenRowsError);
    if (!r.warnings.isEmpty())
        return r.warnings.first();
    return tr("Keystone answers; tokens can be issued and validated.");
}

QString OverviewModel::tokenGrowthText(std::optional<double> perDay, std::optional<qint64> spanSec)
{
    const QLocale loc;
    const auto signedCount = [&loc](double v) {
        return (v >= 0 ? QStringLiteral("+") : QString()) + loc.toString(qint64(std::llround(v)));
    };
    // The span is the history actually observed (first to last sample),
    // never the width of the buckets it fell into.
    if (!perDay || (spanSec && *spanSec < kMinGrowthSpanSec)) {
        if (spanSec && *spanSec > 0)
            return tr("collecting (%1 so far)").arg(formatDuration(*spanSec));
        return tr("n/a");
    }
    if (spanSec && *spanSec > 0 && *spanSec < 20 * 3600)
        return tr("%1 in the last %2")
            .arg(signedCount(*perDay * double(*spanSec) / 86400.0), formatDuration(*spanSec));
    return tr("%1 / day").arg(signedCount(*perDay));
}

int OverviewModel::columnOfMetric(const QString &metric)
{
    if (metric == u"keystone.up")
        return VersionColumn;
    if (metric == u"validate.ms")
        return ValidateColumn;
    if (metric == u"issue.ms")
        return IssueColumn;
    if (metric.startsWith(u"revocation_event."))
        return RevocationColumn;
    if (metric == u"token.expired")
        return TokenRowsColumn;
    if (metric == u"token.live") // its growth per day
        return TokenGrowthColumn;
    if (metric == u"memcached.hit_ratio")
        return MemcachedColumn;
    if (metric == u"users.locked")
        return LockedUsersColumn;
    if (metric == u"keys") // the key repositories' consistency (applyKeysAlert)
        return KeysColumn;
    return -1;
}

QString OverviewModel::statusText(Status s)
{
    switch (s) {
    case Status::Ok:
        return tr("OK");
    case Status::Warning:
        return tr("Warning");
    case Status::Critical:
        return tr("Critical");
    case Status::Unknown:
        break;
    }
    return tr("Unknown");
}

QVariant OverviewModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const Status status = statusOfRow(index.row());
    const QLocale loc;
    // Latencies as the threshold sentence writes them (formatLatency): a red
    // row reads "p99 1.6 s" beside "validation p99 1.6 s (critical above 1.5 s)".
    auto ms = [&](const std::optional<double> &v) -> QVariant {
        if (!v)
            return tr("n/a");
        return formatLatency(*v);
    };
    auto count = [&](const std::optional<qint64> &v, const QString &err) -> QVariant {
        if (v)
            return loc.toString(*v);
        return err.isEmpty() ? tr("n/a") : tr("unavailable");
    };
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return row.name;
        case StatusColumn:
            return row.busy && !row.result ? tr("Probing…") : statusText(status);
        case VersionColumn:
            return row.result && !row.result->keystoneVersion.isEmpty()
                       ? row.result->keystoneVersion
                       : tr("n/a");
        case IssueColumn:
            return row.result ? ms(row.result->issueMs) : QVariant();
        case ValidateColumn:
            if (!row.result)
                return {};
            // p50 and p99 over the profile's recent probes: the median says
            // how it usually feels, the p99 whether some calls stall.
            if (const auto &p = row.result->validatePercentiles)
                return tr("p50 %1 · p99 %2").arg(formatLatency(p->p50), formatLatency(p->p99));
            return ms(row.result->validateMs);
        case RevocationColumn: {
            if (!row.result)
                return {};
            const QString all =
                count(row.result->revocationEvents, row.result->revocationError).toString();
            // The part a prune would remove, where the collector measured it.
            if (row.result->revocationEvents && row.result->revocationObsolete &&
                *row.result->revocationObsolete > 0)
                return tr("%1 (%2 obsolete)")
                    .arg(all, loc.toString(*row.result->revocationObsolete));
            return all;
        }
        case TokenRowsColumn:
            if (!row.result)
                return {};
            // "≈": the server's estimate, the table is too big to COUNT(*) every cycle.
            return (row.result->tokenRowsEstimated ? QStringLiteral("≈ ") : QString()) +
                   count(row.result->tokenRows, row.result->tokenRowsError).toString();
        case UpdatedColumn:
            return row.result ? loc.toString(row.result->startedAt.toLocalTime().time(),
                                             QLocale::ShortFormat)
                              : QVariant();
        case TokenGrowthColumn:
            if (!row.result)
                return {};
            return tokenGrowthText(row.result->tokenGrowthPerDay, row.result->tokenGrowthSpanSec);
        case MemcachedColumn:
            if (!row.result)
                return {};
            if (!row.result->memcachedHitRatio)
                return tr("n/a");
            return tr("%1 %").arg(loc.toString(*row.result->memcachedHitRatio * 100, 'f', 1));
        case KeysColumn:
            if (!row.result)
                return {};
            return row.result->keysSummary.isEmpty() ? tr("n/a") : row.result->keysSummary;
        case LockedUsersColumn:
            if (!row.result)
                return {};
            if (!row.result->compliance)
                return tr("n/a");
            if (row.result->compliance->locked < 0)
                return tr("unavailable");
            return loc.toString(row.result->compliance->locked);
        }
        break;
    case Qt::ToolTipRole:
        if (index.column() == ValidateColumn && row.result && row.result->validatePercentiles) {
            const LatencyPercentiles &p = *row.result->validatePercentiles;
            return tr("Token validation over the last %n sample(s): p50 %1, p95 %2, p99 %3",
                      nullptr, p.samples)
                .arg(ms(p.p50).toString(), ms(p.p95).toString(), ms(p.p99).toString());
        }
        [[fallthrough]];
    case ReasonRole: {
        // The more urgent of the probe's and the events' findings leads.
        const EventTileVerdict events = eventVerdictOfRow(index.row());
        const Status probe = row.result ? statusOf(*row.result) : Status::Unknown;
        QString base = row.result ? reasonOf(*row.result)
                                  : (row.busy ? tr("Probing…") : tr("Not probed yet."));
        QStringList parts;
        if (!events.reasons.isEmpty()) {
            const int probeLevel =
                probe == Status::Critical ? 3 : (probe == Status::Warning ? 2 : 1);
            if (events.level >= probeLevel)
                parts << events.reasons << (probeLevel >= 2 ? QStringList{base} : QStringList{});
            else
                parts << base << events.reasons;
        } else {
            parts << base;
        }
        if (const QString notes = notesOfRow(index.row()); !notes.isEmpty())
            parts << notes;
        return parts.join(u' ');
    }
    case EventsLineRole:
        return row.events.consuming ? row.events.line() : QString();
    case NotesRole:
        return notesOfRow(index.row());
    case StatusRole:
        return QVariant::fromValue(status);
    case BusyRole:
        return row.busy;
    case ProfileNameRole:
        return row.name;
    case AuthActionRole:
        if (row.result && row.result->authLockedUntil.isValid() &&
            !row.result->authUserId.isEmpty())
            return QVariant::fromValue(AuthAction::Unlock);
        if (row.result && row.result->authRejected)
            return QVariant::fromValue(AuthAction::Retry);
        return QVariant::fromValue(AuthAction::None);
    case DetailRole: {
        if (!row.result)
            return QString();
        QStringList details;
        for (const QString &d : {row.result->keystoneErrorDetail, row.result->databaseErrorDetail})
            if (!d.isEmpty())
                details.append(d);
        return details.join(u'\n');
    }
    case FigureStatusRole: {
        if (!row.result)
            return QVariant::fromValue(Status::Unknown);
        Status figure = Status::Ok;
        for (const QString &m : row.result->thresholdTriggered)
            if (columnOfMetric(m) == index.column())
                figure = row.result->thresholdCritical.contains(m) ? Status::Critical
                         : figure == Status::Critical              ? figure
                                                                   : Status::Warning;
        return QVariant::fromValue(figure);
    }
    case FixTargetsRole: {
        if (status == Status::Ok)
            return QVariant::fromValue(QList<FixTarget>());
        QList<FixTarget> probe;
        if (row.result && statusOf(*row.result) != Status::Ok)
            probe = fixTargetsFor(row.result->thresholdTriggered,
                                  row.result->compliance
                                      ? row.result->compliance->lockedServiceAccounts
                                      : QList<ComplianceSummary::LockedServiceAccount>());
        const QList<FixTarget> events =
            row.events.consuming ? lockoutFixTargets(row.events.lockout) : QList<FixTarget>();
        // In the reason's order: the more urgent finding's links first.
        const Status probeStatus = row.result ? statusOf(*row.result) : Status::Unknown;
        const int probeLevel =
            probeStatus == Status::Critical ? 3 : (probeStatus == Status::Warning ? 2 : 1);
        QList<FixTarget> all =
            eventVerdictOfRow(index.row()).level >= probeLevel ? events + probe : probe + events;
        QList<FixTarget> unique;
        for (const FixTarget &t : std::as_const(all))
            if (!unique.contains(t))
                unique << t;
        return QVariant::fromValue(unique);
    }
    case AuthUserIdRole:
        return row.result ? row.result->authUserId : QString();
    case SubtitleRole:
        if (!row.result)
            return QString();
        return row.result->databaseTarget.isEmpty()
                   ? row.result->endpoint
                   : tr("%1 · database %2").arg(row.result->endpoint, row.result->databaseTarget);
    case Qt::DecorationRole:
        if (index.column() == StatusColumn) {
            switch (status) {
            case Status::Ok:
                return QColor(0x2e, 0x7d, 0x32);
            case Status::Warning:
                return QColor(0xef, 0x8f, 0x00);
            case Status::Critical:
                return QColor(0xc6, 0x28, 0x28);
            case Status::Unknown:
                return QColor(0x75, 0x75, 0x75);
            }
        }
        break;
    case Qt::TextAlignmentRole:
        if ((index.column() >= IssueColumn && index.column() <= TokenRowsColumn) ||
            index.column() == TokenGrowthColumn || index.column() == MemcachedColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        break;
    }
    return {};
}

QVariant OverviewModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, o, role);
    switch (section) {
    case NameColumn:
        return tr("Profile");
    case StatusColumn:
        return tr("Status");
    case VersionColumn:
        return tr("Keystone API");
    case IssueColumn:
        return tr("Issue");
    case ValidateColumn:
        return tr("Validate (p50 · p99)");
    case RevocationColumn:
        return tr("Revocation events");
    case TokenRowsColumn:
        return tr("Token rows");
    case UpdatedColumn:
        return tr("Updated");
    case TokenGrowthColumn:
        return tr("Token growth");
    case MemcachedColumn:
        return tr("memcached hits");
    case KeysColumn:
        return tr("Fernet keys");
    case LockedUsersColumn:
        return tr("Locked users");
    }
    return {};
}

int OverviewModel::rowOf(const QString &name) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).name == name)
            return i;
    return -1;
}

OverviewModel::Status OverviewModel::statusOfRow(int row) const
{
    const Row &r = m_rows.at(row);
    const Status probe = r.result ? statusOf(*r.result) : Status::Unknown;
    const int events = r.events.consuming ? eventVerdictOfRow(row).level : 1;
    if (events >= 3)
        return Status::Critical;
    if (events == 2 && probe != Status::Critical)
        return Status::Warning;
    return probe;
}

EventTileVerdict OverviewModel::eventVerdictOfRow(int row) const
{
    const Row &r = m_rows.at(row);
    if (!r.events.consuming)
        return {};
    TransportLatency latency;
    if (r.result) {
        latency.issueMs = r.result->issueMs;
        latency.validateMs = r.result->validateMs;
    }
    latency.calmIssueMs = r.calmIssueMs;
    latency.calmValidateMs = r.calmValidateMs;
    return eventTileVerdict(r.events, notificationTransportHint(r.events.status, latency));
}

QString OverviewModel::notesOfRow(int row) const
{
    const Row &r = m_rows.at(row);
    if (!r.result || !r.result->compliance)
        return {};
    return r.result->compliance->unprotectedSentence();
}

void OverviewModel::setEvents(const QString &profile, const ProfileEvents &events)
{
    const int row = rowOf(profile);
    if (row < 0)
        return;
    m_rows[row].events = events;
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

ProfileEvents OverviewModel::events(const QString &profile) const
{
    const int row = rowOf(profile);
    return row < 0 ? ProfileEvents{} : m_rows.at(row).events;
}

EventTileVerdict OverviewModel::eventVerdict(const QString &profile) const
{
    const int row = rowOf(profile);
    return row < 0 ? EventTileVerdict{} : eventVerdictOfRow(row);
}

QString OverviewModel::summaryText() const
{
    QList<int> rows(m_rows.size());
    std::iota(rows.begin(), rows.end(), 0);
    return summaryText(rows);
}

QString OverviewModel::summaryText(const QList<int> &rows) const
{
    int critical = 0, warning = 0, ok = 0, unknown = 0;
    for (const int i : rows) {
        if (i < 0 || i >= m_rows.size())
            continue;
        switch (statusOfRow(i)) {
        case Status::Critical:
            ++critical;
            break;
        case Status::Warning:
            ++warning;
            break;
        case Status::Ok:
            ++ok;
            break;
        case Status::Unknown:
            ++unknown;
            break;
        }
    }
    QStringList parts;
    if (critical)
        parts.append(tr("%n critical", nullptr, critical));
    if (warning)
        parts.append(tr("%n warning", nullptr, warning));
    if (ok)
        parts.append(tr("%n OK", nullptr, ok));
    if (unknown)
        parts.append(tr("%n unknown", nullptr, unknown));
    return parts.join(QStringLiteral(" · "));
}

int OverviewModel::severityRank(Status s)
{
    switch (s) {
    case Status::Critical:
        return 0;
    case Status::Warning:
        return 1;
    case Status::Ok:
    case Status::Unknown:
        break;
    }
    return 2;
}

QList<int> OverviewModel::rowsBySeverity() const
{
    const auto rank = [this](int row) { return severityRank(statusOfRow(row)); };
    QList<int> rows(m_rows.size());
    std::iota(rows.begin(), rows.end(), 0);
    // Stable: inside a level the tiles keep their order, so a refresh does
    // not shuffle profiles of the same colour.
    std::stable_sort(rows.begin(), rows.end(), [&rank](int a, int b) { return rank(a) < rank(b); });
    return rows;
}

void OverviewModel::setProfiles(const QStringList &names)
{
    beginResetModel();
    QList<Row> rows;
    for (const QString &n : names) {
        const int existing = rowOf(n);
        Row fresh;
        fresh.name = n;
        rows.append(existing >= 0 ? m_rows.at(existing) : fresh);
    }
    m_rows = rows;
    endResetModel();
}

void OverviewModel::setBusy(const QString &profile, bool busy)
{
    const int r = rowOf(profile);
    if (r < 0 || m_rows[r].busy == busy)
        return;
    m_rows[r].busy = busy;
    emit dataChanged(index(r, 0), index(r, ColumnCount - 1));
}

void OverviewModel::setResult(const ProbeResult &result)
{
    const int r = rowOf(result.profile);
    if (r < 0)
        return; // the profile was removed while its probe ran
    Row &row = m_rows[r];
    // Keystone's latency while the broker answers us is the calm figure a
    // later jump is measured against; a slow probe while it does not
    // answer is exactly what must not become the baseline.
    if (row.events.consuming && row.events.status.state == EventConsumerStatus::State::Consuming) {
        if (result.issueMs)
            row.calmIssueMs = result.issueMs;
        if (result.validateMs)
            row.calmValidateMs = result.validateMs;
    }
    row.result = result;
    row.busy = false;
    emit dataChanged(index(r, 0), index(r, ColumnCount - 1));
}

std::optional<ProbeResult> OverviewModel::result(const QString &profile) const
{
    const int r = rowOf(profile);
    return r < 0 ? std::nullopt : m_rows.at(r).result;
}

QStringList OverviewModel::profiles() const
{
    QStringList out;
    for (const Row &r : m_rows)
        out.append(r.name);
    return out;
}

} // namespace turnstile
