#include "guardedcommands.h"
#include "stopsignals.h"

#include "clicontext.h"
#include "guarded/actioncontrol.h"
#include "guarded/auditlog.h"
#include "guarded/guardedworkflow.h"
#include "guarded/passwordhistoryprune.h"
#include "guarded/revocationcleanup.h"
#include "guarded/tablerebuild.h"
#include "guarded/throttle.h"
#include "guarded/tokenpurge.h"
#include "guarded/trustflush.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"
#include "util/duration.h"
#include "util/rowfigure.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
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
    Q_DECLARE_TR_FUNCTIONS(GuardedCommands)
};

} // namespace

GuardedCommands::GuardedCommands(CliContext &ctx) : m_ctx(ctx), m_out(ctx.out()), m_err(ctx.err())
{}

void GuardedCommands::addGuardOptions(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("profile"), Tr::tr("Profile to act on."), QStringLiteral("NAME")});
    p.addOption({QStringLiteral("dry-run"), Tr::tr("Only show what would happen (the default).")});
    p.addOption({QStringLiteral("execute"), Tr::tr("Run it; needs --confirm.")});
    p.addOption({QStringLiteral("confirm"),
                 Tr::tr("The target exactly as the dry run prints it, e.g. "
                        "keystone.token@db1.example."),
                 QStringLiteral("TARGET")});
    p.addOption({QStringLiteral("json"), Tr::tr("Print the preview and result as JSON.")});
    p.addOption({QStringLiteral("acknowledge"),
                 Tr::tr("Accept the consequence the dry run counts (e.g. revocations that still "
                        "protect tokens): exactly that number."),
                 QStringLiteral("N")});
}

void GuardedCommands::printPreview(const ActionPreview &pv, bool json)
{
    if (json)
        return; // printed together with the result
    // The wording is ActionPreview::describe()'s, shared with the GUI; this
    // only lays it out.
    m_out << pv.title << Qt::endl;
    for (const ActionPreview::Line &line : pv.describe())
        m_out << QStringLiteral("  %1 %2").arg((line.label + u':').leftJustified(19), line.text)
              << Qt::endl;
    if (!pv.refused() && pv.mustAcknowledge > 0)
        m_out << Tr::tr("  acknowledge: add --acknowledge %1 to accept the consequence above")
                     .arg(pv.mustAcknowledge)
              << Qt::endl;
}

void GuardedCommands::printResult(const ActionResult &r, bool json, bool rows)
{
    if (json)
        return;
    m_out << Tr::tr("Result: %1 — %2").arg(ActionResult::outcomeName(r.outcome), r.message)
          << Qt::endl;
    for (const QString &line : r.figures(rows))
        m_out << QStringLiteral("  ") << line << Qt::endl;
}

int GuardedCommands::runGuarded(GuardedAction &action, const Profile &profile,
                                const QCommandLineParser &p)
{
    const bool json = p.isSet(QStringLiteral("json"));
    const bool execute = p.isSet(QStringLiteral("execute"));
    if (execute && p.isSet(QStringLiteral("dry-run"))) {
        m_err << Tr::tr("turnstilectl: --dry-run and --execute exclude each other.") << Qt::endl;
        return exitcode::Usage;
    }
    if (execute && !p.isSet(QStringLiteral("confirm"))) {
        m_err << Tr::tr("turnstilectl: --execute needs --confirm TARGET; run without --execute to "
                        "see the target.")
              << Qt::endl;
        return exitcode::Usage;
    }
    const ActionPreview preview = action.preview();
    printPreview(preview, json);
    QJsonObject doc;
    doc.insert(QStringLiteral("preview"), preview.toJson());

    int rc = preview.refused() ? int(Refused) : int(exitcode::Ok);
    if (preview.refused() && !json)
        m_err << Tr::tr("Refused: %1").arg(preview.refusal) << Qt::endl;
    // Said, but the run still happens with --execute: scripts rely on the
    // dry run's --confirm line and on the audited (empty) run.
    if (preview.nothingToDo() && !json)
        m_out << Tr::tr("Nothing to do.") << Qt::endl;
    if (execute && !preview.refused()) {
        AuditLog audit;
        GuardedWorkflow workflow(profile, audit);
        Confirmation c;
        c.typedTarget = p.value(QStringLiteral("confirm"));
        if (p.isSet(QStringLiteral("acknowledge")))
            c.acknowledged = p.value(QStringLiteral("acknowledge")).toLongLong();
        const bool tty = isatty(STDERR_FILENO);
        QElapsedTimer lastPrint;
        lastPrint.start();
        ActionControl *controlPtr = nullptr;
        ActionControl control([&](const ActionProgress &pr) {
            if (StopSignals::requested() && controlPtr)
                controlPtr->cancel();
            if (!tty || lastPrint.elapsed() < 200)
                return;
            lastPrint.restart();
            // No rows (a key rotation): the action counts its steps.
            m_err << u'\r' << pr.describe(preview.rowsToGo >= 0) << QStringLiteral("   ")
                  << Qt::flush;
        });
        controlPtr = &control;
        StopSignals stopOnSignal; // the action stops after its batch
        const ActionResult r = workflow.run(action, preview, c, control);
        if (tty)
            m_err << Qt::endl;
        printResult(r, json, preview.rowsToGo >= 0);
        doc.insert(QStringLiteral("result"), r.toJson());
        // turnstilectl never takes a follow-up on its own (scripts decide);
        // it names it, and the result's message says which flag takes it.
        if (const auto next = action.followUp(r)) {
            doc.insert(QStringLiteral("follow_up"),
                       QJsonObject{{QStringLiteral("title"), next->title},
                                   {QStringLiteral("question"), next->question},
                                   {QStringLiteral("action"), next->action->kind()}});
            if (!json)
                m_out << Tr::tr("Next step offered: %1 — %2").arg(next->title, next->question)
                      << Qt::endl;
        }
        switch (r.outcome) {
        case ActionResult::Outcome::Completed:
            rc = exitcode::Ok;
            break;
        case ActionResult::Outcome::Cancelled:
            rc = Cancelled;
            break;
        case ActionResult::Outcome::Failed:
            rc = Failed;
            break;
        case ActionResult::Outcome::Refused:
            if (!json)
                m_err << r.message << Qt::endl;
            rc = Refused;
            break;
        }
    } else if (!execute && !preview.refused() && !json) {
        m_out << Tr::tr("Dry run only. To run it: --execute --confirm %1%2")
                     .arg(preview.target.text,
                          preview.mustAcknowledge > 0
                              ? QStringLiteral(" --acknowledge %1").arg(preview.mustAcknowledge)
                              : QString())
              << Qt::endl;
    }
    if (json)
        m_out << QJsonDocument(doc).toJson(QJsonDocument::Indented);
    return rc;
}

void GuardedCommands::addBatchOption(QCommandLineParser &p)
{
    p.addOption({QStringLiteral("batch"),
                 Tr::tr("The most rows per transaction (default: sized by time, up to 100000)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("connections"),
                 Tr::tr("Delete on this many connections side by side, each walking its own region "
                        "of the keys (1 to %1, default 1).")
                     .arg(kMaxConnections),
                 QStringLiteral("N")});
}

// --batch caps the adaptive batch size; the throttle may still go smaller
// after slow batches, but never below what the operator asked for. Without
// it the batches are sized by time alone (ThrottleSettings' bound).
bool GuardedCommands::profileAndNoArgument(const QCommandLineParser &p, const QString &command)
{
    if (!p.positionalArguments().isEmpty()) {
        m_err << Tr::tr("turnstilectl: %1 takes no argument \"%2\".")
                     .arg(command, p.positionalArguments().join(u' '))
              << Qt::endl;
        return false;
    }
    if (!p.isSet(QStringLiteral("profile"))) {
        m_err << Tr::tr("turnstilectl: %1 needs --profile NAME.").arg(command) << Qt::endl;
        return false;
    }
    return true;
}

bool GuardedCommands::acknowledgeIsANumber(const QCommandLineParser &p)
{
    if (!p.isSet(QStringLiteral("acknowledge")))
        return true;
    bool ok = false;
    p.value(QStringLiteral("acknowledge")).toLongLong(&ok);
    if (!ok)
        m_err << Tr::tr("turnstilectl: --acknowledge takes the number the dry run prints.")
              << Qt::endl;
    return ok;
}

std::optional<ThrottleSettings> GuardedCommands::batchThrottle(const QCommandLineParser &p)
{
    int batch = 0;
    if (p.isSet(QStringLiteral("batch"))) {
        bool ok = false;
        batch = p.value(QStringLiteral("batch")).toInt(&ok);
        if (!ok || batch < 1 || batch > 100000) {
            m_err << Tr::tr("turnstilectl: --batch must be a number from 1 to 100000.") << Qt::endl;
            return std::nullopt;
        }
    }
    int connections = 1;
    if (p.isSet(QStringLiteral("connections"))) {
        bool ok = false;
        connections = p.value(QStringLiteral("connections")).toInt(&ok);
        if (!ok || connections < 1 || connections > kMaxConnections) {
            m_err << Tr::tr("turnstilectl: --connections must be a number from 1 to %1.")
                         .arg(kMaxConnections)
                  << Qt::endl;
            return std::nullopt;
        }
    }
    return operatorThrottle(batch, connections);
}

int GuardedCommands::purgeTokens(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(Tr::tr("Delete expired rows of Keystone's legacy token table in "
                                       "short batches."));
    addGuardOptions(p);
    p.addOption({QStringLiteral("older-than"),
                 Tr::tr("Keep tokens that expired less than this long ago (default: "
                        "[token] allow_expired_window from keystone.conf, else 2d)."),
                 QStringLiteral("DURATION")});
    p.addOption({QStringLiteral("inside-allow-expired-window"),
                 Tr::tr("Accept a retention shorter than [token] allow_expired_window.")});
    p.addOption({QStringLiteral("method"),
                 Tr::tr("chunked (the default) deletes in short chunks; swap copies the rows "
                        "that stay into a new table and swaps it in (MariaDB/MySQL); auto picks "
                        "swap when more than half the rows go. The preview says which runs and "
                        "why."),
                 QStringLiteral("auto|chunked|swap"), QStringLiteral("chunked")});
    addBatchOption(p);
    if (const auto rc = parseCommandLine(p, args, m_out, m_err))
        return *rc;
    // "--older-than 7 d" leaves a stray "d": refused, never dropped.
    if (!p.positionalArguments().isEmpty()) {
        m_err << Tr::tr("turnstilectl: purge-tokens takes no argument \"%1\"; write durations "
                        "without spaces, e.g. --older-than 7d.")
                     .arg(p.positionalArguments().join(u' '))
              << Qt::endl;
        return exitcode::Usage;
    }
    if (!p.isSet(QStringLiteral("profile"))) {
        m_err << Tr::tr("turnstilectl: purge-tokens needs --profile NAME.") << Qt::endl;
        return exitcode::Usage;
    }
    std::optional<qint64> retention;
    if (p.isSet(QStringLiteral("older-than"))) {
        retention =
            m_ctx.durationOption(p, QStringLiteral("older-than"), QStringLiteral("purge-tokens"));
        if (!retention)
            return exitcode::Usage;
    }
    const std::optional<ThrottleSettings> throttle = batchThrottle(p);
    if (!throttle)
        return exitcode::Usage;
    const auto method = TokenPurge::methodFromName(p.value(QStringLiteral("method")));
    if (!method) {
        m_err << Tr::tr("turnstilectl: --method must be auto, chunked or swap.") << Qt::endl;
        return exitcode::Usage;
    }
    Profile profile;
    Secrets secrets;
    if (const int rc = m_ctx.resolveProfile(p.value(QStringLiteral("profile")), &profile, &secrets,
                                            p.isSet(QStringLiteral("json")));
        rc != exitcode::Ok)
        return rc;
    TokenPurge purge(profile, secrets, retention);
    purge.setMethod(*method);
    purge.setInsideAllowExpiredWindow(p.isSet(QStringLiteral("inside-allow-expired-window")));
    purge.setThrottle(*throttle);
    return runGuarded(purge, profile, p);
}

int GuardedCommands::revocations(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        Tr::tr("prune: delete revocation events Keystone already treats as dead. truncate: "
               "delete all of them (revives the tokens they revoked; needs --acknowledge)."));
    addGuardOptions(p);
    p.addPositionalArgument(QStringLiteral("mode"), QStringLiteral("prune|truncate"));
    p.addOption({QStringLiteral("token-expiration"),
                 Tr::tr("Keystone's [token] expiration, e.g. 24h; needed when the profile names "
                        "no keystone.conf."),
                 QStringLiteral("DURATION")});
    addBatchOption(p);
    if (const auto rc = parseCommandLine(p, args, m_out, m_err))
        return *rc;
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 1 || (pos.first() != u"prune" && pos.first() != u"truncate") ||
        !p.isSet(QStringLiteral("profile"))) {
        m_err
            << Tr::tr(
                   "Usage: turnstilectl revocations prune|truncate --profile NAME [--dry-run "
                   "| --execute --confirm TARGET [--acknowledge N]] [--token-expiration DURATION] "
                   "[--batch N] [--json]")
            << Qt::endl;
        return exitcode::Usage;
    }
    const std::optional<ThrottleSettings> throttle = batchThrottle(p);
    if (!throttle)
        return exitcode::Usage;
    if (!acknowledgeIsANumber(p))
        return exitcode::Usage;
    std::optional<qint64> expiration;
    if (p.isSet(QStringLiteral("token-expiration"))) {
        expiration = m_ctx.durationOption(p, QStringLiteral("token-expiration"),
                                          QStringLiteral("revocations"));
        if (!expiration)
            return exitcode::Usage;
    }
    Profile profile;
    Secrets secrets;
    if (const int rc = m_ctx.resolveProfile(p.value(QStringLiteral("profile")), &profile, &secrets,
                                            p.isSet(QStringLiteral("json")));
        rc != exitcode::Ok)
        return rc;
    RevocationCleanup action(profile, secrets,
                             pos.first() == u"prune" ? RevocationCleanup::Mode::PruneObsolete
                                                     : RevocationCleanup::Mode::TruncateAll,
                             expiration);
    action.setThrottle(*throttle);
    return runGuarded(action, profile, p);
}

int GuardedCommands::flushTrusts(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        Tr::tr("Delete expired and soft-deleted trusts and their trust_role rows, the rows "
               "keystone-manage trust_flush deletes, in short batches."));
    addGuardOptions(p);
    p.addOption({QStringLiteral("project-id"), Tr::tr("Only trusts of this project."),
                 QStringLiteral("ID")});
    p.addOption({QStringLiteral("trustor-user-id"), Tr::tr("Only trusts of this trustor."),
                 QStringLiteral("ID")});
    p.addOption({QStringLiteral("trustee-user-id"), Tr::tr("Only trusts of this trustee."),
                 QStringLiteral("ID")});
    p.addOption({QStringLiteral("date"),
                 Tr::tr("Trusts that expire before this day (00:00 UTC) go, as keystone-manage "
                        "trust_flush --date (DD-MM-YYYY, or YYYY-MM-DD); default: the database "
                        "server's clock now."),
                 QStringLiteral("DATE")});
    addBatchOption(p);
    if (const auto rc = parseCommandLine(p, args, m_out, m_err))
        return *rc;
    if (!profileAndNoArgument(p, QStringLiteral("flush-trusts")))
        return exitcode::Usage;
    TrustFlush::Filters filters;
    filters.projectId = p.value(QStringLiteral("project-id"));
    filters.trustorUserId = p.value(QStringLiteral("trustor-user-id"));
    filters.trusteeUserId = p.value(QStringLiteral("trustee-user-id"));
    if (p.isSet(QStringLiteral("date"))) {
        const QDate d = TrustFlush::parseDate(p.value(QStringLiteral("date")));
        if (!d.isValid()) {
            m_err << Tr::tr("turnstilectl: --date takes a day as DD-MM-YYYY (as keystone-manage) "
                            "or YYYY-MM-DD, not \"%1\".")
                         .arg(p.value(QStringLiteral("date")))
                  << Qt::endl;
            return exitcode::Usage;
        }
        filters.date = d;
    }
    if (!acknowledgeIsANumber(p))
        return exitcode::Usage;
    const std::optional<ThrottleSettings> throttle = batchThrottle(p);
    if (!throttle)
        return exitcode::Usage;
    Profile profile;
    Secrets secrets;
    if (const int rc = m_ctx.resolveProfile(p.value(QStringLiteral("profile")), &profile, &secrets,
                                            p.isSet(QStringLiteral("json")));
        rc != exitcode::Ok)
        return rc;
    TrustFlush action(profile, secrets, filters);
    action.setThrottle(*throttle);
    return runGuarded(action, profile, p);
}

int GuardedCommands::prunePasswordHistory(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        Tr::tr("Per local user, keep the current password and the newest "
               "[security_compliance] unique_last_password_count older ones (from the profile's "
               "keystone.conf), and delete the older password rows in short batches."));
    addGuardOptions(p);
    addBatchOption(p);
    if (const auto rc = parseCommandLine(p, args, m_out, m_err))
        return *rc;
    if (!profileAndNoArgument(p, QStringLiteral("prune-password-history")))
        return exitcode::Usage;
    const std::optional<ThrottleSettings> throttle = batchThrottle(p);
    if (!throttle)
        return exitcode::Usage;
    Profile profile;
    Secrets secrets;
    if (const int rc = m_ctx.resolveProfile(p.value(QStringLiteral("profile")), &profile, &secrets,
                                            p.isSet(QStringLiteral("json")));
        rc != exitcode::Ok)
        return rc;
    PasswordHistoryPrune action(profile, secrets);
    action.setThrottle(*throttle);
    return runGuarded(action, profile, p);
}

int GuardedCommands::rebuildTable(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(
        Tr::tr("Give a Keystone table's free space back to the disk: on MariaDB/MySQL an online "
               "ALTER TABLE … FORCE, ALGORITHM=INPLACE, LOCK=NONE; on PostgreSQL a plain VACUUM, "
               "or with --full a VACUUM FULL (exclusive lock, acknowledged)."));
    addGuardOptions(p);
    QStringList names;
    for (const KeystoneTable t : TableRebuild::rebuildableTables())
        names.append(tableName(t));
    p.addOption({QStringLiteral("table"), Tr::tr("The table: %1.").arg(names.join(u'|')),
                 QStringLiteral("TABLE")});
    p.addOption({QStringLiteral("full"),
                 Tr::tr("PostgreSQL: VACUUM FULL, which locks the table for reads and writes "
                        "until it ends (--acknowledge the rows the dry run prints).")});
    if (const auto rc = parseCommandLine(p, args, m_out, m_err))
        return *rc;
    if (!profileAndNoArgument(p, QStringLiteral("rebuild-table")))
        return exitcode::Usage;
    const std::optional<KeystoneTable> table =
        TableRebuild::tableFromName(p.value(QStringLiteral("table")));
    if (!table) {
        m_err << Tr::tr("turnstilectl: rebuild-table needs --table, one of %1.")
                     .arg(names.join(QStringLiteral(", ")))
              << Qt::endl;
        return exitcode::Usage;
    }
    if (!acknowledgeIsANumber(p))
        return exitcode::Usage;
    Profile profile;
    Secrets secrets;
    if (const int rc = m_ctx.resolveProfile(p.value(QStringLiteral("profile")), &profile, &secrets,
                                            p.isSet(QStringLiteral("json")));
        rc != exitcode::Ok)
        return rc;
    TableRebuild action(profile, secrets, *table, p.isSet(QStringLiteral("full")));
    return runGuarded(action, profile, p);
}

int GuardedCommands::audit(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(Tr::tr("The guarded actions recorded on this workstation."));
    p.addOption({QStringLiteral("profile"), Tr::tr("Only this profile's records."),
                 QStringLiteral("NAME")});
    p.addOption({QStringLiteral("json"), Tr::tr("One JSON array of the records.")});
    p.addOption({QStringLiteral("verify"),
                 Tr::tr("Check the hash chain of the whole log; exit 1 when it is broken.")});
    if (const auto rc = parseCommandLine(p, args, m_out, m_err))
        return *rc;
    const AuditLog log;
    const AuditLog::Verification v = log.verify();
    QString error;
    int unreadable = 0;
    const auto records = log.read(p.value(QStringLiteral("profile")), &error, &unreadable);
    if (!records) {
        m_err << error << Qt::endl;
        return exitcode::Config;
    }
    if (p.isSet(QStringLiteral("json"))) {
        QJsonArray a;
        for (const QJsonObject &o : *records)
            a.append(o);
        m_out << QJsonDocument(a).toJson(QJsonDocument::Indented);
    } else {
        const QLocale l;
        for (const QJsonObject &o : AuditLog::runs(*records)) {
            const QJsonObject r = o.value(u"result").toObject();
            const QString sep = QStringLiteral("  ");
            m_out << o.value(u"start").toString() << sep << o.value(u"profile").toString() << sep
                  << o.value(u"action").toString() << sep << o.value(u"target").toString() << sep
                  << r.value(u"outcome").toString() << sep
                  << Tr::tr("%1 rows, %2 s, by %3@%4")
                         .arg(l.toString(r.value(u"affected").toInteger()))
                         .arg(r.value(u"duration_seconds").toDouble(), 0, 'f', 1)
                         .arg(o.value(u"os_user").toString(), o.value(u"host").toString())
                  << Qt::endl;
        }
        if (records->isEmpty())
            m_out << Tr::tr("No guarded action recorded in %1.").arg(log.path()) << Qt::endl;
    }
    if (!v.ok) {
        m_err << Tr::tr("The audit log %1 is damaged: %2").arg(log.path(), v.reason) << Qt::endl;
        return exitcode::Problem;
    }
    if (p.isSet(QStringLiteral("verify")))
        m_err << Tr::tr("The audit log's hash chain is intact (%n line(s)).", nullptr, v.lines)
              << Qt::endl;
    if (unreadable > 0)
        m_err << Tr::tr("%n line(s) of the audit log are not JSON and were skipped.", nullptr,
                        unreadable)
              << Qt::endl;
    return exitcode::Ok;
}

} // namespace turnstile
