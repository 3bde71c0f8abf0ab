#include "db/keystoneinspector.h"

#include "db/dbconnection.h"
#include "db/migrationcatalog.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <functional>

namespace turnstile {

namespace {

// lupdate resolves Tr::tr() through this declaration to the "KeystoneInspector" context.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(KeystoneInspector)
};

// A number from any driver: integers, DECIMAL sums as strings (QMYSQL),
// numeric as double (QPSQL). NULL stays empty.
std::optional<qint64> number(const QVariant &v)
{
    if (!v.isValid() || v.isNull())
        return std::nullopt;
    bool ok = false;
    if (v.metaType().id() == QMetaType::Double || v.metaType().id() == QMetaType::Float) {
        const double d = v.toDouble(&ok);
        if (ok && std::isfinite(d))
            return qint64(std::llround(d));
        return std::nullopt;
    }
    const qint64 i = v.toLongLong(&ok);
    if (ok)
        return i;
    const double d = v.toString().toDouble(&ok);
    if (ok && std::isfinite(d))
        return qint64(std::llround(d));
    return std::nullopt;
}

// SUM() over no rows is NULL: that is a count of zero.
qint64 count(const QVariant &v)
{
    return number(v).value_or(0);
}

std::optional<QDateTime> fromEpoch(const QVariant &v)
{
    const std::optional<qint64> s = number(v);
    if (!s)
        return std::nullopt;
    return QDateTime::fromSecsSinceEpoch(*s, Qt::UTC);
}

QString noRow()
{
    return SqlSession::unavailable(Tr::tr("the server returned no row"));
}

template <typename T>
void failAll(const QString &error, double ms, std::initializer_list<Metric<T> *> metrics)
{
    for (Metric<T> *m : metrics)
        *m = Metric<T>::unavailable(error, ms);
}

// Microseconds since the epoch, the unit of Keystone's *_int columns
// (keystone.common.sql.core.DateTimeInt).
qint64 micros(const QDateTime &t)
{
    return t.toMSecsSinceEpoch() * 1000;
}

} // namespace

KeystoneInspector::KeystoneInspector(DbConnection &db, const InspectorSettings &settings)
    : m_settings(settings), m_session(db, settings.statementTimeoutMs)
{}

QList<KeystoneTable> KeystoneInspector::inspectedTables()
{
    return {KeystoneTable::Token,     KeystoneTable::RevocationEvent, KeystoneTable::Trust,
            KeystoneTable::User,      KeystoneTable::LocalUser,       KeystoneTable::Password,
            KeystoneTable::UserOption};
}

QDateTime KeystoneInspector::now() const
{
    QDateTime t = m_settings.now.isValid() ? m_settings.now
                  : m_cycleNow.isValid()   ? m_cycleNow
                                           : QDateTime::currentDateTimeUtc();
    t = t.toUTC();
    // Keystone's DATETIME columns hold whole seconds; so do our cuts.
    return QDateTime::fromSecsSinceEpoch(t.toSecsSinceEpoch(), Qt::UTC);
}

QString KeystoneInspector::missing(KeystoneTable t) const
{
    if (!m_schema || !m_schema->tables.available() || m_schema->hasTable(t))
        return {};
    return SqlSession::unavailable(
        Tr::tr("table %1 does not exist in this database or is not visible to this user")
            .arg(tableName(t)));
}

bool KeystoneInspector::hasUserOption()
{
    if (!m_schema)
        detectSchema();
    return m_schema && m_schema->hasTable(KeystoneTable::UserOption);
}

QString KeystoneInspector::exemption(const QString &userIdColumn, const char *optionId)
{
    // Users with the resource option set to true are exempt from the rule
    // (keystone/identity/backends/resource_options.py); option_value is JSON.
    if (!hasUserOption())
        return {};
    return QStringLiteral(
               " AND NOT EXISTS (SELECT 1 FROM %1 o WHERE o.user_id = %2 AND o.option_id = '%3'"
               " AND o.option_value = 'true')")
        .arg(m_session.table(KeystoneTable::UserOption), userIdColumn, QLatin1String(optionId));
}

SchemaInfo KeystoneInspector::detectSchema()
{
    SchemaInfo s;
    QString reason;
    if (!m_session.begin(&reason)) {
        const QString e = SqlSession::unavailable(reason);
        s.tables = Metric<QList<KeystoneTable>>::unavailable(e);
        s.migration = Metric<MigrationVersion>::unavailable(e);
        s.tokenHasRows = Metric<bool>::unavailable(e);
        m_schema = s;
        return s;
    }
    s.serverVersion = m_session.serverVersion();

    const SqlResult t = m_session.run(
        m_session.isMySql()
            ? QStringLiteral("SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA "
                             "= DATABASE()")
            : QStringLiteral(
                  "SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                  "ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN "
                  "('r', 'p')"));
    if (t.ok()) {
        QList<KeystoneTable> found;
        for (const KeystoneTable k : allKeystoneTables()) {
            for (const QVariantList &row : t.rows) {
                if (row.value(0).toString().compare(tableName(k), Qt::CaseInsensitive) == 0) {
                    found.append(k);
                    break;
                }
            }
        }
        s.tables = Metric<QList<KeystoneTable>>::of(found, t.ms);
    } else {
        s.tables = Metric<QList<KeystoneTable>>::unavailable(t.error, t.ms);
    }

    // Without a table list, ask both bookkeeping tables and keep what answers.
    const bool tryAlembic = !t.ok() || s.hasTable(KeystoneTable::AlembicVersion);
    const bool tryMigrate = !t.ok() || s.hasTable(KeystoneTable::MigrateVersion);
    QString firstError;
    double ms = 0;
    if (tryAlembic) {
        const SqlResult r = m_session.run(QStringLiteral("SELECT version_num FROM %1")
                                              .arg(m_session.table(KeystoneTable::AlembicVersion)));
        ms += r.ms;
        if (r.ok()) {
            QStringList revs;
            for (const QVariantList &row : r.rows)
                revs.append(row.value(0).toString());
            s.migration = Metric<MigrationVersion>::of(classifyAlembic(revs), ms);
        } else {
            firstError = r.error;
        }
    }
    if (!s.migration.available() && tryMigrate) {
        const SqlResult r = m_session.run(QStringLiteral("SELECT repository_id, version FROM %1")
                                              .arg(m_session.table(KeystoneTable::MigrateVersion)));
        ms += r.ms;
        if (r.ok()) {
            QList<QPair<QString, qint64>> rows;
            for (const QVariantList &row : r.rows)
                rows.append({row.value(0).toString(), number(row.value(1)).value_or(-1)});
            s.migration = Metric<MigrationVersion>::of(classifyMigrate(rows), ms);
        } else if (firstError.isEmpty()) {
            firstError = r.error;
        }
    }
    if (!s.migration.available()) {
        if (!tryAlembic && !tryMigrate) {
            MigrationVersion none;
            none.note = Tr::tr(
                "Neither alembic_version nor migrate_version exists; this may not be a Keystone "
                "database.");
            s.migration = Metric<MigrationVersion>::of(none, ms);
        } else {
            s.migration = Metric<MigrationVersion>::unavailable(firstError, ms);
        }
    }

    m_schema = s; // missing() below uses this detection
    if (const QString e = missing(KeystoneTable::Token); !e.isEmpty()) {
        s.tokenHasRows = Metric<bool>::unavailable(e);
    } else {
        // Cheap by construction: the first row of any index ends the scan.
        const SqlResult r = m_session.run(
            QStringLiteral("SELECT 1 FROM %1 LIMIT 1").arg(m_session.table(KeystoneTable::Token)));
        s.tokenHasRows = r.ok() ? Metric<bool>::of(!r.isEmpty(), r.ms)
                                : Metric<bool>::unavailable(r.error, r.ms);
    }
    m_schema = s;
    return s;
}

QList<KeystoneTableStats> KeystoneInspector::tableStats()
{
    QList<KeystoneTableStats> out;
    QString reason;
    SqlResult r;
    if (!m_session.begin(&reason)) {
        r.error = SqlSession::unavailable(reason);
    } else if (m_session.isMySql()) {
        r = m_session.run(QStringLiteral(
            "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH, "
            "DATA_FREE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() "
            "AND TABLE_TYPE = 'BASE TABLE'"));
    } else {
        // reltuples is -1 until the first VACUUM/ANALYZE (PostgreSQL 14+).
        r = m_session.run(QStringLiteral(
            "SELECT n.nspname, c.relname, CASE WHEN c.reltuples < 0 THEN NULL ELSE "
            "CAST(c.reltuples AS BIGINT) END, "
            "pg_total_relation_size(c.oid) - pg_indexes_size(c.oid), pg_indexes_size(c.oid), NULL, "
            "s.n_live_tup, s.n_dead_tup FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
            "ON n.oid = c.relnamespace LEFT JOIN pg_catalog.pg_stat_user_tables s ON s.relid = "
            "c.oid "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')"));
    }
    QHash<QString, TableSize> byName;
    if (r.ok()) {
        for (const QVariantList &row : std::as_const(r.rows)) {
            TableSize t;
            t.schema = row.value(0).toString();
            t.name = row.value(1).toString();
            t.rowsEstimate = number(row.value(2));
            if (m_session.isMySql()) {
                t.dataBytes = number(row.value(3));
                t.indexBytes = number(row.value(4));
                t.freeBytes = number(row.value(5));
            } else {
                t.dataBytes = number(row.value(3));
                t.indexBytes = number(row.value(4));
                t.liveRowsEstimate = number(row.value(6));
                t.deadRowsEstimate = number(row.value(7));
            }
            byName.insert(t.name.toLower(), t);
        }
    }
    for (const KeystoneTable k : inspectedTables()) {
        KeystoneTableStats st;
        st.table = k;
        if (!r.ok())
            st.size = Metric<TableSize>::unavailable(r.error, r.ms);
        else if (const auto it = byName.constFind(tableName(k)); it != byName.constEnd())
            st.size = Metric<TableSize>::of(*it, r.ms);
        else
            st.size = Metric<TableSize>::unavailable(
                SqlSession::unavailable(
                    Tr::tr(
                        "table %1 does not exist in this database or is not visible to this user")
                        .arg(tableName(k))),
                r.ms);
        out.append(st);
    }
    return out;
}

Metric<qint64> KeystoneInspector::estimateRows(const QString &condition,
                                               const QList<QDateTime> &binds)
{
    const QString token = m_session.table(KeystoneTable::Token);
    if (m_session.isMySql()) {
        // The statement the exact split runs, explained: InnoDB answers with
        // index dives into the expires index, a few pages whatever the size.
        const SqlResult r = m_session.run(
            QStringLiteral("EXPLAIN SELECT COUNT(*) FROM %1 WHERE %2").arg(token, condition),
            QVariantList(binds.cbegin(), binds.cend()));
        if (!r.ok())
            return Metric<qint64>::unavailable(r.error, r.ms);
        const std::optional<qint64> rows = number(r.value(0, QStringLiteral("rows")));
        if (!rows)
            return Metric<qint64>::unavailable(noRow(), r.ms);
        return Metric<qint64>::of(*rows, r.ms);
    }
    // PostgreSQL cannot PREPARE an EXPLAIN, so the instant goes in as the
    // driver's literal of our own QDateTime; the estimate comes from the
    // column statistics of the last ANALYZE.
    QString sql =
        QStringLiteral("EXPLAIN (FORMAT JSON) SELECT 1 FROM %1 WHERE %2").arg(token, condition);
    for (const QDateTime &at : binds) {
        const qsizetype mark = sql.indexOf(u'?');
        if (mark >= 0)
            sql.replace(mark, 1, m_session.literal(at));
    }
    const SqlResult r = m_session.run(sql);
    if (!r.ok())
        return Metric<qint64>::unavailable(r.error, r.ms);
    const QJsonArray plan = QJsonDocument::fromJson(r.value(0, 0).toString().toUtf8()).array();
    const QJsonValue rows = plan.at(0).toObject().value(u"Plan").toObject().value(u"Plan Rows");
    if (!rows.isDouble())
        return Metric<qint64>::unavailable(noRow(), r.ms);
    return Metric<qint64>::of(qint64(std::llround(rows.toDouble())), r.ms);
}

bool KeystoneInspector::atHalfOfTable(const Metric<qint64> &estimate, qint64 tableRows)
{
    // The statistics behind TABLE_ROWS move between two statements, so
    // "at the cap" allows a percent either way.
    if (!estimate.available() || tableRows < 2)
        return false;
    const qint64 half = tableRows / 2;
    return std::llabs(*estimate.value - half) <= std::max<qint64>(1, tableRows / 100);
}

Metric<qint64> KeystoneInspector::estimateSliced(const QDateTime &from, const QDateTime &to,
                                                 qint64 tableRows, const Metric<qint64> &whole)
{
    constexpr int slices = 16;
    constexpr int maxDepth = 2;
    const QString cond = QStringLiteral("expires >= ? AND expires < ?");
    double ms = whole.queryMs;
    qint64 total = 0;
    // A slice that is itself at the cap holds most of the table: split it
    // again rather than believe the cap.
    std::function<bool(const QDateTime &, const QDateTime &, int)> sum =
        [&](const QDateTime &lo, const QDateTime &hi, int depth) {
            const qint64 span = lo.msecsTo(hi);
            const int n = span >= slices * 1000 ? slices : 1;
            for (int i = 0; i < n; ++i) {
                const QDateTime a = lo.addMSecs(span * i / n);
                const QDateTime b = i + 1 == n ? hi : lo.addMSecs(span * (i + 1) / n);
                const Metric<qint64> part = estimateRows(cond, {a, b});
                ms += part.queryMs;
                if (!part.available())
                    return false;
                if (n > 1 && depth < maxDepth && atHalfOfTable(part, tableRows)) {
                    if (!sum(a, b, depth + 1))
                        return false;
                } else {
                    total += *part.value;
                }
            }
            return true;
        };
    if (!sum(from, to, 0))
        return whole;
    return Metric<qint64>::of(total, ms);
}

std::optional<qint64> KeystoneInspector::tokenRowsEstimate()
{
    const SqlResult n = m_session.run(
        m_session.isMySql()
            ? QStringLiteral(
                  "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = "
                  "DATABASE() AND TABLE_NAME = ?")
            : QStringLiteral(
                  "SELECT CASE WHEN c.reltuples < 0 THEN NULL ELSE CAST(c.reltuples AS BIGINT) END "
                  "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = "
                  "c.relnamespace WHERE n.nspname = current_schema() AND c.relname = ?"),
        {tableName(KeystoneTable::Token)});
    return n.ok() ? number(n.value(0, 0)) : std::nullopt;
}

TokenStats KeystoneInspector::tokenSplit(bool exact)
{
    TokenStats s;
    s.at = now();
    const double before = m_session.elapsedMs();
    QString reason;
    QString gate = missing(KeystoneTable::Token);
    if (gate.isEmpty() && !m_session.begin(&reason))
        gate = SqlSession::unavailable(reason);
    if (!gate.isEmpty()) {
        failAll<qint64>(gate, 0, {&s.expired, &s.live});
        failAll<QDateTime>(gate, 0, {&s.oldestExpires, &s.newestExpires});
        return s;
    }
    const QString token = m_session.table(KeystoneTable::Token);

    // MIN/MAX read the two ends of the expires index.
    const SqlResult mm =
        m_session.run(QStringLiteral("SELECT %1, %2 FROM %3")
                          .arg(m_session.epochSeconds(QStringLiteral("MIN(expires)")),
                               m_session.epochSeconds(QStringLiteral("MAX(expires)")), token));
    std::optional<QDateTime> oldest;
    std::optional<QDateTime> newest;
    if (!mm.ok()) {
        failAll<QDateTime>(mm.error, mm.ms, {&s.oldestExpires, &s.newestExpires});
    } else {
        oldest = fromEpoch(mm.value(0, 0));
        newest = fromEpoch(mm.value(0, 1));
        const QString empty =
            SqlSession::unavailable(Tr::tr("the token table has no rows with an expiry"));
        s.oldestExpires = oldest ? Metric<QDateTime>::of(*oldest, mm.ms)
                                 : Metric<QDateTime>::unavailable(empty, mm.ms);
        s.newestExpires = newest ? Metric<QDateTime>::of(*newest, mm.ms)
                                 : Metric<QDateTime>::unavailable(empty, mm.ms);
    }

    const QString expiredCond = QStringLiteral("expires < ?");
    const QString liveCond = QStringLiteral("expires >= ?");
    auto countWhere = [&](const QString &cond) {
        const SqlResult r = m_session.run(
            QStringLiteral("SELECT COUNT(*) FROM %1 WHERE %2").arg(token, cond), {s.at});
        if (!r.ok())
            return Metric<qint64>::unavailable(r.error, r.ms);
        const std::optional<qint64> n = number(r.value(0, 0));
        return n ? Metric<qint64>::of(*n, r.ms) : Metric<qint64>::unavailable(noRow(), r.ms);
    };

    // The ends of the index settle the empty sides exactly and for free.
    const bool noneExpired = mm.ok() && (!oldest || *oldest >= s.at);
    const bool noneLive = mm.ok() && (!newest || *newest < s.at);
    if (noneExpired)
        s.expired = Metric<qint64>::of(0, mm.ms);
    if (noneLive)
        s.live = Metric<qint64>::of(0, mm.ms);
    s.expiredExact = noneExpired;
    s.liveExact = noneLive;

    if (exact) {
        if (!noneExpired)
            s.expired = countWhere(expiredCond);
        if (!noneLive)
            s.live = countWhere(liveCond);
        s.expiredExact = s.liveExact = true;
        s.queryMs = m_session.elapsedMs() - before;
        return s;
    }

    if (!noneExpired)
        s.expired = estimateRows(expiredCond, {s.at});
    if (!noneLive)
        s.live = estimateRows(liveCond, {s.at});
    const std::optional<qint64> tableRows =
        m_session.isMySql() && (!noneExpired || !noneLive) ? tokenRowsEstimate() : std::nullopt;
    if (tableRows && oldest && newest && !noneExpired && !noneLive &&
        (atHalfOfTable(s.expired, *tableRows) || atHalfOfTable(s.live, *tableRows))) {
        // InnoDB caps an inexact range estimate at half the table
        // (btr_estimate_n_rows_in_range), so on a large table both sides can
        // read "half" and the live and expired lines coincide whatever the
        // truth. Slices of each range stay under the cap. Their sums still
        // share the dives' bias (twice the truth on the lab's index), so
        // only their ratio is trusted, applied to the table's row count.
        const Metric<qint64> expired = estimateSliced(*oldest, s.at, *tableRows, s.expired);
        const Metric<qint64> live = estimateSliced(s.at, newest->addSecs(1), *tableRows, s.live);
        const qint64 sum = expired.value.value_or(0) + live.value.value_or(0);
        if (expired.available() && live.available() && sum > 0) {
            const qint64 e =
                qint64(std::llround(double(*tableRows) * double(*expired.value) / double(sum)));
            s.expired = Metric<qint64>::of(e, expired.queryMs);
            s.live = Metric<qint64>::of(*tableRows - e, live.queryMs);
        }
    }
    if (s.expired.available() && s.live.available()) {
        // The smaller side is counted when its range is short enough to stay
        // cheap; that is usually the live tokens, the figure people ask for.
        const bool expiredSmaller = *s.expired.value < *s.live.value;
        Metric<qint64> &smaller = expiredSmaller ? s.expired : s.live;
        bool &smallerExact = expiredSmaller ? s.expiredExact : s.liveExact;
        if (!smallerExact && *smaller.value <= m_settings.frequentCountLimit) {
            const Metric<qint64> counted = countWhere(expiredSmaller ? expiredCond : liveCond);
            if (counted.available()) {
                smaller = Metric<qint64>::of(*counted.value, smaller.queryMs + counted.queryMs);
                smallerExact = true;
            }
        }
        // InnoDB caps a range estimate at half the table once it is no
        // longer exact (btr_estimate_n_rows_in_range), so the larger side
        // reads ~50 % however large it is: it is the rest of the table by
        // the table's statistics instead.
        Metric<qint64> &larger = expiredSmaller ? s.live : s.expired;
        const bool largerExact = expiredSmaller ? s.liveExact : s.expiredExact;
        if (!largerExact) {
            QElapsedTimer t;
            t.start();
            if (const std::optional<qint64> rows = tableRows ? tableRows : tokenRowsEstimate())
                larger.value = std::max(*larger.value, *rows - *smaller.value);
            larger.queryMs += t.nsecsElapsed() / 1e6;
        }
    }
    s.queryMs = m_session.elapsedMs() - before;
    return s;
}

TokenStats KeystoneInspector::tokenEstimates()
{
    return tokenSplit(false);
}

TokenStats KeystoneInspector::tokenCounts()
{
    return tokenSplit(true);
}

TokenProducers KeystoneInspector::tokenProducers(const std::optional<QDateTime> &issuedSince,
                                                 bool withTotal)
{
    TokenProducers p;
    const double before = m_session.elapsedMs();
    QString reason;
    QString gate = missing(KeystoneTable::Token);
    if (gate.isEmpty() && !m_session.begin(&reason))
        gate = SqlSession::unavailable(reason);
    if (!gate.isEmpty()) {
        failAll<QList<TokenProducer>>(gate, 0, {&p.byUser, &p.byTrust});
        p.total = Metric<qint64>::unavailable(gate);
        return p;
    }
    const QString token = m_session.table(KeystoneTable::Token);
    const int limit = std::max(1, m_settings.topProducers);
    // Issued since T means expiring from T + expiration on: a range of the
    // expires index.
    QString range;
    QVariantList binds;
    if (issuedSince) {
        range = QStringLiteral(" AND expires >= ?");
        binds << issuedSince->toUTC().addSecs(m_settings.tokenExpirationSec);
    }
    // GROUP BY the indexed column reads that index only; the LIMIT keeps the
    // answer small however many producers there are.
    auto top = [&](const QString &column) {
        const SqlResult r =
            m_session.run(QStringLiteral("SELECT %1, COUNT(*) FROM %2 WHERE %1 IS NOT NULL%3 "
                                         "GROUP BY %1 ORDER BY 2 DESC LIMIT ?")
                              .arg(column, token, range),
                          binds + QVariantList{limit});
        if (!r.ok())
            return Metric<QList<TokenProducer>>::unavailable(r.error, r.ms);
        QList<TokenProducer> list;
        for (const QVariantList &row : r.rows)
            list.append({row.value(0).toString(), count(row.value(1)), std::nullopt});
        return Metric<QList<TokenProducer>>::of(list, r.ms);
    };
    p.byUser = top(QStringLiteral("user_id"));
    p.byTrust = top(QStringLiteral("trust_id"));
    if (withTotal) {
        const SqlResult r = m_session.run(
            QStringLiteral("SELECT COUNT(*) FROM %1 WHERE 1 = 1%2").arg(token, range), binds);
        const std::optional<qint64> n = r.ok() ? number(r.value(0, 0)) : std::nullopt;
        p.total = n ? Metric<qint64>::of(*n, r.ms)
                    : Metric<qint64>::unavailable(r.ok() ? noRow() : r.error, r.ms);
    } else {
        p.total = Metric<qint64>::unavailable(QString());
    }
    p.queryMs = m_session.elapsedMs() - before;
    return p;
}

RevocationStats KeystoneInspector::revocationStats()
{
    RevocationStats s;
    s.at = now();
    s.windows = revocationWindows(s.at, m_settings.tokenExpirationSec,
                                  m_settings.revokeExpirationBufferSec);
    const double before = m_session.elapsedMs();
    QString reason;
    QString gate = missing(KeystoneTable::RevocationEvent);
    if (gate.isEmpty() && !m_session.begin(&reason))
        gate = SqlSession::unavailable(reason);
    if (!gate.isEmpty()) {
        failAll<qint64>(gate, 0, {&s.total, &s.obsolete});
        s.ages = Metric<RevocationAgeHistogram>::unavailable(gate);
        s.kinds = Metric<RevocationKinds>::unavailable(gate);
        return s;
    }
    const QString rev = m_session.table(KeystoneTable::RevocationEvent);

    // One pass over the revoked_at index gives the total, the age buckets and
    // the obsolete rows.
    const SqlResult a = m_session.run(
        QStringLiteral("SELECT COUNT(*), SUM(CASE WHEN revoked_at >= ? THEN 1 ELSE 0 END), "
                       "SUM(CASE WHEN revoked_at >= ? THEN 1 ELSE 0 END), SUM(CASE WHEN revoked_at "
                       ">= ? THEN 1 ELSE 0 END), "
                       "SUM(CASE WHEN revoked_at < ? THEN 1 ELSE 0 END) FROM %1")
            .arg(rev),
        {s.windows.hourAgo, s.windows.dayAgo, s.windows.weekAgo, s.windows.obsoleteBefore});
    std::optional<qint64> total;
    if (!a.ok()) {
        failAll<qint64>(a.error, a.ms, {&s.total, &s.obsolete});
        s.ages = Metric<RevocationAgeHistogram>::unavailable(a.error, a.ms);
    } else if (a.isEmpty()) {
        failAll<qint64>(noRow(), a.ms, {&s.total, &s.obsolete});
        s.ages = Metric<RevocationAgeHistogram>::unavailable(noRow(), a.ms);
    } else {
        total = count(a.value(0, 0));
        s.total = Metric<qint64>::of(*total, a.ms);
        s.ages = Metric<RevocationAgeHistogram>::of(
            histogramFromCumulative(*total, count(a.value(0, 1)), count(a.value(0, 2)),
                                    count(a.value(0, 3))),
            a.ms);
        s.obsolete = Metric<qint64>::of(count(a.value(0, 4)), a.ms);
    }

    // The wide events: the audit_id IS NULL range of the audit_id index.
    const SqlResult k = m_session.run(
        QStringLiteral("SELECT COUNT(*), SUM(CASE WHEN user_id IS NOT NULL THEN 1 ELSE 0 END), "
                       "SUM(CASE WHEN project_id IS NOT NULL THEN 1 ELSE 0 END), "
                       "SUM(CASE WHEN domain_id IS NOT NULL THEN 1 ELSE 0 END), "
                       "SUM(CASE WHEN user_id IS NULL AND project_id IS NULL AND domain_id IS NULL "
                       "THEN 1 ELSE 0 END) "
                       "FROM %1 WHERE audit_id IS NULL")
            .arg(rev));
    if (!k.ok()) {
        s.kinds = Metric<RevocationKinds>::unavailable(k.error, k.ms);
    } else if (k.isEmpty()) {
        s.kinds = Metric<RevocationKinds>::unavailable(noRow(), k.ms);
    } else {
        RevocationKinds kinds;
        kinds.wide = count(k.value(0, 0));
        kinds.userWide = count(k.value(0, 1));
        kinds.projectWide = count(k.value(0, 2));
        kinds.domainWide = count(k.value(0, 3));
        kinds.otherWide = count(k.value(0, 4));
        if (total)
            kinds.auditId = std::max<qint64>(0, *total - kinds.wide);
        s.kinds = Metric<RevocationKinds>::of(kinds, k.ms);
    }
    s.queryMs = m_session.elapsedMs() - before;
    return s;
}

UserStats KeystoneInspector::userStats()
{
    UserStats u;
    u.at = now();
    const double before = m_session.elapsedMs();
    QString reason;
    if (!m_session.begin(&reason)) {
        failAll<qint64>(SqlSession::unavailable(reason), 0,
                        {&u.total, &u.enabled, &u.inactive, &u.locked, &u.passwordsExpiringSoon,
                         &u.passwordsExpired});
        return u;
    }

    // Users: enabled flag, and Keystone's inactivity rule (sql_model.User.enabled):
    // disabled once today - COALESCE(last_active_at, created_at) >= the limit.
    if (const QString gate = missing(KeystoneTable::User); !gate.isEmpty()) {
        failAll<qint64>(gate, 0, {&u.total, &u.enabled, &u.inactive});
    } else {
        QString sql = QStringLiteral("SELECT COUNT(*), SUM(CASE WHEN u.enabled THEN 1 ELSE 0 END)");
        QVariantList binds;
        const bool inactivity = m_settings.disableInactiveDays > 0;
        if (inactivity) {
            sql += QStringLiteral(", SUM(CASE WHEN u.enabled AND COALESCE(u.last_active_at, "
                                  "CAST(u.created_at AS DATE)) "
                                  "<= ?%1 THEN 1 ELSE 0 END)")
                       .arg(exemption(QStringLiteral("u.id"), "1004"));
            binds.append(u.at.date().addDays(-m_settings.disableInactiveDays));
        }
        sql += QStringLiteral(" FROM %1 u").arg(m_session.table(KeystoneTable::User));
        const SqlResult r = m_session.run(sql, binds);
        if (!r.ok() || r.isEmpty()) {
            const QString e = r.ok() ? noRow() : r.error;
            failAll<qint64>(e, r.ms, {&u.total, &u.enabled, &u.inactive});
        } else {
            u.total = Metric<qint64>::of(count(r.value(0, 0)), r.ms);
            u.enabled = Metric<qint64>::of(count(r.value(0, 1)), r.ms);
            u.inactive = inactivity ? Metric<qint64>::of(count(r.value(0, 2)), r.ms)
                                    : Metric<qint64>::unavailable(SqlSession::unavailable(
                                          Tr::tr("inactivity disabling is not configured "
                                                 "(disable_user_account_days_inactive)")));
        }
    }

    // Locked: identity/backends/sql.py _is_account_locked().
    if (m_settings.lockoutFailureAttempts <= 0) {
        u.locked = Metric<qint64>::unavailable(SqlSession::unavailable(
            Tr::tr("account lockout is not configured (lockout_failure_attempts)")));
    } else if (const QString gate = missing(KeystoneTable::LocalUser); !gate.isEmpty()) {
        u.locked = Metric<qint64>::unavailable(gate);
    } else {
        QString sql = QStringLiteral("SELECT COUNT(*) FROM %1 lu WHERE lu.failed_auth_count >= ?")
                          .arg(m_session.table(KeystoneTable::LocalUser));
        QVariantList binds{m_settings.lockoutFailureAttempts};
        if (m_settings.lockoutDurationSec > 0) {
            // failed_auth_at + duration > now, with the arithmetic on our side.
            sql += QStringLiteral(" AND lu.failed_auth_at > ?");
            binds.append(u.at.addSecs(-m_settings.lockoutDurationSec));
        }
        sql += exemption(QStringLiteral("lu.user_id"), "1002");
        const SqlResult r = m_session.run(sql, binds);
        if (!r.ok())
            u.locked = Metric<qint64>::unavailable(r.error, r.ms);
        else
            u.locked = Metric<qint64>::of(count(r.value(0, 0)), r.ms);
    }

    // Passwords: the current one is the last by created_at_int
    // (LocalUser.passwords order_by), and its expiry is expires_at_int, or
    // expires_at where the integer is unset (Password.expires_at).
    const QString pwGate = !missing(KeystoneTable::Password).isEmpty()
                               ? missing(KeystoneTable::Password)
                               : missing(KeystoneTable::LocalUser);
    if (!pwGate.isEmpty()) {
        failAll<qint64>(pwGate, 0, {&u.passwordsExpiringSoon, &u.passwordsExpired});
    } else {
        const QDateTime soon = u.at.addDays(std::max(0, m_settings.passwordExpiryWarningDays));
        const QString intSet =
            QStringLiteral("(p.expires_at_int IS NOT NULL AND p.expires_at_int <> 0)");
        const QString intUnset =
            QStringLiteral("(p.expires_at_int IS NULL OR p.expires_at_int = 0)");
        const QString password = m_session.table(KeystoneTable::Password);
        const QString sql =
            QStringLiteral(
                "SELECT SUM(CASE WHEN (%1 AND p.expires_at_int >= ? AND p.expires_at_int < ?) OR "
                "(%2 AND p.expires_at >= ? AND p.expires_at < ?) THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN (%1 AND p.expires_at_int < ?) OR (%2 AND p.expires_at < ?) THEN 1 "
                "ELSE 0 END) "
                "FROM %3 p JOIN %4 lu ON lu.id = p.local_user_id "
                "WHERE p.created_at_int = (SELECT MAX(p2.created_at_int) FROM %3 p2 WHERE "
                "p2.local_user_id = p.local_user_id)%5")
                .arg(intSet, intUnset, password, m_session.table(KeystoneTable::LocalUser),
                     exemption(QStringLiteral("lu.user_id"), "1001"));
        const SqlResult r =
            m_session.run(sql, {micros(u.at), micros(soon), u.at, soon, micros(u.at), u.at});
        if (!r.ok() || r.isEmpty()) {
            failAll<qint64>(r.ok() ? noRow() : r.error, r.ms,
                            {&u.passwordsExpiringSoon, &u.passwordsExpired});
        } else {
            u.passwordsExpiringSoon = Metric<qint64>::of(count(r.value(0, 0)), r.ms);
            u.passwordsExpired = Metric<qint64>::of(count(r.value(0, 1)), r.ms);
        }
    }
    u.queryMs = m_session.elapsedMs() - before;
    return u;
}

ServerSizes KeystoneInspector::serverSizes()
{
    ServerSizes z;
    const double before = m_session.elapsedMs();
    QString reason;
    if (!m_session.begin(&reason)) {
        const QString e = SqlSession::unavailable(reason);
        z.schemas = Metric<QList<SchemaSize>>::unavailable(e);
        z.otherDatabases = Metric<QList<DatabaseSize>>::unavailable(e);
        return z;
    }
    SqlResult r;
    if (m_session.isMySql()) {
        r = m_session.run(QStringLiteral(
            "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS, DATA_LENGTH, INDEX_LENGTH, DATA_FREE, "
            "CASE WHEN TABLE_SCHEMA = DATABASE() THEN 1 ELSE 0 END FROM information_schema.TABLES "
            "WHERE TABLE_SCHEMA NOT IN ('mysql', 'sys', 'performance_schema', "
            "'information_schema') "
            "AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME"));
    } else {
        r = m_session.run(QStringLiteral(
            "SELECT n.nspname, c.relname, CASE WHEN c.reltuples < 0 THEN NULL ELSE "
            "CAST(c.reltuples AS BIGINT) END, "
            "pg_total_relation_size(c.oid) - pg_indexes_size(c.oid), pg_indexes_size(c.oid), NULL, "
            "CASE WHEN n.nspname = current_schema() THEN 1 ELSE 0 END, s.n_live_tup, s.n_dead_tup "
            "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "LEFT JOIN pg_catalog.pg_stat_user_tables s ON s.relid = c.oid "
            "WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname <> 'information_schema' AND "
            "n.nspname !~ '^pg_' "
            "ORDER BY 1, 2"));
    }
    if (!r.ok()) {
        z.schemas = Metric<QList<SchemaSize>>::unavailable(r.error, r.ms);
    } else {
        QList<SchemaSize> schemas;
        for (const QVariantList &row : std::as_const(r.rows)) {
            TableSize t;
            t.schema = row.value(0).toString();
            t.name = row.value(1).toString();
            t.rowsEstimate = number(row.value(2));
            t.dataBytes = number(row.value(3));
            t.indexBytes = number(row.value(4));
            t.freeBytes = number(row.value(5));
            if (m_session.isPostgres()) {
                t.liveRowsEstimate = number(row.value(7));
                t.deadRowsEstimate = number(row.value(8));
            }
            if (schemas.isEmpty() || schemas.constLast().name != t.schema) {
                SchemaSize s;
                s.name = t.schema;
                s.current = count(row.value(6)) == 1;
                schemas.append(s);
            }
            SchemaSize &s = schemas.last();
            s.dataBytes += t.dataBytes.value_or(0);
            s.indexBytes += t.indexBytes.value_or(0);
            if (t.freeBytes)
                s.freeBytes = s.freeBytes.value_or(0) + *t.freeBytes;
            s.tables.append(t);
        }
        z.schemas = Metric<QList<SchemaSize>>::of(schemas, r.ms);
    }
    if (m_session.isMySql()) {
        z.otherDatabases = Metric<QList<DatabaseSize>>::of({});
    } else {
        // The catalogs of other databases are out of reach from this
        // connection; their total size is not, where we may CONNECT.
        const SqlResult d =
            m_session.run(QStringLiteral("SELECT datname, pg_database_size(datname) FROM "
                                         "pg_catalog.pg_database WHERE NOT datistemplate "
                                         "AND datname <> current_database() AND "
                                         "has_database_privilege(datname, 'CONNECT') ORDER BY 1"));
        if (!d.ok()) {
            z.otherDatabases = Metric<QList<DatabaseSize>>::unavailable(d.error, d.ms);
        } else {
            QList<DatabaseSize> dbs;
            for (const QVariantList &row : d.rows)
                dbs.append({row.value(0).toString(), count(row.value(1))});
            z.otherDatabases = Metric<QList<DatabaseSize>>::of(dbs, d.ms);
        }
    }
    z.queryMs = m_session.elapsedMs() - before;
    return z;
}

Metric<qint64> KeystoneInspector::exactRowCount(KeystoneTable table)
{
    if (const QString gate = missing(table); !gate.isEmpty())
        return Metric<qint64>::unavailable(gate);
    QString reason;
    if (!m_session.begin(&reason))
        return Metric<qint64>::unavailable(SqlSession::unavailable(reason));
    const SqlResult r =
        m_session.run(QStringLiteral("SELECT COUNT(*) FROM %1").arg(m_session.table(table)));
    if (!r.ok())
        return Metric<qint64>::unavailable(r.error, r.ms);
    const std::optional<qint64> n = number(r.value(0, 0));
    return n ? Metric<qint64>::of(*n, r.ms) : Metric<qint64>::unavailable(noRow(), r.ms);
}

FrequentSample KeystoneInspector::sampleFrequent()
{
    m_cycleNow = QDateTime::currentDateTimeUtc();
    FrequentSample f;
    f.at = now();
    m_session.resetClock();
    const int reconnects = m_session.reconnects();
    f.schema = detectSchema();
    f.tables = tableStats();
    f.tokens = tokenEstimates();
    f.revocations = revocationStats();
    f.databaseMs = m_session.elapsedMs();
    f.reconnects = m_session.reconnects() - reconnects;
    m_cycleNow = {};
    return f;
}

PurgeableStats KeystoneInspector::purgeableStats()
{
    PurgeableStats p;
    p.at = now();
    const double before = m_session.elapsedMs();
    QString reason;
    if (!m_session.begin(&reason)) {
        failAll<qint64>(SqlSession::unavailable(reason), 0,
                        {&p.trustsLive, &p.trustsExpired, &p.trustsDeleted, &p.passwordRows,
                         &p.passwordMaxPerUser, &p.applicationCredentialsExpired});
        return p;
    }
    // Keystone keeps times as microseconds since the epoch (DateTimeInt).
    const qint64 nowUs = p.at.toMSecsSinceEpoch() * 1000;
    if (const QString gate = missing(KeystoneTable::Trust); !gate.isEmpty()) {
        failAll<qint64>(gate, 0, {&p.trustsLive, &p.trustsExpired, &p.trustsDeleted});
    } else {
        // The same rule as TrustFlush: soft-deleted first, then expires_at_int.
        const SqlResult r = m_session.run(
            QStringLiteral("SELECT COUNT(CASE WHEN deleted_at IS NOT NULL THEN 1 END), "
                           "COUNT(CASE WHEN deleted_at IS NULL AND expires_at_int IS NOT NULL AND "
                           "expires_at_int < ? THEN 1 END), COUNT(*) FROM %1")
                .arg(m_session.table(KeystoneTable::Trust)),
            {nowUs});
        if (!r.ok() || r.isEmpty()) {
            failAll<qint64>(r.error, r.ms, {&p.trustsLive, &p.trustsExpired, &p.trustsDeleted});
        } else {
            const qint64 deleted = r.value(0, 0).toLongLong();
            const qint64 expired = r.value(0, 1).toLongLong();
            p.trustsDeleted = Metric<qint64>::of(deleted, r.ms);
            p.trustsExpired = Metric<qint64>::of(expired, r.ms);
            p.trustsLive = Metric<qint64>::of(r.value(0, 2).toLongLong() - deleted - expired, r.ms);
        }
    }
    if (const QString gate = missing(KeystoneTable::Password); !gate.isEmpty()) {
        failAll<qint64>(gate, 0, {&p.passwordRows, &p.passwordMaxPerUser});
    } else {
        const SqlResult r = m_session.run(
            QStringLiteral("SELECT COALESCE(SUM(n), 0), COALESCE(MAX(n), 0) FROM (SELECT "
                           "COUNT(*) AS n FROM %1 GROUP BY local_user_id) per_user")
                .arg(m_session.table(KeystoneTable::Password)));
        if (!r.ok() || r.isEmpty()) {
            failAll<qint64>(r.error, r.ms, {&p.passwordRows, &p.passwordMaxPerUser});
        } else {
            p.passwordRows = Metric<qint64>::of(r.value(0, 0).toLongLong(), r.ms);
            p.passwordMaxPerUser = Metric<qint64>::of(r.value(0, 1).toLongLong(), r.ms);
        }
    }
    if (const QString gate = missing(KeystoneTable::ApplicationCredential); !gate.isEmpty()) {
        p.applicationCredentialsExpired = Metric<qint64>::unavailable(gate);
    } else {
        const SqlResult r = m_session.run(
            QStringLiteral(
                "SELECT COUNT(*) FROM %1 WHERE expires_at IS NOT NULL AND expires_at < ?")
                .arg(m_session.table(KeystoneTable::ApplicationCredential)),
            {nowUs});
        p.applicationCredentialsExpired = r.ok() && !r.isEmpty()
                                              ? Metric<qint64>::of(r.value(0, 0).toLongLong(), r.ms)
                                              : Metric<qint64>::unavailable(r.error, r.ms);
    }
    p.queryMs = m_session.elapsedMs() - before;
    return p;
}

ExactSample KeystoneInspector::sampleExact()
{
    m_cycleNow = QDateTime::currentDateTimeUtc();
    ExactSample e;
    e.at = now();
    m_session.resetClock();
    const int reconnects = m_session.reconnects();
    if (!m_schema)
        detectSchema();
    e.tokens = tokenCounts();
    e.producers = tokenProducers();
    if (e.tokens.expired.available() && e.tokens.live.available()) {
        const qint64 total = *e.tokens.expired.value + *e.tokens.live.value;
        for (Metric<QList<TokenProducer>> *list : {&e.producers.byUser, &e.producers.byTrust}) {
            if (!list->value || total <= 0)
                continue;
            for (TokenProducer &p : *list->value)
                p.share = double(p.tokens) / double(total);
        }
    }
    e.users = userStats();
    e.purgeable = purgeableStats();
    e.server = serverSizes();
    e.databaseMs = m_session.elapsedMs();
    e.reconnects = m_session.reconnects() - reconnects;
    m_cycleNow = {};
    return e;
}

} // namespace turnstile
