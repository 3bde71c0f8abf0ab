#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace turnstile {

// How a guarded action ended.
struct ActionResult
{
    enum class Outcome
    {
        Completed,
        Cancelled, // stopped by the operator after a whole batch
        Failed,    // an error after retries; what was done stays done
        Refused    // never started: read-only profile, wrong confirmation, ...
    };

    Outcome outcome = Outcome::Refused;
    QString message; // one sentence, translated
    // The table's rows before and after, for orientation only: on a big
    // table they are the server's estimates (flagged), and what was done is
    // `affected`, never after - before.
    qint64 before = -1;
    qint64 after = -1;
    bool beforeEstimated = false;
    bool afterEstimated = false;
    qint64 affected = 0; // rows the statements reported: exact
    int batches = 0;
    int retries = 0;
    double slowestBatchMs = 0;
    double durationSeconds = 0;
    QDateTime startedAt;
    QDateTime finishedAt;
    QJsonObject details; // action-specific figures (e.g. fingerprints after a rotation)

    bool ok() const { return outcome == Outcome::Completed; }
    // The run's figures as a person reads them (rows before/after/deleted,
    // batches, retries, time), for turnstilectl and the GUI alike. Empty for
    // a refused run and for actions that count no rows (rowsCounted false).
    QStringList figures(bool rowsCounted) const;
    QJsonObject toJson() const;
    static QString outcomeName(Outcome o);
};

} // namespace turnstile
