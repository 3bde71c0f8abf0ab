#pragma once

#include "exitcode.h"
#include "guarded/throttle.h"

#include <QStringList>
#include <QTextStream>

#include <optional>

class QCommandLineParser;

namespace turnstile {

class CliContext;
class GuardedAction;
struct ActionPreview;
struct ActionResult;
struct Profile;

// `turnstilectl purge-tokens`, `revocations prune|truncate` and `audit`: the
// guarded actions. Dry run is the default; a run needs
// `--execute --confirm TARGET`, TARGET exactly as the dry run prints it.
class GuardedCommands
{
public:
    // Refused, Failed, Cancelled: the guarded actions' exit codes.
    using enum exitcode::Code;

    explicit GuardedCommands(CliContext &ctx);
    int purgeTokens(const QStringList &args);
    int revocations(const QStringList &args);
    int flushTrusts(const QStringList &args);
    int prunePasswordHistory(const QStringList &args);
    int rebuildTable(const QStringList &args);
    int audit(const QStringList &args);

    // Shared by every guarded command: preview, print, and with --execute run
    // through GuardedWorkflow. Expects the options addGuardOptions() added.
    int runGuarded(GuardedAction &action, const Profile &profile, const QCommandLineParser &p);
    static void addGuardOptions(QCommandLineParser &p);

private:
    static void addBatchOption(QCommandLineParser &p);
    std::optional<ThrottleSettings> batchThrottle(const QCommandLineParser &p);
    // The checks a guarded command makes before it builds its action; false
    // after saying why on stderr (exit code Usage).
    bool profileAndNoArgument(const QCommandLineParser &p, const QString &command);
    bool acknowledgeIsANumber(const QCommandLineParser &p);
    void printPreview(const ActionPreview &preview, bool json);
    void printResult(const ActionResult &result, bool json, bool rows);

    CliContext &m_ctx;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace turnstile
