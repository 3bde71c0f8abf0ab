#pragma once

#include <QDateTime>
#include <QString>
#include <QVariant>

#include <optional>

namespace turnstile {

// What a long action leaves behind while it runs, so that running it again
// after a crash, a kill -9 or a lost connection finishes the same job: the
// same cutoff (rows that were live at the start stay live) and the key the
// walk had reached. Removed when the action completes. One small JSON file
// per (action, target) under ~/.local/share/turnstile/pending
// ($TURNSTILE_PENDING_DIR for tests).
struct PendingRun
{
    QString action;
    QString target;
    QDateTime startedAt;
    QDateTime cutoff;
    QVariant cutoffValue;  // what the DELETE binds (a timestamp or a key)
    QString parametersKey; // the parameters that fix the cutoff; a different one starts afresh
    QVariant lastKey;      // the walk's position; invalid = from the start
    // A walk on several connections: each region's [position, bound] (a
    // two-element list; null = the table's start or end), lastKey unused.
    QVariantList regions;
    qint64 done = 0;
    QString serverIdentity; // the server the run started on; a resume elsewhere is refused
    // The step a multi-step method had reached (copy-and-swap: "swap.copy",
    // "swap.swap", "swap.drop"); empty for a chunked delete. The re-run reads
    // the database's own state too (a kill can come before the journal is
    // written), and this tells the operator where the last run stopped.
    QString step;
};

class PendingJournal
{
public:
    static QString directory();
    static std::optional<PendingRun> load(const QString &action, const QString &target);
    static bool save(const PendingRun &run, QString *error = nullptr);
    static void remove(const QString &action, const QString &target);
    // The journal's file, for a message that tells the operator what to remove.
    static QString path(const QString &action, const QString &target);
};

} // namespace turnstile
