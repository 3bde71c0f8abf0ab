#pragma once

#include "clicontext.h"

#include <QStringList>
#include <QTextStream>

namespace turnstile {

// turnstilectl's command dispatcher. Each command parses its own options with
// QCommandLineParser. Exit codes: exitcode.h (documented in docs/cli.md).
class Cli
{
public:
    using enum exitcode::Code;

    Cli(QTextStream &out, QTextStream &err);
    int run(const QStringList &args);

private:
    // The list of commands; on stdout with exit Ok when `arg` asks for help.
    int usage(const QString &arg = {});

    QTextStream &m_out;
    QTextStream &m_err;
    CliContext m_ctx;
};

} // namespace turnstile
