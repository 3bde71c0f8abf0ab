#pragma once

#include "exitcode.h"

#include <QStringList>
#include <QTextStream>

namespace turnstile {

class CliContext;

// `turnstilectl report --profile NAME [--profile NAME…] [--range 30d]
// --out FILE.pdf|.png`: the Growth and Latency charts of the profiles from
// the history store, painted headless (offscreen platform, see main.cpp)
// through the same exporter as the window's Export button; a PDF starts
// with a summary page (ReportRenderer: verdicts judged with each profile's
// threshold overrides, headline figures over the range).
class ReportCommand
{
public:
    // NoHistory and NotWritten are the report's own exit codes.
    using enum exitcode::Code;

    explicit ReportCommand(CliContext &ctx);
    int run(const QStringList &args);

private:
    CliContext &m_ctx;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace turnstile
