#pragma once

#include <QList>
#include <QString>

namespace turnstile {

// Where a benchmark is, delivered by value on the benchmark's thread about
// four times a second. The GUI turns it into a queued signal.
struct BenchProgress
{
    enum class Phase
    {
        Issue,    // issuing the token pool
        Validate, // measuring
        Revoke    // revocation-impact: adding events
    };
    Phase phase = Phase::Validate;
    qint64 done = 0;   // issue/revoke: items; validate: answers
    qint64 total = -1; // -1 when open-ended
    qint64 errors = 0;
    double elapsedS = 0;
    double plannedS = 0;     // validate with a duration
    QList<qint64> perSecond; // validate: answers per whole second so far
    QString message;         // one line for a status bar
};

} // namespace turnstile
