#include "historycommands.h"
#include "history/viewrange.h"

#include "clicontext.h"
#include "collector/collector.h"
#include "events/eventconsumer.h"
#include "exporter/metricsendpoint.h"
#include "health/profileverdict.h"
#include "health/thresholdoverrides.h"
#include "history/historyconfig.h"
#include "history/historystore.h"
#include "probe/latencywindow.h"
#include "profiles/profilestore.h"
#include "util/duration.h"
#include "util/numbertext.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QThread>

#include <memory>

#include <csignal>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Cli)
};

volatile std::sig_atomic_t s_stop = 0;
void onSignal(int)
{
    s_stop = 1;
}

bool openStore(HistoryStore &store, const HistoryConfig &config, QTextStream &err)
{
    if (!store.open(config)) {
        err << store.error() << Qt::endl;
        return false;
    }
    return true;
}

} // namespace

HistoryCommands::HistoryCommands(CliContext &ctx) : m_ctx(ctx), m_out(ctx.out()), m_err(ctx.err())
{}

int HistoryCommands::collect(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Sample a profile into the history store (for cron or a systemd timer)."));
    QCommandLineOption profileOpt(QStringLiteral("profile"), Tr::tr("Profile to sample."),
                                  QStringLiteral("NAME"));
    QCommandLineOption onceOpt(QStringLiteral("once"),
                               Tr::tr("Sample once and exit (the default)."));
    QCommandLineOption intervalOpt(QStringLiteral("interval"),
                                   Tr::tr("Keep sampling at this interval, e.g. 60s."),
                                   QStringLiteral("DURATION"));
    QCommandLineOption exactOpt(QStringLiteral("exact"),
                                Tr::tr("Also take the exact (hourly) figures now."));
    QCommandLineOption jsonOpt(QStringLiteral("json"), Tr::tr("Print what was written as JSON."));
    QCommandLineOption listenOpt(
        QStringLiteral("listen"),
        Tr::tr("Also serve the last cycle's figures at http://ADDRESS:PORT/metrics for "
               "Prometheus (keeps sampling, every 60s unless --interval says otherwise)."),
        QStringLiteral("ADDRESS:PORT"));
    parser.addOptions({profileOpt, onceOpt, intervalOpt, exactOpt, jsonOpt, listenOpt});
    if (const auto rc = parseCommandLine(parser, args, m_out, m_err))
        return *rc;
    if (!parser.isSet(profileOpt) || (parser.isSet(onceOpt) && parser.isSet(intervalOpt))) {
        m_err << Tr::tr("turnstilectl collect: give --profile NAME and at most one of --once or "
                        "--interval.")
              << Qt::endl;
        return exitcode::Usage;
    }
    QHostAddress listenAddress;
    quint16 listenPort = 0;
    const bool listen = parser.isSet(listenOpt);
    if (listen) {
        QString error;
        if (parser.isSet(onceOpt)) {
            m_err << Tr::tr("turnstilectl collect: --listen keeps sampling; it cannot be combined "
                            "with --once.")
                  << Qt::endl;
            return exitcode::Usage;
        }
        if (!parseListenAddress(parser.value(listenOpt), &listenAddress, &listenPort, &error)) {
            m_err << Tr::tr("turnstilectl collect: --listen: %1").arg(error) << Qt::endl;
            return exitcode::Usage;
        }
    }
    CollectOptions options;
    bool loop = false;
    if (listen) {
        // A scraped collector keeps running; its percentiles cover many cycles.
        loop = true;
        options.latency = std::make_shared<LatencyWindow>();
        options.readKeys = true;
    }
    if (parser.isSet(intervalOpt)) {
        const std::optional<qint64> secs = m_ctx.durationOption(
            parser, intervalOpt.names().constFirst(), QStringLiteral("collect"));
        if (!secs)
            return exitcode::Usage;
        if (*secs < 10) {
            m_err << Tr::tr("turnstilectl collect: the interval must be at least 10 s.")
                  << Qt::endl;
            return exitcode::Usage;
        }
        options.intervalSec = int(*secs);
        loop = true;
        // A loop keeps the recent timings, so its p99 covers many cycles.
        options.latency = std::make_shared<LatencyWindow>();
    }
    options.forceExact = parser.isSet(exactOpt);
    Profile profile;
    Secrets secrets;
    if (const int rc = m_ctx.resolveProfile(parser.value(profileOpt), &profile, &secrets, true);
        rc != exitcode::Ok)
        return rc;
    HistoryStore store;
    if (!openStore(store, m_ctx.historyConfig(), m_err))
        return exitcode::Config;
    // Serves from its own thread: the cycles below block, the scrapes do not.
    MetricsEndpoint endpoint;
    std::shared_ptr<const MetricsSnapshot> snapshot = endpoint.snapshot();
    if (listen) {
        QString error;
        if (!endpoint.listen(listenAddress, listenPort, &error)) {
            m_err << error << Qt::endl;
            return exitcode::Config;
        }
        const QString host = listenAddress.protocol() == QAbstractSocket::IPv6Protocol
                                 ? u'[' + listenAddress.toString() + u']'
                                 : listenAddress.toString();
        m_out << Tr::tr("Serving /metrics at http://%1:%2/metrics").arg(host).arg(endpoint.port())
              << Qt::endl;
    }

    // A collector that keeps running also keeps Keystone's audit events,
    // when the profile names a RabbitMQ (or its keystone.conf does).
    std::unique_ptr<EventConsumer> events;
    QString eventsLine;
    if (loop) {
        QString error;
        const EventConsumerConfig config =
            EventConsumerConfig::forProfile(profile, secrets, m_ctx.historyConfig(), &error);
        if (error.isEmpty()) {
            events = std::make_unique<EventConsumer>();
            events->start(config);
        } else if (!profile.notificationUrl.isEmpty()) {
            m_err << error << Qt::endl;
        }
    }
    auto reportEvents = [&] {
        if (!events)
            return;
        const QString line = events->status().line();
        if (line != eventsLine)
            m_err << line << Qt::endl;
        eventsLine = line;
    };

    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    int rc = exitcode::Ok;
    do {
        const CollectResult r = collectOnce(profile, secrets, store, options);
        options.forceExact = false;
        if (listen) {
            snapshot = std::make_shared<const MetricsSnapshot>(advanceSnapshot(
                *snapshot, r, profile.regionName, QDateTime::currentMSecsSinceEpoch()));
            endpoint.publish(snapshot);
        }
        if (!r.storeError.isEmpty()) {
            m_err << r.storeError << Qt::endl;
            rc = exitcode::Problem;
        }
        // Without Keystone the cycle holds none of its own figures (timings,
        // token and catalog size), only keystone.up = 0: a cron job must
        // hear of that, not take it for a sample.
        if (!r.probe.endpointError.isEmpty() || !r.probe.reachable) {
            m_err << Tr::tr("unavailable: %1")
                         .arg(QStringLiteral("keystone: ") +
                              (r.probe.endpointError.isEmpty()
                                   ? Tr::tr("%1 does not answer.").arg(r.probe.endpoint)
                                   : r.probe.endpointError))
                  << Qt::endl;
            rc = exitcode::Problem;
        }
        for (const QString &u : r.unavailable)
            m_err << Tr::tr("unavailable: %1").arg(u) << Qt::endl;
        if (parser.isSet(jsonOpt)) {
            QJsonObject metrics;
            for (const auto &[key, sample] : r.samples)
                metrics.insert(key.metric, sample.value);
            m_out << QString::fromUtf8(
                         QJsonDocument(QJsonObject{{QStringLiteral("profile"), r.profile},
                                                   {QStringLiteral("ts"), r.slot},
                                                   {QStringLiteral("written"), r.written},
                                                   {QStringLiteral("metrics"), metrics}})
                             .toJson(QJsonDocument::Compact))
                  << Qt::endl;
        } else {
            m_out << Tr::tr("%1: %2 figures at %3, %4 new in %5")
                         .arg(r.profile)
                         .arg(r.samples.size())
                         .arg(QDateTime::fromSecsSinceEpoch(r.slot, Qt::UTC).toString(Qt::ISODate))
                         .arg(std::max(0, r.written))
                         .arg(store.location())
                  << Qt::endl;
        }
        store.maintainIfDue(QDateTime::currentSecsSinceEpoch());
        if (!loop)
            break;
        // Sleep to the next slot in short steps so SIGTERM ends the loop promptly.
        const qint64 next = r.slot + options.intervalSec;
        while (!s_stop && QDateTime::currentSecsSinceEpoch() < next) {
            QThread::msleep(200);
            reportEvents();
        }
    } while (!s_stop);
    return rc;
}

int HistoryCommands::history(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Print a metric's history, reduced to a number of points."));
    QCommandLineOption profileOpt(QStringLiteral("profile"), Tr::tr("Profile."),
                                  QStringLiteral("NAME"));
    QCommandLineOption metricOpt(QStringLiteral("metric"), Tr::tr("Metric (omit to list them)."),
                                 QStringLiteral("NAME"));
    QCommandLineOption rangeOpt(QStringLiteral("range"), Tr::tr("How far back, e.g. 24h or 7d."),
                                QStringLiteral("DURATION"), QStringLiteral("7d"));
    QCommandLineOption pointsOpt(QStringLiteral("points"),
                                 Tr::tr("At most this many points (min/max per bucket)."),
                                 QStringLiteral("N"), QStringLiteral("800"));
    QCommandLineOption jsonOpt(QStringLiteral("json"), Tr::tr("Print JSON."));
    QCommandLineOption csvOpt(QStringLiteral("csv"), Tr::tr("Print CSV."));
    parser.addOptions({profileOpt, metricOpt, rangeOpt, pointsOpt, jsonOpt, csvOpt});
    if (const auto rc = parseCommandLine(parser, args, m_out, m_err))
        return *rc;
    if (!parser.isSet(profileOpt)) {
        m_err << Tr::tr("turnstilectl history: --profile NAME is required.") << Qt::endl;
        return exitcode::Usage;
    }
    const std::optional<qint64> range =
        m_ctx.durationOption(parser, rangeOpt.names().constFirst(), QStringLiteral("history"));
    if (!range)
        return exitcode::Usage;
    bool pointsOk = false;
    const int points = parser.value(pointsOpt).toInt(&pointsOk);
    if (!pointsOk || points < 1 || points > 100000) {
        m_err << Tr::tr("turnstilectl history: --points must be between 1 and 100000.") << Qt::endl;
        return exitcode::Usage;
    }
    HistoryStore store;
    if (!openStore(store, m_ctx.historyConfig(), m_err))
        return exitcode::Config;
    const QString profile = parser.value(profileOpt);
    const auto keys = store.seriesKeys(profile);
    if (!keys) {
        m_err << store.error() << Qt::endl;
        return exitcode::Problem;
    }
    // As for `report`: a profile is known when profiles.ini has it or the
    // history holds series of it (a shared store, or a profile removed since).
    // A typo must not look like a profile without history (exit 0, no output).
    if (keys->isEmpty()) {
        if (!m_ctx.profileFileReadable())
            return exitcode::Config;
        const ProfileStore profiles;
        if (!profiles.contains(profile)) {
            const QStringList known = profiles.names();
            m_err << Tr::tr("turnstilectl history: no profile named \"%1\" in %2 or in the "
                            "history (known: %3).")
                         .arg(profile, profiles.fileName(),
                              known.isEmpty() ? Tr::tr("none") : known.join(QStringLiteral(", ")))
                  << Qt::endl;
            return exitcode::Config;
        }
    }
    if (!parser.isSet(metricOpt)) {
        for (const SeriesKey &k : *keys)
            m_out << k.metric << Qt::endl;
        return exitcode::Ok;
    }
    const SeriesKey key{profile, parser.value(metricOpt)};
    if (!key.isValid()) {
        m_err << key.validationError() << Qt::endl;
        return exitcode::Usage;
    }
    if (!keys->contains(key)) {
        m_err << Tr::tr("turnstilectl history: the history holds no metric \"%1\" of profile %2 "
                        "(turnstilectl history --profile %2 lists those it holds).")
                     .arg(key.metric, profile)
              << Qt::endl;
        return exitcode::Config;
    }
    const qint64 to = rangeEndNow();
    const std::optional<DecimatedSeries> series = store.query(key, to - *range, to, points);
    if (!series) {
        m_err << store.error() << Qt::endl;
        return exitcode::Problem;
    }
    if (parser.isSet(csvOpt)) {
        m_out << "time,min,max,avg,count" << Qt::endl;
        for (const Bucket &b : series->buckets)
            m_out << QDateTime::fromSecsSinceEpoch(b.ts, Qt::UTC).toString(Qt::ISODate) << u','
                  << exactNumber(b.min) << u',' << exactNumber(b.max) << u','
                  << exactNumber(b.avg()) << u',' << b.count << Qt::endl;
        return exitcode::Ok;
    }
    if (parser.isSet(jsonOpt)) {
        QJsonArray arr;
        for (const Bucket &b : series->buckets)
            arr.append(QJsonObject{{QStringLiteral("ts"), b.ts},
                                   {QStringLiteral("min"), b.min},
                                   {QStringLiteral("max"), b.max},
                                   {QStringLiteral("avg"), b.avg()},
                                   {QStringLiteral("count"), b.count}});
        m_out << QString::fromUtf8(
            QJsonDocument(QJsonObject{{QStringLiteral("profile"), profile},
                                      {QStringLiteral("metric"), key.metric},
                                      {QStringLiteral("from"), to - *range},
                                      {QStringLiteral("to"), to},
                                      {QStringLiteral("bucket_seconds"), series->bucketSeconds},
                                      {QStringLiteral("points"), arr}})
                .toJson(QJsonDocument::Indented));
        return exitcode::Ok;
    }
    const QLocale loc;
    for (const Bucket &b : series->buckets)
        m_out << QDateTime::fromSecsSinceEpoch(b.ts).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
              << u'\t' << exactNumber(b.min, loc) << u'\t' << exactNumber(b.max, loc) << Qt::endl;
    return exitcode::Ok;
}

int HistoryCommands::thresholds(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Show the thresholds of a profile and its current verdict."));
    QCommandLineOption profileOpt(QStringLiteral("profile"), Tr::tr("Profile."),
                                  QStringLiteral("NAME"));
    QCommandLineOption jsonOpt(QStringLiteral("json"), Tr::tr("Print JSON."));
    QCommandLineOption setOpt(QStringLiteral("set"),
                              Tr::tr("Override the levels for this profile, e.g. "
                                     "validate.ms=300:800 or token.live/day=500000:2000000; an "
                                     "empty side keeps its default (validate.ms=300:)."),
                              QStringLiteral("METRIC=WARN:CRITICAL"));
    // --unset is the name the window's documentation uses; --reset stays.
    QCommandLineOption resetOpt(QStringList{QStringLiteral("unset"), QStringLiteral("reset")},
                                Tr::tr("Back to the defaults for a metric."),
                                QStringLiteral("METRIC"));
    parser.addOptions({profileOpt, jsonOpt, setOpt, resetOpt});
    if (const auto rc = parseCommandLine(parser, args, m_out, m_err))
        return *rc;
    if (!parser.isSet(profileOpt)) {
        m_err << Tr::tr("turnstilectl thresholds: --profile NAME is required.") << Qt::endl;
        return exitcode::Usage;
    }
    if (!m_ctx.profileFileReadable())
        return exitcode::Config;
    ProfileStore profiles;
    bool found = false;
    Profile p = profiles.profile(parser.value(profileOpt), &found);
    if (!found) {
        m_err << Tr::tr("turnstilectl thresholds: no profile named \"%1\".")
                     .arg(parser.value(profileOpt))
              << Qt::endl;
        return exitcode::Config;
    }
    if (parser.isSet(setOpt) || parser.isSet(resetOpt)) {
        const QStringList known = thresholdKeys();
        for (const QString &spec : parser.values(setOpt)) {
            const QString metric = spec.section(u'=', 0, 0);
            if (!spec.contains(u'=') || !known.contains(metric)) {
                m_err << Tr::tr("turnstilectl thresholds: \"%1\" is not METRIC=WARN:CRITICAL with "
                                "a known metric (%2).")
                             .arg(spec, known.join(QStringLiteral(", ")))
                      << Qt::endl;
                return exitcode::Usage;
            }
            // The profile editor's parser: the same numbers, checks and sentences.
            QString problem;
            const auto levels = parseThresholdLevels(metric, spec.section(u'=', 1), &problem);
            if (!levels) {
                m_err << Tr::tr("turnstilectl thresholds: %1").arg(problem) << Qt::endl;
                return exitcode::Usage;
            }
            if (levels->isEmpty())
                p.thresholds.remove(metric); // "METRIC=:" is both defaults
            else
                p.thresholds.insert(metric, levels->toJson());
        }
        // Any key, a misspelt one from a hand-edited file included.
        for (const QString &metric : parser.values(resetOpt))
            p.thresholds.remove(metric);
        QString err;
        if (!profiles.save(p, &err)) {
            m_err << err << Qt::endl;
            return exitcode::Config;
        }
    }
    HistoryStore store;
    if (!openStore(store, m_ctx.historyConfig(), m_err))
        return exitcode::Config;
    // The same verdict as the Overview and `probe --json` (evaluateProfileHealth).
    const QList<ThresholdRule> rules = effectiveThresholds(p.thresholds);
    const ProfileVerdict pv =
        evaluateProfileHealth(p.thresholds, p.name, &store, QDateTime::currentSecsSinceEpoch());
    const HealthVerdict &v = pv.verdict;
    const QHash<QString, double> &latest = pv.latest;
    if (parser.isSet(jsonOpt)) {
        QJsonArray arr;
        for (const ThresholdRule &r : rules) {
            // validate.ms is judged on its p99 when the history has one.
            const QString on =
                !r.measure.isEmpty() && latest.contains(r.measure) ? r.measure : r.metric;
            arr.append(
                QJsonObject{{QStringLiteral("metric"), r.metric},
                            {QStringLiteral("warn"), r.warn},
                            {QStringLiteral("critical"), r.critical},
                            {QStringLiteral("measured_on"), on},
                            {QStringLiteral("latest"),
                             latest.contains(on) ? QJsonValue(latest.value(on)) : QJsonValue()}});
        }
        m_out << QString::fromUtf8(
            QJsonDocument(QJsonObject{{QStringLiteral("status"), healthLevelName(v.level)},
                                      {QStringLiteral("reason"), v.reason},
                                      {QStringLiteral("rules"), arr}})
                .toJson(QJsonDocument::Indented));
    } else {
        m_out << healthLevelName(v.level) << u'\t' << v.reason << Qt::endl;
    }
    return v.level == HealthLevel::Critical || v.level == HealthLevel::Warning ? exitcode::Problem
                                                                               : exitcode::Ok;
}

} // namespace turnstile
