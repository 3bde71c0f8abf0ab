#pragma once

#include <QStringList>
#include <QTextStream>

namespace turnstile {

class Cli;

// `turnstilectl collect`, `history` and `thresholds`: everything that reads or
// writes the history store.
class HistoryCommands
{
public:
    HistoryCommands(Cli &cli, QTextStream &out, QTextStream &err);
    int collect(const QStringList &args);
    int history(const QStringList &args);
    int thresholds(const QStringList &args);

private:
    Cli &m_cli;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace turnstile
