#pragma once

#include "history/historyconfig.h"

#include <QStringList>
#include <QTextStream>

namespace turnstile {

class CliContext;

// `turnstilectl collect`, `history` and `thresholds`: everything that reads or
// writes the history store.
class HistoryCommands
{
public:
    explicit HistoryCommands(CliContext &ctx);
    int collect(const QStringList &args);
    int history(const QStringList &args);
    int thresholds(const QStringList &args);

    // The history store named in the shared settings (the GUI writes the
    // same group), with the PostgreSQL password from the environment or the
    // keychain. Every command that reads or writes history uses this one.

private:
    CliContext &m_ctx;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace turnstile
