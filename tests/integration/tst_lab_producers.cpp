// `turnstilectl producers` against the lab's MariaDB: the legacy token
// table path. Rows of two throw-away users (and one trust) are seeded into
// Keystone's token table, issued a minute ago or two days ago; the command
// picks the table because the store holds no events of the profile, says so,
// and ranks the busier user first. The events path needs the broker:
// tst_lab_events_producers.
#include "db/dbconnection.h"
#include "isolatedenvironment.h"
#include "profiles/profilestore.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>

using namespace turnstile;
using testsupport::lab;

class TestLabProducers : public QObject
{
    Q_OBJECT

    testsupport::IsolatedEnvironment m_dir{testsupport::IsolatedEnvironment::Scope::Children};
    QString m_tag;
    QString m_profile;
    std::unique_ptr<DbConnection> m_db;
    int m_rows = 0;

    bool exec(const QString &sql)
    {
        QSqlQuery q(m_db->database());
        if (q.exec(sql))
            return true;
        qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        return false;
    }

    // `n` rows of `user` (and `trust`), issued `agoSec` ago with the lab's
    // token lifetime (3600 s).
    bool seed(const QString &user, int n, qint64 agoSec, const QString &trust = {})
    {
        for (int i = 0; i < n; ++i)
            if (!exec(QStringLiteral("INSERT INTO token (id, expires, extra, valid, trust_id, "
                                     "user_id) VALUES ('%1-%2-%3-%4', UTC_TIMESTAMP() + INTERVAL "
                                     "%5 SECOND, '{}', 1, %6, '%2')")
                          .arg(m_tag, user)
                          .arg(agoSec)
                          .arg(++m_rows)
                          .arg(3600 - agoSec)
                          .arg(trust.isEmpty() ? QStringLiteral("NULL")
                                               : QStringLiteral("'%1'").arg(trust))))
                return false;
        return true;
    }

    QJsonObject producers(const QStringList &extra, int *exitCode)
    {
        QProcess p;
        QProcessEnvironment e = m_dir.environment();
        // The database password the cron way; no keychain needed.
        e.insert(QStringLiteral("TURNSTILE_DB_PASSWORD"),
                 lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PASSWORD")));
        e.insert(QStringLiteral("OS_PASSWORD"),
                 lab(QStringLiteral("TURNSTILE_LAB_ADMIN_PASSWORD")));
        e.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
        p.setProcessEnvironment(e);
        p.start(testsupport::builtProgram(QStringLiteral("turnstilectl")),
                QStringList{QStringLiteral("producers"), QStringLiteral("--profile"), m_profile,
                            QStringLiteral("--json")} +
                    extra);
        if (!p.waitForFinished(120000))
            p.kill();
        *exitCode = p.exitCode();
        const QByteArray err = p.readAllStandardError();
        if (*exitCode != 0)
            qWarning("%s", err.constData());
        return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
    }

    // The rows of this run's users, in the order printed.
    static QJsonArray ours(const QJsonObject &o, const QString &tag)
    {
        QJsonArray out;
        for (const QJsonValue &v : o.value(u"producers").toArray())
            if (v[u"who"].toString().contains(tag))
                out.append(v);
        return out;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_MYSQL_HOST")).isEmpty(), "lab env missing");
        m_tag = QStringLiteral("prod") +
                QString::number(QRandomGenerator::system()->generate64() % 1000000, 36);
        m_profile = QStringLiteral("producers-") + m_tag;
        Profile p = testsupport::labAdminProfile(true);
        p.name = m_profile;
        QVERIFY(ProfileStore(m_dir.profilesFile()).save(p));
        m_db = std::make_unique<DbConnection>(
            p.databaseUrl.isEmpty() ? DatabaseUrl() : DatabaseUrl::parse(p.databaseUrl),
            lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PASSWORD")));
        QVERIFY2(m_db->open(), qPrintable(m_db->error()));
        // Issued a minute ago: 30 for the notifier (5 of them through a
        // trust), 10 for another user; issued two days ago: 50 for a third.
        QVERIFY(seed(m_tag + QStringLiteral("-notifier"), 25, 60));
        QVERIFY(seed(m_tag + QStringLiteral("-notifier"), 5, 60, m_tag + QStringLiteral("-trust")));
        QVERIFY(seed(m_tag + QStringLiteral("-admin"), 10, 60));
        QVERIFY(seed(m_tag + QStringLiteral("-old"), 50, 2 * 86400));
    }

    void cleanupTestCase()
    {
        if (m_db)
            exec(QStringLiteral("DELETE FROM token WHERE id LIKE '%1-%'").arg(m_tag));
    }

    void lastHourFromTheTable()
    {
        int rc = -1;
        const QJsonObject o = producers({}, &rc);
        QCOMPARE(rc, 0);
        QCOMPARE(o.value(u"source").toString(), QStringLiteral("token_table"));
        QVERIFY2(
            o.value(u"source_text").toString().startsWith(QStringLiteral("the token table of ")),
            qPrintable(o.value(u"source_text").toString()));
        QCOMPARE(o.value(u"since_seconds").toInt(), 3600);
        const QJsonArray rows = ours(o, m_tag);
        // users first (the notifier before the other), then the trust; the
        // rows issued two days ago are outside the hour
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows.at(0)[u"who"].toString(), m_tag + QStringLiteral("-notifier"));
        QCOMPARE(rows.at(0)[u"kind"].toString(), QStringLiteral("user"));
        QCOMPARE(rows.at(0)[u"tokens"].toInt(), 30);
        QCOMPARE(rows.at(1)[u"who"].toString(), m_tag + QStringLiteral("-admin"));
        QCOMPARE(rows.at(1)[u"tokens"].toInt(), 10);
        QCOMPARE(rows.at(2)[u"kind"].toString(), QStringLiteral("trust"));
        QCOMPARE(rows.at(2)[u"tokens"].toInt(), 5);
        const double total = o.value(u"total").toDouble();
        QVERIFY(total >= 40);
        QCOMPARE(rows.at(0)[u"share"].toDouble(), 30.0 / total);
        QCOMPARE(rows.at(0)[u"per_hour"].toDouble(), 30.0);
    }

    void threeDaysTakeTheOldRowsIn()
    {
        int rc = -1;
        const QJsonObject o = producers({QStringLiteral("--since"), QStringLiteral("3d")}, &rc);
        QCOMPARE(rc, 0);
        const QJsonArray rows = ours(o, m_tag);
        QCOMPARE(rows.at(0)[u"who"].toString(), m_tag + QStringLiteral("-old"));
        QCOMPARE(rows.at(0)[u"tokens"].toInt(), 50);
        QVERIFY(o.value(u"total").toDouble() >= 90);
    }

    // Asked for events the profile never had: an empty ranking, said so.
    void eventsOnRequestAreEmpty()
    {
        int rc = -1;
        const QJsonObject o =
            producers({QStringLiteral("--source"), QStringLiteral("events")}, &rc);
        QCOMPARE(rc, 0);
        QCOMPARE(o.value(u"source").toString(), QStringLiteral("events"));
        QCOMPARE(o.value(u"total").toInt(), 0);
        QVERIFY(o.value(u"producers").toArray().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestLabProducers)
#include "tst_lab_producers.moc"
