#pragma once

#include "clicontext.h"

#include <QStringList>
#include <QTextStream>

namespace turnstile {

// turnstilectl's command dispatcher: one static table of commands (cli.cpp)
// gives both the usage and the dispatch; a command with sub-commands (keys,
// users, bench) has a table of its own (subcommand.h). Every command is handed
// the CliContext and parses its own options with QCommandLineParser. Exit
// codes: exitcode.h (documented in docs/cli.md).
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
