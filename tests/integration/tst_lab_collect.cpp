// `turnstilectl collect` against the lab builds history that `turnstilectl
// history` returns with the right figures, on SQLite and on the shared
// PostgreSQL store.
#include "collector/collector.h"
#include "history/historyconfig.h"
#include "history/historystore.h"
#include "isolatedenvironment.h"
#include "keystone/keystoneclient.h"
#include "profiles/profilestore.h"
#include "testsupport.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSettings>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>

#include <csignal>

using namespace turnstile;
using testsupport::lab;

class TestLabCollect : public QObject
{
    Q_OBJECT

    // Profiles, audit log and state of its own for every turnstilectl run.
    testsupport::IsolatedEnvironment m_dir{testsupport::IsolatedEnvironment::Scope::Children};
    QString m_profile;

    Profile labProfile() const
    {
        Profile p = testsupport::labAdminProfile(true);
        p.name = m_profile;
        p.memcachedServers = {lab(QStringLiteral("TURNSTILE_LAB_MEMCACHED"))};
        return p;
    }

    QProcessEnvironment env(const QString &configHome) const
    {
        QProcessEnvironment e = m_dir.environment();
        // Each case names its store in a turnstile.conf of its own.
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), configHome);
        // Secrets through the documented environment variables (cron style).
        e.insert(QStringLiteral("OS_PASSWORD"),
                 lab(QStringLiteral("TURNSTILE_LAB_ADMIN_PASSWORD")));
        e.insert(QStringLiteral("TURNSTILE_DB_PASSWORD"),
                 lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PASSWORD")));
        e.insert(QStringLiteral("TURNSTILE_HISTORY_PASSWORD"),
                 lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD")));
        e.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                 lab(QStringLiteral("TURNSTILE_LAB_DBUS_ADDRESS")));
        e.remove(QStringLiteral("TURNSTILE_HISTORY"));
        return e;
    }

    QByteArray ctl(const QString &configHome, const QStringList &args, int *exitCode)
    {
        QProcess p;
        p.setProcessEnvironment(env(configHome));
        p.start(testsupport::builtProgram(QStringLiteral("turnstilectl")), args);
        p.waitForFinished(120000);
        *exitCode = p.exitCode();
        const QByteArray err = p.readAllStandardError();
        if (*exitCode != 0)
            qWarning("%s", err.constData());
        return p.readAllStandardOutput();
    }

    qint64 revocationRows()
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QMYSQL"), QStringLiteral("check"));
        db.setHostName(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_HOST")));
        db.setPort(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")).toInt());
        db.setUserName(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_USER")));
        db.setPassword(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PASSWORD")));
        db.setDatabaseName(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_DB")));
        qint64 n = -1;
        if (db.open()) {
            QSqlQuery q(QStringLiteral("SELECT COUNT(*) FROM revocation_event"), db);
            if (q.next())
                n = q.value(0).toLongLong();
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("check"));
        return n;
    }

    void revokeOneToken()
    {
        Secrets s;
        s.password = lab(QStringLiteral("TURNSTILE_LAB_ADMIN_PASSWORD"));
        KeystoneClient admin(labProfile(), s), victim(labProfile(), s);
        QVERIFY(admin.issueToken().ok());
        const TokenInfo t = victim.issueToken();
        QVERIFY(t.ok());
        QCOMPARE(admin.revokeToken(t.token).status, 204);
    }

    // Runs the collector loop for a few cycles, revoking a token between
    // them, then reads the history back through the CLI.
    void collectAndReadBack(const QString &configHome)
    {
        int rc = 0;
        // --once twice in the same slot: the second run writes nothing new.
        QJsonObject first = QJsonDocument::fromJson(
                                ctl(configHome,
                                    {QStringLiteral("collect"), QStringLiteral("--profile"),
                                     m_profile, QStringLiteral("--once"), QStringLiteral("--json")},
                                    &rc))
                                .object();
        QCOMPARE(rc, 0);
        QVERIFY(first.value(u"written").toInt() > 10);
        QVERIFY(first.value(u"metrics").toObject().contains(u"memcached.items"));
        QJsonObject again = QJsonDocument::fromJson(
                                ctl(configHome,
                                    {QStringLiteral("collect"), QStringLiteral("--profile"),
                                     m_profile, QStringLiteral("--once"), QStringLiteral("--json")},
                                    &rc))
                                .object();
        if (again.value(u"ts").toInteger() == first.value(u"ts").toInteger())
            QCOMPARE(again.value(u"written").toInt(), 0);

        // The loop: 10 s slots, a revocation in between, SIGTERM ends it cleanly.
        // The test waits on what the loop reports, not on fixed sleeps: where
        // the --once runs fell in their slot decides how many slot boundaries
        // a fixed wait spans (CI saw only one, so two samples instead of three).
        QProcess loop;
        loop.setProcessEnvironment(env(configHome));
        loop.start(testsupport::builtProgram(QStringLiteral("turnstilectl")),
                   {QStringLiteral("collect"), QStringLiteral("--profile"), m_profile,
                    QStringLiteral("--interval"), QStringLiteral("10s"), QStringLiteral("--json")});
        QVERIFY(loop.waitForStarted());
        // Lab tests take turns, so nothing else changes the table meanwhile.
        const qint64 before = revocationRows();
        revokeOneToken();
        const qint64 revokedAt = QDateTime::currentSecsSinceEpoch();
        const qint64 expected = revocationRows();
        QVERIFY(expected > 0);
        // Done when the loop has written two slots after the --once run's (a
        // cycle in that same slot can still write a figure or two, so it is
        // no new sample) and the newest of them began after the revocation.
        const qint64 onceTs = first.value(u"ts").toInteger();
        int writtenCycles = 0;
        qint64 newestTs = 0;
        QByteArray pending;
        QDeadlineTimer deadline(90000);
        while ((writtenCycles < 2 || newestTs <= revokedAt) && !deadline.hasExpired()) {
            loop.waitForReadyRead(1000);
            pending += loop.readAllStandardOutput();
            qsizetype nl;
            while ((nl = pending.indexOf('\n')) >= 0) {
                const QJsonObject cycle = QJsonDocument::fromJson(pending.left(nl)).object();
                pending.remove(0, nl + 1);
                if (cycle.value(u"written").toInt() > 0 &&
                    cycle.value(u"ts").toInteger() > onceTs) {
                    ++writtenCycles;
                    newestTs = cycle.value(u"ts").toInteger();
                }
            }
            QVERIFY2(loop.state() == QProcess::Running, loop.readAllStandardError().constData());
        }
        QVERIFY2(writtenCycles >= 2 && newestTs > revokedAt,
                 qPrintable(QStringLiteral("%1 cycles written, newest slot %2, revoked at %3")
                                .arg(writtenCycles)
                                .arg(newestTs)
                                .arg(revokedAt)));
        loop.terminate();
        QVERIFY(loop.waitForFinished(30000));
        QCOMPARE(loop.exitStatus(), QProcess::NormalExit);
        QCOMPARE(loop.exitCode(), 0);

        const QJsonObject h =
            QJsonDocument::fromJson(
                ctl(configHome,
                    {QStringLiteral("history"), QStringLiteral("--profile"), m_profile,
                     QStringLiteral("--metric"), QStringLiteral("revocation_event.rows"),
                     QStringLiteral("--range"), QStringLiteral("1h"), QStringLiteral("--points"),
                     QStringLiteral("800"), QStringLiteral("--json")},
                    &rc))
                .object();
        QCOMPARE(rc, 0);
        const QJsonArray points = h.value(u"points").toArray();
        QVERIFY2(points.size() >= 2, QJsonDocument(h).toJson().constData());
        double total = 0;
        for (const QJsonValue &p : points)
            total += p.toObject().value(u"count").toDouble();
        QVERIFY2(total >= 3, QJsonDocument(h).toJson().constData()); // --once plus two loop cycles
        // The newest figure is what the database holds now, the oldest what it
        // held before the revocation. (Not "smaller": Keystone prunes events
        // older than expiration + buffer whenever it writes one, so on a lab
        // that has run for hours the count can drop.)
        QCOMPARE(qint64(points.last().toObject().value(u"max").toDouble()), expected);
        QCOMPARE(qint64(points.first().toObject().value(u"min").toDouble()), before);
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_KS_URL")).isEmpty(), "lab env file missing");
        m_profile = QStringLiteral("collect-%1").arg(QCoreApplication::applicationPid());
        ProfileStore store(m_dir.profilesFile());
        QVERIFY(store.save(labProfile()));
    }

    void sqliteHistory()
    {
        const QString home = m_dir.filePath(QStringLiteral("sqlite-config"));
        QDir().mkpath(home + QStringLiteral("/turnstile"));
        QSettings s(home + QStringLiteral("/turnstile/turnstile.conf"), QSettings::IniFormat);
        s.setValue(QStringLiteral("history/sqlitePath"),
                   m_dir.filePath(QStringLiteral("history.sqlite")));
        s.sync();
        collectAndReadBack(home);
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("history.sqlite"))));
    }

    // 15.7: `probe --json` said threshold_level 0 about a table that
    // `thresholds` called a warning: the probe never judged at all. Both now
    // take the one verdict of evaluateProfileHealth over the same history.
    void probeJsonAndThresholdsAgree()
    {
        const QString home = m_dir.filePath(QStringLiteral("sqlite-config"));
        int rc = 0;
        // Any password history (a table figure the probe itself does not
        // measure, only the collector's exact sample) is a warning now: every
        // lab user has a password, so the busiest has at least one. (Levels
        // are never negative: `thresholds --set` refuses them.)
        ctl(home,
            {QStringLiteral("thresholds"), QStringLiteral("--profile"), m_profile,
             QStringLiteral("--set"), QStringLiteral("password.max_per_user=0:1000000000000")},
            &rc);
        QVERIFY2(rc != 2, "thresholds --set refused the levels"); // 1 is the warning verdict
        // The probe judges its own fresh timings too, which the stored cycle
        // need not share: on a loaded machine one slow validation made the two
        // verdicts differ for an honest reason. Timings are out of this case.
        for (const QString &timing : {QStringLiteral("validate.ms"), QStringLiteral("issue.ms")})
            ctl(home,
                {QStringLiteral("thresholds"), QStringLiteral("--profile"), m_profile,
                 QStringLiteral("--set"), timing + QStringLiteral("=3600000:7200000")},
                &rc);
        ctl(home,
            {QStringLiteral("collect"), QStringLiteral("--profile"), m_profile,
             QStringLiteral("--once"), QStringLiteral("--exact")},
            &rc);
        QCOMPARE(rc, 0);
        const QJsonObject verdict =
            QJsonDocument::fromJson(ctl(home,
                                        {QStringLiteral("thresholds"), QStringLiteral("--profile"),
                                         m_profile, QStringLiteral("--json")},
                                        &rc))
                .object();
        const QJsonObject probe =
            QJsonDocument::fromJson(ctl(home,
                                        {QStringLiteral("probe"), QStringLiteral("--profile"),
                                         m_profile, QStringLiteral("--json")},
                                        &rc))
                .object();
        for (const QString &metric : {QStringLiteral("password.max_per_user"),
                                      QStringLiteral("validate.ms"), QStringLiteral("issue.ms")})
            ctl(home,
                {QStringLiteral("thresholds"), QStringLiteral("--profile"), m_profile,
                 QStringLiteral("--reset"), metric},
                &rc);
        const QStringList names = {QStringLiteral("unknown"), QStringLiteral("ok"),
                                   QStringLiteral("warning"), QStringLiteral("critical")};
        QVERIFY2(verdict.value(u"reason").toString().contains(
                     QStringLiteral("passwords in the history")),
                 QJsonDocument(verdict).toJson().constData());
        QVERIFY(names.indexOf(verdict.value(u"status").toString()) >= 2);
        QCOMPARE(names.value(probe.value(u"threshold_level").toInt()),
                 verdict.value(u"status").toString());
        QCOMPARE(probe.value(u"threshold_reason").toString(), verdict.value(u"reason").toString());
    }

    // The figures the Overview tile shows beside the probe's: obsolete
    // revocation events and the memcached hit ratio from this cycle; token
    // growth per day only once an hour of history says something.
    void tileFiguresFromOneCycle()
    {
        HistoryConfig config;
        config.sqlitePath = m_dir.filePath(QStringLiteral("tile.sqlite"));
        HistoryStore store;
        QVERIFY2(store.open(config), qPrintable(store.error()));
        // The lab's Keystone does not cache in memcached, so nothing may have
        // asked it anything yet: one miss of our own makes a ratio exist.
        {
            const QStringList hostPort = lab(QStringLiteral("TURNSTILE_LAB_MEMCACHED")).split(u':');
            QTcpSocket mc;
            mc.connectToHost(hostPort.value(0), quint16(hostPort.value(1).toUInt()));
            QVERIFY(mc.waitForConnected(5000));
            mc.write("get turnstile-test-absent-key\r\n");
            QVERIFY(mc.waitForReadyRead(5000));
            QVERIFY(mc.readAll().startsWith("END"));
        }
        const CollectResult r =
            collectOnce(labProfile(), testsupport::labAdminSecrets(), store, CollectOptions{});
        // (users.locked is unavailable: this profile has no keystone.conf.)
        for (const QString &u : r.unavailable)
            QVERIFY2(!u.startsWith(QStringLiteral("memcached")) &&
                         !u.startsWith(QStringLiteral("revocation_event")),
                     qPrintable(u));
        QVERIFY(r.probe.revocationObsolete.has_value());
        QVERIFY(*r.probe.revocationObsolete >= 0);
        QVERIFY(*r.probe.revocationObsolete <= r.probe.revocationEvents.value_or(0));
        QVERIFY(r.probe.memcachedHitRatio.has_value());
        QVERIFY(*r.probe.memcachedHitRatio >= 0 && *r.probe.memcachedHitRatio <= 1);
        // One sample is no growth yet: a figure needs an hour of history.
        QVERIFY(!r.probe.tokenGrowthPerDay.has_value());
    }

    void sharedPostgresHistory()
    {
        const QString home = m_dir.filePath(QStringLiteral("pg-config"));
        QDir().mkpath(home + QStringLiteral("/turnstile"));
        QSettings s(home + QStringLiteral("/turnstile/turnstile.conf"), QSettings::IniFormat);
        s.setValue(QStringLiteral("history/backend"), QStringLiteral("postgresql"));
        s.setValue(QStringLiteral("history/url"),
                   QStringLiteral("postgresql://%1@%2:%3/%4")
                       .arg(lab(QStringLiteral("TURNSTILE_LAB_PG_USER")),
                            lab(QStringLiteral("TURNSTILE_LAB_PG_HOST")),
                            lab(QStringLiteral("TURNSTILE_LAB_PG_PORT")),
                            lab(QStringLiteral("TURNSTILE_LAB_PG_DB"))));
        s.sync();
        collectAndReadBack(home);

        // A second "workstation" reading the same server sees the same rows.
        HistoryConfig c;
        c.backend = HistoryConfig::Backend::PostgreSql;
        c.url = DatabaseUrl::parse(s.value(QStringLiteral("history/url")).toString());
        c.password = lab(QStringLiteral("TURNSTILE_LAB_PG_PASSWORD"));
        HistoryStore other;
        QVERIFY2(other.open(c), qPrintable(other.error()));
        const auto latest =
            other.latest(SeriesKey{m_profile, QStringLiteral("revocation_event.rows")});
        QVERIFY(latest.has_value());
        QCOMPARE(qint64(latest->value), revocationRows());
        QVERIFY(other.removeProfile(m_profile));
    }
};

QTEST_GUILESS_MAIN(TestLabCollect)
#include "tst_lab_collect.moc"
