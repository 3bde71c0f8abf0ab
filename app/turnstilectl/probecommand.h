#pragma once

#include "clicontext.h"

#include <QStringList>
#include <QTextStream>

namespace turnstile {

struct ProbeResult;

// `turnstilectl probe --profile NAME|--cloud NAME [--json]`: one probe of a
// stored profile, or of every region of a clouds.yaml cloud at once, judged
// against the profile's thresholds like `turnstilectl thresholds`.
class ProbeCommand
{
public:
    using enum exitcode::Code;

    explicit ProbeCommand(CliContext &ctx);
    int run(const QStringList &args);

private:
    void printProbe(const ProbeResult &r);

    CliContext &m_ctx;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace turnstile
