// Prometheus as a history source, the pure parts: the query step within the
// pixel budget and Prometheus' 11,000-point cap, the PromQL of each history
// metric, and the answers (success, warnings, 4xx, 5xx, not Prometheus).
#include "history/historyconfig.h"
#include "history/prometheussource.h"

#include <QSettings>
#include <QTemporaryDir>

#include <QTest>

using namespace turnstile;

class TestPrometheusSource : public QObject
{
    Q_OBJECT

private slots:
    void stepKeepsEverySeriesWithinBudgetAndCap()
    {
        const qint64 day = 86400;
        // 30 days at 1,600 pixels: 1,600 points at most.
        const qint64 step = prometheusStep(0, 30 * day, 1600);
        QCOMPARE(step, qint64(1622));
        QVERIFY((30 * day) / step + 1 <= 1600);
        // A budget above the cap is held to 11,000 points.
        for (const qint64 span : {qint64(11000), 7 * day, 365 * day}) {
            const qint64 s = prometheusStep(0, span, 100000);
            QVERIFY2(span / s <= 11000, qPrintable(QString::number(span)));
        }
        QCOMPARE(prometheusStep(0, 10999, 100000), qint64(1));
        QCOMPARE(prometheusStep(0, 11001, 100000), qint64(2));
        // Never zero, whatever the input.
        QCOMPARE(prometheusStep(100, 100, 800), qint64(1));
        QCOMPARE(prometheusStep(0, 60, 0), qint64(60));
    }

    void everyExportedMetricHasItsQuery()
    {
        const auto q = [](const char *metric) {
            return prometheusQueryFor(SeriesKey{QStringLiteral("east"), QLatin1String(metric)});
        };
        QCOMPARE(
            *q("validate.p99.ms"),
            QStringLiteral(
                R"(max by (profile) (turnstile_token_validation_seconds{profile="east",quantile="0.99"} * 1000))"));
        QCOMPARE(
            *q("issue.p50.ms"),
            QStringLiteral(
                R"(max by (profile) (turnstile_token_issue_seconds{profile="east",quantile="0.5"} * 1000))"));
        QCOMPARE(
            *q("token.live"),
            QStringLiteral(
                R"(max by (profile) (turnstile_table_rows{profile="east",table="token",state="live"}))"));
        QCOMPARE(
            *q("table.revocation_event.bytes"),
            QStringLiteral(
                R"(max by (profile) (turnstile_table_size_bytes{profile="east",table="revocation_event"}))"));
        QCOMPARE(
            *q("revocation_event.rows"),
            QStringLiteral(
                R"(max by (profile) (turnstile_revocation_events{profile="east",kind="all"}))"));
        QCOMPARE(*q("keystone.up"),
                 QStringLiteral(R"(max by (profile) (turnstile_keystone_up{profile="east"}))"));
        QString why;
        QVERIFY(!prometheusQueryFor(
            SeriesKey{QStringLiteral("east"), QStringLiteral("db.exact_ms")}, &why));
        QVERIFY(why.contains(u"db.exact_ms"));
        // A profile name cannot break out of its label matcher.
        QCOMPARE(
            *prometheusQueryFor(
                SeriesKey{QStringLiteral("a\"} or vector(1) #"), QStringLiteral("keystone.up")}),
            QStringLiteral(
                "max by (profile) (turnstile_keystone_up{profile=\"a\\\"} or vector(1) #\"})"));
    }
    // What the pages may draw from Prometheus, and what stays empty there.
    void servesOnlyWhatIsExported()
    {
        QVERIFY(prometheusServes(QStringLiteral("token.live")));
        QVERIFY(prometheusServes(QStringLiteral("table.trust.rows")));
        QVERIFY(prometheusServes(QStringLiteral("validate.p95.ms")));
        QVERIFY(!prometheusServes(QStringLiteral("schema.*.bytes")));
        QVERIFY(!prometheusServes(QStringLiteral("schema.keystone.bytes")));
        QVERIFY(!prometheusServes(QStringLiteral("bench.p50_ms")));
    }

    // [history] prometheusUrl names the source; credentials in the URL are
    // dropped (they belong in the keychain); $TURNSTILE_HISTORY, naming a
    // file store, wins over it as over everything in [history].
    void settingsNameTheSource()
    {
        QTemporaryDir dir;
        QSettings s(dir.filePath(QStringLiteral("turnstile.conf")), QSettings::IniFormat);
        s.setValue(QStringLiteral("history/prometheusUrl"),
                   QStringLiteral("https://ops:pw@prometheus.example:9090/prom"));
        s.setValue(QStringLiteral("history/prometheusUser"), QStringLiteral("grafana"));
        const HistoryConfig c = HistoryConfig::fromSettings(s);
        QVERIFY(c.prometheus);
        QCOMPARE(c.prometheus->url, QUrl(QStringLiteral("https://prometheus.example:9090/prom")));
        QCOMPARE(c.prometheus->username, QStringLiteral("grafana"));
        QVERIFY(c.prometheus->password.isEmpty());
        QVERIFY(c.prometheus->verifyTls);
        QSettings back(dir.filePath(QStringLiteral("back.conf")), QSettings::IniFormat);
        c.toSettings(back);
        QCOMPARE(HistoryConfig::fromSettings(back), c);
        QVERIFY(!back.value(QStringLiteral("history/prometheusUrl")).toString().contains(u"pw"));

        qputenv("TURNSTILE_HISTORY", dir.filePath(QStringLiteral("h.sqlite")).toUtf8());
        QVERIFY(!HistoryConfig::resolve(s).prometheus);
        qunsetenv("TURNSTILE_HISTORY");
        QVERIFY(HistoryConfig::resolve(s).prometheus);
    }

    void answersBecomeSamplesOrOneSentence()
    {
        const QString where = QStringLiteral("http://127.0.0.1:9090");
        const PrometheusRange ok = parsePrometheusRange(
            200,
            R"J({"status":"success","warnings":["partial response: store B down"],"data":{"resultType":"matrix","result":[{"metric":{"profile":"east"},"values":[[1796609852,"12"],[1796609912,"NaN"],[1796609972,"13.5"]]}]}})J",
            where);
        QVERIFY(ok.error.isEmpty());
        QCOMPARE(ok.seriesCount, 1);
        QCOMPARE(ok.samples, (QList<Sample>{{1796609852, 12}, {1796609972, 13.5}}));
        QCOMPARE(ok.warnings, QStringList{QStringLiteral("partial response: store B down")});

        const PrometheusRange empty = parsePrometheusRange(
            200, R"J({"status":"success","data":{"resultType":"matrix","result":[]}})J", where);
        QVERIFY(empty.error.isEmpty() && empty.samples.isEmpty());

        // The 400 Prometheus gives above 11,000 points, verbatim.
        const PrometheusRange tooMany = parsePrometheusRange(
            400,
            R"J({"status":"error","errorType":"bad_data","error":"exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"
    })J",
            where);
        QVERIFY(tooMany.error.contains(u"HTTP 400"));
        QVERIFY(tooMany.error.contains(u"exceeded maximum resolution of 11,000 points"));
        QVERIFY(tooMany.error.startsWith(where));

        QVERIFY(parsePrometheusRange(401, "Unauthorized\n", where).error.contains(u"keychain"));
        QVERIFY(parsePrometheusRange(403, {}, where).error.contains(u"HTTP 403"));
        const PrometheusRange down = parsePrometheusRange(
            503, R"J({"status":"error","errorType":"unavailable","error":"TSDB not ready"})J",
            where);
        QVERIFY(down.error.contains(u"HTTP 503") && down.error.contains(u"TSDB not ready"));
        QVERIFY(parsePrometheusRange(502, "<html>Bad gateway</html>", where)
                    .error.contains(u"Bad gateway"));
        QVERIFY(parsePrometheusRange(200, "<html>login</html>", where)
                    .error.contains(u"not answer as a Prometheus query API"));
        QVERIFY(
            parsePrometheusRange(
                200, R"J({"status":"success","data":{"resultType":"vector","result":[]}})J", where)
                .error.contains(u"vector"));
    }
};

QTEST_GUILESS_MAIN(TestPrometheusSource)
#include "tst_prometheussource.moc"
