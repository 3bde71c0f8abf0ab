// What the Overview's sparklines cost (docs/benchmarks.md, "Chart redraw").
// Each profile tile, when it is shown and after every probe of its profile,
// reads its last 24 h (TileHistory::load: three sparkline series decimated
// to the sparkline's width in the database, and the raw keystone.up
// samples) on ioPool(), then sets and paints three Sparkline widgets on the
// GUI thread. Startup with N profiles does that N times; a refresh once per
// tile whose profile was probed.
//
// A real SQLite history store in a temporary directory holds --profiles N
// profiles with 24 h of one sample a minute for every sparkline metric and
// keystone.up. Measured --runs times: the load of every tile (one after the
// other, as on a busy ioPool) and, on the GUI thread, setBuckets() and a
// synchronous paint (grab()) of the three 96x20 sparklines of every tile.
#include "history/historystore.h"
#include "history/tilehistory.h"
#include "sparkline.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace turnstile;

namespace {
double median(QList<double> v)
{
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}
} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser p;
    p.addHelpOption();
    p.addOption({QStringLiteral("profiles"), QStringLiteral("Profiles (tiles), default 4."),
                 QStringLiteral("N"), QStringLiteral("4")});
    p.addOption({QStringLiteral("runs"), QStringLiteral("Runs, default 5."), QStringLiteral("N"),
                 QStringLiteral("5")});
    p.process(app);
    const int profiles = std::max(1, p.value(QStringLiteral("profiles")).toInt());
    const int runs = std::max(1, p.value(QStringLiteral("runs")).toInt());

    QTemporaryDir dir;
    HistoryConfig config;
    config.sqlitePath = dir.filePath(QStringLiteral("history.sqlite"));
    const qint64 now = QDateTime::currentSecsSinceEpoch() / 60 * 60;
    QElapsedTimer fill;
    fill.start();
    {
        HistoryStore store;
        if (!store.open(config)) {
            std::fprintf(stderr, "bench_sparklines: %s\n", qPrintable(store.error()));
            return 2;
        }
        for (int k = 0; k < profiles; ++k) {
            const QString profile = QStringLiteral("region%1").arg(k);
            QList<Sample> p99, live, events, up;
            for (qint64 t = now - 86400; t <= now; t += 60) {
                p99.append({t, 40 + 20 * std::sin(double(t) / 3600) + k});
                live.append({t, 1e6 + double(t % 86400) * 3});
                events.append({t, double((t / 60) % 5000)});
                up.append({t, (t / 60) % 997 == 0 ? 0.0 : 1.0});
            }
            for (const auto &[metric, samples] :
                 {std::pair{QStringLiteral("validate.p99.ms"), p99},
                  std::pair{QStringLiteral("token.live"), live},
                  std::pair{QStringLiteral("revocation_event.rows"), events},
                  std::pair{QStringLiteral("keystone.up"), up}})
                store.append(SeriesKey{profile, metric}, samples);
        }
    }
    const double fillMs = double(fill.nsecsElapsed()) / 1e6;

    QWidget window;
    QList<Sparkline *> sparks;
    for (int i = 0; i < 3 * profiles; ++i) {
        auto *s = new Sparkline(&window);
        s->resize(s->sizeHint());
        sparks.append(s);
    }
    window.resize(400, 300);
    window.show();
    QApplication::processEvents();

    QList<double> loadAll, loadOne, paintAll;
    for (int run = 0; run < runs; ++run) {
        QList<TileHistory> loaded;
        QElapsedTimer t;
        t.start();
        for (int k = 0; k < profiles; ++k) {
            QElapsedTimer one;
            one.start();
            loaded.append(TileHistory::load(config, QStringLiteral("region%1").arg(k), now, 96));
            loadOne.append(double(one.nsecsElapsed()) / 1e6);
            if (!loaded.last().error.isEmpty()) {
                std::fprintf(stderr, "bench_sparklines: %s\n", qPrintable(loaded.last().error));
                return 2;
            }
        }
        loadAll.append(double(t.nsecsElapsed()) / 1e6);
        t.restart();
        for (int k = 0; k < profiles; ++k)
            for (int m = 0; m < 3; ++m) {
                Sparkline *s = sparks[3 * k + m];
                s->setBuckets(loaded[k].sparklines.value(m), loaded[k].from, loaded[k].to);
                const QPixmap shot = s->grab();
                Q_UNUSED(shot)
            }
        paintAll.append(double(t.nsecsElapsed()) / 1e6);
    }
    std::printf("Overview sparklines: %d profiles x 3 sparklines 96x20, 24 h of one sample a "
                "minute per series, SQLite (%s); store filled in %.0f ms\n",
                profiles, qPrintable(QGuiApplication::platformName()), fillMs);
    std::printf("  TileHistory::load, one tile (ioPool)   median %8.2f ms\n", median(loadOne));
    std::printf("  TileHistory::load, all %3d tiles       median %8.2f ms\n", profiles,
                median(loadAll));
    std::printf("  setBuckets + paint, all %3d tiles (GUI) median %8.2f ms (%.3f ms a tile)\n",
                profiles, median(paintAll), median(paintAll) / profiles);
    return 0;
}
