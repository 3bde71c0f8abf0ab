#include "benchcommands.h"
#include "stopsignals.h"

#include "bench/benchengine.h"
#include "bench/benchhistory.h"
#include "bench/productiongate.h"
#include "bench/revocationimpact.h"
#include "clicontext.h"
#include "guardedcommands.h"
#include "history/historystore.h"
#include "historycommands.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"
#include "subcommand.h"
#include "util/duration.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

#include <atomic>
#include <csignal>
#include <unistd.h>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(BenchCommands)
};

QString ms(double v)
{
    return v < 10 ? QString::number(v, 'f', 2) : QString::number(v, 'f', 1);
}
} // namespace

BenchCommands::BenchCommands(CliContext &ctx) : m_ctx(ctx), m_out(ctx.out()), m_err(ctx.err()) {}

int BenchCommands::run(const QStringList &args)
{
    static constexpr Subcommand<BenchCommands> kSubcommands[] = {
        {"validate",
         QT_TRANSLATE_NOOP("BenchCommands", "--profile NAME [--concurrency 20] [--duration 15s | "
                                            "--count N] [--rate R] [--pool 50] [--json]"),
         &BenchCommands::validate},
        {"revocation-impact",
         QT_TRANSLATE_NOOP("BenchCommands",
                           "--profile NAME --steps 0,100,500,1000 --kind audit|user|project "
                           "[--dry-run | --execute --confirm TARGET] [--json]"),
         &BenchCommands::revocationImpact},
        {"runs", QT_TRANSLATE_NOOP("BenchCommands", "--profile NAME [--json]"),
         &BenchCommands::runs},
    };
    const QString sub = args.value(1);
    if (const Subcommand<BenchCommands> *c = findSubcommand(kSubcommands, sub))
        return (this->*c->run)(subcommandArgs(args));
    if (args.size() >= 2 && sub != u"--help" && sub != u"-h" && sub != u"help")
        m_err << Tr::tr("turnstilectl bench: unknown subcommand \"%1\".").arg(sub) << Qt::endl;
    return printUsage(
        subcommandUsage("BenchCommands", QStringLiteral("turnstilectl bench"), kSubcommands), sub,
        m_out, m_err);
}

void BenchCommands::addMeasureOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("concurrency"),
                 Tr::tr("Requests in flight (closed loop), or the most in flight to keep the "
                        "rate (open loop); 1 to %1. Default 20.")
                     .arg(BenchConfig::kMaxConcurrency),
                 QStringLiteral("C"), QStringLiteral("20")});
    p.addOption({QStringLiteral("duration"), Tr::tr("How long to measure (default 15s)."),
                 QStringLiteral("DURATION")});
    p.addOption({QStringLiteral("count"), Tr::tr("Measure this many requests instead."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("rate"),
                 Tr::tr("Open loop: this many requests per second on a fixed schedule; latency "
                        "counts from the intended send time."),
                 QStringLiteral("R")});
    p.addOption({QStringLiteral("pool"),
                 Tr::tr("Distinct tokens to validate in turn (default 50)."), QStringLiteral("N"),
                 QStringLiteral("50")});
    p.addOption({QStringLiteral("issue-concurrency"),
                 Tr::tr("Tokens issued in parallel for the pool (default 4)."), QStringLiteral("N"),
                 QStringLiteral("4")});
    p.addOption({QStringLiteral("timeout"), Tr::tr("Per-request timeout (default 10s)."),
                 QStringLiteral("DURATION")});
    p.addOption({QStringLiteral("max-errors"),
                 Tr::tr("Stop after this many errors in a row (default 20)."), QStringLiteral("N"),
                 QStringLiteral("20")});
    p.addOption(
        {QStringLiteral("no-store"), Tr::tr("Do not save the results in the history store.")});
}

bool BenchCommands::readMeasureOptions(const QCommandLineParser &p, BenchConfig *c)
{
    auto bad = [&](const QString &msg) {
        m_err << Tr::tr("turnstilectl bench: %1").arg(msg) << Qt::endl;
        return false;
    };
    bool ok = false;
    c->concurrency = p.value(QStringLiteral("concurrency")).toInt(&ok);
    if (!ok)
        return bad(Tr::tr("--concurrency takes a whole number."));
    if (p.isSet(QStringLiteral("rate"))) {
        c->mode = BenchConfig::Mode::Open;
        c->rate = p.value(QStringLiteral("rate")).toDouble(&ok);
        if (!ok)
            return bad(Tr::tr("--rate takes a number of requests per second."));
    }
    if (p.isSet(QStringLiteral("count")) && p.isSet(QStringLiteral("duration")))
        return bad(Tr::tr("--duration and --count exclude each other."));
    if (p.isSet(QStringLiteral("count"))) {
        c->count = p.value(QStringLiteral("count")).toLongLong(&ok);
        if (!ok || c->count < 1)
            return bad(Tr::tr("--count takes a positive whole number."));
        c->durationMs = 0;
    }
    if (p.isSet(QStringLiteral("duration"))) {
        const auto s = m_ctx.durationOption(p, QStringLiteral("duration"), QStringLiteral("bench"));
        if (!s)
            return false;
        c->durationMs = *s * 1000;
    }
    if (p.isSet(QStringLiteral("timeout"))) {
        const auto s = m_ctx.durationOption(p, QStringLiteral("timeout"), QStringLiteral("bench"));
        if (!s)
            return false;
        c->timeoutMs = int(std::min<qint64>(*s, 600) * 1000);
    }
    c->poolSize = p.value(QStringLiteral("pool")).toInt(&ok);
    if (!ok)
        return bad(Tr::tr("--pool takes a whole number."));
    c->issueConcurrency = p.value(QStringLiteral("issue-concurrency")).toInt(&ok);
    if (!ok)
        return bad(Tr::tr("--issue-concurrency takes a whole number."));
    c->maxConsecutiveErrors = p.value(QStringLiteral("max-errors")).toInt(&ok);
    if (!ok)
        return bad(Tr::tr("--max-errors takes a whole number."));
    if (const QString why = c->validationError(); !why.isEmpty())
        return bad(why);
    return true;
}

void BenchCommands::printResult(const BenchResult &r)
{
    const QLocale l;
    if (r.failed() && r.sent == 0) {
        m_err << r.error << Qt::endl;
        return;
    }
    m_out << Tr::tr("%1 loop, concurrency %2, %3 worker thread(s), %4 distinct tokens")
                 .arg(BenchConfig::modeName(r.config.mode))
                 .arg(r.config.concurrency)
                 .arg(r.workers)
                 .arg(r.tokens)
          << Qt::endl;
    if (r.revocationStep >= 0)
        m_out << Tr::tr("  revocation events: %1 (step %2, kind %3)")
                     .arg(r.revocationEvents)
                     .arg(r.revocationStep)
                     .arg(r.eventKind)
              << Qt::endl;
    else if (r.revocationEvents >= 0)
        m_out << Tr::tr("  revocation events: %1").arg(r.revocationEvents) << Qt::endl;
    m_out << Tr::tr("  requests:   %1 sent, %2 answered, %3 ok, %4 errors in %5 s")
                 .arg(r.sent)
                 .arg(r.completed)
                 .arg(r.ok)
                 .arg(r.errors)
                 .arg(r.elapsedS, 0, 'f', 2)
          << Qt::endl;
    if (r.targetRate > 0)
        m_out << Tr::tr("  rate:       %1/s achieved of %2/s target")
                     .arg(r.achievedRate, 0, 'f', 2)
                     .arg(r.targetRate)
              << Qt::endl;
    else
        m_out << Tr::tr("  rate:       %1/s").arg(r.achievedRate, 0, 'f', 2) << Qt::endl;
    auto line = [&](const QString &name, const LatencySummary &s) {
        m_out << QStringLiteral("  %1 min %2  p50 %3  p90 %4  p95 %5  p99 %6  p99.9 %7  max %8 ms")
                     .arg(name, -11)
                     .arg(ms(s.minMs), ms(s.p50Ms), ms(s.p90Ms), ms(s.p95Ms), ms(s.p99Ms),
                          ms(s.p999Ms), ms(s.maxMs))
              << Qt::endl;
    };
    line(Tr::tr("latency:"), r.latency);
    line(Tr::tr("wire:"), r.wire);
    line(Tr::tr("queue:"), r.queue);
    if (!r.errorsByStatus.isEmpty()) {
        QStringList parts;
        for (auto it = r.errorsByStatus.cbegin(); it != r.errorsByStatus.cend(); ++it)
            parts << QStringLiteral("%1 × %2").arg(it.value()).arg(it.key());
        m_out << Tr::tr("  errors:     %1").arg(parts.join(QStringLiteral(", "))) << Qt::endl;
    }
    QStringList ps;
    for (qint64 v : r.perSecond)
        ps << QString::number(v);
    m_out << Tr::tr("  per second: %1").arg(ps.join(u' ')) << Qt::endl;
    if (r.incomplete)
        m_out << Tr::tr("  INCOMPLETE: %1").arg(r.stopReason) << Qt::endl;
    if (r.failed())
        m_err << r.error << Qt::endl;
}

int BenchCommands::validate(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        Tr::tr("Measure token validation (GET /v3/auth/tokens) against a profile's Keystone. "
               "Issues a pool of tokens, never revokes anything."));
    p.addOption({QStringLiteral("profile"), Tr::tr("Profile to measure."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("json"), Tr::tr("Print the result as JSON.")});
    p.addOption({QStringLiteral("confirm"),
                 Tr::tr("For a profile marked production: its name, typed to confirm the load."),
                 QStringLiteral("NAME")});
    addMeasureOptions(p);
    if (const auto rc = parseCommandLine(p, args, m_out, m_err))
        return *rc;
    if (!p.isSet(QStringLiteral("profile"))) {
        m_err << Tr::tr("turnstilectl: bench validate needs --profile NAME.") << Qt::endl;
        return exitcode::Usage;
    }
    BenchConfig config;
    if (!readMeasureOptions(p, &config))
        return exitcode::Usage;
    const bool json = p.isSet(QStringLiteral("json"));
    Profile profile;
    Secrets secrets;
    if (const int rc =
            m_ctx.resolveProfile(p.value(QStringLiteral("profile")), &profile, &secrets, json);
        rc != exitcode::Ok)
        return rc;
    if (const QString why = benchmarkLoadRefusal(profile, p.value(QStringLiteral("confirm")));
        !why.isEmpty()) {
        m_err << Tr::tr("%1 Add --confirm %2 to go ahead.").arg(why, profile.name) << Qt::endl;
        return GuardedCommands::Refused;
    }
    BenchEngine engine(profile, secrets);
    const bool tty = isatty(STDERR_FILENO) && !json;
    engine.setProgress([&](const BenchProgress &pr) {
        if (StopSignals::requested())
            engine.cancel();
        if (tty)
            m_err << u'\r' << pr.message << QStringLiteral("    ") << Qt::flush;
    });
    StopSignals stopOnSignal; // the partial measurement is kept and printed
    const BenchResult r = engine.run(config);
    if (tty)
        m_err << Qt::endl;
    const QString storeNote = p.isSet(QStringLiteral("no-store"))
                                  ? QString()
                                  : BenchHistory::saveValidation(m_ctx.historyConfig(), r);
    if (json) {
        QJsonObject o = r.toJson();
        if (!storeNote.isEmpty())
            o.insert(QStringLiteral("store_error"), storeNote);
        m_out << QJsonDocument(o).toJson(QJsonDocument::Indented);
    } else {
        printResult(r);
    }
    if (!storeNote.isEmpty())
        m_err << Tr::tr("The result was not stored: %1").arg(storeNote) << Qt::endl;
    if (r.failed())
        return r.sent == 0 ? int(exitcode::Problem) : int(exitcode::Failed);
    if (r.incomplete)
        return StopSignals::requested() ? int(GuardedCommands::Cancelled) : int(exitcode::Failed);
    return exitcode::Ok;
}

int BenchCommands::revocationImpact(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        Tr::tr("Measure validation, add revocation events through the API up to each step, "
               "measure again. Lab and staging only; guarded."));
    GuardedCommands::addGuardOptions(p);
    p.addOption({QStringLiteral("steps"),
                 Tr::tr("Revocation events to have added at each measurement, e.g. "
                        "0,100,500,1000."),
                 QStringLiteral("LIST")});
    p.addOption({QStringLiteral("kind"),
                 Tr::tr("Kind of event: audit (per token), user or project."),
                 QStringLiteral("KIND"), QStringLiteral("audit")});
    addMeasureOptions(p);
    if (const auto rc = parseCommandLine(p, args, m_out, m_err))
        return *rc;
    if (!p.isSet(QStringLiteral("profile")) || !p.isSet(QStringLiteral("steps"))) {
        m_err << Tr::tr("turnstilectl: bench revocation-impact needs --profile NAME and --steps "
                        "LIST.")
              << Qt::endl;
        return exitcode::Usage;
    }
    QString err;
    const auto steps = RevocationImpact::parseSteps(p.value(QStringLiteral("steps")), &err);
    if (!steps) {
        m_err << Tr::tr("turnstilectl bench: --steps: %1").arg(err) << Qt::endl;
        return exitcode::Usage;
    }
    const auto kind = BenchHistory::kindFromName(p.value(QStringLiteral("kind")));
    if (!kind || *kind == BenchHistory::Kind::Validate) {
        m_err << Tr::tr("turnstilectl bench: --kind is audit, user or project.") << Qt::endl;
        return exitcode::Usage;
    }
    BenchConfig config;
    if (!readMeasureOptions(p, &config))
        return exitcode::Usage;
    Profile profile;
    Secrets secrets;
    if (const int rc = m_ctx.resolveProfile(p.value(QStringLiteral("profile")), &profile, &secrets,
                                            p.isSet(QStringLiteral("json")));
        rc != exitcode::Ok)
        return rc;
    RevocationImpact action(profile, secrets, *kind, *steps, config);
    if (!p.isSet(QStringLiteral("no-store")))
        action.setHistory(m_ctx.historyConfig());
    const bool json = p.isSet(QStringLiteral("json"));
    const bool tty = isatty(STDERR_FILENO) && !json;
    action.setBenchProgress([&](const BenchProgress &pr) {
        if (tty)
            m_err << u'\r' << pr.message << QStringLiteral("      ") << Qt::flush;
    });
    action.setStepCallback([&](const BenchResult &r) {
        if (tty)
            m_err << Qt::endl;
        if (!json)
            printResult(r);
    });
    GuardedCommands guarded(m_ctx);
    const int rc = guarded.runGuarded(action, profile, p);
    if (!json && !action.results().isEmpty()) {
        m_out << Tr::tr("events   validations/s   p50 ms   p99 ms   errors") << Qt::endl;
        for (const BenchResult &r : action.results())
            m_out << QStringLiteral("%1 %2 %3 %4 %5")
                         .arg(r.revocationEvents, 6)
                         .arg(r.achievedRate, 15, 'f', 1)
                         .arg(r.latency.p50Ms, 8, 'f', 1)
                         .arg(r.latency.p99Ms, 8, 'f', 1)
                         .arg(r.errors, 8)
                  << Qt::endl;
    }
    return rc;
}

int BenchCommands::runs(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(Tr::tr("The benchmark runs stored for a profile."));
    p.addOption({QStringLiteral("profile"), Tr::tr("Profile."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("json"), Tr::tr("Print JSON.")});
    if (const auto rc = parseCommandLine(p, args, m_out, m_err))
        return *rc;
    if (!p.isSet(QStringLiteral("profile"))) {
        m_err << Tr::tr("turnstilectl: bench runs needs --profile NAME.") << Qt::endl;
        return exitcode::Usage;
    }
    HistoryStore store;
    if (!store.open(m_ctx.historyConfig())) {
        m_err << store.error() << Qt::endl;
        return exitcode::Config;
    }
    const auto runs = BenchHistory::runs(store, p.value(QStringLiteral("profile")));
    if (!runs) {
        m_err << store.error() << Qt::endl;
        return exitcode::Config;
    }
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray a;
        for (const BenchHistory::Run &run : *runs) {
            QJsonArray pts;
            for (const BenchHistory::Point &pt : run.points)
                pts.append(QJsonObject{{QStringLiteral("ts"), pt.ts},
                                       {QStringLiteral("revocation_events"), pt.revocationEvents},
                                       {QStringLiteral("rps"), pt.rps},
                                       {QStringLiteral("p50_ms"), pt.p50Ms},
                                       {QStringLiteral("p99_ms"), pt.p99Ms},
                                       {QStringLiteral("errors"), pt.errors},
                                       {QStringLiteral("concurrency"), pt.concurrency},
                                       {QStringLiteral("open_loop"), pt.openLoop},
                                       {QStringLiteral("incomplete"), pt.incomplete}});
            a.append(QJsonObject{{QStringLiteral("run"), run.runId},
                                 {QStringLiteral("kind"), BenchHistory::kindName(run.kind)},
                                 {QStringLiteral("points"), pts}});
        }
        m_out << QJsonDocument(a).toJson(QJsonDocument::Indented);
        return exitcode::Ok;
    }
    for (const BenchHistory::Run &run : *runs) {
        m_out << run.label() << Qt::endl;
        for (const BenchHistory::Point &pt : run.points)
            m_out << Tr::tr("  %1  events %2  %3/s  p50 %4 ms  p99 %5 ms  errors %6%7")
                         .arg(QDateTime::fromSecsSinceEpoch(pt.ts, Qt::UTC)
                                  .toString(QStringLiteral("HH:mm:ss")))
                         .arg(pt.revocationEvents < 0
                                  ? QStringLiteral("-")
                                  : QString::number(qint64(pt.revocationEvents)))
                         .arg(pt.rps, 0, 'f', 1)
                         .arg(pt.p50Ms, 0, 'f', 1)
                         .arg(pt.p99Ms, 0, 'f', 1)
                         .arg(qint64(pt.errors))
                         .arg(pt.incomplete ? Tr::tr("  INCOMPLETE") : QString())
                  << Qt::endl;
    }
    if (runs->isEmpty())
        m_out << Tr::tr("No benchmark stored for this profile.") << Qt::endl;
    return exitcode::Ok;
}

} // namespace turnstile
