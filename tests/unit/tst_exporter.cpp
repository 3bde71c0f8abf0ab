// The Prometheus exporter: the text rendering (pure), the snapshot between
// cycles, promtool's verdict on real output, the HTTP side's limits, and a
// scrape that does not wait for a collector cycle hung on a blackholed
// Keystone.
#include "blackholeport.h"
#include "exporter/metricsendpoint.h"
#include "exporter/metricshttpserver.h"
#include "exporter/metricssnapshot.h"
#include "exporter/prometheustext.h"
#include "isolatedenvironment.h"
#include "profiles/profilestore.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTest>

using namespace turnstile;

namespace {

// A cycle with a figure of every kind the exporter shows.
CollectResult richCycle(const QString &profile)
{
    CollectResult r;
    r.profile = profile;
    r.slot = 1796655600;
    r.durationSec = 0.25;
    r.probe.reachable = true;
    r.probe.validatePercentiles = LatencyPercentiles{12.5, 40, 90, 200};
    r.probe.issuePercentiles = LatencyPercentiles{100, 150, 300, 200};
    r.probe.tokenBytes = 183;
    r.probe.thresholdLevel = 2;
    FrequentSample f;
    f.revocations.total = Metric<qint64>::of(12);
    f.revocations.obsolete = Metric<qint64>::of(5);
    RevocationKinds k;
    k.auditId = 9;
    k.wide = 3;
    k.userWide = 2;
    k.projectWide = 1;
    f.revocations.kinds = Metric<RevocationKinds>::of(k);
    f.tokens.live = Metric<qint64>::of(1500);
    f.tokens.expired = Metric<qint64>::of(250000);
    KeystoneTableStats t;
    t.table = KeystoneTable::Token;
    TableSize s;
    s.rowsEstimate = 251000;
    s.dataBytes = 1000;
    s.indexBytes = 24;
    t.size = Metric<TableSize>::of(s);
    f.tables.append(t);
    r.frequent = f;
    ExactSample e;
    e.users.locked = Metric<qint64>::of(3);
    r.exact = e;
    for (const auto &[metric, value] :
         QList<QPair<QString, double>>{{QStringLiteral("memcached.hit_ratio"), 0.875},
                                       {QStringLiteral("memcached.hits"), 7000},
                                       {QStringLiteral("memcached.misses"), 1000},
                                       {QStringLiteral("memcached.evictions"), 0},
                                       {QStringLiteral("memcached.items"), 42}})
        r.samples.append({SeriesKey{profile, metric}, Sample{r.slot, value}});
    KeyStatus keys;
    RepositoryState node;
    node.location = *KeyLocation::parse(QStringLiteral("/etc/keystone/fernet-keys"));
    node.keys.insert(0, {});
    keys.fernet = {node};
    r.keys = keys;
    GaleraStatus g;
    g.expectedSize = 3;
    GaleraNodeStatus db1;
    db1.name = QStringLiteral("db1");
    db1.reachable = true;
    db1.clusterStatus = QStringLiteral("Primary");
    db1.localState = QStringLiteral("Synced");
    db1.clusterSize = 2;
    db1.ready = true;
    db1.recvQueueAvg = 0.5;
    db1.certDepsDistance = 12;
    db1.confId = 7;
    db1.flowControlPausedNs = 2'500'000'000;
    db1.flowControlPausedShare = 0.25;
    GaleraNodeStatus db3;
    db3.name = QStringLiteral("db3");
    g.nodes = {db1, db3};
    r.probe.galera = g;
    return r;
}

QByteArray get(quint16 port, const QByteArray &request, int timeoutMs = 3000)
{
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(timeoutMs))
        return {};
    s.write(request);
    s.waitForBytesWritten(timeoutMs);
    QByteArray answer;
    QElapsedTimer t;
    t.start();
    while (s.state() == QAbstractSocket::ConnectedState && t.elapsed() < timeoutMs)
        if (s.waitForReadyRead(int(timeoutMs - t.elapsed())))
            answer += s.readAll();
    return answer + s.readAll();
}

} // namespace

class TestExporter : public QObject
{
    Q_OBJECT

private slots:
    void labelValuesAreEscaped()
    {
        QCOMPARE(prometheusLabelValue(QStringLiteral("a\\b\"c\nd")),
                 QStringLiteral("a\\\\b\\\"c\\nd"));
        QCOMPARE(prometheusLabelValue(QStringLiteral("Région=Ost{x}")),
                 QStringLiteral("Région=Ost{x}"));
    }

    void numbersReadBackExactly()
    {
        QCOMPARE(prometheusNumber(0.1), QByteArray("0.1"));
        QCOMPARE(prometheusNumber(1938245), QByteArray("1938245"));
        QCOMPARE(prometheusNumber(1e21), QByteArray("1e+21"));
        QCOMPARE(prometheusNumber(std::numeric_limits<double>::quiet_NaN()), QByteArray("NaN"));
        QCOMPARE(prometheusNumber(-std::numeric_limits<double>::infinity()), QByteArray("-Inf"));
    }

    void rendersTheCycleFigures()
    {
        const MetricsSnapshot s = advanceSnapshot({}, richCycle(QStringLiteral("east")),
                                                  QStringLiteral("RegionOne"), 1'000'000);
        const QString text = QString::fromUtf8(renderPrometheusText(s, 1'002'500));
        const QString l = QStringLiteral(R"({profile="east",region="RegionOne")");
        for (const QString &line : {
                 QStringLiteral("turnstile_keystone_up%1} 1"),
                 QStringLiteral("turnstile_token_validation_seconds%1,quantile=\"0.5\"} 0.0125"),
                 QStringLiteral("turnstile_token_validation_seconds%1,quantile=\"0.99\"} 0.09"),
                 QStringLiteral("turnstile_token_issue_seconds%1,quantile=\"0.95\"} 0.15"),
                 QStringLiteral("turnstile_token_size_bytes%1} 183"),
                 QStringLiteral("turnstile_revocation_events%1,kind=\"all\"} 12"),
                 QStringLiteral("turnstile_revocation_events%1,kind=\"audit_id\"} 9"),
                 QStringLiteral("turnstile_revocation_events%1,kind=\"user\"} 2"),
                 QStringLiteral("turnstile_revocation_events%1,kind=\"project\"} 1"),
                 QStringLiteral("turnstile_revocation_events%1,kind=\"domain\"} 0"),
                 QStringLiteral("turnstile_revocation_events_obsolete%1} 5"),
                 QStringLiteral("turnstile_table_rows%1,table=\"token\",state=\"all\"} 251000"),
                 QStringLiteral("turnstile_table_rows%1,table=\"token\",state=\"live\"} 1500"),
                 QStringLiteral("turnstile_table_rows%1,table=\"token\",state=\"expired\"} 250000"),
                 QStringLiteral("turnstile_table_size_bytes%1,table=\"token\"} 1024"),
                 QStringLiteral("turnstile_locked_users%1} 3"),
                 QStringLiteral("turnstile_memcached_hit_ratio%1} 0.875"),
                 QStringLiteral("turnstile_memcached_hits_total%1} 7000"),
                 QStringLiteral("turnstile_fernet_repository_consistent%1,node=\"/etc/keystone/"
                                "fernet-keys\"} 1"),
                 QStringLiteral("turnstile_threshold_level%1} 2"),
                 QStringLiteral("turnstile_galera_expected_size%1} 3"),
                 QStringLiteral("turnstile_galera_node_up%1,node=\"db1\"} 1"),
                 QStringLiteral("turnstile_galera_node_up%1,node=\"db3\"} 0"),
                 QStringLiteral("turnstile_galera_cluster_size%1,node=\"db1\"} 2"),
                 QStringLiteral("turnstile_galera_primary%1,node=\"db1\"} 1"),
                 QStringLiteral("turnstile_galera_synced%1,node=\"db1\"} 1"),
                 QStringLiteral("turnstile_galera_ready%1,node=\"db1\"} 1"),
                 QStringLiteral("turnstile_galera_flow_control_paused_ratio%1,node=\"db1\"} 0.25"),
                 QStringLiteral(
                     "turnstile_galera_flow_control_paused_seconds_total%1,node=\"db1\"} 2.5"),
                 QStringLiteral("turnstile_galera_recv_queue_avg%1,node=\"db1\"} 0.5"),
                 QStringLiteral("turnstile_galera_cert_deps_distance%1,node=\"db1\"} 12"),
                 QStringLiteral("turnstile_galera_cluster_conf_id%1,node=\"db1\"} 7"),
                 QStringLiteral("turnstile_collect_duration_seconds%1} 0.25"),
                 QStringLiteral("turnstile_collect_errors_total%1,stage=\"database\"} 0"),
                 QStringLiteral("turnstile_collect_cycles_total%1} 1"),
                 QStringLiteral("turnstile_sample_age_seconds%1,sample=\"cycle\"} 2.5"),
                 QStringLiteral("turnstile_sample_timestamp_seconds%1} 1796655600"),
             })
            QVERIFY2(text.contains(line.arg(l) + u'\n'), qPrintable(line.arg(l)));
        QVERIFY(text.contains(u"# TYPE turnstile_token_validation_seconds summary\n"));
        QVERIFY(text.contains(u"# TYPE turnstile_collect_errors_total counter\n"));
        // Every family has its HELP and TYPE, once.
        static const QRegularExpression type(QStringLiteral("^# TYPE (\\S+) "),
                                             QRegularExpression::MultilineOption);
        int families = 0;
        for (auto it = type.globalMatch(text); it.hasNext(); ++families) {
            const QString name = it.next().captured(1);
            QCOMPARE(text.count(QStringLiteral("# TYPE ") + name + u' '), 1);
            QCOMPARE(text.count(QStringLiteral("# HELP ") + name + u' '), 1);
        }
        QCOMPARE(families, 32); // those of the figures above
        // Nothing per user or per token producer: no label but these.
        static const QRegularExpression label(QStringLiteral("[{,]([a-z_]+)=\""));
        QSet<QString> labels;
        for (auto it = label.globalMatch(text); it.hasNext();)
            labels.insert(it.next().captured(1));
        QCOMPARE(labels, (QSet<QString>{QStringLiteral("profile"), QStringLiteral("region"),
                                        QStringLiteral("quantile"), QStringLiteral("kind"),
                                        QStringLiteral("table"), QStringLiteral("state"),
                                        QStringLiteral("stage"), QStringLiteral("sample"),
                                        QStringLiteral("node")}));
    }

    // The dashboard and the rules in docs/ only use metrics the exporter
    // serves, so a renamed metric cannot leave them silently empty.
    void docsNameOnlyExportedMetrics()
    {
        const QByteArray text =
            renderPrometheusText(advanceSnapshot({}, richCycle(QStringLiteral("east")), {}, 0), 0);
        QSet<QString> exported;
        static const QRegularExpression type(QStringLiteral("^# TYPE (\\S+) "),
                                             QRegularExpression::MultilineOption);
        for (auto it = type.globalMatch(QString::fromUtf8(text)); it.hasNext();)
            exported.insert(it.next().captured(1));
        exported.insert(QStringLiteral("turnstile_catalog_size_bytes")); // not in richCycle
        static const QRegularExpression used(QStringLiteral("\\bturnstile_[a-z_]+"));
        for (const char *doc :
             {"docs/grafana/turnstile.json", "docs/prometheus/turnstile-rules.yml",
              "docs/prometheus/turnstile-rules.test.yml"}) {
            QFile f(QStringLiteral(TURNSTILE_SOURCE_DIR "/") + QLatin1String(doc));
            QVERIFY2(f.open(QIODevice::ReadOnly), doc);
            const QString content = QString::fromUtf8(f.readAll());
            int uses = 0;
            for (auto it = used.globalMatch(content); it.hasNext(); ++uses) {
                const QString name = it.next().captured(0);
                QVERIFY2(exported.contains(name),
                         qPrintable(name + QStringLiteral(" in ") + QLatin1String(doc)));
            }
            QVERIFY(uses > 0);
        }
        QFile dashboard(QStringLiteral(TURNSTILE_SOURCE_DIR "/docs/grafana/turnstile.json"));
        QVERIFY(dashboard.open(QIODevice::ReadOnly));
        QJsonParseError error;
        const QJsonObject d = QJsonDocument::fromJson(dashboard.readAll(), &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QVERIFY(d.value(u"panels").toArray().size() >= 10);
    }

    // The alerting rules are valid and their own unit tests (promtool's
    // rule test format) pass.
    void alertingRulesPass()
    {
        const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
        if (promtool.isEmpty())
            QSKIP("promtool is not installed (Debian package prometheus): the alerting rules are "
                  "not checked in this run.");
        for (const QStringList &args :
             {QStringList{QStringLiteral("check"), QStringLiteral("rules"),
                          QStringLiteral("--lint-fatal"), QStringLiteral("turnstile-rules.yml")},
              QStringList{QStringLiteral("test"), QStringLiteral("rules"),
                          QStringLiteral("turnstile-rules.test.yml")}}) {
            QProcess p;
            p.setWorkingDirectory(QStringLiteral(TURNSTILE_SOURCE_DIR "/docs/prometheus"));
            p.setProcessChannelMode(QProcess::MergedChannels);
            p.start(promtool, args);
            QVERIFY(p.waitForFinished(60000));
            QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0,
                     p.readAll().constData());
        }
    }

    void exactFiguresOutliveTheirCycleAndErrorsCount()
    {
        MetricsSnapshot s = advanceSnapshot({}, richCycle(QStringLiteral("east")), {}, 1000);
        CollectResult next = richCycle(QStringLiteral("east"));
        next.exact.reset();
        next.probe.reachable = false;
        next.unavailable = {QStringLiteral("token.live: unavailable: lock wait"),
                            QStringLiteral("token.expired: unavailable: lock wait"),
                            QStringLiteral("memcached 127.0.0.1:11211: refused")};
        s = advanceSnapshot(s, next, {}, 61'000);
        s = advanceSnapshot(s, richCycle(QStringLiteral("west")), {}, 62'000);
        QCOMPARE(s.profiles.size(), 2);
        const ExportedProfile &east = s.profiles.at(0);
        QCOMPARE(east.cycles, 2);
        QVERIFY(east.exact);
        QCOMPARE(east.exactAtMs, 1000);
        // Two database figures missing in one cycle are one database error.
        QCOMPARE(east.errorsTotal.value(QStringLiteral("database")), 1);
        QCOMPARE(east.errorsTotal.value(QStringLiteral("keystone")), 1);
        QCOMPARE(east.errorsTotal.value(QStringLiteral("memcached")), 1);
        QCOMPARE(east.errorsTotal.value(QStringLiteral("store")), 0);
        const QByteArray text = renderPrometheusText(s, 121'000);
        QVERIFY(text.contains(
            "turnstile_sample_age_seconds{profile=\"east\",region=\"\",sample=\"exact\"} 120\n"));
        QVERIFY(text.contains(
            "turnstile_sample_age_seconds{profile=\"east\",region=\"\",sample=\"cycle\"} 60\n"));
        QVERIFY(text.contains("turnstile_keystone_up{profile=\"east\",region=\"\"} 0\n"));
        QVERIFY(text.contains("turnstile_keystone_up{profile=\"west\",region=\"\"} 1\n"));
        // An empty snapshot (before the first cycle) is an empty, valid page.
        QCOMPARE(renderPrometheusText({}, 0), QByteArray());
    }

    // promtool parses and lints what a real cycle's figures render to,
    // hostile profile and region names included.
    void promtoolAcceptsTheOutput()
    {
        const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
        if (promtool.isEmpty())
            QSKIP("promtool is not installed (Debian package prometheus): the exposition is not "
                  "checked by Prometheus' own linter in this run.");
        MetricsSnapshot s = advanceSnapshot({}, richCycle(QStringLiteral("east \"1\"\\\nx")),
                                            QStringLiteral("Région\nOst"), 1000);
        s = advanceSnapshot(s, richCycle(QStringLiteral("west")), QStringLiteral("RegionTwo"),
                            2000);
        QProcess p;
        p.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
        QVERIFY(p.waitForStarted());
        p.write(renderPrometheusText(s, 5000));
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(30000));
        const QByteArray said = p.readAllStandardOutput() + p.readAllStandardError();
        QVERIFY2(p.exitCode() == 0 && said.trimmed().isEmpty(), said.constData());
    }

    void listenAddressesAreExplicit()
    {
        QHostAddress a;
        quint16 port = 1;
        QVERIFY(parseListenAddress(QStringLiteral("127.0.0.1:9109"), &a, &port, nullptr));
        QCOMPARE(a, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(port, quint16(9109));
        QVERIFY(parseListenAddress(QStringLiteral("[::1]:0"), &a, &port, nullptr));
        QCOMPARE(a, QHostAddress(QHostAddress::LocalHostIPv6));
        QCOMPARE(port, quint16(0));
        QVERIFY(parseListenAddress(QStringLiteral("localhost:9109"), &a, &port, nullptr));
        QVERIFY(parseListenAddress(QStringLiteral("0.0.0.0:9109"), &a, &port, nullptr));
        QCOMPARE(a, QHostAddress(QHostAddress::AnyIPv4));
        for (const char *bad : {":9109", "9109", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536",
                                "127.0.0.1:-1", "example.org:9109", "[::1:9109"}) {
            QString error;
            QVERIFY2(!parseListenAddress(QLatin1String(bad), &a, &port, &error), bad);
            QVERIFY(error.contains(QLatin1String(bad)));
        }
    }

    void servesOnlyGetMetrics()
    {
        MetricsEndpoint endpoint;
        QString error;
        QVERIFY2(endpoint.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        endpoint.publish(std::make_shared<const MetricsSnapshot>(
            advanceSnapshot({}, richCycle(QStringLiteral("east")), {}, 1000)));

        const QByteArray ok = get(endpoint.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY2(ok.startsWith("HTTP/1.1 200 OK\r\n"), ok.constData());
        QVERIFY(ok.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"));
        const QByteArray body = ok.mid(ok.indexOf("\r\n\r\n") + 4);
        QVERIFY(body.contains("turnstile_keystone_up{profile=\"east\",region=\"\"} 1\n"));
        QVERIFY(ok.contains("Content-Length: " + QByteArray::number(body.size()) + "\r\n"));
        QVERIFY(
            get(endpoint.port(), "GET /metrics?x=1 HTTP/1.0\r\n\r\n").startsWith("HTTP/1.1 200"));

        QVERIFY(get(endpoint.port(), "GET / HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 404"));
        QVERIFY(get(endpoint.port(), "GET /metricsx HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 404"));
        const QByteArray post = get(endpoint.port(), "POST /metrics HTTP/1.1\r\n\r\n");
        QVERIFY(post.startsWith("HTTP/1.1 405") && post.contains("Allow: GET\r\n"));
        QVERIFY(get(endpoint.port(), "garbage\r\n\r\n").startsWith("HTTP/1.1 400"));
        // Headers without end: cut off at the cap, not buffered on.
        const QByteArray huge =
            "GET /metrics HTTP/1.1\r\nX: " + QByteArray(MetricsHttpServer::kMaxRequestBytes, 'a') +
            "\r\n";
        QVERIFY(get(endpoint.port(), huge).startsWith("HTTP/1.1 431"));
    }

    // Clients that connect and say nothing (or too little) are cut off at the
    // deadline and never hold a scrape.
    void slowClientsDoNotHoldScrapes()
    {
        MetricsEndpoint endpoint;
        QString error;
        QVERIFY2(endpoint.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        QList<QTcpSocket *> idle;
        for (int i = 0; i < MetricsHttpServer::kMaxConnections + 8; ++i) {
            auto *s = new QTcpSocket(this);
            s->connectToHost(QHostAddress::LocalHost, endpoint.port());
            QVERIFY(s->waitForConnected(2000));
            s->write("GET /met");
            s->flush();
            idle.append(s);
        }
        QTest::qWait(200);
        // Beyond the cap new connections are refused, not queued forever...
        QElapsedTimer t;
        t.start();
        get(endpoint.port(), "GET /metrics HTTP/1.1\r\n\r\n", 1000);
        QVERIFY(t.elapsed() < 1500);
        // ...and once the idle ones hit their deadline, scrapes work again.
        QTest::qWait(MetricsHttpServer::kRequestTimeoutMs + 500);
        t.restart();
        QVERIFY(get(endpoint.port(), "GET /metrics HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 200"));
        QVERIFY(t.elapsed() < 1000);
        int cut = 0;
        for (QTcpSocket *s : std::as_const(idle)) {
            if (s->state() != QAbstractSocket::UnconnectedState)
                s->waitForDisconnected(100);
            cut += s->state() == QAbstractSocket::UnconnectedState;
        }
        QCOMPARE(cut, idle.size());
        qDeleteAll(idle);
    }

    // The collector's first cycle hangs on a Keystone that never answers;
    // /metrics answers at once all the while.
    void scrapeDoesNotWaitForAHungCycle()
    {
        testsupport::IsolatedEnvironment dir(testsupport::IsolatedEnvironment::Scope::Children);
        dir.withoutKeychain();
        dir.set(QStringLiteral("OS_PASSWORD"), QStringLiteral("not-used"));
        labsupport::BlackholePort hole;
        QVERIFY(hole.port() > 0);
        Profile p;
        p.name = QStringLiteral("hole");
        p.authUrl = QUrl(QStringLiteral("http://127.0.0.1:%1/v3").arg(hole.port()));
        p.username = QStringLiteral("admin");
        p.projectName = QStringLiteral("admin");
        QVERIFY(ProfileStore(dir.profilesFile()).save(p));

        QProcess ctl;
        ctl.setProcessEnvironment(dir.environment());
        ctl.start(testsupport::builtProgram(QStringLiteral("turnstilectl")),
                  {QStringLiteral("collect"), QStringLiteral("--profile"), p.name,
                   QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0")});
        QVERIFY(ctl.waitForStarted());
        QVERIFY(ctl.waitForReadyRead(20000));
        const QString line = QString::fromUtf8(ctl.readLine());
        static const QRegularExpression serving(QStringLiteral(":(\\d+)/metrics"));
        const QRegularExpressionMatch m = serving.match(line);
        QVERIFY2(m.hasMatch(), qPrintable(line));
        const auto port = quint16(m.captured(1).toUInt());

        QElapsedTimer hung;
        hung.start();
        qint64 slowest = 0;
        for (int i = 0; i < 20; ++i) {
            QElapsedTimer t;
            t.start();
            const QByteArray answer = get(port, "GET /metrics HTTP/1.1\r\n\r\n");
            slowest = std::max(slowest, t.elapsed());
            QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
            // Still inside the first cycle: nothing published yet.
            QVERIFY(!answer.contains("turnstile_collect_cycles_total"));
            QTest::qWait(100);
        }
        QVERIFY2(slowest < 100, qPrintable(QStringLiteral("slowest scrape %1 ms").arg(slowest)));
        QVERIFY(ctl.state() == QProcess::Running);
        ctl.terminate();
        QVERIFY(ctl.waitForFinished(30000));
    }
};

QTEST_GUILESS_MAIN(TestExporter)
#include "tst_exporter.moc"
