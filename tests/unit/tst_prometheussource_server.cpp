// PrometheusSource against Debian's Prometheus on loopback: three days of
// exported series backfilled with `promtool tsdb create-blocks-from
// openmetrics` (timestamps in seconds, `# EOF` at the end), behind basic
// auth (web.config.file), read back at a chart's 1,600 points; wrong
// credentials, an unexported metric and a server that never answers each
// give one sentence. Skips when prometheus/promtool are not installed.
#include "blackholeport.h"
#include "history/chartdata.h"
#include "history/historyconfig.h"
#include "history/prometheussource.h"
#include "isolatedenvironment.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace turnstile;

namespace {
constexpr qint64 kEvery = 60; // backfilled sample interval, a usual scrape interval
constexpr qint64 kDay = 86400;
// promtool cuts a block every 2 h and takes ~0.15 s per block on a loaded
// machine: three days keep the set-up at a few seconds (30 days took 60 s;
// reading those 30 days back at 1,600 points took 78 ms, docs/benchmarks.md).
constexpr qint64 kDays = 3;

quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}
} // namespace

class TestPrometheusSourceServer : public QObject
{
    Q_OBJECT

    // The audit log the chart annotations read is one of this test's own.
    testsupport::IsolatedEnvironment m_env;
    QTemporaryDir m_dir;
    QProcess m_prometheus;
    quint16 m_port = 0;
    qint64 m_first = 0; // first backfilled timestamp
    qint64 m_last = 0;
    const QString m_password = QStringLiteral("s3cret-%1").arg(QCoreApplication::applicationPid());

    PrometheusSourceSettings settings() const
    {
        PrometheusSourceSettings s;
        s.url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
        s.username = QStringLiteral("turnstile");
        s.password = m_password;
        s.timeoutMs = 10000;
        return s;
    }

private slots:
    void initTestCase()
    {
        const QString prometheus = QStandardPaths::findExecutable(QStringLiteral("prometheus"));
        const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
        if (prometheus.isEmpty() || promtool.isEmpty())
            QSKIP("prometheus/promtool are not installed (Debian package prometheus): Prometheus "
                  "as a history source is not tested against a server in this run.");
        QElapsedTimer setup;
        setup.start();
        QProcess hash;
        hash.start(
            QStringLiteral("/usr/bin/python3"),
            {QStringLiteral("-c"), QStringLiteral("import bcrypt,sys; "
                                                  "print(bcrypt.hashpw(sys.stdin.buffer.read(), "
                                                  "bcrypt.gensalt(4)).decode())")});
        hash.write(m_password.toUtf8());
        hash.closeWriteChannel();
        QVERIFY(hash.waitForFinished(30000));
        const QByteArray bcrypt = hash.readAllStandardOutput().trimmed();
        if (hash.exitCode() != 0 || !bcrypt.startsWith("$2"))
            QSKIP("python3-bcrypt is not installed: cannot set up Prometheus' basic auth.");

        // Every minute for kDays, ending two hours ago (outside the head block).
        m_last = (QDateTime::currentSecsSinceEpoch() - 2 * 3600) / kEvery * kEvery;
        m_first = m_last - kDays * kDay;
        QByteArray om = "# HELP turnstile_table_rows Rows.\n# TYPE turnstile_table_rows gauge\n";
        for (qint64 t = m_first; t <= m_last; t += kEvery)
            om += "turnstile_table_rows{profile=\"east\",region=\"RegionOne\",table=\"token\","
                  "state=\"live\"} " +
                  QByteArray::number((t - m_first) / kEvery) + ' ' + QByteArray::number(t) + '\n';
        // Profile "moved": its collector moved to another host half way, so its rows are two
        // series (instance "a", then "b") that a chart must show as one curve.
        const qint64 half = m_first + (m_last - m_first) / 2 / kEvery * kEvery;
        for (qint64 t = m_first; t <= m_last; t += kEvery)
            om += "turnstile_table_rows{profile=\"moved\",instance=\"" +
                  QByteArray(t <= half ? "a" : "b") + "\",table=\"token\",state=\"live\"} " +
                  QByteArray::number((t - m_first) / kEvery) + ' ' + QByteArray::number(t) + '\n';
        om += "# EOF\n";
        QFile input(m_dir.filePath(QStringLiteral("backfill.om")));
        QVERIFY(input.open(QIODevice::WriteOnly) && input.write(om) == om.size());
        input.close();
        QProcess blocks;
        blocks.setProcessChannelMode(QProcess::MergedChannels);
        blocks.start(promtool, {QStringLiteral("tsdb"), QStringLiteral("create-blocks-from"),
                                QStringLiteral("openmetrics"), input.fileName(),
                                m_dir.filePath(QStringLiteral("tsdb"))});
        QVERIFY(blocks.waitForFinished(120000));
        QVERIFY2(blocks.exitCode() == 0, blocks.readAll().constData());
        qInfo("backfill written in %lld ms", setup.elapsed());

        QFile web(m_dir.filePath(QStringLiteral("web.yml")));
        QVERIFY(web.open(QIODevice::WriteOnly));
        web.write("basic_auth_users:\n  turnstile: '" + bcrypt + "'\n");
        web.close();
        QFile config(m_dir.filePath(QStringLiteral("prometheus.yml")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("global: {scrape_interval: 1m}\n");
        config.close();
        m_port = freePort();
        m_prometheus.setProcessChannelMode(QProcess::MergedChannels);
        m_prometheus.start(
            prometheus,
            {QStringLiteral("--config.file=") + config.fileName(),
             QStringLiteral("--web.config.file=") + web.fileName(),
             QStringLiteral("--storage.tsdb.path=") + m_dir.filePath(QStringLiteral("tsdb")),
             QStringLiteral("--storage.tsdb.retention.time=60d"),
             QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_port)});
        QVERIFY(m_prometheus.waitForStarted());
        // Ready once a query over the backfill answers.
        QElapsedTimer t;
        t.start();
        PrometheusSource source(settings());
        while (t.elapsed() < 30000) {
            const auto s =
                source.query(SeriesKey{QStringLiteral("east"), QStringLiteral("token.live")},
                             m_last - 3600, m_last, 10);
            if (s && !s->buckets.isEmpty()) {
                qInfo("Prometheus answered %lld ms after its start (setup %lld ms)", t.elapsed(),
                      setup.elapsed());
                return;
            }
            QTest::qWait(200);
        }
        QFAIL(qPrintable(QStringLiteral("Prometheus did not answer: ") + source.error() +
                         QString::fromUtf8(m_prometheus.readAll())));
    }

    void cleanupTestCase()
    {
        if (m_prometheus.state() == QProcess::NotRunning)
            return;
        m_prometheus.terminate();
        if (!m_prometheus.waitForFinished(15000))
            m_prometheus.kill();
    }

    // A Growth page chart at 1,600 pixels.
    void aChartsBudgetOfPoints()
    {
        PrometheusSource source(settings());
        QElapsedTimer t;
        t.start();
        const auto s = source.query(SeriesKey{QStringLiteral("east"), QStringLiteral("token.live")},
                                    m_first, m_last, 1600);
        const qint64 ms = t.elapsed();
        QVERIFY2(s, qPrintable(source.error()));
        QVERIFY(source.warnings().isEmpty());
        QCOMPARE(s->bucketSeconds, prometheusStep(m_first, m_last, 1600));
        QVERIFY2(s->buckets.size() <= 1600 && s->buckets.size() > 1500,
                 qPrintable(QString::number(s->buckets.size())));
        // Each point is the backfilled value in force at its time.
        for (const Bucket &b : s->buckets)
            QCOMPARE(b.min, double((b.ts - m_first) / kEvery));
        qInfo("%lld days at 1,600 points from Prometheus: %lld buckets in %lld ms", kDays,
              qlonglong(s->buckets.size()), ms);
    }

    // A collector that moved (a new `instance` label) is one curve over the
    // whole range, not the first series Prometheus happens to answer.
    void aMovedCollectorIsOneCurve()
    {
        PrometheusSource source(settings());
        const auto s =
            source.query(SeriesKey{QStringLiteral("moved"), QStringLiteral("token.live")}, m_first,
                         m_last, 1600);
        QVERIFY2(s, qPrintable(source.error()));
        QVERIFY2(s->buckets.size() <= 1600 && s->buckets.size() > 1500,
                 qPrintable(QString::number(s->buckets.size())));
        for (const Bucket &b : s->buckets)
            QCOMPARE(b.min, double((b.ts - m_first) / kEvery));
    }

    // The chart data path takes Prometheus when the history configuration
    // names it: the same series, at the chart's budget, one per profile;
    // a metric the exporter does not serve is left out, not an error.
    void chartDataReadsFromPrometheus()
    {
        HistoryConfig config;
        config.sqlitePath = m_dir.filePath(QStringLiteral("absent.sqlite"));
        config.prometheus = settings();
        const ChartData d = ChartData::load(
            config, {QStringLiteral("east"), QStringLiteral("west")}, m_first, m_last,
            {ChartSpec::time(QStringLiteral("Tokens"),
                             {QStringLiteral("token.live"), QStringLiteral("schema.*.bytes"),
                              QStringLiteral("db.exact_ms")})},
            {800});
        QVERIFY2(d.error.isEmpty(), qPrintable(d.error));
        QVERIFY(!d.noStore);
        QCOMPARE(d.series.size(), 1);
        QCOMPARE(d.series.at(0).size(), 2); // token.live of east and of west
        const NamedSeries &east = d.series.at(0).at(0);
        QCOMPARE(east.profile, QStringLiteral("east"));
        QCOMPARE(east.metric, QStringLiteral("token.live"));
        QVERIFY(east.buckets.size() > 700 && east.buckets.size() <= 800);
        QVERIFY(d.series.at(0).at(1).buckets.isEmpty());
        QCOMPARE(d.unknownProfiles, QStringList{QStringLiteral("west")});
    }

    void failuresSayWhatWentWrong()
    {
        PrometheusSourceSettings wrong = settings();
        wrong.password = QStringLiteral("not-it");
        PrometheusSource refused(wrong);
        QVERIFY(!refused.query(SeriesKey{QStringLiteral("east"), QStringLiteral("token.live")},
                               m_first, m_last, 100));
        QVERIFY2(refused.error().contains(u"HTTP 401") && refused.error().contains(u"keychain"),
                 qPrintable(refused.error()));
        QVERIFY(!refused.error().contains(u"not-it"));

        PrometheusSource source(settings());
        QVERIFY(!source.query(SeriesKey{QStringLiteral("east"), QStringLiteral("db.exact_ms")},
                              m_first, m_last, 100));
        QVERIFY(source.error().contains(u"db.exact_ms"));

        labsupport::BlackholePort hole;
        PrometheusSourceSettings hung = settings();
        hung.url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(hole.port()));
        hung.timeoutMs = 500;
        PrometheusSource never(hung);
        QElapsedTimer t;
        t.start();
        QVERIFY(!never.query(SeriesKey{QStringLiteral("east"), QStringLiteral("token.live")},
                             m_first, m_last, 100));
        QVERIFY(t.elapsed() < 5000);
        QVERIFY2(never.error().contains(u"timeout"), qPrintable(never.error()));
    }
};

QTEST_GUILESS_MAIN(TestPrometheusSourceServer)
#include "tst_prometheussource_server.moc"
