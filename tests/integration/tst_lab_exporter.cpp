// `turnstilectl collect --listen` against the lab: the numbers /metrics
// shows are the collector's own figures of the same cycle (as the history
// store holds them), and a real Prometheus scrapes them and answers them back
// through /api/v1/query.
#include "history/historyconfig.h"
#include "history/historystore.h"
#include "isolatedenvironment.h"
#include "profiles/profilestore.h"
#include "testsupport.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace turnstile;
using testsupport::lab;

namespace {

QByteArray httpGet(quint16 port, const QByteArray &target)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(3000))
        return {};
    s.write("GET " + target + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
    QByteArray answer;
    QElapsedTimer t;
    t.start();
    while (s.state() == QAbstractSocket::ConnectedState && t.elapsed() < 10000)
        if (s.waitForReadyRead(1000))
            answer += s.readAll();
    answer += s.readAll();
    return answer.mid(answer.indexOf("\r\n\r\n") + 4);
}

// "name{labels} value" lines, keyed by everything before the value.
QHash<QString, double> parseExposition(const QByteArray &text)
{
    QHash<QString, double> out;
    for (const QByteArray &line : text.split('\n')) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const qsizetype space = line.lastIndexOf(' ');
        out.insert(QString::fromUtf8(line.left(space)), line.mid(space + 1).toDouble());
    }
    return out;
}

quint16 freePort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

} // namespace

class TestLabExporter : public QObject
{
    Q_OBJECT

    testsupport::IsolatedEnvironment m_dir{testsupport::IsolatedEnvironment::Scope::Children};
    QString m_profile;
    QString m_region;
    QProcess m_collector;
    quint16 m_port = 0;

    QString key(const QString &name, const QString &extra = {}) const
    {
        return QStringLiteral("%1{profile=\"%2\",region=\"%3\"%4}")
            .arg(name, m_profile, m_region, extra.isEmpty() ? QString() : u',' + extra);
    }

    // The exposition once the collector has published a cycle (and, with
    // `cycles`, that many).
    QHash<QString, double> scrapeAfter(int cycles)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 90000) {
            const QHash<QString, double> m = parseExposition(httpGet(m_port, "/metrics"));
            if (m.value(key(QStringLiteral("turnstile_collect_cycles_total"))) >= cycles)
                return m;
            QTest::qWait(250);
        }
        return {};
    }

private slots:
    void initTestCase()
    {
        QVERIFY2(!lab(QStringLiteral("TURNSTILE_LAB_KS_URL")).isEmpty(), "lab env file missing");
        m_profile = QStringLiteral("exporter-%1").arg(QCoreApplication::applicationPid());
        m_region = lab(QStringLiteral("TURNSTILE_LAB_REGION"));
        Profile p = testsupport::labAdminProfile(true);
        p.name = m_profile;
        p.regionName = m_region;
        p.memcachedServers = {lab(QStringLiteral("TURNSTILE_LAB_MEMCACHED"))};
        p.keyRepositories = {lab(QStringLiteral("TURNSTILE_LAB_FERNET_REPO"))};
        // Lockout settings, so the exact figures count locked users.
        p.keystoneConfPath = lab(QStringLiteral("TURNSTILE_LAB_KEYSTONE_CONF"));
        QVERIFY(ProfileStore(m_dir.profilesFile()).save(p));

        QProcessEnvironment e = m_dir.environment();
        e.insert(QStringLiteral("OS_PASSWORD"),
                 lab(QStringLiteral("TURNSTILE_LAB_ADMIN_PASSWORD")));
        e.insert(QStringLiteral("TURNSTILE_DB_PASSWORD"),
                 lab(QStringLiteral("TURNSTILE_LAB_MYSQL_PASSWORD")));
        e.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                 lab(QStringLiteral("TURNSTILE_LAB_DBUS_ADDRESS")));
        m_collector.setProcessEnvironment(e);
        m_collector.start(testsupport::builtProgram(QStringLiteral("turnstilectl")),
                          {QStringLiteral("collect"), QStringLiteral("--profile"), m_profile,
                           QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                           QStringLiteral("--interval"), QStringLiteral("10s"),
                           QStringLiteral("--exact")});
        QVERIFY(m_collector.waitForStarted());
        QVERIFY(m_collector.waitForReadyRead(30000));
        const QString line = QString::fromUtf8(m_collector.readLine());
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral(":(\\d+)/metrics")).match(line);
        QVERIFY2(m.hasMatch(), qPrintable(line));
        m_port = quint16(m.captured(1).toUInt());
    }

    void cleanupTestCase()
    {
        if (m_collector.state() == QProcess::NotRunning)
            return;
        m_collector.terminate();
        if (!m_collector.waitForFinished(30000))
            m_collector.kill();
    }

    // Every figure /metrics shows equals the one the same cycle wrote to the
    // history store (matched by the cycle's slot).
    void exporterShowsTheCollectorsFigures()
    {
        const QHash<QString, double> m = scrapeAfter(1);
        QVERIFY2(!m.isEmpty(), "no cycle published within 90 s");
        const auto slot =
            qint64(m.value(key(QStringLiteral("turnstile_sample_timestamp_seconds"))));
        QVERIFY(slot > 0);

        HistoryConfig config;
        config.sqlitePath = m_dir.historyFile();
        HistoryStore store;
        QVERIFY2(store.open(config), qPrintable(store.error()));
        auto stored = [&](const QString &metric) -> std::optional<double> {
            const auto s = store.samples(SeriesKey{m_profile, metric}, slot, slot + 1);
            if (!s || s->isEmpty())
                return std::nullopt;
            return s->constFirst().value;
        };

        struct Pair
        {
            QString metric;
            QString exported;
            double scale;
        };
        const QList<Pair> pairs{
            {QStringLiteral("keystone.up"), key(QStringLiteral("turnstile_keystone_up")), 1},
            {QStringLiteral("validate.p50.ms"),
             key(QStringLiteral("turnstile_token_validation_seconds"),
                 QStringLiteral("quantile=\"0.5\"")),
             1000},
            {QStringLiteral("validate.p95.ms"),
             key(QStringLiteral("turnstile_token_validation_seconds"),
                 QStringLiteral("quantile=\"0.95\"")),
             1000},
            {QStringLiteral("validate.p99.ms"),
             key(QStringLiteral("turnstile_token_validation_seconds"),
                 QStringLiteral("quantile=\"0.99\"")),
             1000},
            {QStringLiteral("issue.p99.ms"),
             key(QStringLiteral("turnstile_token_issue_seconds"),
                 QStringLiteral("quantile=\"0.99\"")),
             1000},
            {QStringLiteral("token.bytes"), key(QStringLiteral("turnstile_token_size_bytes")), 1},
            {QStringLiteral("catalog.bytes"), key(QStringLiteral("turnstile_catalog_size_bytes")),
             1},
            {QStringLiteral("revocation_event.rows"),
             key(QStringLiteral("turnstile_revocation_events"), QStringLiteral("kind=\"all\"")), 1},
            {QStringLiteral("revocation_event.obsolete"),
             key(QStringLiteral("turnstile_revocation_events_obsolete")), 1},
            {QStringLiteral("token.live"),
             key(QStringLiteral("turnstile_table_rows"),
                 QStringLiteral("table=\"token\",state=\"live\"")),
             1},
            {QStringLiteral("token.expired"),
             key(QStringLiteral("turnstile_table_rows"),
                 QStringLiteral("table=\"token\",state=\"expired\"")),
             1},
            {QStringLiteral("table.revocation_event.rows"),
             key(QStringLiteral("turnstile_table_rows"),
                 QStringLiteral("table=\"revocation_event\",state=\"all\"")),
             1},
            {QStringLiteral("table.token.bytes"),
             key(QStringLiteral("turnstile_table_size_bytes"), QStringLiteral("table=\"token\"")),
             1},
            {QStringLiteral("users.locked"), key(QStringLiteral("turnstile_locked_users")), 1},
            {QStringLiteral("memcached.items"), key(QStringLiteral("turnstile_memcached_items")),
             1},
            {QStringLiteral("memcached.hits"),
             key(QStringLiteral("turnstile_memcached_hits_total")), 1},
        };
        for (const Pair &p : pairs) {
            const std::optional<double> s = stored(p.metric);
            QVERIFY2(s, qPrintable(p.metric + QStringLiteral(" not in the history at the slot")));
            QVERIFY2(m.contains(p.exported), qPrintable(p.exported + QStringLiteral(" missing")));
            QCOMPARE(m.value(p.exported), *s / p.scale);
        }
        QCOMPARE(m.value(key(QStringLiteral("turnstile_keystone_up"))), 1.0);
        QCOMPARE(m.value(key(QStringLiteral("turnstile_fernet_repository_consistent"),
                             QStringLiteral("node=\"%1\"")
                                 .arg(lab(QStringLiteral("TURNSTILE_LAB_FERNET_REPO"))))),
                 1.0);
        for (const char *stage : {"keystone", "token", "database", "memcached", "keys", "store"})
            QCOMPARE(m.value(key(QStringLiteral("turnstile_collect_errors_total"),
                                 QStringLiteral("stage=\"%1\"").arg(QLatin1String(stage))),
                             -1),
                     0.0);
        QVERIFY(m.value(key(QStringLiteral("turnstile_collect_duration_seconds"))) > 0);
        QVERIFY(m.value(key(QStringLiteral("turnstile_sample_age_seconds"),
                            QStringLiteral("sample=\"cycle\""))) < 15);
    }

    // Debian's Prometheus on loopback (a private data directory, its own
    // process) scrapes the exporter; /api/v1/query answers the same figures.
    void prometheusScrapesAndAnswers()
    {
        const QString prometheus = QStandardPaths::findExecutable(QStringLiteral("prometheus"));
        if (prometheus.isEmpty())
            QSKIP("prometheus is not installed (Debian package prometheus): the scrape through "
                  "Prometheus is not tested in this run.");
        QTemporaryDir data;
        QVERIFY(data.isValid());
        const quint16 promPort = freePort();
        QFile config(data.filePath(QStringLiteral("prometheus.yml")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(QStringLiteral("global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                                    "scrape_configs:\n"
                                    "  - job_name: turnstile\n"
                                    "    static_configs: [{targets: ['127.0.0.1:%1']}]\n")
                         .arg(m_port)
                         .toUtf8());
        config.close();
        QProcess prom;
        prom.setProcessChannelMode(QProcess::MergedChannels);
        QElapsedTimer startup;
        startup.start();
        prom.start(prometheus,
                   {QStringLiteral("--config.file=") + config.fileName(),
                    QStringLiteral("--storage.tsdb.path=") + data.filePath(QStringLiteral("tsdb")),
                    QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(promPort)});
        QVERIFY(prom.waitForStarted());
        auto stop = qScopeGuard([&prom] {
            prom.terminate();
            if (!prom.waitForFinished(15000))
                prom.kill();
        });

        auto query = [&](const QString &q) {
            QUrlQuery u;
            u.addQueryItem(QStringLiteral("query"), q);
            return QJsonDocument::fromJson(
                       httpGet(promPort, "/api/v1/query?" + u.query(QUrl::FullyEncoded).toUtf8()))
                .object();
        };
        // The exporter's exposition and Prometheus' answer for the same scrape:
        // both carry the cycle's slot, so compare only when the slots agree.
        const QString selector =
            QStringLiteral("{__name__=~\"turnstile_sample_timestamp_seconds|turnstile_keystone_up|"
                           "turnstile_table_size_bytes|turnstile_token_validation_seconds\","
                           "profile=\"%1\"}")
                .arg(m_profile);
        QElapsedTimer t;
        t.start();
        qint64 firstAnswerMs = -1;
        bool compared = false;
        while (!compared && t.elapsed() < 60000) {
            QTest::qWait(500);
            const QJsonObject answer = query(selector);
            const QJsonArray result = answer.value(u"data").toObject().value(u"result").toArray();
            if (answer.value(u"status").toString() != u"success" || result.isEmpty())
                continue;
            if (firstAnswerMs < 0)
                firstAnswerMs = startup.elapsed();
            QHash<QString, double> fromProm;
            for (const QJsonValue &v : result) {
                const QJsonObject metric = v.toObject().value(u"metric").toObject();
                QString extra;
                for (const char *l : {"table", "quantile"})
                    if (metric.contains(QLatin1String(l)))
                        extra =
                            QStringLiteral("%1=\"%2\"")
                                .arg(QLatin1String(l), metric.value(QLatin1String(l)).toString());
                QCOMPARE(metric.value(u"job").toString(), QStringLiteral("turnstile"));
                fromProm.insert(key(metric.value(u"__name__").toString(), extra),
                                v.toObject().value(u"value").toArray().at(1).toString().toDouble());
            }
            const QHash<QString, double> scraped = parseExposition(httpGet(m_port, "/metrics"));
            const QString slot = key(QStringLiteral("turnstile_sample_timestamp_seconds"));
            if (fromProm.value(slot) != scraped.value(slot))
                continue; // a cycle ended in between; ask again
            QVERIFY(fromProm.size() >= 5);
            for (auto it = fromProm.cbegin(); it != fromProm.cend(); ++it)
                QCOMPARE(it.value(), scraped.value(it.key(), -1));
            compared = true;
        }
        QVERIFY2(compared, "Prometheus did not answer the exporter's figures within 60 s");
        const QJsonArray up = query(QStringLiteral("up{job=\"turnstile\"}"))
                                  .value(u"data")
                                  .toObject()
                                  .value(u"result")
                                  .toArray();
        QCOMPARE(up.size(), 1);
        QCOMPARE(up.at(0).toObject().value(u"value").toArray().at(1).toString(),
                 QStringLiteral("1"));
        qInfo("Prometheus answered the first query %lld ms after its start", firstAnswerMs);
    }
};

QTEST_GUILESS_MAIN(TestLabExporter)
#include "tst_lab_exporter.moc"
