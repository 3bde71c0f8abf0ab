// Measures what issue 20 promises for Keystone's audit events
// (docs/benchmarks.md, "Keystone audit events"):
//   * consume and store >= 5,000 events/s on this machine,
//   * bytes per stored event (SQLite, after VACUUM, indexes included).
// A publisher sends --count synthetic CADF notifications, shaped like the
// lab's real ones (oslo.messaging v2 envelope, authenticate success and
// failure of 50 users, UUID message ids), to Keystone's exchange at --rate
// (0: as fast as it goes) with Keystone's broker account; Turnstile's
// EventConsumer, with Turnstile's least-privilege account, consumes them into
// a fresh SQLite history store. The rate is counted from the first publish to
// the last event stored, so it is the slower of the two ends. Each run has
// its own queue (deleted afterwards) and store; the median of --runs is
// printed with the load average, since the machine is shared.
// Exit status 0 when the median reaches 5,000 events/s.
#include "events/amqpsession.h"
#include "events/eventconsumer.h"
#include "events/eventconsumerconfig.h"
#include "history/historystore.h"
#include "labenv.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QThread>
#include <QUuid>

#include <algorithm>
#include <cstdio>

using namespace turnstile;

namespace {

QString uuid()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

QString hexId(int n)
{
    return QStringLiteral("%1").arg(n, 32, 16, QLatin1Char('0'));
}

// One notification as Keystone 22 sends it (../shared/lab/more/sample-*.json).
QByteArray notification(int i, qint64 ms)
{
    const int user = i % 50;
    const bool ok = i % 4 != 0;
    const QString time = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC)
                             .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz000+0000"));
    const QJsonObject initiator{
        {QStringLiteral("id"), uuid()},
        {QStringLiteral("typeURI"), QStringLiteral("service/security/account/user")},
        {QStringLiteral("host"),
         QJsonObject{
             {QStringLiteral("address"), QStringLiteral("10.0.%1.%2").arg(user / 10).arg(user)},
             {QStringLiteral("agent"), QStringLiteral("python-keystoneclient")}}},
        {QStringLiteral("request_id"), QStringLiteral("req-") + uuid()},
        {QStringLiteral("user_id"), hexId(user)},
        {QStringLiteral("username"), QStringLiteral("svc-%1").arg(user)}};
    const QJsonObject payload{
        {QStringLiteral("typeURI"),
         QStringLiteral("http://schemas.dmtf.org/cloud/audit/1.0/event")},
        {QStringLiteral("eventType"), QStringLiteral("activity")},
        {QStringLiteral("id"), uuid()},
        {QStringLiteral("eventTime"), time},
        {QStringLiteral("action"), QStringLiteral("authenticate")},
        {QStringLiteral("outcome"), ok ? QStringLiteral("success") : QStringLiteral("failure")},
        {QStringLiteral("observer"),
         QJsonObject{{QStringLiteral("id"), hexId(4242)},
                     {QStringLiteral("typeURI"), QStringLiteral("service/security")}}},
        {QStringLiteral("initiator"), initiator},
        {QStringLiteral("target"), QJsonObject{{QStringLiteral("id"), uuid()},
                                               {QStringLiteral("typeURI"),
                                                QStringLiteral("service/security/account/user")}}}};
    const QJsonObject message{
        {QStringLiteral("message_id"), uuid()},
        {QStringLiteral("publisher_id"), QStringLiteral("identity.bench")},
        {QStringLiteral("event_type"), QStringLiteral("identity.authenticate")},
        {QStringLiteral("priority"), QStringLiteral("INFO")},
        {QStringLiteral("payload"), payload},
        {QStringLiteral("timestamp"), time.left(26).replace(u'T', u' ')},
        {QStringLiteral("_unique_id"), QUuid::createUuid().toString(QUuid::Id128)}};
    return QJsonDocument(QJsonObject{{QStringLiteral("oslo.version"), QStringLiteral("2.0")},
                                     {QStringLiteral("oslo.message"),
                                      QString::fromUtf8(
                                          QJsonDocument(message).toJson(QJsonDocument::Compact))}})
        .toJson(QJsonDocument::Compact);
}

QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).section(u' ', 0, 2)
                                       : QStringLiteral("?");
}

struct Run
{
    double eventsPerSec = 0;
    double publishPerSec = 0;
    double bytesPerEvent = 0;
    bool ok = false;
};

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v.at(v.size() / 2);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Publishes synthetic CADF notifications to the lab's RabbitMQ and measures "
                       "the event consumer's consume-and-store rate and bytes per event."));
    parser.addHelpOption();
    const QCommandLineOption countOpt(QStringLiteral("count"), QStringLiteral("Messages a run."),
                                      QStringLiteral("N"), QStringLiteral("20000"));
    const QCommandLineOption rateOpt(QStringLiteral("rate"),
                                     QStringLiteral("Messages a second (0: as fast as possible)."),
                                     QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption runsOpt(QStringLiteral("runs"), QStringLiteral("Runs (median)."),
                                     QStringLiteral("N"), QStringLiteral("3"));
    const QCommandLineOption dirOpt(QStringLiteral("dir"),
                                    QStringLiteral("Where the history files go."),
                                    QStringLiteral("DIR"));
    parser.addOptions({countOpt, rateOpt, runsOpt, dirOpt});
    parser.process(app);
    const int count = std::max(1, parser.value(countOpt).toInt());
    const int rate = std::max(0, parser.value(rateOpt).toInt());
    const int runs = std::max(1, parser.value(runsOpt).toInt());

    const QString envFile =
        qEnvironmentVariable("TURNSTILE_LAB_ENV", QStringLiteral("/tmp/turnstile-lab/lab.env"));
    QString error;
    const QHash<QString, QString> env = labsupport::readLabEnv(envFile, &error);
    if (env.isEmpty() || env.value(QStringLiteral("TURNSTILE_LAB_RABBITMQ")) != u"1") {
        std::fprintf(stderr,
                     "bench_events: %s has no RabbitMQ (%s); start the lab with LAB_RABBITMQ=1 "
                     "or run tests/lab/lab.sh rabbitmq-on\n",
                     qPrintable(envFile), qPrintable(error));
        return 2;
    }
    QTemporaryDir tmp;
    const QString dir = parser.isSet(dirOpt) ? parser.value(dirOpt) : tmp.path();

    AmqpSession::Options keystone;
    keystone.url.host = env.value(QStringLiteral("TURNSTILE_LAB_RMQ_HOST"));
    keystone.url.port = env.value(QStringLiteral("TURNSTILE_LAB_RMQ_PORT")).toInt();
    keystone.url.vhost = env.value(QStringLiteral("TURNSTILE_LAB_RMQ_VHOST"));
    keystone.url.user = env.value(QStringLiteral("TURNSTILE_LAB_RMQ_KS_USER"));
    keystone.url.password = env.value(QStringLiteral("TURNSTILE_LAB_RMQ_KS_PASSWORD"));

    // The messages are built before the clock starts: the bench measures
    // the broker and the consumer, not QJsonDocument.
    std::printf("bench_events: %d messages a run, rate %s, %d run(s); load average before: %s\n",
                count, rate > 0 ? qPrintable(QString::number(rate)) : "unlimited", runs,
                qPrintable(loadAverage()));
    QList<QByteArray> messages;
    messages.reserve(count);
    const qint64 base = QDateTime::currentMSecsSinceEpoch() - qint64(count);
    for (int i = 0; i < count; ++i)
        messages << notification(i, base + i);
    qint64 bytesOnWire = 0;
    for (const QByteArray &m : std::as_const(messages))
        bytesOnWire += m.size();

    QList<Run> results;
    for (int run = 0; run < runs; ++run) {
        const QString profile =
            QStringLiteral("bench-%1-%2").arg(QCoreApplication::applicationPid()).arg(run);
        EventConsumerConfig c;
        c.profile.name = profile;
        c.transport.host = keystone.url.host;
        c.transport.port = keystone.url.port;
        c.transport.vhost = keystone.url.vhost;
        c.transport.user = env.value(QStringLiteral("TURNSTILE_LAB_RMQ_USER"));
        c.secrets.notificationPassword = env.value(QStringLiteral("TURNSTILE_LAB_RMQ_PASSWORD"));
        c.queueName = EventConsumerConfig::queueNameFor(profile);
        c.maxLength = std::max(100000, count * 2);
        c.resolveNames = false; // authenticate events carry the user's name
        c.history.sqlitePath = dir + QStringLiteral("/bench-events-%1.sqlite").arg(run);
        QFile::remove(c.history.sqlitePath);
        Run r;
        {
            EventConsumer consumer;
            consumer.start(c);
            QDeadlineTimer up(60000);
            while (consumer.status().state != EventConsumerStatus::State::Consuming &&
                   !up.hasExpired())
                QThread::msleep(20);
            if (consumer.status().state != EventConsumerStatus::State::Consuming) {
                std::fprintf(stderr, "bench_events: the consumer did not start: %s\n",
                             qPrintable(consumer.status().line()));
                return 2;
            }
            AmqpSession publisher;
            if (!publisher.open(keystone)) {
                std::fprintf(stderr, "bench_events: %s\n", qPrintable(publisher.error()));
                return 2;
            }
            QElapsedTimer t;
            t.start();
            for (int i = 0; i < count; ++i) {
                if (!publisher.publish(QStringLiteral("keystone"),
                                       QStringLiteral("notifications.info"), messages.at(i))) {
                    std::fprintf(stderr, "bench_events: %s\n", qPrintable(publisher.error()));
                    return 2;
                }
                if (rate > 0) {
                    const qint64 due = qint64(i + 1) * 1000000000LL / rate;
                    const qint64 ahead = due - t.nsecsElapsed();
                    if (ahead > 1000000)
                        QThread::usleep(ahead / 1000);
                }
            }
            const double published = double(t.nsecsElapsed()) / 1e9;
            QDeadlineTimer deadline(std::max(120000, count * 2));
            while (consumer.status().stored < count && !deadline.hasExpired())
                QThread::msleep(2);
            const double stored = double(t.nsecsElapsed()) / 1e9;
            r.ok = consumer.status().stored >= count;
            r.eventsPerSec = double(consumer.status().stored) / stored;
            r.publishPerSec = double(count) / published;
            publisher.deleteQueue(c.queueName);
        }
        // Bytes per event: the compacted file, less an empty store's.
        {
            HistoryStore store;
            store.open(c.history);
            store.compact();
        }
        const QString empty = dir + QStringLiteral("/bench-events-empty.sqlite");
        QFile::remove(empty);
        {
            HistoryConfig e;
            e.sqlitePath = empty;
            HistoryStore store;
            store.open(e);
            store.compact();
        }
        r.bytesPerEvent =
            double(QFileInfo(c.history.sqlitePath).size() - QFileInfo(empty).size()) / count;
        std::printf(
            "run %d: %s%.0f events/s consumed and stored (handed to the socket at %.0f/s), %.0f "
            "bytes per stored event; load average %s\n",
            run + 1, r.ok ? "" : "INCOMPLETE ", r.eventsPerSec, r.publishPerSec, r.bytesPerEvent,
            qPrintable(loadAverage()));
        std::fflush(stdout);
        results << r;
        if (!parser.isSet(dirOpt))
            QFile::remove(c.history.sqlitePath);
    }
    QList<double> rates, bytes;
    for (const Run &r : std::as_const(results)) {
        rates << r.eventsPerSec;
        bytes << r.bytesPerEvent;
    }
    const double m = median(rates);
    std::printf("median of %d: %.0f events/s, %.0f bytes per stored event (%.0f bytes a message "
                "on the wire); load average after: %s; target 5,000 events/s: %s\n",
                runs, m, median(bytes), double(bytesOnWire) / count, qPrintable(loadAverage()),
                m >= 5000 ? "met" : "NOT met");
    return m >= 5000 ? 0 : 1;
}
