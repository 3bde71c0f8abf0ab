#pragma once

#include "events/eventquery.h"
#include "events/keystoneevent.h"
#include "history/annotation.h"
#include "history/decimatedseries.h"
#include "history/historyconfig.h"
#include "history/historystats.h"
#include "history/sample.h"
#include "history/serieskey.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QSet>
#include <QString>

#include <memory>
#include <optional>

class QSqlDatabase;
class QSqlQuery;

namespace turnstile {

class DbConnection;

// The metric history: one row per (series, timestamp) in history_samples,
// plus 1-minute and 1-hour rollups that keep long ranges fast and outlive
// the raw rows, plus annotations. SQLite (a WAL file of this workstation) or
// PostgreSQL (shared by a team) with the same schema and the same SQL.
//
// Threading: a HistoryStore owns one database connection and must be created,
// used and destroyed on one thread (a worker, never the GUI thread). Several
// stores - threads, processes, workstations - may use the same database at
// once: writes are idempotent on (series, ts), so a GUI sampler and a cron
// collector writing the same second never duplicate a sample, and rollup and
// retention lock the series row they work on.
//
// Values: a series stores value * 10^decimals (decimals fixed per series,
// 0..6). When that is an integer - counts, latencies with up to `decimals`
// places - SQLite writes it in 1-4 bytes and it reads back exactly; any other
// value is kept as a double (8 bytes, within one unit in the last place).
// NaN and infinities are stored as NULL: a gap, ignored by min/max/avg.
//
// Errors: every call clears error(); a failing call returns false / -1 /
// std::nullopt and leaves one translated sentence in error().
class HistoryStore
{
public:
    HistoryStore();
    ~HistoryStore();
    HistoryStore(const HistoryStore &) = delete;
    HistoryStore &operator=(const HistoryStore &) = delete;

    // Connects and creates the schema on first use. Refuses a file that is
    // not a database, a SQLite database of another program, and a schema
    // written by a newer Turnstile - without modifying any of them.
    bool open(const HistoryConfig &config);
    void close();
    bool isOpen() const;
    QString error() const { return m_error; }
    const HistoryConfig &config() const { return m_config; }
    // The file path, or user@host:port/database; never a password.
    QString location() const;

    // Fixes how many decimal places of a series are stored compactly. Optional:
    // append() creates unknown series with 0 decimals when its first batch is
    // integral and 3 otherwise. Fails when the series already exists with
    // other decimals (its stored values would change meaning).
    bool defineSeries(const SeriesKey &key, int decimals);

    // Writes samples in one transaction; a sample whose (series, ts) is
    // already stored is skipped, the stored value wins; so is a sample older
    // than the raw rows retention already removed. Timestamps must lie in
    // [0, kMaxTimestamp]. Returns the number of new rows, -1 on error.
    int append(const SeriesKey &key, const QList<Sample> &samples);
    // One probe's figures for several series, one transaction.
    int append(const QList<QPair<SeriesKey, Sample>> &points);

    // [from, to) reduced to at most maxPoints min/max buckets. The table is
    // chosen by bucket width (raw below a minute, 1-min rollups below an
    // hour, else 1-h rollups) and stitched with coarser rollups where finer
    // rows are past retention and with finer rows not rolled up yet, each
    // sample counted once. The bucket grid starts at `from` rounded down to
    // that table's step and its width is a multiple of it, so no rollup row
    // straddles two buckets; the first and last bucket may therefore reach
    // up to one step beyond [from, to). The database aggregates per bucket,
    // decimateMinMax() merges the tables. An unknown series gives an empty
    // result.
    std::optional<DecimatedSeries> query(const SeriesKey &key, qint64 from, qint64 to,
                                         int maxPoints);
    // Raw samples in [from, to), including gaps (NaN); for export and reports.
    std::optional<QList<Sample>> samples(const SeriesKey &key, qint64 from, qint64 to);
    // The newest finite raw sample; nullopt with an empty error() when there is none.
    std::optional<Sample> latest(const SeriesKey &key);
    // All series, or those of one profile, ordered by profile and metric.
    std::optional<QList<SeriesKey>> seriesKeys(const QString &profile = {});

    // Rolls every complete minute before `now` into history_rollup_1m and
    // every complete hour of those into history_rollup_1h, starting where the
    // previous call stopped (or where a late sample landed). Cheap to call
    // often; idempotent.
    bool rollup(qint64 now);
    bool rollup();
    // Deletes rows older than the configured retention, but never a raw row
    // that is not rolled up yet nor a minute that is not in an hour yet.
    // PostgreSQL: raw rows are cut per series as on SQLite (reads and late
    // appends stop at the cut at once), but the rows themselves leave a whole
    // month at a time: a month's partition is dropped once every series'
    // cut is past its end - no DELETE, no dead tuples for VACUUM.
    bool applyRetention(qint64 now);
    // rollup() then applyRetention(): what a collector runs periodically.
    // PostgreSQL: also creates this month's and the next month's partition
    // ahead of the samples, so a cycle at the turn of a month never waits
    // for one (see ensurePartitions).
    bool maintain(qint64 now);
    // What a collector runs after each cycle: maintain(), unless another
    // store of the same PostgreSQL database did so less than `everySeconds`
    // before `now` (a lease in history_meta). rollup() and applyRetention()
    // walk every series of the database, two transactions each: fifty
    // collectors sharing a database would otherwise repeat the same work
    // fifty times a cycle. Nothing is late for it: reads stitch raw rows not
    // rolled up yet. SQLite (one workstation): always maintain().
    bool maintainIfDue(qint64 now, qint64 everySeconds = 60);
    // SQLite: checkpoint the WAL and VACUUM, returning freed pages to the file
    // system and repacking pages that interleaved inserts left part-empty.
    // PostgreSQL: nothing (autovacuum's job).
    bool compact();
    std::optional<HistoryStats> stats();

    // Annotations are kept forever; they are few.
    bool addAnnotation(const Annotation &annotation);
    std::optional<QList<Annotation>> annotations(qint64 from, qint64 to,
                                                 const QString &profile = {});

    // Keystone audit events (core/history/historyevents.cpp). appendEvents
    // stores in one transaction, skipping a message_id the profile already
    // has (a redelivery), and counts each new failed login in its user's
    // minute. Returns the number of new events, -1 on error.
    int appendEvents(const QString &profile, const QList<KeystoneEvent> &events);
    // Oldest first, at most query.limit.
    std::optional<QList<KeystoneEvent>> events(const EventQuery &query);
    // The name stored with the newest event that resolved this target id:
    // how a deletion still says what was deleted. Empty when none did.
    std::optional<QString> eventTargetName(const QString &profile, const QString &targetId);
    // Failed logins per user and minute in [fromMinute, toMinute) (seconds).
    std::optional<QList<AuthFailureCount>> authFailures(const QString &profile, qint64 fromSecs,
                                                        qint64 toSecs);
    // Successful logins per user with event time in [fromMs, toMs), most
    // first: one GROUP BY over the (profile, ts) index, so a collector cycle
    // can ask for the last hour without reading the events into memory.
    std::optional<QList<AuthSuccessCount>> authSuccesses(const QString &profile, qint64 fromMs,
                                                         qint64 toMs);
    // Deletes events and failure counts older than eventRetentionDays (part
    // of applyRetention).
    bool applyEventRetention(qint64 now);

    // Deletes every series, sample, rollup and annotation of a profile.
    bool removeProfile(const QString &profile);

    static constexpr int kMaxDecimals = 6;
    static constexpr qint64 kMaxTimestamp = 253402300799; // 9999-12-31T23:59:59Z

private:
    struct SeriesInfo
    {
        int id = 0; // 0: no such series
        int decimals = 0;
    };
    // The series row as read under its lock.
    struct SeriesState
    {
        bool exists = false;
        std::optional<qint64> rolledMinute, rolledHour, rawCut, minuteCut;
    };
    struct Group
    {
        SeriesKey key;
        QList<Sample> samples;
    };

    bool fail(const QString &message);
    bool failQuery(const QSqlQuery &q, bool write);
    bool ready();
    bool isPostgres() const;
    QSqlDatabase database() const;
    bool openSqlite();
    bool openPostgres();
    bool checkVersion();
    bool upgradeSchema();
    bool migrateSamplesToPartitions(QSqlQuery &q);
    bool loadPartitions(QSqlQuery &q);
    bool ensurePartitions(const QSet<qint64> &months);
    bool dropExpiredPartitions();
    bool begin();
    bool commit();
    void rollback();

    std::optional<SeriesInfo> series(const SeriesKey &key, bool create, int decimalsIfNew);
    int appendGroups(const QList<Group> &groups);
    int writeGroups(const QList<Group> &groups);
    bool insertSamples(int seriesId, int decimals, const QList<Sample> &samples, int *inserted);
    std::optional<QList<int>> seriesIds();
    bool forEachSeries(bool (HistoryStore::*perSeries)(int, qint64), qint64 now);
    bool rollupSeries(int id, qint64 now);
    bool retainSeries(int id, qint64 now);
    std::optional<SeriesState> lockSeries(int id);

    std::unique_ptr<DbConnection> m_conn;
    HistoryConfig m_config;
    QString m_error;
    QString m_sqlState;                    // of the last failed statement
    QHash<SeriesKey, SeriesInfo> m_series; // id cache; cleared on rollback
    // PostgreSQL: the months history_samples has a partition for, as last
    // seen; another collector's retention may have dropped one since
    // (appendGroups then reloads and retries once).
    QSet<qint64> m_partitions;
};

} // namespace turnstile
