#pragma once

#include "db/inspectorsample.h"
#include "db/inspectorsettings.h"
#include "db/sqlsession.h"

#include <optional>

namespace turnstile {

class DbConnection;

// Reads Keystone's database: MariaDB/MySQL (QMYSQL) and PostgreSQL (QPSQL).
// Blocking, for a worker thread that owns the DbConnection. Every figure is a
// Metric, so a missing table, a missing grant or a lost connection costs that
// figure only; a lost connection is opened again once per statement.
//
// Two cadences:
//  * frequent (every sampling cycle, sampleFrequent()): schema detection,
//    migration version, `SELECT 1 FROM token LIMIT 1`, table statistics
//    (information_schema.TABLES / pg_class + pg_stat_user_tables), token
//    MIN/MAX(expires) (the two ends of the expires index) and the expired/live
//    split as the optimizer estimates it (EXPLAIN; index dives on InnoDB,
//    column statistics on PostgreSQL), with the shorter side counted by a
//    range COUNT while it is under InspectorSettings::frequentCountLimit and
//    the longer side taken as the table's row estimate minus the shorter;
//    and the revocation figures (one pass over the revoked_at index plus the
//    audit_id IS NULL range; the table is small while Keystone prunes it,
//    and its growth is what `obsolete` shows).
// Every cycle of bench/dbsample (2 M legacy tokens) took < 50 ms; see
// docs/benchmarks.md.
//  * exact (hourly or on demand, sampleExact()): the expired/live split as
//    range COUNTs on the expires index, top producers (GROUP BY user_id /
//    trust_id over their indexes, LIMIT n), account figures (scans of user,
//    local_user and password), server-wide sizes, and exactRowCount().
// No statement reads the token table without an index.
class KeystoneInspector
{
public:
    explicit KeystoneInspector(DbConnection &db, const InspectorSettings &settings = {});
    KeystoneInspector(const KeystoneInspector &) = delete;
    KeystoneInspector &operator=(const KeystoneInspector &) = delete;

    // Frequent figures.
    SchemaInfo detectSchema();
    QList<KeystoneTableStats> tableStats();
    TokenStats tokenEstimates();
    RevocationStats revocationStats();

    // Exact figures.
    TokenStats tokenCounts();
    // Top producers of the whole table; with `issuedSince`, only of the rows
    // issued since then (expires >= issuedSince + [token] expiration: the
    // table keeps no issue time). `withTotal` also counts every row of that
    // range, the denominator of the shares (the exact sample has its own).
    TokenProducers tokenProducers(const std::optional<QDateTime> &issuedSince = std::nullopt,
                                  bool withTotal = false);
    UserStats userStats();
    // Scans of trust, password and application_credential (small tables
    // next to token; exact cadence).
    PurgeableStats purgeableStats();
    ServerSizes serverSizes();
    Metric<qint64> exactRowCount(KeystoneTable table);

    // One cycle of each cadence; every figure of a cycle uses the same "now".
    FrequentSample sampleFrequent();
    ExactSample sampleExact();

    // The tables tableStats() reports on (the Keystone data tables).
    static QList<KeystoneTable> inspectedTables();

    const InspectorSettings &settings() const { return m_settings; }
    void setSettings(const InspectorSettings &settings) { m_settings = settings; }
    SqlSession &session() { return m_session; }

private:
    QDateTime now() const;
    // "unavailable: table … does not exist" when the last schema detection
    // did not see the table; empty when it did or nothing is known yet.
    QString missing(KeystoneTable t) const;
    bool hasUserOption();
    QString exemption(const QString &userIdColumn, const char *optionId);
    TokenStats tokenSplit(bool exact);
    Metric<qint64> estimateRows(const QString &condition, const QList<QDateTime> &binds);
    Metric<qint64> estimateSliced(const QDateTime &from, const QDateTime &to, qint64 tableRows,
                                  const Metric<qint64> &whole);
    static bool atHalfOfTable(const Metric<qint64> &estimate, qint64 tableRows);
    std::optional<qint64> tokenRowsEstimate();

    InspectorSettings m_settings;
    SqlSession m_session;
    std::optional<SchemaInfo> m_schema;
    QDateTime m_cycleNow;
};

} // namespace turnstile
