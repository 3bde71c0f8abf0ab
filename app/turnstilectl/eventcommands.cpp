#include "eventcommands.h"

#include "clicontext.h"
#include "events/brokerqueuedepth.h"
#include "events/eventconsumer.h"
#include "events/eventexport.h"
#include "events/lockoutwarning.h"
#include "events/notificationcheck.h"
#include "exitcode.h"
#include "history/historystore.h"
#include "profiles/keystoneconf.h"
#include "profiles/profile.h"
#include "profiles/profilestore.h"
#include "profiles/secrets.h"
#include "stopsignals.h"
#include "util/timetext.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>

namespace turnstile {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(EventCommands)
};

} // namespace

EventCommands::EventCommands(CliContext &ctx) : m_ctx(ctx), m_out(ctx.out()), m_err(ctx.err()) {}

int EventCommands::events(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Keystone's audit events (CADF notifications) of a profile."));
    QCommandLineOption profileOpt(QStringLiteral("profile"), Tr::tr("Profile."),
                                  QStringLiteral("NAME"));
    QCommandLineOption followOpt(
        QStringLiteral("follow"),
        Tr::tr("Consume the profile's RabbitMQ, store and print events as they come, until "
               "Ctrl-C."));
    QCommandLineOption sinceOpt(QStringLiteral("since"), Tr::tr("How far back, e.g. 1h or 7d."),
                                QStringLiteral("DURATION"), QStringLiteral("1h"));
    QCommandLineOption actionOpt(
        QStringLiteral("action"),
        Tr::tr("Only this CADF action (authenticate, created.user, deleted.project, …); repeat "
               "or separate with commas."),
        QStringLiteral("ACTION"));
    QCommandLineOption outcomeOpt(QStringLiteral("outcome"),
                                  Tr::tr("Only this outcome (success, failure)."),
                                  QStringLiteral("OUTCOME"));
    QCommandLineOption jsonOpt(QStringLiteral("json"),
                               Tr::tr("Print JSON (with --follow: one object per line)."));
    QCommandLineOption csvOpt(QStringLiteral("csv"), Tr::tr("Print CSV."));
    parser.addOptions({profileOpt, followOpt, sinceOpt, actionOpt, outcomeOpt, jsonOpt, csvOpt});
    if (const auto rc = parseCommandLine(parser, args, m_out, m_err))
        return *rc;
    if (!parser.isSet(profileOpt)) {
        m_err << Tr::tr("turnstilectl events: --profile NAME is required.") << Qt::endl;
        return exitcode::Usage;
    }
    if (parser.isSet(jsonOpt) && parser.isSet(csvOpt)) {
        m_err << Tr::tr("turnstilectl events: --json and --csv exclude each other.") << Qt::endl;
        return exitcode::Usage;
    }
    const std::optional<qint64> since =
        m_ctx.durationOption(parser, sinceOpt.names().constFirst(), QStringLiteral("events"));
    if (!since)
        return exitcode::Usage;
    const bool follow = parser.isSet(followOpt);
    Profile profile;
    Secrets secrets;
    if (follow) {
        // the broker's password and Keystone's credentials (for names)
        if (const int rc = m_ctx.resolveProfile(parser.value(profileOpt), &profile, &secrets,
                                                parser.isSet(jsonOpt) || parser.isSet(csvOpt));
            rc != exitcode::Ok)
            return rc;
    } else {
        // no secrets needed to read the store; the profile only for its keystone.conf
        profile.name = parser.value(profileOpt);
        if (m_ctx.profileFileParses())
            profile = ProfileStore().profile(profile.name);
        profile.name = parser.value(profileOpt);
    }
    // What in keystone.conf hides events, with the line to change (stderr, so
    // --json and --csv stay machine-readable).
    if (!profile.keystoneConfPath.isEmpty()) {
        QString confError;
        const KeystoneConf conf = KeystoneConf::load(profile.keystoneConfPath, &confError);
        if (confError.isEmpty())
            for (const QString &problem : checkNotificationConfig(conf))
                m_err << problem << Qt::endl;
    }

    const HistoryConfig historyConfig = m_ctx.historyConfig();
    HistoryStore store;
    if (!store.open(historyConfig)) {
        m_err << store.error() << Qt::endl;
        return exitcode::Config;
    }
    EventQuery query;
    query.profile = profile.name;
    query.fromMs = (QDateTime::currentSecsSinceEpoch() - *since) * 1000;
    for (const QString &a : parser.values(actionOpt))
        for (const QString &part : a.split(u',', Qt::SkipEmptyParts))
            query.actions << part.trimmed();
    query.outcome = parser.value(outcomeOpt);
    const std::optional<QList<KeystoneEvent>> events = store.events(query);
    if (!events) {
        m_err << store.error() << Qt::endl;
        return exitcode::Problem;
    }

    const bool json = parser.isSet(jsonOpt);
    const bool csv = parser.isSet(csvOpt);
    if (csv)
        m_out << eventCsvHeader() << Qt::endl;
    if (!follow && json) {
        m_out << QString::fromUtf8(eventsJson(profile.name, *events));
        return exitcode::Ok;
    }
    auto print = [&](const KeystoneEvent &e) {
        if (csv)
            m_out << eventCsvLine(e) << Qt::endl;
        else if (json)
            m_out << QString::fromUtf8(QJsonDocument(eventToJson(e)).toJson(QJsonDocument::Compact))
                  << Qt::endl;
        else
            m_out << eventTextLine(e) << Qt::endl;
    };
    qint64 cursor = 0;
    for (const KeystoneEvent &e : *events) {
        print(e);
        cursor = std::max(cursor, e.rowId);
    }
    if (!follow)
        return exitcode::Ok;

    QString error;
    const EventConsumerConfig config =
        EventConsumerConfig::forProfile(profile, secrets, historyConfig, &error);
    if (!error.isEmpty()) {
        m_err << error << Qt::endl;
        return exitcode::Config;
    }
    if (const QString w = config.transport.cleartextWarning(); !w.isEmpty())
        m_err << w << Qt::endl;
    // Keystone's own queue (notifications.info), which nothing may read:
    // its depth when the broker's management API answers; silent when there
    // is none (the plugin is optional).
    {
        const BrokerQueueReading depth = readNotificationQueue(config);
        if (depth.depth) {
            if (const QString f = unreadQueueFinding(*depth.depth); !f.isEmpty())
                m_err << f << Qt::endl;
        } else if (depth.answered) {
            m_err << depth.error << Qt::endl;
        }
    }
    // The newest stored row so far: only what arrives from now on is printed.
    {
        EventQuery all;
        all.profile = profile.name;
        all.afterId = cursor;
        all.limit = 1000000;
        if (const auto rest = store.events(all); rest && !rest->isEmpty())
            cursor = rest->constLast().rowId;
    }
    // The lockout early warning from keystone.conf's [security_compliance].
    LockoutPolicy policy;
    if (!profile.keystoneConfPath.isEmpty()) {
        QString confError;
        const KeystoneConf conf = KeystoneConf::load(profile.keystoneConfPath, &confError);
        if (confError.isEmpty() && conf.lockoutFailureAttempts) {
            policy.failureAttempts = *conf.lockoutFailureAttempts;
            policy.durationSeconds = conf.lockoutDuration;
        }
    }
    QStringList lastWarnings;
    QElapsedTimer sinceWarnings;
    auto warn = [&] {
        if (policy.failureAttempts <= 0 ||
            (sinceWarnings.isValid() && sinceWarnings.elapsed() < 2000))
            return;
        sinceWarnings.start();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        EventQuery auth;
        auth.profile = profile.name;
        auth.fromMs = now - 2 * qint64(policy.durationSeconds) * 1000;
        auth.actions = {QStringLiteral("authenticate")};
        auth.limit = 100000;
        const auto recent = store.events(auth);
        if (!recent)
            return;
        QStringList lines;
        for (const LockoutFinding &f :
             evaluateLockout(*recent, policy, now, profile.serviceAccounts))
            lines << f.text;
        for (const QString &l : std::as_const(lines))
            if (!lastWarnings.contains(l))
                m_err << l << Qt::endl;
        lastWarnings = lines;
    };

    StopSignals stop;
    EventConsumer consumer;
    consumer.start(config);
    QString lastLine;
    while (!StopSignals::requested()) {
        warn();
        QCoreApplication::processEvents();
        const QString line = consumer.status().line();
        if (line != lastLine) {
            m_err << line << Qt::endl; // the tile's status line, on stderr
            lastLine = line;
        }
        EventQuery next = query;
        next.fromMs = 0;
        next.afterId = cursor;
        if (const auto fresh = store.events(next)) {
            for (const KeystoneEvent &e : *fresh) {
                print(e);
                cursor = std::max(cursor, e.rowId);
            }
        }
        // rows of other actions still move the cursor on
        if (!query.actions.isEmpty() || !query.outcome.isEmpty()) {
            EventQuery any;
            any.profile = profile.name;
            any.afterId = cursor;
            if (const auto rest = store.events(any); rest && !rest->isEmpty())
                cursor = rest->constLast().rowId;
        }
        QThread::msleep(300);
    }
    consumer.stop();
    return exitcode::Ok;
}

} // namespace turnstile
