#pragma once

#include <QStringList>
#include <QTextStream>

namespace turnstile {

// `turnstilectl report --profile NAME [--profile NAME…] [--range 30d]
// --out FILE.pdf|.png`: the Growth and Latency charts of the profiles from
// the history store, painted headless (offscreen platform, see main.cpp)
// through the same exporter as the window's Export button.
class ReportCommand
{
public:
    // Exit codes of their own (docs/cli.md); the rest are Cli::Exit.
    enum Exit
    {
        NoHistory = 8,  // no store yet, or no sample of any profile in the range
        NotWritten = 9, // --out could not be written
    };

    ReportCommand(QTextStream &out, QTextStream &err);
    int run(const QStringList &args);

private:
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace turnstile
