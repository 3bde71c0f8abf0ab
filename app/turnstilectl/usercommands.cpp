#include "usercommands.h"

#include "clicontext.h"
#include "compliance/complianceexport.h"
#include "compliance/compliancerun.h"
#include "compliance/userunlock.h"
#include "guardedcommands.h"
#include "profiles/profile.h"
#include "profiles/secrets.h"
#include "subcommand.h"
#include "util/duration.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace turnstile {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(Cli)
};

QString utc(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")) : QString();
}

// "in 29m" / "3h ago", relative to the report's instant.
QString relative(const QDateTime &t, const QDateTime &now)
{
    const qint64 s = now.secsTo(t);
    if (s >= 0)
        return Tr::tr("in %1").arg(formatDuration(std::max<qint64>(1, s)));
    return Tr::tr("%1 ago").arg(formatDuration(-s));
}

QString describeEntry(ComplianceList list, const ComplianceEntry &e, const QDateTime &now)
{
    const ComplianceUser &u = e.user;
    QStringList parts;
    switch (list) {
    case ComplianceList::Locked:
        parts.append(e.at.isValid() ? Tr::tr("unlocks %1 (%2)").arg(utc(e.at), relative(e.at, now))
                                    : Tr::tr("locked until reset (no failure time on record)"));
        parts.append(Tr::tr("%n failure(s)", nullptr, u.failedAuthCount));
        break;
    case ComplianceList::Failing:
        parts.append(Tr::tr("%n failure(s)", nullptr, u.failedAuthCount));
        if (e.at.isValid())
            parts.append(Tr::tr("last %1").arg(utc(e.at)));
        break;
    case ComplianceList::InactiveSoon:
        parts.append(Tr::tr("disabled on %1 (inactive %n day(s))", nullptr, e.daysInactive)
                         .arg(e.day.toString(Qt::ISODate)));
        break;
    case ComplianceList::InactiveDisabled:
        parts.append(Tr::tr("disabled since %1 (inactive %n day(s))", nullptr, e.daysInactive)
                         .arg(e.day.toString(Qt::ISODate)));
        if (!u.enabled)
            parts.append(Tr::tr("stored disabled"));
        break;
    case ComplianceList::PasswordExpiring:
        parts.append(Tr::tr("expires %1 (%2)").arg(utc(e.at), relative(e.at, now)));
        break;
    case ComplianceList::PasswordExpired:
        parts.append(Tr::tr("expired %1 (%2)").arg(utc(e.at), relative(e.at, now)));
        break;
    }
    if (u.serviceAccount.value_or(false))
        parts.append(Tr::tr("SERVICE ACCOUNT"));
    if (!u.email.isEmpty())
        parts.append(u.email);
    return QStringLiteral("  %1  %2")
        .arg(u.displayName().leftJustified(32), parts.join(QStringLiteral(", ")));
}

QList<ComplianceList> listsOf(const QString &which)
{
    if (which == u"locked")
        return {ComplianceList::Locked, ComplianceList::Failing};
    if (which == u"inactive")
        return {ComplianceList::InactiveSoon, ComplianceList::InactiveDisabled};
    return {ComplianceList::PasswordExpiring, ComplianceList::PasswordExpired};
}
} // namespace

UserCommands::UserCommands(CliContext &ctx) : m_ctx(ctx), m_out(ctx.out()), m_err(ctx.err()) {}

int UserCommands::run(const QStringList &args)
{
    static constexpr Subcommand<UserCommands> kSubcommands[] = {
        {"locked|inactive|expiring",
         QT_TRANSLATE_NOOP("Cli", "--profile NAME [--within 7d] [--json|--csv]"),
         &UserCommands::lists},
        {"unlock",
         QT_TRANSLATE_NOOP("Cli", "--profile NAME --user NAME_OR_ID [--execute --confirm NAME] "
                                  "[--database-fallback] [--json]"),
         &UserCommands::unlock},
    };
    const QString sub = args.value(1);
    if (const Subcommand<UserCommands> *c = findSubcommand(kSubcommands, sub))
        return (this->*c->run)(subcommandArgs(args));
    return printUsage(subcommandUsage("Cli", QStringLiteral("turnstilectl users"), kSubcommands),
                      sub, m_out, m_err);
}

void UserCommands::printReport(const ComplianceReport &report, const QList<ComplianceList> &lists)
{
    m_out << Tr::tr("Profile %1 at %2, settings from %3:")
                 .arg(report.profile, utc(report.at), report.settings.sourceDescription())
          << Qt::endl;
    for (const ComplianceSettings::Row &row : report.settings.describe())
        m_out << QStringLiteral("  %1  %2").arg(row.option.leftJustified(36), row.value)
              << Qt::endl;
    for (const ComplianceList l : lists) {
        const auto &m = report.list(l);
        m_out << Qt::endl;
        const bool windowed =
            l == ComplianceList::InactiveSoon || l == ComplianceList::PasswordExpiring;
        const QString title = windowed ? Tr::tr("%1 within %n day(s)", nullptr, report.withinDays)
                                             .arg(complianceListTitle(l))
                                       : complianceListTitle(l);
        if (!m.value) {
            m_out << Tr::tr("%1: %2").arg(title, m.error) << Qt::endl;
            continue;
        }
        m_out << Tr::tr("%1 (%2)").arg(title).arg(m.value->size()) << Qt::endl;
        for (const ComplianceEntry &e : *m.value)
            m_out << describeEntry(l, e, report.at) << Qt::endl;
    }
    if (!report.serviceAccountsError.isEmpty())
        m_out << Qt::endl
              << Tr::tr("Service accounts are not flagged: %1").arg(report.serviceAccountsError)
              << Qt::endl;
    for (const QString &n : report.notes)
        m_out << Tr::tr("Note: %1").arg(n) << Qt::endl;
}

int UserCommands::lists(const QStringList &args)
{
    // Which list: the sub-command's name, the last word of "turnstilectl
    // users locked".
    const QString which = args.constFirst().section(u' ', -1);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        which == u"locked"     ? Tr::tr("Users locked out by failed logins, and users with failed "
                                            "logins that are not locked yet.")
        : which == u"inactive" ? Tr::tr("Users that inactivity is about to disable, and those it "
                                        "has disabled.")
                               : Tr::tr("Users whose password is about to expire, and those whose "
                                        "password has expired."));
    QCommandLineOption profileOpt(QStringLiteral("profile"), Tr::tr("Profile."),
                                  QStringLiteral("NAME"));
    QCommandLineOption withinOpt(QStringLiteral("within"),
                                 Tr::tr("The warning window, e.g. 7d or 2w (whole days, rounded "
                                        "up)."),
                                 QStringLiteral("DURATION"), QStringLiteral("7d"));
    QCommandLineOption jsonOpt(QStringLiteral("json"), Tr::tr("Print JSON."));
    QCommandLineOption csvOpt(QStringLiteral("csv"),
                              Tr::tr("Print CSV for a mail merge (list, name, domain, email, "
                                     "date, ...)."));
    parser.addOptions({profileOpt, withinOpt, jsonOpt, csvOpt});
    if (const auto rc = parseCommandLine(parser, args, m_out, m_err))
        return *rc;
    if (!parser.isSet(profileOpt) || (parser.isSet(jsonOpt) && parser.isSet(csvOpt))) {
        m_err << Tr::tr("turnstilectl users %1: give --profile NAME and at most one of --json or "
                        "--csv.")
                     .arg(which)
              << Qt::endl;
        return exitcode::Usage;
    }
    const std::optional<qint64> within =
        m_ctx.durationOption(parser, withinOpt.names().constFirst(), QStringLiteral("users"));
    if (!within)
        return exitcode::Usage;
    if (*within > 3650LL * 86400) {
        m_err << Tr::tr("turnstilectl users: --within is at most 3650 days.") << Qt::endl;
        return exitcode::Usage;
    }
    Profile profile;
    Secrets secrets;
    if (const int rc = m_ctx.resolveProfile(parser.value(profileOpt), &profile, &secrets, true);
        rc != exitcode::Ok)
        return rc;
    ComplianceRunOptions options;
    options.withinDays = int((*within + 86399) / 86400);
    QString configError;
    const ComplianceReport report = runComplianceReport(profile, secrets, options, &configError);
    if (!configError.isEmpty()) {
        m_err << configError << Qt::endl;
        return exitcode::Config;
    }
    const QList<ComplianceList> lists = listsOf(which);
    if (parser.isSet(csvOpt))
        m_out << complianceCsv(report, lists);
    else if (parser.isSet(jsonOpt))
        m_out << QString::fromUtf8(
            QJsonDocument(complianceJson(report, lists)).toJson(QJsonDocument::Indented));
    else
        printReport(report, lists);
    bool complete = true;
    for (const ComplianceList l : lists) {
        if (!report.list(l).available()) {
            complete = false;
            if (parser.isSet(csvOpt) || parser.isSet(jsonOpt))
                m_err << complianceListName(l) << QStringLiteral(": ") << report.list(l).error
                      << Qt::endl;
        }
    }
    return complete ? exitcode::Ok : exitcode::Problem;
}

int UserCommands::unlock(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Unlock a user locked out by failed logins. Shows what would happen unless "
               "--execute is given with --confirm and the user's name."));
    // The options, preview, progress, cancel, audit and exit codes of every
    // guarded action (GuardedCommands::runGuarded).
    GuardedCommands::addGuardOptions(parser);
    QCommandLineOption userOpt(QStringLiteral("user"), Tr::tr("The user's name or ID."),
                               QStringLiteral("NAME_OR_ID"));
    QCommandLineOption dbOpt(QStringLiteral("database-fallback"),
                             Tr::tr("Reset the counter in Keystone's database instead of through "
                                    "the API (for an API account without the admin role)."));
    parser.addOptions({userOpt, dbOpt});
    if (const auto rc = parseCommandLine(parser, args, m_out, m_err))
        return *rc;
    if (!parser.isSet(QStringLiteral("profile")) || !parser.isSet(userOpt) ||
        parser.isSet(QStringLiteral("execute")) != parser.isSet(QStringLiteral("confirm"))) {
        m_err << Tr::tr("turnstilectl users unlock: give --profile NAME and --user NAME_OR_ID, "
                        "and --execute only together with --confirm NAME.")
              << Qt::endl;
        return exitcode::Usage;
    }
    Profile profile;
    Secrets secrets;
    if (const int rc =
            m_ctx.resolveProfile(parser.value(QStringLiteral("profile")), &profile, &secrets, true);
        rc != exitcode::Ok)
        return rc;
    UserUnlock action(profile, secrets, parser.value(userOpt),
                      parser.isSet(dbOpt) ? UserUnlock::Method::Database : UserUnlock::Method::Api);
    GuardedCommands guarded(m_ctx);
    return guarded.runGuarded(action, profile, parser);
}

} // namespace turnstile
