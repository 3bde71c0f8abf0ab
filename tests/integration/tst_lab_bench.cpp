// The token-validation benchmark and the revocation-impact experiment
// against the lab's real Keystone; a small fake server (data/fakekeystone.py)
// only for the faults the lab cannot produce: an endpoint that dies mid-run,
// garbage answers, a socket that never answers. No timing asserts.
#include "bench/benchengine.h"
#include "bench/benchhistory.h"
#include "bench/revocationimpact.h"
#include "guarded/actioncontrol.h"
#include "guarded/auditlog.h"
#include "guarded/guardedworkflow.h"
#include "history/historystore.h"
#include "profiles/profilestore.h"
#include "testsupport.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <numeric>

using namespace turnstile;
using testsupport::lab;

namespace {
// A fake server on a port the OS picks; killed (our own PID) on destruction.
class FakeKeystone
{
public:
    FakeKeystone(const QString &dir, const QString &mode, double seconds = 0)
    {
        m_portFile = dir + QStringLiteral("/fake-%1.port").arg(mode);
        QFile::remove(m_portFile);
        m_proc.setProgram(QStringLiteral("python3"));
        m_proc.setArguments(
            {QStringLiteral(TURNSTILE_SOURCE_DIR "/tests/integration/data/fakekeystone.py"),
             m_portFile, mode, QString::number(seconds)});
        m_proc.start();
        for (int i = 0; i < 100 && !QFile::exists(m_portFile); ++i)
            QThread::msleep(50);
        QFile f(m_portFile);
        if (f.open(QIODevice::ReadOnly))
            m_port = f.readAll().trimmed().toInt();
    }
    ~FakeKeystone()
    {
        if (m_proc.state() != QProcess::NotRunning) {
            m_proc.kill();
            m_proc.waitForFinished(5000);
        }
    }
    int port() const { return m_port; }
    Profile profile() const
    {
        Profile p;
        p.name = QStringLiteral("fake");
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v3").arg(m_port));
        p.username = QStringLiteral("admin");
        p.userDomainName = QStringLiteral("Default");
        p.projectName = QStringLiteral("admin");
        p.projectDomainName = QStringLiteral("Default");
        p.timeoutMs = 3000;
        return p;
    }

private:
    QProcess m_proc;
    QString m_portFile;
    int m_port = 0;
};

Secrets fakeSecrets()
{
    Secrets s;
    s.password = QStringLiteral("irrelevant");
    return s;
}
} // namespace

class TestLabBench : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QSqlDatabase db()
    {
        const QString name = QStringLiteral("bench-lab");
        if (QSqlDatabase::contains(name))
            return QSqlDatabase::database(name);
        QSqlDatabase d = QSqlDatabase::addDatabase(QStringLiteral("QMYSQL"), name);
        d.setHostName(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_HOST")));
        d.setPort(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PORT")).toInt());
        d.setUserName(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_USER")));
        d.setPassword(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PASSWORD")));
        d.setDatabaseName(lab(QStringLiteral("TURNSTILE_LAB_MYSQL_DB")));
        d.open();
        return d;
    }
    qint64 count(const QString &where)
    {
        QSqlQuery q(db());
        if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM revocation_event WHERE ") + where) ||
            !q.next())
            return -1;
        return q.value(0).toLongLong();
    }
    HistoryConfig history() const
    {
        HistoryConfig c;
        c.backend = HistoryConfig::Backend::Sqlite;
        c.sqlitePath = m_dir.filePath(QStringLiteral("history.sqlite"));
        return c;
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_KS_URL")).isEmpty(), "lab env file missing");
        QVERIFY(m_dir.isValid());
        qputenv("TURNSTILE_AUDIT_LOG", m_dir.filePath(QStringLiteral("audit.jsonl")).toUtf8());
        QVERIFY2(db().isOpen(), qPrintable(db().lastError().text()));
    }

    void closedLoopCount()
    {
        BenchEngine engine(testsupport::labAdminProfile(), testsupport::labAdminSecrets());
        BenchConfig c;
        c.concurrency = 8; // two worker threads
        c.durationMs = 0;
        c.count = 40;
        c.poolSize = 8;
        const BenchResult r = engine.run(c);
        QVERIFY2(!r.failed(), qPrintable(r.error));
        QVERIFY(!r.incomplete);
        QCOMPARE(r.workers, 2);
        QCOMPARE(r.tokens, 8);
        QCOMPARE(r.sent, 40);
        QCOMPARE(r.ok, 40);
        QCOMPARE(r.errors, 0);
        QVERIFY(r.errorsByStatus.isEmpty());
        QCOMPARE(r.latency.count, 40);
        QVERIFY(r.latency.minMs > 0);
        QVERIFY(r.latency.minMs <= r.latency.p50Ms);
        QVERIFY(r.latency.p50Ms <= r.latency.p99Ms);
        QVERIFY(r.latency.p99Ms <= r.latency.maxMs);
        QVERIFY(r.achievedRate > 0);
        QCOMPARE(std::accumulate(r.perSecond.begin(), r.perSecond.end(), qint64(0)), 40);
        // Admin can list the events, so the measurement knows where it belongs on the scatter.
        QVERIFY(r.revocationEvents >= 0);
        // The pool is distinct tokens.
        QSet<QByteArray> distinct(engine.pool().begin(), engine.pool().end());
        QCOMPARE(distinct.size(), 8);
    }

    void openLoopSchedule()
    {
        BenchEngine engine(testsupport::labAdminProfile(), testsupport::labAdminSecrets());
        BenchConfig c;
        c.mode = BenchConfig::Mode::Open;
        c.rate = 10;
        c.durationMs = 3000;
        c.concurrency = 4;
        c.poolSize = 4;
        const BenchResult r = engine.run(c);
        QVERIFY2(!r.failed(), qPrintable(r.error));
        QVERIFY(!r.incomplete);
        // The schedule is 10/s for 3 s: exactly 30 requests, whatever the latency.
        QCOMPARE(r.sent, 30);
        QCOMPARE(r.ok, 30);
        QCOMPARE(r.errors, 0);
        QCOMPARE(r.targetRate, 10.0);
        QVERIFY(r.achievedRate > 0);
        QVERIFY(r.queue.minMs >= 0);
        QVERIFY(r.latency.p50Ms >= r.wire.minMs);
    }

    void badInputIsRefusedBeforeAnyRequest()
    {
        BenchEngine engine(testsupport::labAdminProfile(), testsupport::labAdminSecrets());
        BenchConfig c;
        c.mode = BenchConfig::Mode::Open;
        c.rate = 0;
        BenchResult r = engine.run(c);
        QVERIFY(r.failed());
        QCOMPARE(r.sent, 0);
        QVERIFY(r.error.contains(QStringLiteral("rate")));
        c.mode = BenchConfig::Mode::Closed;
        c.concurrency = 5000;
        r = engine.run(c);
        QVERIFY(r.failed());
        QVERIFY(r.error.contains(QStringLiteral("concurrency")));
    }

    void wrongCredentialsFailFast()
    {
        // An unknown user, not a wrong admin password: the lab locks accounts
        // after three failures.
        Profile p = testsupport::labAdminProfile();
        p.username = QStringLiteral("turnstile-bench-nobody");
        BenchEngine engine(p, testsupport::labAdminSecrets());
        BenchConfig c;
        c.durationMs = 0;
        c.count = 1000;
        const BenchResult r = engine.run(c);
        QVERIFY(r.failed());
        QCOMPARE(r.sent, 0); // not one validation was sent
        QVERIFY2(r.error.contains(QStringLiteral("401")), qPrintable(r.error));
        QVERIFY2(r.error.contains(QStringLiteral("credentials")), qPrintable(r.error));
    }

    void endpointDyingMidRunKeepsPartialResults()
    {
        FakeKeystone fake(m_dir.path(), QStringLiteral("die"), 2.0);
        QVERIFY(fake.port() > 0);
        BenchEngine engine(fake.profile(), fakeSecrets());
        BenchConfig c;
        c.concurrency = 4;
        c.durationMs = 60000;
        c.poolSize = 4;
        c.maxConsecutiveErrors = 10;
        const BenchResult r = engine.run(c);
        QVERIFY2(!r.failed(), qPrintable(r.error));
        QVERIFY(r.incomplete);
        QVERIFY(r.ok > 0);                                               // what it measured is kept
        QVERIFY(r.errorsByStatus.value(QStringLiteral("network")) >= 1); // then refused
        QVERIFY2(r.stopReason.contains(QStringLiteral("in a row")), qPrintable(r.stopReason));
        // It stopped on the errors, not at the end of the minute.
        QVERIFY(r.elapsedS < 60);
    }

    void garbageTokenAnswerIsAClearError()
    {
        FakeKeystone fake(m_dir.path(), QStringLiteral("garbage"));
        QVERIFY(fake.port() > 0);
        BenchEngine engine(fake.profile(), fakeSecrets());
        BenchConfig c;
        c.durationMs = 2000;
        const BenchResult r = engine.run(c);
        QVERIFY(r.failed());
        QCOMPARE(r.sent, 0);
        QVERIFY(!r.error.isEmpty());
    }

    void stalledSocketTimesOutAndStops()
    {
        FakeKeystone fake(m_dir.path(), QStringLiteral("hang"));
        QVERIFY(fake.port() > 0);
        BenchEngine engine(fake.profile(), fakeSecrets());
        BenchConfig c;
        c.concurrency = 2;
        c.durationMs = 60000;
        c.poolSize = 2;
        c.timeoutMs = 500;
        c.maxConsecutiveErrors = 4;
        const BenchResult r = engine.run(c);
        QVERIFY2(!r.failed(), qPrintable(r.error));
        QVERIFY(r.incomplete);
        QVERIFY(r.errorsByStatus.value(QStringLiteral("timeout")) >= 2);
        QCOMPARE(r.ok, 0);
        // A timed-out request is a latency of at least the timeout.
        QVERIFY(r.latency.minMs >= 500);
    }

    void productionProfileIsRefused()
    {
        Profile p = testsupport::labAdminProfile();
        p.production = true;
        RevocationImpact action(p, testsupport::labAdminSecrets(), BenchHistory::Kind::Audit,
                                {0, 5}, BenchConfig{});
        const ActionPreview pv = action.preview();
        QVERIFY(pv.refused());
        QVERIFY(pv.refusal.contains(QStringLiteral("production")));
    }

    void revocationImpact_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("where");
        QTest::newRow("audit") << int(BenchHistory::Kind::Audit)
                               << QStringLiteral("audit_id IS NOT NULL");
        QTest::newRow("user") << int(BenchHistory::Kind::User)
                              << QStringLiteral("user_id IS NOT NULL AND audit_id IS NULL AND "
                                                "project_id IS NULL");
        QTest::newRow("project") << int(BenchHistory::Kind::Project)
                                 << QStringLiteral("project_id IS NOT NULL AND audit_id IS NULL "
                                                   "AND user_id IS NULL");
    }

    void revocationImpact()
    {
        QFETCH(int, kind);
        QFETCH(QString, where);
        const Profile profile = testsupport::labAdminProfile();
        BenchConfig c;
        c.concurrency = 2;
        c.durationMs = 2000;
        c.poolSize = 3;
        RevocationImpact action(profile, testsupport::labAdminSecrets(), BenchHistory::Kind(kind),
                                {0, 5}, c);
        action.setHistory(history());
        action.setGenerateConcurrency(2);
        const ActionPreview pv = action.preview();
        QVERIFY2(!pv.refused(), qPrintable(pv.refusal));
        QCOMPARE(pv.rowsToGo, 5);
        QVERIFY(pv.target.text.startsWith(QStringLiteral("revocation_event@127.0.0.1:")));

        AuditLog audit;
        GuardedWorkflow workflow(profile, audit);
        ActionControl control;
        // The wrong confirmation runs nothing.
        const qint64 since = QDateTime::currentSecsSinceEpoch() - 1;
        const QString recent =
            QStringLiteral("revoked_at >= FROM_UNIXTIME(%1) AND ").arg(since) + where;
        const ActionResult refused =
            workflow.run(action, pv, Confirmation{QStringLiteral("something else")}, control);
        QCOMPARE(refused.outcome, ActionResult::Outcome::Refused);
        QCOMPARE(count(recent), 0);

        const ActionResult r = workflow.run(action, pv, Confirmation{pv.target.text}, control);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.affected, 5);
        // The rows are really there, of the chosen kind.
        QVERIFY2(count(recent) >= 5, qPrintable(QString::number(count(recent))));
        const QList<BenchResult> steps = action.results();
        QCOMPARE(steps.size(), 2);
        QCOMPARE(steps[0].revocationStep, 0);
        QCOMPARE(steps[1].revocationStep, 5);
        QVERIFY(steps[1].revocationEvents >= steps[0].revocationEvents + 5);
        for (const BenchResult &s : steps) {
            QVERIFY2(!s.failed(), qPrintable(s.error));
            QCOMPARE(s.errors, 0);
            QVERIFY(s.ok > 0);
        }
        // Stored: one run with two points.
        HistoryStore store;
        QVERIFY(store.open(history()));
        const auto runs = BenchHistory::runs(store, profile.name);
        QVERIFY(runs);
        bool found = false;
        for (const BenchHistory::Run &run : *runs)
            if (run.runId == action.runId()) {
                found = true;
                QCOMPARE(run.kind, BenchHistory::Kind(kind));
                QCOMPARE(run.points.size(), 2);
                QCOMPARE(qint64(run.points[1].revocationEvents), steps[1].revocationEvents);
            }
        QVERIFY(found);
        // And audited.
        const auto records = audit.read(profile.name);
        QVERIFY(records);
        QVERIFY(!records->isEmpty());
        QCOMPARE(records->last().value(u"action").toString(),
                 QStringLiteral("bench.revocation_impact"));
    }

    void cliValidateJson()
    {
        ProfileStore store(m_dir.filePath(QStringLiteral("profiles.ini")));
        Profile p = testsupport::labAdminProfile();
        p.name = QStringLiteral("benchlab");
        QVERIFY(store.save(p));
        QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
        e.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("config")));
        e.insert(QStringLiteral("TURNSTILE_PROFILES"),
                 m_dir.filePath(QStringLiteral("profiles.ini")));
        e.insert(QStringLiteral("TURNSTILE_HISTORY"), m_dir.filePath(QStringLiteral("cli.sqlite")));
        e.insert(QStringLiteral("OS_PASSWORD"),
                 lab(QStringLiteral("TURNSTILE_LAB_ADMIN_PASSWORD")));
        e.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                 lab(QStringLiteral("TURNSTILE_LAB_DBUS_ADDRESS")));
        auto ctl = [&](const QStringList &args, QByteArray *out, QByteArray *err) {
            QProcess proc;
            proc.setProcessEnvironment(e);
            proc.start(testsupport::builtProgram(QStringLiteral("turnstilectl")), args);
            if (!proc.waitForFinished(120000))
                return -1;
            *out = proc.readAllStandardOutput();
            *err = proc.readAllStandardError();
            return proc.exitCode();
        };
        QByteArray out, err;
        int rc = ctl({QStringLiteral("bench"), QStringLiteral("validate"),
                      QStringLiteral("--profile"), p.name, QStringLiteral("--concurrency"),
                      QStringLiteral("4"), QStringLiteral("--count"), QStringLiteral("20"),
                      QStringLiteral("--pool"), QStringLiteral("4"), QStringLiteral("--json")},
                     &out, &err);
        QVERIFY2(rc == 0, err.constData());
        const QJsonObject o = QJsonDocument::fromJson(out).object();
        QCOMPARE(o.value(u"ok").toInteger(), 20);
        QCOMPARE(o.value(u"errors").toInteger(), 0);
        QVERIFY(o.value(u"latency").toObject().value(u"p99_ms").toDouble() > 0);
        // Stored: `bench runs` lists it.
        rc = ctl({QStringLiteral("bench"), QStringLiteral("runs"), QStringLiteral("--profile"),
                  p.name, QStringLiteral("--json")},
                 &out, &err);
        QCOMPARE(rc, 0);
        QCOMPARE(QJsonDocument::fromJson(out).array().size(), 1);
        // Bad input: a clear message and the usage exit code, no request.
        rc = ctl({QStringLiteral("bench"), QStringLiteral("validate"), QStringLiteral("--profile"),
                  p.name, QStringLiteral("--rate"), QStringLiteral("0")},
                 &out, &err);
        QCOMPARE(rc, 2);
        QVERIFY2(err.contains("rate"), err.constData());
        // revocation-impact is a dry run without --execute and adds nothing.
        const qint64 before = count(QStringLiteral("1=1"));
        rc = ctl({QStringLiteral("bench"), QStringLiteral("revocation-impact"),
                  QStringLiteral("--profile"), p.name, QStringLiteral("--steps"),
                  QStringLiteral("0,5"), QStringLiteral("--kind"), QStringLiteral("user")},
                 &out, &err);
        QVERIFY2(rc == 0, err.constData());
        QVERIFY2(out.contains("--execute --confirm revocation_event@"), out.constData());
        QCOMPARE(count(QStringLiteral("1=1")), before);
    }
};

QTEST_GUILESS_MAIN(TestLabBench)
#include "tst_lab_bench.moc"
