// HistoryStore's Keystone audit events: the history_events and
// history_auth_failures tables (historyschema.cpp), kept apart from the
// metric code in historystore.cpp.
#include "history/historystore.h"

#include "db/dbconnection.h"

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>

namespace turnstile {

namespace {

constexpr qint64 kDayMs = 86400000;

// Absent texts are NULL: nothing on disk in either database.
QVariant textOrNull(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType::fromType<QString>()) : QVariant(s);
}

const char *const kColumns =
    "id, ts, message_id, event_type, action, outcome, initiator_id, initiator_name, "
    "initiator_address, initiator_agent, target_type, target_id, target_name, reason, reason_code";

KeystoneEvent eventFromRow(const QSqlQuery &q)
{
    KeystoneEvent e;
    e.rowId = q.value(0).toLongLong();
    e.eventTimeMs = q.value(1).toLongLong();
    e.messageId = q.value(2).toString();
    e.eventType = q.value(3).toString();
    e.action = q.value(4).toString();
    e.outcome = q.value(5).toString();
    e.initiatorId = q.value(6).toString();
    e.initiatorName = q.value(7).toString();
    e.initiatorAddress = q.value(8).toString();
    e.initiatorAgent = q.value(9).toString();
    e.targetType = q.value(10).toString();
    e.targetId = q.value(11).toString();
    e.targetName = q.value(12).toString();
    e.reasonType = q.value(13).toString();
    e.reasonCode = q.value(14).toString();
    return e;
}

} // namespace

int HistoryStore::appendEvents(const QString &profile, const QList<KeystoneEvent> &events)
{
    if (!ready())
        return -1;
    if (events.isEmpty())
        return 0;
    if (!begin())
        return -1;
    QSqlQuery insert(database());
    insert.prepare(QStringLiteral(
        "INSERT INTO history_events (profile, ts, message_id, event_type, action, outcome, "
        "initiator_id, initiator_name, initiator_address, initiator_agent, target_type, "
        "target_id, target_name, reason, reason_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, ?, ?) ON CONFLICT (profile, message_id) DO NOTHING"));
    QSqlQuery count(database());
    count.prepare(QStringLiteral(
        "INSERT INTO history_auth_failures (profile, user_name, minute, n) VALUES (?, ?, ?, 1) "
        "ON CONFLICT (profile, minute, user_name) DO UPDATE SET n = history_auth_failures.n + 1"));
    int inserted = 0;
    for (const KeystoneEvent &e : events) {
        insert.addBindValue(profile);
        insert.addBindValue(e.eventTimeMs);
        insert.addBindValue(e.messageId);
        insert.addBindValue(e.eventType);
        insert.addBindValue(e.action);
        for (const QString *s :
             {&e.outcome, &e.initiatorId, &e.initiatorName, &e.initiatorAddress, &e.initiatorAgent,
              &e.targetType, &e.targetId, &e.targetName, &e.reasonType, &e.reasonCode})
            insert.addBindValue(textOrNull(*s));
        if (!insert.exec()) {
            failQuery(insert, true);
            rollback();
            return -1;
        }
        if (insert.numRowsAffected() != 1)
            continue; // already stored: a redelivered message
        ++inserted;
        if (!e.isAuthFailure() || e.authUser().isEmpty())
            continue;
        count.addBindValue(profile);
        count.addBindValue(e.authUser());
        count.addBindValue(e.eventTimeMs / 60000 * 60);
        if (!count.exec()) {
            failQuery(count, true);
            rollback();
            return -1;
        }
    }
    insert.finish();
    count.finish();
    if (!commit())
        return -1;
    return inserted;
}

std::optional<QList<KeystoneEvent>> HistoryStore::events(const EventQuery &query)
{
    if (!ready())
        return std::nullopt;
    QString sql = QStringLiteral("SELECT %1 FROM history_events WHERE profile = ? AND ts >= ?")
                      .arg(QLatin1String(kColumns));
    QVariantList args{query.profile, query.fromMs};
    if (query.toMs > 0) {
        sql += QStringLiteral(" AND ts < ?");
        args << query.toMs;
    }
    if (query.afterId > 0) {
        sql += QStringLiteral(" AND id > ?");
        args << query.afterId;
    }
    if (!query.outcome.isEmpty()) {
        sql += QStringLiteral(" AND outcome = ?");
        args << query.outcome;
    }
    if (!query.actions.isEmpty()) {
        QStringList marks;
        for (const QString &a : query.actions) {
            marks << QStringLiteral("?");
            args << a;
        }
        sql += QStringLiteral(" AND action IN (%1)").arg(marks.join(QStringLiteral(", ")));
    }
    // With --follow the row id is the order of arrival; otherwise event time.
    sql += query.afterId > 0 ? QStringLiteral(" ORDER BY id") : QStringLiteral(" ORDER BY ts, id");
    sql += QStringLiteral(" LIMIT %1").arg(qMax(1, query.limit));
    QSqlQuery q(database());
    q.setForwardOnly(true);
    q.prepare(sql);
    for (const QVariant &a : args)
        q.addBindValue(a);
    if (!q.exec()) {
        failQuery(q, false);
        return std::nullopt;
    }
    QList<KeystoneEvent> out;
    while (q.next())
        out << eventFromRow(q);
    return out;
}

std::optional<QString> HistoryStore::eventTargetName(const QString &profile,
                                                     const QString &targetId)
{
    if (!ready())
        return std::nullopt;
    QSqlQuery q(database());
    q.prepare(QStringLiteral(
        "SELECT target_name FROM history_events WHERE profile = ? AND target_id = ? AND "
        "target_name IS NOT NULL ORDER BY ts DESC LIMIT 1"));
    q.addBindValue(profile);
    q.addBindValue(targetId);
    if (!q.exec()) {
        failQuery(q, false);
        return std::nullopt;
    }
    return q.next() ? q.value(0).toString() : QString();
}

std::optional<QList<AuthFailureCount>> HistoryStore::authFailures(const QString &profile,
                                                                  qint64 fromSecs, qint64 toSecs)
{
    if (!ready())
        return std::nullopt;
    QSqlQuery q(database());
    q.setForwardOnly(true);
    q.prepare(QStringLiteral(
        "SELECT user_name, minute, n FROM history_auth_failures WHERE profile = ? AND minute >= ? "
        "AND minute < ? ORDER BY minute, user_name"));
    q.addBindValue(profile);
    q.addBindValue(fromSecs);
    q.addBindValue(toSecs);
    if (!q.exec()) {
        failQuery(q, false);
        return std::nullopt;
    }
    QList<AuthFailureCount> out;
    while (q.next())
        out << AuthFailureCount{q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toInt()};
    return out;
}

std::optional<QList<AuthSuccessCount>> HistoryStore::authSuccesses(const QString &profile,
                                                                   qint64 fromMs, qint64 toMs)
{
    if (!ready())
        return std::nullopt;
    QSqlQuery q(database());
    q.setForwardOnly(true);
    // COALESCE is KeystoneEvent::authUser(): absent texts are stored as NULL.
    q.prepare(QStringLiteral(
        "SELECT COALESCE(initiator_name, initiator_id) AS who, COUNT(*) AS n FROM history_events "
        "WHERE profile = ? AND ts >= ? AND ts < ? AND action = 'authenticate' AND outcome = "
        "'success' GROUP BY COALESCE(initiator_name, initiator_id) ORDER BY n DESC, who"));
    q.addBindValue(profile);
    q.addBindValue(fromMs);
    q.addBindValue(toMs);
    if (!q.exec()) {
        failQuery(q, false);
        return std::nullopt;
    }
    QList<AuthSuccessCount> out;
    while (q.next())
        out << AuthSuccessCount{q.value(0).toString(), q.value(1).toLongLong()};
    return out;
}

bool HistoryStore::applyEventRetention(qint64 now)
{
    if (!ready())
        return false;
    if (m_config.eventRetentionDays <= 0)
        return true;
    const qint64 cutMs = now * 1000 - m_config.eventRetentionDays * kDayMs;
    if (!begin())
        return false;
    QSqlQuery q(database());
    for (const auto &[sql, cut] :
         {std::pair{"DELETE FROM history_events WHERE ts < ?", cutMs},
          std::pair{"DELETE FROM history_auth_failures WHERE minute < ?", cutMs / 1000}}) {
        q.prepare(QLatin1String(sql));
        q.addBindValue(cut);
        if (!q.exec()) {
            failQuery(q, true);
            rollback();
            return false;
        }
    }
    return commit();
}

} // namespace turnstile
