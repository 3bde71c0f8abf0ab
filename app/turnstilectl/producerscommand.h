#pragma once

#include "clicontext.h"

#include <QStringList>
#include <QTextStream>

namespace turnstile {

struct ProducerRanking;

// `turnstilectl producers --profile NAME [--since 1h] [--source auto|events|table] [--top 10]
// [--json|--csv]`: who mints the tokens, from the stored authenticate events
// (Fernet) or the legacy token table, whichever the profile has; the output
// says which.
class ProducersCommand
{
public:
    explicit ProducersCommand(CliContext &ctx);
    int run(const QStringList &args);

private:
    void print(const QString &profile, const QString &source, const ProducerRanking &r, bool json,
               bool csv);

    CliContext &m_ctx;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace turnstile
