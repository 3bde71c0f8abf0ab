#include "history/historystore.h"

#include "db/dbconnection.h"
#include "history/decimate.h"
#include "history/historyschema.h"
#include "profiles/profilestore.h"
#include "util/apppaths.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <tuple>

namespace turnstile {

namespace {

// lupdate resolves Tr::tr() through this declaration to the "HistoryStore" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(HistoryStore)
};

// Rows per INSERT statement: one statement per row would spend most of the
// time in the driver; 3 x 256 parameters stay below SQLite's historic limit
// of 999 bound variables.
constexpr int kRowsPerInsert = 256;

// Query arithmetic stays far from qint64 overflow; "infinite" coverage ends
// are beyond every clamped range.
constexpr qint64 kRangeLimit = qint64(1) << 50;
constexpr qint64 kInfinity = qint64(1) << 52;
constexpr qint64 kDaySeconds = 86400;

// Any constant; serialises concurrent first opens of one PostgreSQL database.
constexpr qint64 kSchemaLockKey = 0x7475726e7374696c; // "turnstil"
// PostgreSQL: appends hold this advisory lock shared for their transaction;
// creating or dropping a partition of history_samples holds it exclusively.
// A drop then never races an append that read a series' retention cut
// before the drop, and a partition's DDL (an ACCESS EXCLUSIVE lock on
// history_samples) never waits inside an append that waits for it.
constexpr qint64 kPartitionLockKey = 0x7475726e73706172; // "turnspar"
// SQLSTATE of "no partition of relation ... found for row": the month was
// dropped by another collector's retention after we last listed partitions.
const QString kNoPartitionState = QStringLiteral("23514");

constexpr std::array<double, HistoryStore::kMaxDecimals + 1> kScale{1, 10, 100, 1e3, 1e4, 1e5, 1e6};

qint64 floorTo(qint64 v, qint64 step)
{
    qint64 q = v / step;
    if (v % step < 0)
        --q;
    return q * step;
}

qint64 ceilTo(qint64 v, qint64 step)
{
    return -floorTo(-v, step);
}

QString driverText(const QSqlError &e)
{
    const QString text = e.databaseText().trimmed();
    return text.isEmpty() ? e.text().trimmed() : text;
}

// The stored form of a value, see the class comment. An integral stored value
// is what lets SQLite use a 1-4 byte integer instead of an 8-byte double.
QVariant encodeValue(double value, double scale)
{
    if (!std::isfinite(value))
        return QVariant(QMetaType::fromType<double>());
    const double scaled = value * scale;
    const double rounded = std::round(scaled);
    // The product may miss the integer by an ulp (1.005 * 1000); take the
    // integer when dividing it back gives exactly the value we were handed.
    if (std::abs(rounded) < 9007199254740992.0 && rounded / scale == value)
        return rounded;
    return scaled;
}

double decodeValue(const QVariant &stored, double scale)
{
    if (stored.isNull())
        return std::numeric_limits<double>::quiet_NaN();
    return stored.toDouble() / scale;
}

int decimalsFor(const QList<Sample> &samples)
{
    for (const Sample &s : samples) {
        if (std::isfinite(s.value) && s.value != std::trunc(s.value))
            return 3; // milli-units: a latency in ms keeps microseconds exactly
    }
    return 0;
}

std::optional<qint64> optionalInt(const QVariant &v)
{
    if (v.isNull())
        return std::nullopt;
    return v.toLongLong();
}

const char *rollupTable(Resolution r)
{
    return r == Resolution::Hour ? "history_rollup_1h" : "history_rollup_1m";
}

} // namespace

HistoryStore::HistoryStore() = default;

HistoryStore::~HistoryStore()
{
    close();
}

bool HistoryStore::fail(const QString &message)
{
    m_error = message;
    return false;
}

bool HistoryStore::failQuery(const QSqlQuery &q, bool write)
{
    m_sqlState = q.lastError().nativeErrorCode();
    const QString text = driverText(q.lastError());
    if (write)
        return fail(Tr::tr("Cannot write to the history database %1: %2").arg(location(), text));
    return fail(Tr::tr("Cannot read the history database %1: %2").arg(location(), text));
}

bool HistoryStore::isPostgres() const
{
    return m_config.backend == HistoryConfig::Backend::PostgreSql;
}

QSqlDatabase HistoryStore::database() const
{
    return m_conn ? m_conn->database() : QSqlDatabase();
}

bool HistoryStore::isOpen() const
{
    return m_conn && m_conn->isOpen();
}

bool HistoryStore::ready()
{
    m_error.clear();
    if (!isOpen())
        return fail(Tr::tr("The history database is not open."));
    return true;
}

QString HistoryStore::location() const
{
    if (isPostgres()) {
        const DatabaseUrl &u = m_config.url;
        return (u.user.isEmpty() ? QString() : u.user + u'@') + u.displayHost() + u'/' + u.database;
    }
    return m_config.effectiveSqlitePath();
}

void HistoryStore::close()
{
    m_series.clear();
    m_partitions.clear();
    m_conn.reset(); // removes the Qt connection; no QSqlQuery outlives a call
}

bool HistoryStore::open(const HistoryConfig &config)
{
    close();
    m_error.clear();
    m_config = config;
    if (const QString invalid = config.validationError(); !invalid.isEmpty())
        return fail(invalid);

    DatabaseUrl url;
    QString password;
    if (isPostgres()) {
        url = config.url;
        password = config.password.isEmpty() ? config.url.password : config.password;
    } else {
        const QString path = config.effectiveSqlitePath();
        const QFileInfo info(path);
        if (info.isDir())
            return fail(Tr::tr("The history database %1 is a directory, not a file.").arg(path));
        // Created 0600 in a 0700 directory before SQLite sees it: SQLite gives
        // a new file 0644 and its journals the mode of the database file.
        QString created;
        if (!info.exists() && !AppPaths::makePrivateFile(path, &created))
            return fail(created);
        url.backend = DatabaseUrl::Backend::Sqlite;
        url.dialect = QStringLiteral("sqlite");
        url.database = path;
    }

    m_conn = std::make_unique<DbConnection>(url, password, 10);
    if (!m_conn->open()) {
        // DbConnection's sentence names host and port, which a file has not.
        const QString message =
            isPostgres() ? m_conn->error()
                         : Tr::tr("Cannot open the history database %1: %2")
                               .arg(location(), driverText(m_conn->database().lastError()));
        close();
        return fail(message);
    }
    if (!(isPostgres() ? openPostgres() : openSqlite())) {
        const QString message = m_error;
        close();
        return fail(message);
    }
    // Our own history file from an older version is made private too (only
    // now: a file of another program was refused above and stays untouched).
    if (!isPostgres())
        AppPaths::makePrivateFile(config.effectiveSqlitePath());
    return true;
}

bool HistoryStore::openSqlite()
{
    QSqlQuery q(database());
    // The first read of the file: a file that is not SQLite fails here
    // ("file is not a database"), before anything could be written to it.
    if (!q.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table'")))
        return fail(Tr::tr("%1 is not a Turnstile history database: %2")
                        .arg(location(), driverText(q.lastError())));
    QStringList tables;
    while (q.next())
        tables << q.value(0).toString();
    q.finish();
    if (!tables.isEmpty() && !tables.contains(QStringLiteral("history_meta")))
        return fail(
            Tr::tr("%1 is an SQLite database of another program; Turnstile does not write into it.")
                .arg(location()));

    // WAL: the dashboard reads while a collector writes, in another process.
    // synchronous=NORMAL is durable across crashes of the program, and at
    // most loses the last commits on power loss - acceptable for metrics,
    // and it takes the fsync out of every sampler commit.
    for (const char *pragma : {"PRAGMA busy_timeout = 10000", "PRAGMA journal_mode = WAL",
                               "PRAGMA synchronous = NORMAL"}) {
        if (!q.exec(QLatin1String(pragma)))
            return failQuery(q, true);
        q.finish();
    }

    if (tables.isEmpty()) {
        if (!begin())
            return false;
        // Another process may have created the schema between our check and
        // the write lock.
        if (!q.exec(
                QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = 'history_meta'")) ||
            !q.next()) {
            failQuery(q, false);
            rollback();
            return false;
        }
        const bool exists = q.value(0).toInt() > 0;
        q.finish();
        if (!exists) {
            for (const QString &statement : historyschema::createStatements(false)) {
                if (!q.exec(statement)) {
                    failQuery(q, true);
                    rollback();
                    return false;
                }
            }
        }
        if (!commit())
            return false;
    }
    return checkVersion();
}

bool HistoryStore::openPostgres()
{
    QSqlQuery q(database());
    if (!begin())
        return false;
    auto failed = [&](bool write) {
        failQuery(q, write);
        rollback();
        return false;
    };
    // Two workstations opening a fresh database at once would otherwise race
    // on CREATE TABLE; the lock ends with the transaction.
    if (!q.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kSchemaLockKey)))
        return failed(false);
    if (!q.exec(QStringLiteral("SELECT to_regclass('history_meta') IS NOT NULL")) || !q.next())
        return failed(false);
    const bool exists = q.value(0).toBool();
    if (!exists) {
        for (const QString &statement : historyschema::createStatements(true)) {
            if (!q.exec(statement)) {
                const QString text = driverText(q.lastError());
                rollback();
                return fail(
                    Tr::tr("Cannot create the history tables in %1: %2").arg(location(), text));
            }
        }
    }
    if (!commit())
        return false;
    if (!checkVersion())
        return false;
    // The months a collector writes now and next, so the first cycle of a
    // month does not create its partition. A dashboard's role that may only
    // read cannot, and need not: the store opens all the same.
    const qint64 month = historyschema::monthStart(QDateTime::currentSecsSinceEpoch());
    if (!ensurePartitions({month, historyschema::nextMonth(month)}))
        m_error.clear();
    return true;
}

bool HistoryStore::checkVersion()
{
    QSqlQuery q(database());
    if (!q.exec(QStringLiteral("SELECT value FROM history_meta WHERE key = 'schema_version'")))
        return failQuery(q, false);
    if (!q.next())
        return fail(Tr::tr("The history database %1 is damaged: it has no schema version.")
                        .arg(location()));
    const int version = q.value(0).toInt();
    q.finish();
    if (version < historyschema::kVersion)
        return upgradeSchema();
    if (version > historyschema::kVersion)
        return fail(
            Tr::tr(
                "The history database %1 was written by a newer Turnstile (schema %2; this version "
                "reads schema %3).")
                .arg(location())
                .arg(version)
                .arg(historyschema::kVersion));
    return true;
}

// An older Turnstile's database gains the new tables in one transaction; a
// second process upgrading at the same moment waits for the lock and then
// finds the version already raised.
bool HistoryStore::upgradeSchema()
{
    if (!begin())
        return false;
    QSqlQuery q(database());
    auto failed = [&](bool write) {
        failQuery(q, write);
        rollback();
        return false;
    };
    if (isPostgres() &&
        !q.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kSchemaLockKey)))
        return failed(false);
    if (!q.exec(QStringLiteral("SELECT value FROM history_meta WHERE key = 'schema_version'")) ||
        !q.next())
        return failed(false);
    const int current = q.value(0).toInt();
    q.finish();
    if (current < historyschema::kVersion) {
        for (const QString &statement : historyschema::upgradeStatements(current, isPostgres()))
            if (!q.exec(statement))
                return failed(true);
        if (isPostgres() && current < 3 && !migrateSamplesToPartitions(q)) {
            rollback();
            return false;
        }
        if (!q.exec(QStringLiteral("UPDATE history_meta SET value = '%1' WHERE key = "
                                   "'schema_version'")
                        .arg(historyschema::kVersion)))
            return failed(true);
    }
    return commit();
}

// Schema 2 -> 3 on PostgreSQL, inside upgradeSchema()'s transaction: the old
// table was renamed to history_samples_v2; every month it holds gets its
// partition, the rows move in one INSERT ... SELECT, the old table goes.
// PostgreSQL's DDL is transactional, so an interrupted migration (a killed
// collector, a lost connection, an error) leaves schema 2 exactly as it was.
bool HistoryStore::migrateSamplesToPartitions(QSqlQuery &q)
{
    if (!q.exec(historyschema::legacyMonthsStatement()))
        return failQuery(q, false);
    QList<qint64> months;
    while (q.next())
        months.append(q.value(0).toLongLong());
    q.finish();
    for (qint64 month : months)
        if (!q.exec(historyschema::createPartitionStatement(month)))
            return failQuery(q, true);
    for (const QString &statement : historyschema::legacyCopyStatements())
        if (!q.exec(statement))
            return failQuery(q, true);
    m_partitions.clear();
    return true;
}

bool HistoryStore::loadPartitions(QSqlQuery &q)
{
    if (!q.exec(historyschema::listPartitionsStatement()))
        return failQuery(q, false);
    m_partitions.clear();
    while (q.next())
        if (const std::optional<qint64> month =
                historyschema::partitionMonth(q.value(0).toString()))
            m_partitions.insert(*month);
    q.finish();
    return true;
}

// Creates the missing partitions among `months`, in a transaction of its own
// and never inside an append's: CREATE TABLE ... PARTITION OF locks
// history_samples exclusively, which would deadlock against another
// collector's append holding it shared.
bool HistoryStore::ensurePartitions(const QSet<qint64> &months)
{
    if (!isPostgres())
        return true;
    QSqlQuery q(database());
    if (m_partitions.isEmpty() && !loadPartitions(q))
        return false;
    QSet<qint64> missing = months;
    missing.subtract(m_partitions);
    if (missing.isEmpty())
        return true;
    if (!begin())
        return false;
    if (!q.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kPartitionLockKey))) {
        failQuery(q, false);
        rollback();
        return false;
    }
    // Another collector may have created them while we waited for the lock.
    if (!loadPartitions(q)) {
        rollback();
        return false;
    }
    missing.subtract(m_partitions);
    QList<qint64> ordered(missing.cbegin(), missing.cend());
    std::sort(ordered.begin(), ordered.end());
    for (qint64 month : ordered) {
        if (!q.exec(historyschema::createPartitionStatement(month))) {
            const QString text = driverText(q.lastError());
            rollback();
            return fail(Tr::tr("Cannot create the history partition %1 in %2: %3")
                            .arg(historyschema::partitionName(month), location(), text));
        }
    }
    if (!commit())
        return false;
    m_partitions.unite(missing);
    return true;
}

// Drops every month whose end every series' raw cut has passed. The cuts are
// read under the partition lock held exclusively, so no append is between
// reading its series' cut and inserting; an append that comes later skips
// samples below its cut, or (a new series, no cut yet) recreates the month.
bool HistoryStore::dropExpiredPartitions()
{
    if (!isPostgres() || m_config.rawRetentionDays <= 0)
        return true;
    if (!begin())
        return false;
    QSqlQuery q(database());
    auto failed = [&](bool write) {
        failQuery(q, write);
        rollback();
        return false;
    };
    if (!q.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kPartitionLockKey)))
        return failed(false);
    // A series with samples but no cut yet (retention has not reached it)
    // may still have rows in any month: then nothing is dropped this time.
    if (!q.exec(QStringLiteral("SELECT count(*) FILTER (WHERE raw_cut IS NULL), min(raw_cut) "
                               "FROM history_series WHERE rolled_1m IS NOT NULL")) ||
        !q.next())
        return failed(false);
    const bool uncut = q.value(0).toLongLong() > 0;
    const std::optional<qint64> bound = optionalInt(q.value(1));
    q.finish();
    if (uncut || !bound)
        return commit();
    if (!loadPartitions(q)) {
        rollback();
        return false;
    }
    QList<qint64> expired;
    for (qint64 month : std::as_const(m_partitions))
        if (historyschema::nextMonth(month) <= *bound)
            expired.append(month);
    std::sort(expired.begin(), expired.end());
    for (qint64 month : expired)
        if (!q.exec(QStringLiteral("DROP TABLE %1").arg(historyschema::partitionName(month))))
            return failed(true);
    if (!commit())
        return false;
    for (qint64 month : expired)
        m_partitions.remove(month);
    return true;
}

bool HistoryStore::begin()
{
    QSqlDatabase db = database();
    if (isPostgres()) {
        if (!db.transaction())
            return fail(Tr::tr("Cannot write to the history database %1: %2")
                            .arg(location(), driverText(db.lastError())));
        return true;
    }
    // IMMEDIATE takes the write lock up front (waiting up to busy_timeout).
    // A deferred transaction that reads first and then writes would fail with
    // SQLITE_BUSY if another process committed in between - no waiting helps.
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("BEGIN IMMEDIATE")))
        return failQuery(q, true);
    return true;
}

bool HistoryStore::commit()
{
    QSqlDatabase db = database();
    if (isPostgres()) {
        if (!db.commit()) {
            const QString text = driverText(db.lastError());
            rollback();
            return fail(
                Tr::tr("Cannot write to the history database %1: %2").arg(location(), text));
        }
        return true;
    }
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("COMMIT"))) {
        failQuery(q, true);
        const QString message = m_error;
        rollback();
        return fail(message);
    }
    return true;
}

void HistoryStore::rollback()
{
    // The cache may name a series created in the transaction being undone.
    m_series.clear();
    QSqlDatabase db = database();
    if (isPostgres()) {
        db.rollback();
        return;
    }
    QSqlQuery q(db);
    q.exec(QStringLiteral("ROLLBACK"));
}

std::optional<HistoryStore::SeriesInfo> HistoryStore::series(const SeriesKey &key, bool create,
                                                             int decimalsIfNew)
{
    if (const auto it = m_series.constFind(key); it != m_series.constEnd())
        return *it;
    QSqlQuery q(database());
    auto lookup = [&]() -> std::optional<SeriesInfo> {
        q.prepare(QStringLiteral(
            "SELECT id, decimals FROM history_series WHERE profile = ? AND metric = ?"));
        q.addBindValue(key.profile);
        q.addBindValue(key.metric);
        if (!q.exec()) {
            failQuery(q, false);
            return std::nullopt;
        }
        SeriesInfo info;
        if (q.next())
            info = SeriesInfo{q.value(0).toInt(), std::clamp(q.value(1).toInt(), 0, kMaxDecimals)};
        q.finish();
        return info;
    };
    std::optional<SeriesInfo> info = lookup();
    if (!info)
        return std::nullopt;
    if (info->id == 0 && create) {
        // Two writers may create the same series at once; the UNIQUE
        // constraint picks one and both read its id back.
        q.prepare(QStringLiteral(
            "INSERT INTO history_series (profile, metric, decimals) VALUES (?, ?, ?) "
            "ON CONFLICT (profile, metric) DO NOTHING"));
        q.addBindValue(key.profile);
        q.addBindValue(key.metric);
        q.addBindValue(decimalsIfNew);
        if (!q.exec()) {
            failQuery(q, true);
            return std::nullopt;
        }
        info = lookup();
        if (!info)
            return std::nullopt;
    }
    if (info->id != 0)
        m_series.insert(key, *info);
    return info;
}

bool HistoryStore::defineSeries(const SeriesKey &key, int decimals)
{
    if (!ready())
        return false;
    if (!key.isValid())
        return fail(key.validationError());
    if (decimals < 0 || decimals > kMaxDecimals)
        return fail(Tr::tr("A series stores between 0 and %1 decimal places.").arg(kMaxDecimals));
    if (!begin())
        return false;
    const std::optional<SeriesInfo> info = series(key, true, decimals);
    if (!info) {
        rollback();
        return false;
    }
    if (!commit())
        return false;
    if (info->decimals != decimals)
        return fail(Tr::tr("The series %1 of %2 is already stored with %3 decimal places.")
                        .arg(key.metric, key.profile)
                        .arg(info->decimals));
    return true;
}

int HistoryStore::append(const SeriesKey &key, const QList<Sample> &samples)
{
    return appendGroups({Group{key, samples}});
}

int HistoryStore::append(const QList<QPair<SeriesKey, Sample>> &points)
{
    QList<Group> groups;
    QHash<SeriesKey, qsizetype> index;
    for (const auto &[key, sample] : points) {
        auto it = index.find(key);
        if (it == index.end()) {
            it = index.insert(key, groups.size());
            groups.append(Group{key, {}});
        }
        groups[*it].samples.append(sample);
    }
    return appendGroups(groups);
}

int HistoryStore::appendGroups(const QList<Group> &unordered)
{
    if (!ready())
        return -1;
    QSet<qint64> months;
    for (const Group &g : unordered) {
        if (!g.key.isValid()) {
            fail(g.key.validationError());
            return -1;
        }
        for (const Sample &s : g.samples) {
            if (s.ts < 0 || s.ts > kMaxTimestamp) {
                fail(Tr::tr("The sample time %1 is outside the years 1970 to 9999.").arg(s.ts));
                return -1;
            }
            if (isPostgres())
                months.insert(historyschema::monthStart(s.ts));
        }
    }
    // Series rows are locked in one order by every writer: two collectors of
    // one profile whose batches name the same series in another order would
    // otherwise each hold one row and wait for the other's (a deadlock
    // PostgreSQL resolves by failing one of them).
    QList<Group> groups = unordered;
    std::sort(groups.begin(), groups.end(), [](const Group &a, const Group &b) {
        return std::tie(a.key.profile, a.key.metric) < std::tie(b.key.profile, b.key.metric);
    });
    for (int attempt = 0;; ++attempt) {
        if (!ensurePartitions(months))
            return -1;
        m_sqlState.clear();
        const int written = writeGroups(groups);
        if (written >= 0 || attempt > 0 || m_sqlState != kNoPartitionState)
            return written;
        m_partitions.clear(); // dropped by another collector since we listed them
    }
}

int HistoryStore::writeGroups(const QList<Group> &groups)
{
    if (!begin())
        return -1;
    if (isPostgres()) {
        QSqlQuery q(database());
        if (!q.exec(
                QStringLiteral("SELECT pg_advisory_xact_lock_shared(%1)").arg(kPartitionLockKey))) {
            failQuery(q, false);
            rollback();
            return -1;
        }
    }
    int total = 0;
    for (const Group &g : groups) {
        if (g.samples.isEmpty())
            continue;
        // Locking the series row first orders us with a concurrent rollup or
        // retention of this series on PostgreSQL: it waits for our commit and
        // then sees our rows, instead of rolling a minute without them. No row
        // means another workstation removed the profile: create it again.
        std::optional<SeriesInfo> info;
        std::optional<SeriesState> state;
        for (int attempt = 0; attempt < 2 && !(state && state->exists); ++attempt) {
            if (attempt > 0)
                m_series.remove(g.key);
            info = series(g.key, true, decimalsFor(g.samples));
            state = info ? lockSeries(info->id) : std::nullopt;
            if (!state) {
                rollback();
                return -1;
            }
        }
        if (!state->exists) {
            const QString message = Tr::tr("The series %1 of %2 could not be created.")
                                        .arg(g.key.metric, g.key.profile);
            rollback();
            fail(message);
            return -1;
        }
        // A sample older than what retention already removed would be
        // removed again at once, and its minute cannot be recomputed from
        // what is left: skip it.
        QList<Sample> kept;
        const QList<Sample> *rows = &g.samples;
        if (state->rawCut) {
            for (const Sample &s : g.samples) {
                if (s.ts >= *state->rawCut)
                    kept.append(s);
            }
            rows = &kept;
        }
        if (rows->isEmpty())
            continue;
        const qint64 oldest =
            std::min_element(rows->cbegin(), rows->cend(), [](const Sample &a, const Sample &b) {
                return a.ts < b.ts;
            })->ts;
        // Lower the watermarks so that the next rollup() recomputes the
        // minute and hour this batch reaches back into.
        const qint64 minute =
            std::min(state->rolledMinute.value_or(kInfinity), floorTo(oldest, 60));
        const qint64 hour =
            std::min(state->rolledHour.value_or(kInfinity),
                     std::max(floorTo(oldest, 3600), state->minuteCut.value_or(-kInfinity)));
        if (minute != state->rolledMinute || hour != state->rolledHour) {
            QSqlQuery q(database());
            q.prepare(QStringLiteral(
                "UPDATE history_series SET rolled_1m = ?, rolled_1h = ? WHERE id = ?"));
            q.addBindValue(minute);
            q.addBindValue(hour);
            q.addBindValue(info->id);
            if (!q.exec()) {
                failQuery(q, true);
                rollback();
                return -1;
            }
        }
        int inserted = 0;
        if (!insertSamples(info->id, info->decimals, *rows, &inserted)) {
            rollback();
            return -1;
        }
        total += inserted;
    }
    if (!commit())
        return -1;
    return total;
}

bool HistoryStore::insertSamples(int seriesId, int decimals, const QList<Sample> &samples,
                                 int *inserted)
{
    const double scale = kScale[size_t(decimals)];
    auto statement = [](qsizetype rows) {
        QString sql = QStringLiteral("INSERT INTO history_samples (series, ts, value) VALUES ");
        sql.reserve(sql.size() + rows * 10 + 40);
        for (qsizetype i = 0; i < rows; ++i)
            sql += i == 0 ? QStringLiteral("(?, ?, ?)") : QStringLiteral(", (?, ?, ?)");
        // Shared by SQLite and PostgreSQL; first writer wins, duplicates within
        // one statement included.
        sql += QStringLiteral(" ON CONFLICT (series, ts) DO NOTHING");
        return sql;
    };
    QSqlQuery full(database());
    bool fullPrepared = false;
    const QVariant id(seriesId);
    for (qsizetype start = 0; start < samples.size(); start += kRowsPerInsert) {
        const qsizetype rows = std::min<qsizetype>(kRowsPerInsert, samples.size() - start);
        QSqlQuery partial(database());
        QSqlQuery *q = &full;
        if (rows == kRowsPerInsert) {
            if (!fullPrepared && !full.prepare(statement(rows)))
                return failQuery(full, true);
            fullPrepared = true;
        } else {
            if (!partial.prepare(statement(rows)))
                return failQuery(partial, true);
            q = &partial;
        }
        for (qsizetype i = 0; i < rows; ++i) {
            const Sample &s = samples[start + i];
            const int base = int(i * 3);
            q->bindValue(base, id);
            q->bindValue(base + 1, s.ts);
            q->bindValue(base + 2, encodeValue(s.value, scale));
        }
        if (!q->exec())
            return failQuery(*q, true);
        *inserted += std::max(0, q->numRowsAffected());
    }
    return true;
}

std::optional<DecimatedSeries> HistoryStore::query(const SeriesKey &key, qint64 from, qint64 to,
                                                   int maxPoints)
{
    if (!ready())
        return std::nullopt;
    if (!key.isValid()) {
        fail(key.validationError());
        return std::nullopt;
    }
    DecimatedSeries out;
    from = std::clamp(from, -kRangeLimit, kRangeLimit);
    to = std::clamp(to, -kRangeLimit, kRangeLimit);
    if (to <= from || maxPoints <= 0)
        return out;

    // Pick the table by the width a bucket would have, then align the grid
    // to that table's rows.
    const qint64 naturalWidth = decimationWidth(from, to, maxPoints);
    const Resolution level = naturalWidth >= 3600 ? Resolution::Hour
                             : naturalWidth >= 60 ? Resolution::Minute
                                                  : Resolution::Raw;
    const qint64 res = resolutionSeconds(level);
    const qint64 gridFrom = floorTo(from, res);
    const qint64 width = ceilTo(decimationWidth(gridFrom, ceilTo(to, res), maxPoints), res);
    const qint64 buckets = (ceilTo(to, res) - gridFrom + width - 1) / width;
    out.bucketSeconds = width;
    out.resolution = level;

    const std::optional<SeriesInfo> info = series(key, false, 0);
    if (!info)
        return std::nullopt;
    if (info->id == 0)
        return out;
    const double scale = kScale[size_t(info->decimals)];

    QSqlQuery q(database());
    q.setForwardOnly(true);
    // Coverage of each table, [start, end), from the series row alone: a
    // table ends at its watermark (raw: open ended) and starts where
    // retention cut it (never cut: open ended). Appends and retention keep
    // both exact - nothing is written below a cut, nothing deleted above a
    // watermark - so no min(ts) scan is needed, whose plan would depend on
    // PostgreSQL's statistics being fresh.
    q.prepare(QStringLiteral("SELECT rolled_1m, rolled_1h, raw_cut, minute_cut "
                             "FROM history_series WHERE id = ?"));
    q.addBindValue(info->id);
    if (!q.exec()) {
        failQuery(q, false);
        return std::nullopt;
    }
    if (!q.next() || q.value(0).isNull())
        return out; // removed meanwhile, or no sample yet
    const std::array<qint64, 3> end{kInfinity, q.value(0).toLongLong(), q.value(1).toLongLong()};
    const std::array<qint64, 3> start{optionalInt(q.value(2)).value_or(-kInfinity),
                                      optionalInt(q.value(3)).value_or(-kInfinity), -kInfinity};
    q.finish();

    struct Segment
    {
        int level;
        qint64 lo;
        qint64 hi;
    };
    QList<Segment> segments;
    auto take = [&](int l, qint64 lo, qint64 hi) {
        lo = std::max(lo, start[size_t(l)]);
        hi = std::min(hi, end[size_t(l)]);
        if (lo < hi)
            segments.append(Segment{l, lo, hi});
    };
    const int preferred = int(level);
    const qint64 lo = gridFrom;
    const qint64 hi = to;
    take(preferred, lo, hi);
    // Older than the preferred table reaches: ever coarser rollups.
    qint64 pastHi = std::min(hi, start[size_t(preferred)]);
    for (int l = preferred + 1; l < 3 && lo < pastHi; ++l) {
        take(l, lo, pastHi);
        pastHi = std::min(pastHi, start[size_t(l)]);
    }
    // Newer than its watermark: ever finer tables, ending with raw.
    qint64 futureLo = std::max(lo, end[size_t(preferred)]);
    for (int l = preferred - 1; l >= 0 && futureLo < hi; --l) {
        take(l, futureLo, hi);
        futureLo = std::max(futureLo, end[size_t(l)]);
    }
    std::sort(segments.begin(), segments.end(),
              [](const Segment &a, const Segment &b) { return a.lo < b.lo; });

    // The database pre-aggregates every segment on the same aligned grid, so
    // at most one row per bucket and segment crosses the driver (and, for
    // PostgreSQL, the network) instead of every minute of a month.
    // decimateMinMax() then merges the segments; it defines the result, and
    // with an aligned grid the pre-aggregation cannot change it.
    QList<Bucket> rows;
    for (const Segment &seg : segments) {
        const QString select =
            seg.level == 0
                ? QStringLiteral("SELECT (ts - ?) / ?, min(value), max(value), sum(value), "
                                 "count(value) FROM history_samples "
                                 "WHERE series = ? AND ts >= ? AND ts < ? AND value IS NOT NULL")
                : QStringLiteral("SELECT (ts - ?) / ?, min(vmin), max(vmax), sum(vsum), sum(n) "
                                 "FROM %1 WHERE series = ? AND ts >= ? AND ts < ?")
                      .arg(QLatin1String(rollupTable(Resolution(seg.level))));
        q.prepare(select + QStringLiteral(" GROUP BY 1 ORDER BY 1"));
        q.addBindValue(gridFrom);
        q.addBindValue(width);
        q.addBindValue(info->id);
        q.addBindValue(seg.lo);
        q.addBindValue(seg.hi);
        if (!q.exec()) {
            failQuery(q, false);
            return std::nullopt;
        }
        while (q.next()) {
            rows.append(Bucket{gridFrom + q.value(0).toLongLong() * width,
                               q.value(1).toDouble() / scale, q.value(2).toDouble() / scale,
                               q.value(3).toDouble() / scale, q.value(4).toLongLong()});
        }
        q.finish();
    }
    out.buckets = decimateMinMax(rows, gridFrom, gridFrom + buckets * width, int(buckets));
    return out;
}

std::optional<QList<Sample>> HistoryStore::samples(const SeriesKey &key, qint64 from, qint64 to)
{
    if (!ready())
        return std::nullopt;
    if (!key.isValid()) {
        fail(key.validationError());
        return std::nullopt;
    }
    const std::optional<SeriesInfo> info = series(key, false, 0);
    if (!info)
        return std::nullopt;
    QList<Sample> out;
    if (info->id == 0 || to <= from)
        return out;
    const double scale = kScale[size_t(info->decimals)];
    QSqlQuery q(database());
    q.setForwardOnly(true);
    // Raw rows below the series' retention cut may still be stored (on
    // PostgreSQL until their month is dropped); they are past retention.
    q.prepare(QStringLiteral(
        "SELECT ts, value FROM history_samples WHERE series = ? AND ts >= ? AND ts < ? AND ts >= "
        "coalesce((SELECT raw_cut FROM history_series WHERE id = ?), 0) ORDER BY ts"));
    q.addBindValue(info->id);
    q.addBindValue(from);
    q.addBindValue(to);
    q.addBindValue(info->id);
    if (!q.exec()) {
        failQuery(q, false);
        return std::nullopt;
    }
    while (q.next())
        out.append(Sample{q.value(0).toLongLong(), decodeValue(q.value(1), scale)});
    return out;
}

std::optional<Sample> HistoryStore::latest(const SeriesKey &key)
{
    if (!ready())
        return std::nullopt;
    if (!key.isValid()) {
        fail(key.validationError());
        return std::nullopt;
    }
    const std::optional<SeriesInfo> info = series(key, false, 0);
    if (!info || info->id == 0)
        return std::nullopt;
    QSqlQuery q(database());
    q.prepare(QStringLiteral(
        "SELECT ts, value FROM history_samples WHERE series = ? AND value IS NOT NULL AND ts >= "
        "coalesce((SELECT raw_cut FROM history_series WHERE id = ?), 0) ORDER BY ts DESC LIMIT 1"));
    q.addBindValue(info->id);
    q.addBindValue(info->id);
    if (!q.exec()) {
        failQuery(q, false);
        return std::nullopt;
    }
    if (!q.next())
        return std::nullopt;
    return Sample{q.value(0).toLongLong(), decodeValue(q.value(1), kScale[size_t(info->decimals)])};
}

std::optional<QList<SeriesKey>> HistoryStore::seriesKeys(const QString &profile)
{
    if (!ready())
        return std::nullopt;
    QSqlQuery q(database());
    if (profile.isEmpty()) {
        q.prepare(
            QStringLiteral("SELECT profile, metric FROM history_series ORDER BY profile, metric"));
    } else {
        q.prepare(QStringLiteral(
            "SELECT profile, metric FROM history_series WHERE profile = ? ORDER BY metric"));
        q.addBindValue(profile);
    }
    if (!q.exec()) {
        failQuery(q, false);
        return std::nullopt;
    }
    QList<SeriesKey> out;
    while (q.next())
        out.append(SeriesKey{q.value(0).toString(), q.value(1).toString()});
    return out;
}

std::optional<QList<int>> HistoryStore::seriesIds()
{
    QSqlQuery q(database());
    if (!q.exec(QStringLiteral(
            "SELECT id FROM history_series WHERE rolled_1m IS NOT NULL ORDER BY id"))) {
        failQuery(q, false);
        return std::nullopt;
    }
    QList<int> ids;
    while (q.next())
        ids.append(q.value(0).toInt());
    return ids;
}

std::optional<HistoryStore::SeriesState> HistoryStore::lockSeries(int id)
{
    // PostgreSQL: FOR UPDATE serialises appends, rollups and retention of one
    // series. SQLite: BEGIN IMMEDIATE already excludes every other writer.
    const QString sql = QStringLiteral("SELECT rolled_1m, rolled_1h, raw_cut, minute_cut "
                                       "FROM history_series WHERE id = ?");
    QSqlQuery q(database());
    q.prepare(isPostgres() ? sql + QStringLiteral(" FOR UPDATE") : sql);
    q.addBindValue(id);
    if (!q.exec()) {
        failQuery(q, false);
        return std::nullopt;
    }
    SeriesState state;
    if (q.next()) {
        state.exists = true;
        state.rolledMinute = optionalInt(q.value(0));
        state.rolledHour = optionalInt(q.value(1));
        state.rawCut = optionalInt(q.value(2));
        state.minuteCut = optionalInt(q.value(3));
    }
    return state;
}

bool HistoryStore::rollup()
{
    return rollup(QDateTime::currentSecsSinceEpoch());
}

bool HistoryStore::rollup(qint64 now)
{
    return forEachSeries(&HistoryStore::rollupSeries, now);
}

// One transaction per series keeps locks short; a collector rolling or
// trimming many series never blocks a sampler for long.
bool HistoryStore::forEachSeries(bool (HistoryStore::*perSeries)(int, qint64), qint64 now)
{
    if (!ready())
        return false;
    const std::optional<QList<int>> ids = seriesIds();
    if (!ids)
        return false;
    for (int id : *ids) {
        if (!(this->*perSeries)(id, now))
            return false;
    }
    return true;
}

bool HistoryStore::rollupSeries(int id, qint64 now)
{
    if (!begin())
        return false;
    const std::optional<SeriesState> state = lockSeries(id);
    if (!state) {
        rollback();
        return false;
    }
    if (!state->exists || !state->rolledMinute || !state->rolledHour) // removed, or no samples yet
        return commit();

    QSqlQuery q(database());
    auto run = [&](const QString &sql, qint64 lo, qint64 hi) {
        q.prepare(sql);
        q.addBindValue(id);
        q.addBindValue(lo);
        q.addBindValue(hi);
        if (q.exec())
            return true;
        failQuery(q, true);
        rollback();
        return false;
    };
    // Values are aggregated as stored (scaled), so the rollups of an integral
    // series stay integral and compact too. A recomputed minute (hour)
    // replaces its row: its raw (minute) rows are complete, because the
    // watermarks never drop below what retention removed.
    const QString upsert = QStringLiteral(" GROUP BY 1, 2 ON CONFLICT (series, ts) DO UPDATE SET "
                                          "vmin = excluded.vmin, vmax = excluded.vmax, "
                                          "vsum = excluded.vsum, n = excluded.n");
    qint64 newMinute = *state->rolledMinute;
    const qint64 minuteTarget = floorTo(now, 60);
    if (minuteTarget > newMinute) {
        if (!run(QStringLiteral("INSERT INTO history_rollup_1m (series, ts, vmin, vmax, vsum, n) "
                                "SELECT series, ts / 60 * 60, min(value), max(value), sum(value), "
                                "count(value) FROM history_samples "
                                "WHERE series = ? AND ts >= ? AND ts < ? AND value IS NOT NULL") +
                     upsert,
                 newMinute, minuteTarget))
            return false;
        newMinute = minuteTarget;
    }
    qint64 newHour = *state->rolledHour;
    const qint64 hourTarget = floorTo(newMinute, 3600);
    if (hourTarget > newHour) {
        if (!run(QStringLiteral(
                     "INSERT INTO history_rollup_1h (series, ts, vmin, vmax, vsum, n) "
                     "SELECT series, ts / 3600 * 3600, min(vmin), max(vmax), sum(vsum), "
                     "sum(n) FROM history_rollup_1m WHERE series = ? AND ts >= ? AND ts < ?") +
                     upsert,
                 newHour, hourTarget))
            return false;
        newHour = hourTarget;
    }
    if (newMinute != *state->rolledMinute || newHour != *state->rolledHour) {
        q.prepare(
            QStringLiteral("UPDATE history_series SET rolled_1m = ?, rolled_1h = ? WHERE id = ?"));
        q.addBindValue(newMinute);
        q.addBindValue(newHour);
        q.addBindValue(id);
        if (!q.exec()) {
            failQuery(q, true);
            rollback();
            return false;
        }
    }
    return commit();
}

bool HistoryStore::applyRetention(qint64 now)
{
    return forEachSeries(&HistoryStore::retainSeries, now) && dropExpiredPartitions() &&
           applyEventRetention(now);
}

bool HistoryStore::retainSeries(int id, qint64 now)
{
    if (!begin())
        return false;
    const std::optional<SeriesState> state = lockSeries(id);
    if (!state) {
        rollback();
        return false;
    }
    if (!state->exists)
        return commit();
    QSqlQuery q(database());
    auto remove = [&](const char *table, qint64 cut) {
        q.prepare(
            QStringLiteral("DELETE FROM %1 WHERE series = ? AND ts < ?").arg(QLatin1String(table)));
        q.addBindValue(id);
        q.addBindValue(cut);
        if (q.exec())
            return true;
        failQuery(q, true);
        rollback();
        return false;
    };
    // Never below the watermarks: a raw row leaves only once it is in a
    // minute, a minute only once it is in an hour. Cuts are aligned to the
    // next coarser step, so the first surviving fine row starts a complete
    // minute (hour) - query() relies on that to stitch tables without
    // counting a sample twice.
    std::optional<qint64> rawCut = state->rawCut, minuteCut = state->minuteCut;
    if (m_config.rawRetentionDays > 0 && state->rolledMinute) {
        const qint64 cut = std::min(floorTo(now - m_config.rawRetentionDays * kDaySeconds, 60),
                                    *state->rolledMinute);
        // PostgreSQL: the rows below the cut leave with their month's
        // partition (dropExpiredPartitions); reads stop at the cut now.
        if (!isPostgres() && !remove("history_samples", cut))
            return false;
        rawCut = std::max(rawCut.value_or(cut), cut);
    }
    if (m_config.minuteRetentionDays > 0 && state->rolledHour) {
        const qint64 cut = std::min(floorTo(now - m_config.minuteRetentionDays * kDaySeconds, 3600),
                                    *state->rolledHour);
        if (!remove("history_rollup_1m", cut))
            return false;
        minuteCut = std::max(minuteCut.value_or(cut), cut);
    }
    if (m_config.hourRetentionDays > 0 &&
        !remove("history_rollup_1h", floorTo(now - m_config.hourRetentionDays * kDaySeconds, 3600)))
        return false;
    if (rawCut != state->rawCut || minuteCut != state->minuteCut) {
        q.prepare(
            QStringLiteral("UPDATE history_series SET raw_cut = ?, minute_cut = ? WHERE id = ?"));
        q.addBindValue(rawCut ? QVariant(*rawCut) : QVariant(QMetaType::fromType<qlonglong>()));
        q.addBindValue(minuteCut ? QVariant(*minuteCut)
                                 : QVariant(QMetaType::fromType<qlonglong>()));
        q.addBindValue(id);
        if (!q.exec()) {
            failQuery(q, true);
            rollback();
            return false;
        }
    }
    return commit();
}

bool HistoryStore::maintain(qint64 now)
{
    if (!ready())
        return false;
    const qint64 month = historyschema::monthStart(std::clamp<qint64>(now, 0, kMaxTimestamp));
    return ensurePartitions({month, historyschema::nextMonth(month)}) && rollup(now) &&
           applyRetention(now);
}

bool HistoryStore::maintainIfDue(qint64 now, qint64 everySeconds)
{
    if (!ready())
        return false;
    if (!isPostgres())
        return maintain(now);
    const qint64 month = historyschema::monthStart(std::clamp<qint64>(now, 0, kMaxTimestamp));
    if (!ensurePartitions({month, historyschema::nextMonth(month)}))
        return false;
    // Claimed in one statement: of two collectors at the same moment, the
    // row lock lets one update and the other then sees the new value. A
    // stored time more than a lease ahead of ours (a clock set back) is
    // claimable too; a collector whose clock is only a little behind
    // another's must not take every lease straight after it.
    QSqlQuery q(database());
    // A value that is not a time (written by hand) is claimable as well, so
    // it can never stop maintenance.
    q.prepare(QStringLiteral(
        "INSERT INTO history_meta (key, value) VALUES ('maintained_at', ?) ON CONFLICT (key) DO "
        "UPDATE SET value = excluded.value WHERE CASE WHEN history_meta.value ~ '^[0-9]{1,15}$' "
        "THEN CAST(history_meta.value AS BIGINT) NOT BETWEEN ? AND ? ELSE true END"));
    q.addBindValue(QString::number(now));
    q.addBindValue(now - everySeconds + 1);
    q.addBindValue(now + everySeconds);
    if (!q.exec())
        return failQuery(q, true);
    if (q.numRowsAffected() <= 0)
        return true; // another collector maintains the database
    return maintain(now);
}

bool HistoryStore::compact()
{
    if (!ready())
        return false;
    if (isPostgres())
        return true;
    QSqlQuery q(database());
    if (!q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")))
        return failQuery(q, true);
    q.finish();
    if (!q.exec(QStringLiteral("VACUUM")))
        return failQuery(q, true);
    return true;
}

std::optional<HistoryStats> HistoryStore::stats()
{
    if (!ready())
        return std::nullopt;
    HistoryStats s;
    QSqlQuery q(database());
    auto scalar = [&](const QString &sql, qint64 *out) {
        if (!q.exec(sql) || !q.next())
            return false;
        *out = q.value(0).isNull() ? 0 : q.value(0).toLongLong();
        q.finish();
        return true;
    };
    if (!scalar(QStringLiteral("SELECT count(*) FROM history_series"), &s.series) ||
        !scalar(QStringLiteral("SELECT count(*) FROM history_samples"), &s.samples)) {
        failQuery(q, false);
        return std::nullopt;
    }
    if (isPostgres()) {
        // A partitioned table has no storage of its own: its months have.
        scalar(QStringLiteral("SELECT coalesce(sum(pg_total_relation_size(inhrelid)), 0) FROM "
                              "pg_inherits WHERE inhparent = 'history_samples'::regclass"),
               &s.sampleBytes);
        scalar(QStringLiteral("SELECT pg_total_relation_size('history_rollup_1m') + "
                              "pg_total_relation_size('history_rollup_1h')"),
               &s.rollupBytes);
        scalar(QStringLiteral("SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                              "WHERE c.relkind = 'r' AND c.relname LIKE 'history\\_%' "
                              "AND pg_table_is_visible(c.oid)"),
               &s.totalBytes);
        return s;
    }
    // dbstat counts the pages of each b-tree; it is compiled into Debian's
    // SQLite, and simply left at -1 where it is not.
    qint64 bytes = 0;
    if (scalar(QStringLiteral("SELECT sum(pgsize) FROM dbstat WHERE name = 'history_samples'"),
               &bytes))
        s.sampleBytes = bytes;
    if (scalar(QStringLiteral("SELECT sum(pgsize) FROM dbstat WHERE name IN ('history_rollup_1m', "
                              "'history_rollup_1h')"),
               &bytes))
        s.rollupBytes = bytes;
    qint64 pages = 0, pageSize = 0;
    if (scalar(QStringLiteral("PRAGMA page_count"), &pages) &&
        scalar(QStringLiteral("PRAGMA page_size"), &pageSize))
        s.totalBytes = pages * pageSize;
    return s;
}

bool HistoryStore::addAnnotation(const Annotation &a)
{
    if (!ready())
        return false;
    if (!ProfileStore::isValidName(a.profile))
        return fail(SeriesKey{a.profile, QStringLiteral("x")}.validationError());
    if (!SeriesKey::isValidMetric(a.kind))
        return fail(
            Tr::tr(
                "\"%1\" is not a valid annotation kind (lower-case letters, digits, '_' and '.').")
                .arg(a.kind));
    if (a.ts < 0 || a.ts > kMaxTimestamp)
        return fail(Tr::tr("The sample time %1 is outside the years 1970 to 9999.").arg(a.ts));
    QSqlQuery q(database());
    q.prepare(QStringLiteral(
        "INSERT INTO history_annotations (ts, profile, kind, text) VALUES (?, ?, ?, ?)"));
    q.addBindValue(a.ts);
    q.addBindValue(a.profile);
    q.addBindValue(a.kind);
    q.addBindValue(a.text);
    if (!q.exec())
        return failQuery(q, true);
    return true;
}

std::optional<QList<Annotation>> HistoryStore::annotations(qint64 from, qint64 to,
                                                           const QString &profile)
{
    if (!ready())
        return std::nullopt;
    QSqlQuery q(database());
    q.prepare(profile.isEmpty()
                  ? QStringLiteral("SELECT ts, profile, kind, text FROM history_annotations "
                                   "WHERE ts >= ? AND ts < ? ORDER BY ts, id")
                  : QStringLiteral("SELECT ts, profile, kind, text FROM history_annotations "
                                   "WHERE ts >= ? AND ts < ? AND profile = ? ORDER BY ts, id"));
    q.addBindValue(from);
    q.addBindValue(to);
    if (!profile.isEmpty())
        q.addBindValue(profile);
    if (!q.exec()) {
        failQuery(q, false);
        return std::nullopt;
    }
    QList<Annotation> out;
    while (q.next())
        out.append(Annotation{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                              q.value(3).toString()});
    return out;
}

bool HistoryStore::removeProfile(const QString &profile)
{
    if (!ready())
        return false;
    if (!begin())
        return false;
    QSqlQuery q(database());
    auto run = [&](const QString &sql, const QVariant &arg) {
        q.prepare(sql);
        q.addBindValue(arg);
        if (q.exec())
            return true;
        failQuery(q, true);
        rollback();
        return false;
    };
    if (!run(QStringLiteral("SELECT id FROM history_series WHERE profile = ?"), profile))
        return false;
    QList<int> ids;
    while (q.next())
        ids.append(q.value(0).toInt());
    q.finish();
    for (int id : ids) {
        for (const char *table :
             {"history_samples", "history_rollup_1m", "history_rollup_1h", "history_series"}) {
            const QString column = qstrcmp(table, "history_series") == 0 ? QStringLiteral("id")
                                                                         : QStringLiteral("series");
            if (!run(
                    QStringLiteral("DELETE FROM %1 WHERE %2 = ?").arg(QLatin1String(table), column),
                    id))
                return false;
        }
    }
    for (const char *table : {"history_annotations", "history_events", "history_auth_failures"})
        if (!run(QStringLiteral("DELETE FROM %1 WHERE profile = ?").arg(QLatin1String(table)),
                 profile))
            return false;
    m_series.clear();
    return commit();
}

} // namespace turnstile
