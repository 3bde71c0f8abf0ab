#include "producerscommand.h"

#include "events/producersource.h"
#include "history/historystore.h"
#include "profiles/profile.h"
#include "profiles/profilestore.h"
#include "profiles/secrets.h"
#include "util/duration.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

namespace turnstile {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(ProducersCommand)
};

QString sourceKey(const ProducerRanking &r)
{
    return r.source == ProducerRanking::Source::Events ? QStringLiteral("events")
                                                       : QStringLiteral("token_table");
}

// Machine output in the C locale, whatever LANG says.
QString plain(double v, int decimals)
{
    return QLocale::c().toString(v, 'f', decimals);
}

QString csvField(const QString &s)
{
    if (!s.contains(u',') && !s.contains(u'"') && !s.contains(u'\n'))
        return s;
    QString q = s;
    q.replace(u'"', QStringLiteral("\"\""));
    return u'"' + q + u'"';
}

} // namespace

ProducersCommand::ProducersCommand(CliContext &ctx) : m_ctx(ctx), m_out(ctx.out()), m_err(ctx.err())
{}

int ProducersCommand::run(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Who mints the tokens: successful logins per user from Keystone's authenticate "
               "events (Fernet), or rows per user and trust of the legacy token table."));
    QCommandLineOption profileOpt(QStringLiteral("profile"), Tr::tr("Profile."),
                                  QStringLiteral("NAME"));
    QCommandLineOption sinceOpt(QStringLiteral("since"),
                                Tr::tr("How far back, e.g. 1h or 1d (default 1h)."),
                                QStringLiteral("DURATION"), QStringLiteral("1h"));
    QCommandLineOption sourceOpt(
        QStringLiteral("source"),
        Tr::tr("events, table, or auto (default): the events when the history store holds the "
               "profile's authenticate events, else the token table."),
        QStringLiteral("SOURCE"), QStringLiteral("auto"));
    QCommandLineOption topOpt(QStringLiteral("top"),
                              Tr::tr("How many producers (default 10; of users and of trusts)."),
                              QStringLiteral("N"), QStringLiteral("10"));
    QCommandLineOption jsonOpt(QStringLiteral("json"), Tr::tr("Print JSON."));
    QCommandLineOption csvOpt(QStringLiteral("csv"), Tr::tr("Print CSV."));
    parser.addOptions({profileOpt, sinceOpt, sourceOpt, topOpt, jsonOpt, csvOpt});
    if (const auto rc = parseCommandLine(parser, args, m_out, m_err))
        return *rc;
    if (!parser.isSet(profileOpt)) {
        m_err << Tr::tr("turnstilectl producers: --profile NAME is required.") << Qt::endl;
        return exitcode::Usage;
    }
    if (parser.isSet(jsonOpt) && parser.isSet(csvOpt)) {
        m_err << Tr::tr("turnstilectl producers: --json and --csv exclude each other.") << Qt::endl;
        return exitcode::Usage;
    }
    const QString source = parser.value(sourceOpt);
    if (source != u"auto" && source != u"events" && source != u"table") {
        m_err << Tr::tr("turnstilectl producers: --source is events, table or auto, not \"%1\".")
                     .arg(source)
              << Qt::endl;
        return exitcode::Usage;
    }
    bool topOk = false;
    const int top = parser.value(topOpt).toInt(&topOk);
    if (!topOk || top < 1 || top > 1000) {
        m_err << Tr::tr("turnstilectl producers: --top is a number from 1 to 1000.") << Qt::endl;
        return exitcode::Usage;
    }
    const std::optional<qint64> since =
        m_ctx.durationOption(parser, sinceOpt.names().constFirst(), QStringLiteral("producers"));
    if (!since)
        return exitcode::Usage;
    const bool json = parser.isSet(jsonOpt);
    const bool csv = parser.isSet(csvOpt);
    const QString name = parser.value(profileOpt);
    if (!m_ctx.profileFileReadable())
        return exitcode::Config;

    HistoryStore store;
    if (!store.open(m_ctx.historyConfig())) {
        m_err << store.error() << Qt::endl;
        return exitcode::Config;
    }
    const bool events = source == u"events" || (source == u"auto" && hasAuthEvents(store, name));
    if (events) {
        const ProducerReport r =
            producersFromEvents(store, name, *since, QDateTime::currentSecsSinceEpoch(), top);
        if (!r.ranking) {
            m_err << r.error << Qt::endl;
            return exitcode::Problem;
        }
        print(name, r.source, *r.ranking, json, csv);
        return exitcode::Ok;
    }

    // The token table: the profile's database and its password.
    if (!ProfileStore().contains(name)) {
        m_err << Tr::tr("turnstilectl producers: no profile named \"%1\", and the history store "
                        "holds no authenticate events of it.")
                     .arg(name)
              << Qt::endl;
        return exitcode::Config;
    }
    if (ProfileStore().profile(name).databaseUrl.isEmpty()) {
        m_err << Tr::tr("turnstilectl producers: profile %1 has no database for its token table, "
                        "and the history store holds no authenticate events of it (consume them "
                        "with turnstilectl events --follow or collect --interval).")
                     .arg(name)
              << Qt::endl;
        return exitcode::Config;
    }
    Profile profile;
    Secrets secrets;
    if (const int rc = m_ctx.resolveProfile(name, &profile, &secrets, json || csv);
        rc != exitcode::Ok)
        return rc;
    const ProducerReport r = producersFromTokenTable(profile, secrets, *since, top);
    if (!r.ranking) {
        m_err << r.error << Qt::endl;
        return exitcode::Problem;
    }
    print(name, r.source, *r.ranking, json, csv);
    return exitcode::Ok;
}

void ProducersCommand::print(const QString &profile, const QString &source,
                             const ProducerRanking &r, bool json, bool csv)
{
    if (json) {
        QJsonArray rows;
        for (const ProducerRow &p : r.rows) {
            QJsonObject o{{QStringLiteral("kind"), producerKindKey(p.kind)},
                          {QStringLiteral("who"), p.who},
                          {QStringLiteral("tokens"), double(p.tokens)}};
            o.insert(QStringLiteral("per_hour"), p.perHour ? QJsonValue(*p.perHour) : QJsonValue());
            o.insert(QStringLiteral("share"), p.share ? QJsonValue(*p.share) : QJsonValue());
            rows.append(o);
        }
        m_out << QString::fromUtf8(
            QJsonDocument(QJsonObject{{QStringLiteral("profile"), profile},
                                      {QStringLiteral("source"), sourceKey(r)},
                                      {QStringLiteral("source_text"), source},
                                      {QStringLiteral("since_seconds"), double(r.windowSec)},
                                      {QStringLiteral("total"),
                                       r.total ? QJsonValue(double(*r.total)) : QJsonValue()},
                                      {QStringLiteral("producers"), rows}})
                .toJson(QJsonDocument::Indented));
        return;
    }
    if (csv) {
        m_out << "source,kind,who,tokens,per_hour,share" << Qt::endl;
        for (const ProducerRow &p : r.rows)
            m_out << sourceKey(r) << u',' << producerKindKey(p.kind) << u',' << csvField(p.who)
                  << u',' << p.tokens << u',' << (p.perHour ? plain(*p.perHour, 1) : QString())
                  << u',' << (p.share ? plain(*p.share, 4) : QString()) << Qt::endl;
        return;
    }
    const QLocale loc;
    // The first line says where the figures come from: the events count
    // logins, the table counts rows.
    m_out << (r.total
                  ? Tr::tr("%1: %2 tokens in the last %3, from %4.")
                        .arg(profile, loc.toString(*r.total), formatDuration(r.windowSec), source)
                  : Tr::tr("%1: the last %2, from %3.")
                        .arg(profile, formatDuration(r.windowSec), source))
          << Qt::endl;
    if (r.rows.isEmpty()) {
        m_out << Tr::tr("No tokens were issued in that time.") << Qt::endl;
        return;
    }
    for (const ProducerRow &p : r.rows) {
        const QString kind = p.kind == ProducerRow::Kind::Trust ? Tr::tr("trust") : Tr::tr("user");
        QString line = QStringLiteral("%1\t%2\t%3").arg(kind, p.who, loc.toString(p.tokens));
        line += u'\t' + (p.perHour ? Tr::tr("%1 an hour").arg(loc.toString(*p.perHour, 'f', 0))
                                   : QString());
        line += u'\t' +
                (p.share ? Tr::tr("%1 %").arg(loc.toString(*p.share * 100, 'f', 1)) : QString());
        m_out << line << Qt::endl;
    }
}

} // namespace turnstile
