#include "probecommand.h"
#include "util/iopool.h"
#include "util/rowfigure.h"

#include "collector/collector.h"
#include "events/eventconsumerconfig.h"
#include "history/historystore.h"
#include "probe/prober.h"
#include "profiles/profileimporter.h"
#include "profiles/profilestore.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFuture>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QtConcurrent/QtConcurrentRun>

#include <limits>

namespace turnstile {

namespace {
// The strings keep the "Cli" context they had in cli.cpp, so their
// translations still apply.
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Cli)
};

// "1,908,024 rows": the count exactly, whatever its size; the plural form is
// chosen from a clamped int (%Ln took int(n) and wrapped above 2^31 rows).
QString rowCount(qint64 rows)
{
    return Tr::tr("%1 row(s)", nullptr, int(qMin<qint64>(rows, std::numeric_limits<int>::max())))
        .arg(formatRows(rows, false));
}
} // namespace

ProbeCommand::ProbeCommand(CliContext &ctx) : m_ctx(ctx), m_out(ctx.out()), m_err(ctx.err()) {}

int ProbeCommand::run(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Probe a Keystone profile once."));
    QCommandLineOption profileOpt(QStringLiteral("profile"), Tr::tr("Profile to probe."),
                                  QStringLiteral("NAME"));
    QCommandLineOption cloudOpt(
        QStringLiteral("cloud"),
        Tr::tr("Probe a cloud straight from clouds.yaml (every region of it); default: OS_CLOUD."),
        QStringLiteral("NAME"));
    QCommandLineOption jsonOpt(QStringLiteral("json"), Tr::tr("Print JSON."));
    parser.addOptions({profileOpt, cloudOpt, jsonOpt});
    if (const auto rc = parseCommandLine(parser, args, m_out, m_err))
        return *rc;
    // As with the openstack client, OS_CLOUD stands in for --cloud.
    const QString envCloud = qEnvironmentVariable("OS_CLOUD").trimmed();
    const bool useCloud =
        parser.isSet(cloudOpt) || (!parser.isSet(profileOpt) && !envCloud.isEmpty());
    if (parser.isSet(profileOpt) && parser.isSet(cloudOpt)) {
        m_err << Tr::tr("turnstilectl probe: give --profile NAME or --cloud NAME.") << Qt::endl;
        return Usage;
    }
    if (!parser.isSet(profileOpt) && !useCloud) {
        m_err << Tr::tr("turnstilectl probe: give --profile NAME or --cloud NAME (or set "
                        "OS_CLOUD).")
              << Qt::endl;
        return Usage;
    }
    const bool json = parser.isSet(jsonOpt);
    QList<QPair<Profile, Secrets>> targets;
    if (useCloud) {
        const ImportResult imported =
            importCloudsYaml(QString(), parser.isSet(cloudOpt) ? parser.value(cloudOpt) : envCloud);
        if (imported.clouds.isEmpty()) {
            m_err << imported.error << Qt::endl;
            return Config;
        }
        for (const ImportedCloud &c : imported.clouds) {
            Secrets s = c.secrets;
            m_ctx.loadSecrets(c.profile, &s, true);
            targets.append({c.profile, s});
        }
    } else {
        if (!m_ctx.profileFileReadable())
            return Config;
        ProfileStore store;
        bool found = false;
        const Profile p = store.profile(parser.value(profileOpt), &found);
        if (!found) {
            m_err << Tr::tr("turnstilectl probe: no profile named \"%1\" in %2 (known: %3).")
                         .arg(parser.value(profileOpt), store.fileName(),
                              store.names().isEmpty() ? Tr::tr("none")
                                                      : store.names().join(QStringLiteral(", ")))
                  << Qt::endl;
            return Config;
        }
        Secrets secrets;
        m_ctx.loadSecrets(p, &secrets, json);
        targets.append({p, secrets});
    }
    for (const auto &[p, s] : targets)
        if (const QString w = Profile::cleartextWarning(p.authUrl); !w.isEmpty())
            m_err << Tr::tr("warning: profile %1: %2").arg(p.name, w) << Qt::endl;
    // Several regions are probed at once, each on its own thread.
    QList<QFuture<ProbeResult>> futures;
    for (const auto &[p, s] : targets)
        futures.append(QtConcurrent::run(ioPool(), [p = p, s = s] {
            ProbeResult r = runProbe(p, s);
            // Keystone's notifications.info, the same reading as `events
            // --follow`; silent when nothing answers at the management port.
            if (!p.notificationUrl.isEmpty()) {
                QString error;
                const EventConsumerConfig c =
                    EventConsumerConfig::forProfile(p, s, HistoryConfig(), &error);
                if (error.isEmpty()) {
                    r.notificationQueue = readNotificationQueue(c);
                    r.notificationQueueRead = r.notificationQueue.answered;
                }
            }
            return r;
        }));
    bool healthy = true;
    QJsonArray all;
    // The thresholds verdict, the same as `turnstilectl thresholds` gives.
    HistoryStore history;
    const bool haveHistory = history.open(m_ctx.historyConfig());
    for (qsizetype i = 0; i < futures.size(); ++i) {
        ProbeResult r = futures[i].result();
        judgeProbe(r, targets.at(i).first.thresholds, haveHistory ? &history : nullptr);
        healthy = healthy && r.healthy();
        if (json)
            all.append(r.toJson());
        else
            printProbe(r);
    }
    if (json) {
        const QJsonDocument doc =
            all.size() == 1 ? QJsonDocument(all.first().toObject()) : QJsonDocument(all);
        m_out << QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    }
    return healthy ? Ok : Problem;
}

void ProbeCommand::printProbe(const ProbeResult &r)
{
    const QLocale loc;
    auto line = [&](const QString &label, const QString &value) {
        m_out << QStringLiteral("  %1  %2").arg(label.leftJustified(22), value) << Qt::endl;
    };
    auto ms = [&](const std::optional<double> &v) {
        return v ? Tr::tr("%1 ms").arg(loc.toString(*v, 'f', 1)) : QString();
    };
    m_out << Tr::tr("Profile %1 — %2").arg(r.profile, r.endpoint) << Qt::endl;
    line(Tr::tr("Keystone API"), r.endpointError.isEmpty()
                                     ? r.keystoneVersion
                                     : Tr::tr("unavailable: %1").arg(r.endpointError));
    if (r.endpointError.isEmpty()) {
        if (r.tokenError.isEmpty() || r.issueMs)
            line(Tr::tr("Issue a token"),
                 Tr::tr("%1 (token %L2 bytes)").arg(ms(r.issueMs)).arg(r.tokenBytes.value_or(0)));
        if (r.validateMs)
            line(Tr::tr("Validate a token"), Tr::tr("%1 (median)").arg(ms(r.validateMs)));
        // Over this probe's own samples: a one-shot run keeps no window.
        auto percentiles = [&](const QString &label, const std::optional<LatencyPercentiles> &p) {
            if (p)
                line(label, Tr::tr("p50 %1 · p95 %2 · p99 %3 (%n sample(s))", nullptr, p->samples)
                                .arg(ms(p->p50), ms(p->p95), ms(p->p99)));
        };
        percentiles(Tr::tr("Validation latency"), r.validatePercentiles);
        percentiles(Tr::tr("Issue latency"), r.issuePercentiles);
        if (r.catalogBytes)
            line(Tr::tr("Catalog"), Tr::tr("%L1 bytes, regions: %2")
                                        .arg(*r.catalogBytes)
                                        .arg(r.catalogRegions.isEmpty()
                                                 ? Tr::tr("none")
                                                 : r.catalogRegions.join(QStringLiteral(", "))));
        line(Tr::tr("Health check"), r.health == u"ok"       ? Tr::tr("OK")
                                     : r.health == u"absent" ? Tr::tr("not deployed")
                                                             : Tr::tr("failing"));
        if (!r.tokenError.isEmpty())
            line(Tr::tr("Tokens"), Tr::tr("unavailable: %1").arg(r.tokenError));
    }
    for (const QString &w : r.warnings)
        line(Tr::tr("Warning"), w);
    if (!r.databaseConfigured) {
        line(Tr::tr("Database"), Tr::tr("not configured"));
    } else if (!r.databaseError.isEmpty()) {
        line(Tr::tr("Database"), Tr::tr("unavailable: %1").arg(r.databaseError));
    } else {
        line(QStringLiteral("revocation_event"),
             r.revocationEvents ? rowCount(*r.revocationEvents) : r.revocationError);
        line(QStringLiteral("token"),
             !r.tokenRows ? r.tokenRowsError
             : r.tokenRowsEstimated
                 ? Tr::tr("%1 rows (the server's estimate)").arg(formatRows(*r.tokenRows, true))
                 : rowCount(*r.tokenRows));
    }
    // The keystone.conf line that keeps Keystone's events from Turnstile.
    for (const QString &problem : r.notificationProblems)
        line(Tr::tr("Notifications"), problem);
    if (r.notificationQueueRead) {
        if (const auto &d = r.notificationQueue.depth) {
            line(Tr::tr("Notification queue"), Tr::tr("%1 holds %2 message(s), %3 consumer(s)")
                                                   .arg(d->queue, QLocale().toString(d->messages))
                                                   .arg(d->consumers));
            if (const QString f = unreadQueueFinding(*d); !f.isEmpty())
                line(Tr::tr("Notification queue"), f);
        } else {
            line(Tr::tr("Notification queue"), r.notificationQueue.error);
        }
    }
}

} // namespace turnstile
