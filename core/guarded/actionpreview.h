#pragma once

#include "guarded/actiontarget.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace turnstile {

// The dry run of a guarded action: everything the operator needs to decide,
// computed without changing anything.
struct ActionPreview
{
    QString action; // machine name, "purge.tokens"
    QString title;  // translated, "Purge expired tokens"
    ActionTarget target;
    QDateTime cutoff; // rows strictly older than this go (UTC); invalid = n/a
    // The value execute() binds: a timestamp, or a key for "everything up to
    // here". Fixed by the preview so the confirmed run deletes what was shown.
    QVariant cutoffValue;
    qint64 rowsToGo = -1;
    qint64 rowsToStay = -1;
    // The figure is the server's estimate (a big table), not a COUNT.
    bool rowsToGoEstimated = false;
    bool rowsToStayEstimated = false;
    QDateTime oldestAffected;
    QDateTime newestAffected;
    double estimatedSeconds = -1;
    QString estimateBasis;    // "the last run's 41,000 rows/s", "an assumed …"
    QStringList statements;   // what will run, with placeholders for the values
    QStringList consequences; // plain sentences, shown above the confirmation
    QStringList warnings;
    // Rows whose deletion changes behaviour (revocations still protecting
    // unexpired tokens). Execution requires the operator to acknowledge
    // exactly this number; -1 = nothing to acknowledge.
    qint64 mustAcknowledge = -1;
    // Set when the action cannot run at all (missing table, no DELETE grant,
    // read-only profile). One sentence.
    QString refusal;
    // A previous run of the same action on the same target was interrupted;
    // this run resumes it with the same cutoff.
    QDateTime resumesRunStartedAt;
    // Which server the preview looked at: MariaDB @@server_uuid (else
    // @@hostname:@@port), PostgreSQL's system identifier with the address and
    // port. The run and a resume refuse another server behind the same target.
    QString serverIdentity;
    QJsonObject parameters; // as given, for the audit record
    QDateTime at;           // when the preview was taken

    // One line of the preview as a person reads it. turnstilectl and the
    // GUI dialogs only lay these out; the wording, the figures and the time
    // and number formats are decided once, here.
    struct Line
    {
        enum class Kind
        {
            Target,      // text: "keystone.token@db:3306 — the token table of …"
            Server,      // the server identity the run insists on
            Refusal,     // the action cannot run; nothing else follows
            Figure,      // cutoff, counts, affected span, estimate
            Statement,   // what runs, with placeholders
            Consequence, // plain sentences
            Warning,
        };
        Kind kind;
        QString label; // translated, "Rows that go"; empty for sentences
        QString text;
    };

    bool refused() const { return !refusal.isEmpty(); }
    bool nothingToDo() const { return !refused() && rowsToGo == 0; }
    // Everything above that a person needs, in the order to show it.
    QList<Line> describe() const;
    QJsonObject toJson() const;
};

} // namespace turnstile
