// bench_purge: one guarded "purge expired tokens" run, exactly as the GUI and
// turnstilectl do it - TokenPurge::preview(), the preview's own target typed
// back as the confirmation, GuardedWorkflow::run() with progress - against
// the database named by --url, then one JSON object on stdout with what it
// did and how long it took.
//
// --method auto|chunked|swap picks TokenPurge's method (default chunked, the
// class's default); without --batch the chunks are sized by time as
// turnstilectl's are (ThrottleSettings' bound), --batch N bounds them. With
// --rebuild it runs the guarded "Rebuild table" of token instead (what an
// operator runs after a chunked purge to get the disk space back).
//
// The password comes from TURNSTILE_DB_PASSWORD, never from the command line.
// The audit log and the resume journal go to TURNSTILE_AUDIT_LOG and
// TURNSTILE_PENDING_DIR; when those are not set, to a temporary directory, so
// a benchmark never writes into the operator's real audit chain or leaves a
// pending run behind that a later real purge would "resume".
#include "guarded/actioncontrol.h"
#include "guarded/actionpreview.h"
#include "guarded/auditlog.h"
#include "guarded/guardedworkflow.h"
#include "guarded/tablerebuild.h"
#include "guarded/throttle.h"
#include "guarded/tokenpurge.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <optional>
#include <vector>

using namespace turnstile;

namespace {

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<size_t>(p * double(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

[[noreturn]] void fail(const QString &message)
{
    std::fprintf(stderr, "bench_purge: %s\n", qPrintable(message));
    std::exit(2);
}

// The guarded Rebuild table of token (ALTER TABLE … FORCE, ALGORITHM=INPLACE,
// LOCK=NONE on MariaDB), confirmed as an operator would, and what it took.
int rebuild(const Profile &profile, const Secrets &secrets)
{
    TableRebuild action(profile, secrets, KeystoneTable::Token);
    QElapsedTimer clock;
    clock.start();
    const ActionPreview preview = action.preview();
    if (preview.refused())
        fail(QStringLiteral("the rebuild's preview refused: %1").arg(preview.refusal));
    ActionControl control([](const ActionProgress &) {});
    AuditLog audit;
    GuardedWorkflow workflow(profile, audit);
    Confirmation confirmation;
    confirmation.typedTarget = preview.target.text;
    confirmation.acknowledged = preview.mustAcknowledge;
    clock.restart();
    const ActionResult result = workflow.run(action, preview, confirmation, control);
    QJsonObject out;
    out.insert(QStringLiteral("tool"), QStringLiteral("turnstile-rebuild"));
    out.insert(QStringLiteral("outcome"), ActionResult::outcomeName(result.outcome));
    out.insert(QStringLiteral("message"), result.message);
    out.insert(QStringLiteral("target"), preview.target.text);
    out.insert(QStringLiteral("seconds"), clock.nsecsElapsed() / 1e9);
    out.insert(QStringLiteral("details"), result.details);
    std::fputs(QJsonDocument(out).toJson(QJsonDocument::Compact).constData(), stdout);
    std::fputc('\n', stdout);
    return result.ok() ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.setApplicationDescription(QStringLiteral("Runs Turnstile's guarded token purge once and "
                                                 "prints the figures as JSON."));
    cli.addHelpOption();
    const QCommandLineOption urlOpt(
        QStringLiteral("url"),
        QStringLiteral("SQLAlchemy URL without password, e.g. "
                       "mysql+pymysql://keystone@127.0.0.1:38501/purgebench"),
        QStringLiteral("url"));
    // No default: without it the chunks are sized by time (the bound of
    // ThrottleSettings), as turnstilectl's and the window's are. It used to
    // default to 1000, which measured a fixed cap no operator gets any more.
    const QCommandLineOption batchOpt(
        QStringLiteral("batch"),
        QStringLiteral("Bound of the chunk size (ThrottleSettings::maxBatch) [sized by time]"),
        QStringLiteral("n"));
    const QCommandLineOption connectionsOpt(
        QStringLiteral("connections"),
        QStringLiteral("Connections deleting side by side (ThrottleSettings::connections) [1]"),
        QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption methodOpt(QStringLiteral("method"),
                                       QStringLiteral("auto, chunked or swap [chunked]"),
                                       QStringLiteral("method"), QStringLiteral("chunked"));
    const QCommandLineOption rebuildOpt(
        QStringLiteral("rebuild"),
        QStringLiteral("Run the guarded Rebuild table of token instead of a purge"));
    const QCommandLineOption retentionOpt(
        QStringLiteral("retention-seconds"),
        QStringLiteral("How long after expiry a token is kept [TokenPurge's default, 2 days]"),
        QStringLiteral("s"));
    // Only for experiments; the benchmark itself runs the library's defaults.
    const QCommandLineOption sleepOpt(QStringLiteral("sleep-ratio"),
                                      QStringLiteral("Override ThrottleSettings::sleepRatio"),
                                      QStringLiteral("x"));
    const QCommandLineOption maxMsOpt(QStringLiteral("max-batch-ms"),
                                      QStringLiteral("Override ThrottleSettings::maxBatchMs"),
                                      QStringLiteral("ms"));
    const QCommandLineOption quietOpt(QStringLiteral("quiet"),
                                      QStringLiteral("No progress lines on stderr"));
    cli.addOptions({urlOpt, batchOpt, connectionsOpt, methodOpt, rebuildOpt, retentionOpt, sleepOpt,
                    maxMsOpt, quietOpt});
    cli.process(app);
    if (!cli.isSet(urlOpt))
        fail(QStringLiteral("--url is required"));

    // Keep the benchmark's audit records and journal away from the operator's.
    QTemporaryDir scratch;
    if (qEnvironmentVariableIsEmpty("TURNSTILE_AUDIT_LOG"))
        qputenv("TURNSTILE_AUDIT_LOG", scratch.filePath(QStringLiteral("audit.jsonl")).toUtf8());
    if (qEnvironmentVariableIsEmpty("TURNSTILE_PENDING_DIR"))
        qputenv("TURNSTILE_PENDING_DIR", scratch.filePath(QStringLiteral("pending")).toUtf8());

    Profile profile;
    profile.name = QStringLiteral("purgebench");
    profile.databaseUrl = cli.value(urlOpt);
    Secrets secrets;
    secrets.databasePassword = qEnvironmentVariable("TURNSTILE_DB_PASSWORD");

    if (cli.isSet(rebuildOpt))
        return rebuild(profile, secrets);

    std::optional<qint64> retention;
    if (cli.isSet(retentionOpt))
        retention = cli.value(retentionOpt).toLongLong();
    TokenPurge purge(profile, secrets, retention);
    const auto method = TokenPurge::methodFromName(cli.value(methodOpt));
    if (!method)
        fail(QStringLiteral("--method must be auto, chunked or swap"));
    purge.setMethod(*method);
    if (cli.isSet(batchOpt) && cli.value(batchOpt).toInt() <= 0)
        fail(QStringLiteral("--batch must be a positive number"));
    const int connections = cli.value(connectionsOpt).toInt();
    if (connections < 1 || connections > kMaxConnections)
        fail(QStringLiteral("--connections must be 1 to %1").arg(kMaxConnections));
    // As turnstilectl --batch and --connections.
    ThrottleSettings throttle =
        operatorThrottle(cli.isSet(batchOpt) ? cli.value(batchOpt).toInt() : 0, connections);
    if (cli.isSet(sleepOpt))
        throttle.sleepRatio = cli.value(sleepOpt).toDouble();
    if (cli.isSet(maxMsOpt))
        throttle.maxBatchMs = cli.value(maxMsOpt).toDouble();
    purge.setThrottle(throttle);

    QElapsedTimer clock;
    clock.start();
    const ActionPreview preview = purge.preview();
    const double previewSeconds = clock.nsecsElapsed() / 1e9;
    if (preview.refused())
        fail(QStringLiteral("the preview refused: %1").arg(preview.refusal));

    // What each batch cost, as the progress channel reports it: the figures
    // behind "slowest batch" and the time spent sleeping between batches.
    std::vector<double> batchMs;
    double sleptMs = 0;
    int smallestBatch = throttle.maxBatch;
    const bool quiet = cli.isSet(quietOpt);
    QElapsedTimer lastLine;
    lastLine.start();
    ActionControl control([&](const ActionProgress &p) {
        batchMs.push_back(p.lastBatchMs);
        sleptMs += p.lastSleepMs;
        smallestBatch = std::min(smallestBatch, p.currentBatchSize);
        if (!quiet && lastLine.elapsed() >= 5000) {
            std::fprintf(stderr, "bench_purge: %lld rows, %d batches, %.0f rows/s\n",
                         static_cast<long long>(p.done), p.batches, p.rowsPerSecond);
            lastLine.restart();
        }
    });

    AuditLog audit; // $TURNSTILE_AUDIT_LOG
    GuardedWorkflow workflow(profile, audit);
    Confirmation confirmation;
    // The operator types the target the preview shows; so does the benchmark.
    confirmation.typedTarget = preview.target.text;
    clock.restart();
    const ActionResult result = workflow.run(purge, preview, confirmation, control);
    const double wallSeconds = clock.nsecsElapsed() / 1e9;

    QJsonObject out;
    out.insert(QStringLiteral("tool"), QStringLiteral("turnstile"));
    out.insert(QStringLiteral("outcome"), ActionResult::outcomeName(result.outcome));
    out.insert(QStringLiteral("message"), result.message);
    out.insert(QStringLiteral("target"), preview.target.text);
    out.insert(QStringLiteral("cutoff"), preview.cutoff.toString(Qt::ISODate));
    out.insert(QStringLiteral("preview_rows_to_go"), preview.rowsToGo);
    out.insert(QStringLiteral("preview_rows_to_stay"), preview.rowsToStay);
    out.insert(QStringLiteral("preview_seconds"), previewSeconds);
    out.insert(QStringLiteral("rows_deleted"), result.affected);
    out.insert(QStringLiteral("seconds"), wallSeconds);
    out.insert(QStringLiteral("execute_seconds"), result.durationSeconds);
    out.insert(QStringLiteral("rows_per_second"),
               wallSeconds > 0 ? double(result.affected) / wallSeconds : 0.0);
    out.insert(QStringLiteral("batches"), result.batches);
    out.insert(QStringLiteral("retries"), result.retries);
    out.insert(QStringLiteral("slowest_batch_ms"), result.slowestBatchMs);
    out.insert(QStringLiteral("batch_ms_p50"), percentile(batchMs, 0.50));
    out.insert(QStringLiteral("batch_ms_p99"), percentile(batchMs, 0.99));
    out.insert(QStringLiteral("batch_ms_total"),
               std::accumulate(batchMs.begin(), batchMs.end(), 0.0));
    out.insert(QStringLiteral("slept_ms_total"), sleptMs);
    out.insert(QStringLiteral("smallest_batch"), smallestBatch);
    out.insert(QStringLiteral("before"), result.before);
    out.insert(QStringLiteral("after"), result.after);
    out.insert(QStringLiteral("method_requested"),
               preview.parameters.value(QStringLiteral("method_requested")));
    out.insert(QStringLiteral("method"), preview.parameters.value(QStringLiteral("method")));
    out.insert(QStringLiteral("method_reason"),
               preview.parameters.value(QStringLiteral("method_reason")));
    out.insert(QStringLiteral("details"), result.details);
    // The longest lock Turnstile holds. Chunked: each batch is one write
    // transaction. Swap: each copy chunk holds shared row locks, and each
    // metadata-lock step (CREATE/DROP TRIGGER, RENAME) is something
    // Keystone's statements queue behind while it waits or runs.
    std::vector<double> locks = batchMs;
    const QJsonObject ddl = result.details.value(QStringLiteral("ddl")).toObject();
    for (auto it = ddl.begin(); it != ddl.end(); ++it)
        locks.push_back(it.value().toObject().value(QStringLiteral("longest_ms")).toDouble());
    out.insert(QStringLiteral("lock_ms_p99"), percentile(locks, 0.99));
    out.insert(QStringLiteral("lock_ms_max"),
               std::max(result.slowestBatchMs,
                        locks.empty() ? 0.0 : *std::max_element(locks.begin(), locks.end())));
    QJsonObject t;
    t.insert(QStringLiteral("max_batch"), throttle.maxBatch);
    t.insert(QStringLiteral("connections"), throttle.connections);
    t.insert(QStringLiteral("min_batch"), throttle.minBatch);
    t.insert(QStringLiteral("max_batch_ms"), throttle.maxBatchMs);
    t.insert(QStringLiteral("sleep_ratio"), throttle.sleepRatio);
    out.insert(QStringLiteral("throttle"), t);
    std::fputs(QJsonDocument(out).toJson(QJsonDocument::Compact).constData(), stdout);
    std::fputc('\n', stdout);
    return result.ok() ? 0 : 1;
}
