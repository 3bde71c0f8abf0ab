// Scraping /metrics for many profiles (issue 19: "/metrics for 50 profiles in
// < 20 ms at the median"). Publishes a snapshot of N profiles, each with the
// figures of a full lab cycle (seven tables, three Fernet nodes, exact
// figures, memcached), into a MetricsEndpoint on 127.0.0.1 and measures:
//   * renderPrometheusText alone, in process;
//   * GET /metrics over a new loopback connection, request to last byte, the
//     way Prometheus scrapes (one connection per scrape, Connection: close),
//     while another thread publishes a new snapshot every 10 ms (a collector
//     finishing cycles), so the swap is measured too.
// Prints a Markdown table. A bounded number of requests, loopback only.
#include "exporter/metricsendpoint.h"
#include "exporter/prometheustext.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QTcpSocket>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

using namespace turnstile;

namespace {

CollectResult cycle(int i)
{
    CollectResult r;
    r.profile = QStringLiteral("region-%1").arg(i, 2, 10, QLatin1Char('0'));
    r.slot = QDateTime::currentSecsSinceEpoch();
    r.durationSec = 1.5 + i / 100.0;
    r.probe.reachable = true;
    r.probe.validatePercentiles = LatencyPercentiles{40.0 + i, 90.0 + i, 300.0 + i, 200};
    r.probe.issuePercentiles = LatencyPercentiles{120.0 + i, 300.0 + i, 900.0 + i, 200};
    r.probe.tokenBytes = 183;
    r.probe.catalogBytes = 5230 + i;
    r.probe.thresholdLevel = 1 + i % 3;
    FrequentSample f;
    f.revocations.total = Metric<qint64>::of(1200 + i);
    f.revocations.obsolete = Metric<qint64>::of(300 + i);
    RevocationKinds k;
    k.auditId = 1000 + i;
    k.userWide = 150;
    k.projectWide = 40;
    k.domainWide = 2;
    k.otherWide = 8;
    f.revocations.kinds = Metric<RevocationKinds>::of(k);
    f.tokens.live = Metric<qint64>::of(150000 + i);
    f.tokens.expired = Metric<qint64>::of(2500000 + i);
    for (KeystoneTable t : allKeystoneTables()) {
        KeystoneTableStats s;
        s.table = t;
        TableSize size;
        size.rowsEstimate = 100000 + i;
        size.dataBytes = 1 << 24;
        size.indexBytes = 1 << 22;
        s.size = Metric<TableSize>::of(size);
        f.tables.append(s);
    }
    r.frequent = f;
    ExactSample e;
    e.users.locked = Metric<qint64>::of(i % 4);
    r.exact = e;
    for (const char *m : {"memcached.hits", "memcached.misses", "memcached.evictions",
                          "memcached.items", "memcached.hit_ratio"})
        r.samples.append({SeriesKey{r.profile, QLatin1String(m)}, Sample{r.slot, 0.9 * i}});
    KeyStatus keys;
    for (int n = 1; n <= 3; ++n) {
        RepositoryState node;
        node.location = *KeyLocation::parse(
            QStringLiteral("ssh://keystone%1.region-%2/etc/keystone/fernet-keys").arg(n).arg(i));
        node.keys.insert(0, {});
        keys.fernet.append(node);
    }
    r.keys = keys;
    return r;
}

double percentile(QList<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v.at(std::min<qsizetype>(v.size() - 1, qsizetype(p * double(v.size()))));
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    QCommandLineOption profilesOpt(QStringLiteral("profiles"), QStringLiteral("Profiles."),
                                   QStringLiteral("N"), QStringLiteral("50"));
    QCommandLineOption scrapesOpt(QStringLiteral("scrapes"), QStringLiteral("Scrapes."),
                                  QStringLiteral("N"), QStringLiteral("200"));
    parser.addOptions({profilesOpt, scrapesOpt});
    parser.addHelpOption();
    parser.process(app);
    const int profiles = std::clamp(parser.value(profilesOpt).toInt(), 1, 5000);
    const int scrapes = std::clamp(parser.value(scrapesOpt).toInt(), 10, 5000);

    MetricsSnapshot snapshot;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (int i = 0; i < profiles; ++i)
        snapshot = advanceSnapshot(snapshot, cycle(i), QStringLiteral("Region%1").arg(i), now);

    QList<double> render;
    qsizetype bytes = 0;
    for (int i = 0; i < scrapes; ++i) {
        QElapsedTimer t;
        t.start();
        bytes = renderPrometheusText(snapshot, QDateTime::currentMSecsSinceEpoch()).size();
        render.append(double(t.nsecsElapsed()) / 1e6);
    }

    MetricsEndpoint endpoint;
    QString error;
    if (!endpoint.listen(QHostAddress::LocalHost, 0, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    const auto shared = std::make_shared<const MetricsSnapshot>(snapshot);
    endpoint.publish(shared);
    std::atomic<bool> done = false;
    std::thread publisher([&] {
        while (!done) {
            endpoint.publish(std::make_shared<const MetricsSnapshot>(*shared));
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    QList<double> scrape;
    int failed = 0;
    for (int i = 0; i < scrapes; ++i) {
        QElapsedTimer t;
        t.start();
        QTcpSocket s;
        s.connectToHost(QHostAddress::LocalHost, endpoint.port());
        QByteArray answer;
        if (s.waitForConnected(2000)) {
            s.write("GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
            while (s.state() == QAbstractSocket::ConnectedState && s.waitForReadyRead(2000))
                answer += s.readAll();
            answer += s.readAll();
        }
        const double ms = double(t.nsecsElapsed()) / 1e6;
        // Complete: the body is as long as Content-Length says (its length
        // varies by a few bytes with the ages' digits).
        const qsizetype headerEnd = answer.indexOf("\r\n\r\n");
        const qsizetype lengthAt = answer.indexOf("Content-Length: ");
        const qsizetype length =
            lengthAt < 0 ? -1
                         : answer.mid(lengthAt + 16, answer.indexOf('\r', lengthAt) - lengthAt - 16)
                               .toLongLong();
        if (!answer.startsWith("HTTP/1.1 200") || headerEnd < 0 ||
            answer.size() - headerEnd - 4 != length) {
            if (!failed)
                std::fprintf(stderr, "scrape %d failed after %.1f ms: %lld bytes, \"%s\", %s\n", i,
                             ms, qlonglong(answer.size()), answer.left(40).constData(),
                             qPrintable(s.errorString()));
            ++failed;
        }
        scrape.append(ms);
    }
    done = true;
    publisher.join();

    std::printf(
        "| what (%d profiles, %lld bytes, %d runs) | median ms | p90 ms | p99 ms | max ms |\n",
        profiles, qlonglong(bytes), scrapes);
    std::printf("|---|---|---|---|---|\n");
    for (const auto &[name, v] : {std::pair{"renderPrometheusText", render},
                                  std::pair{"GET /metrics, new connection", scrape}})
        std::printf("| %s | %.2f | %.2f | %.2f | %.2f |\n", name, percentile(v, 0.5),
                    percentile(v, 0.9), percentile(v, 0.99), *std::max_element(v.begin(), v.end()));
    if (failed)
        std::printf("%d scrapes failed\n", failed);
    return failed ? 1 : 0;
}
