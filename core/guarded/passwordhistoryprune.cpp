#include "guarded/passwordhistoryprune.h"

#include "db/sqlsession.h"
#include "profiles/keystoneconf.h"

#include <QCoreApplication>
#include <QLocale>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(PasswordHistoryPrune)
};

// How many users the preview names one by one; the rest are counted.
constexpr int kUsersNamed = 20;

// Each password row with its place in its user's history, newest first (1 =
// the current password), in Keystone's order.
QString ranked(const SqlSession &s)
{
    return QStringLiteral("SELECT %2, %3, ROW_NUMBER() OVER (PARTITION BY %3 ORDER BY %4 DESC, "
                          "%2 DESC) AS place FROM %1")
        .arg(s.table(KeystoneTable::Password), s.column(QLatin1StringView("id")),
             s.column(QLatin1StringView("local_user_id")),
             s.column(QLatin1StringView("created_at_int")));
}
} // namespace

PasswordHistoryPrune::PasswordHistoryPrune(Profile profile, Secrets secrets)
    : TableCleanup(std::move(profile), std::move(secrets))
{
    const QString path = this->profile().keystoneConfPath;
    if (path.isEmpty()) {
        m_refusal = Tr::tr("Profile %1 names no keystone.conf, so [security_compliance] "
                           "unique_last_password_count is unknown; pruning without it could "
                           "delete passwords Keystone still compares. Import the file with "
                           "turnstilectl profiles import --keystone-conf.")
                        .arg(this->profile().name);
        return;
    }
    QString err;
    const KeystoneConf conf = KeystoneConf::load(path, &err);
    if (!err.isEmpty()) {
        m_refusal = Tr::tr("Cannot read [security_compliance] unique_last_password_count from %1: "
                           "%2")
                        .arg(path, err);
        return;
    }
    m_keepOlder = std::max(0, conf.uniqueLastPasswordCount);
}

TableCleanup::Spec PasswordHistoryPrune::spec() const
{
    Spec s;
    s.title = Tr::tr("Prune password history");
    s.table = KeystoneTable::Password;
    s.integerKey = true;
    s.predicateColumn = QLatin1StringView("id");
    s.predicateTypes = {QStringLiteral("int"), QStringLiteral("integer"), QStringLiteral("bigint")};
    return s;
}

QVariant PasswordHistoryPrune::computeCutoff(SqlSession &session, QDateTime *shown, QString *error)
{
    Q_UNUSED(shown) // no time cutoff: rows newer than the preview are never touched
    const SqlResult r = session.run(
        QStringLiteral("SELECT COALESCE(MAX(%1), 0) + 1 FROM %2")
            .arg(session.column(QLatin1StringView("id")), session.table(KeystoneTable::Password)));
    if (!r.ok() || r.isEmpty()) {
        *error = Tr::tr("Cannot read the password table: %1").arg(r.error);
        return {};
    }
    return r.value(0, 0).toLongLong();
}

QString PasswordHistoryPrune::goesCondition(const SqlSession &s) const
{
    // The derived table is materialised before the DELETE reads the rows
    // (MySQL refuses a subquery on the table being deleted from otherwise).
    return QStringLiteral("%1 < ? AND %1 IN (SELECT %1 FROM (%2) doomed WHERE place > ?)")
        .arg(s.column(QLatin1StringView("id")), ranked(s));
}

QVariantList PasswordHistoryPrune::goesBinds(const QVariant &cutoffValue) const
{
    // place 1 is the current password; 1 + N stay.
    return {cutoffValue.toLongLong(), qint64(m_keepOlder) + 1};
}

QString PasswordHistoryPrune::parametersKey() const
{
    return QStringLiteral("keep_older:%1").arg(m_keepOlder);
}

QJsonObject PasswordHistoryPrune::parameters() const
{
    QJsonObject o;
    o.insert(QStringLiteral("unique_last_password_count"), m_keepOlder);
    o.insert(QStringLiteral("keystone_conf"), profile().keystoneConfPath);
    o.insert(QStringLiteral("batch"), throttle().maxBatch);
    return o;
}

void PasswordHistoryPrune::describe(SqlSession &session, ActionPreview &p)
{
    const QString lu = session.table(KeystoneTable::LocalUser);
    const SqlResult perUser = session.run(
        QStringLiteral("SELECT d.%2, COUNT(*), MAX(lu.%3), MAX(lu.%4) FROM (%1) d LEFT JOIN %5 "
                       "lu ON lu.%6 = d.%2 WHERE d.place > ? AND d.%6 < ? GROUP BY d.%2 ORDER BY "
                       "2 DESC, 3")
            .arg(ranked(session), session.column(QLatin1StringView("local_user_id")),
                 session.column(QLatin1StringView("name")),
                 session.column(QLatin1StringView("domain_id")), lu,
                 session.column(QLatin1StringView("id"))),
        {qint64(m_keepOlder) + 1, p.cutoffValue});
    if (!perUser.ok()) {
        p.refusal = Tr::tr("Cannot read the password history per user: %1").arg(perUser.error);
        return;
    }
    p.consequences.append(
        Tr::tr("Per local user, the current password and the newest %n older one(s) stay "
               "([security_compliance] unique_last_password_count in %1); older rows are "
               "deleted. Keystone's reuse check reads only rows that stay.",
               nullptr, m_keepOlder)
            .arg(profile().keystoneConfPath));
    const QLocale loc;
    const qsizetype users = perUser.rows.size();
    p.consequences.append(Tr::tr("%n user(s) affected.", nullptr, int(users)));
    for (qsizetype i = 0; i < users && i < kUsersNamed; ++i) {
        const QVariantList &row = perUser.rows.at(i);
        const QString who =
            row.value(2).isNull()
                ? Tr::tr("local user %1").arg(row.value(0).toString())
                : Tr::tr("%1 (domain %2)").arg(row.value(2).toString(), row.value(3).toString());
        p.consequences.append(Tr::tr("%1: %n row(s)", nullptr, row.value(1).toInt()).arg(who));
    }
    if (users > kUsersNamed)
        p.consequences.append(Tr::tr("… and %L1 more users.").arg(users - kUsersNamed));
    Q_UNUSED(loc)
}

} // namespace turnstile
