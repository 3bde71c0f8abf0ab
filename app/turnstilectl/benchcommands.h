#pragma once

#include <QStringList>
#include <QTextStream>

class QCommandLineParser;

namespace turnstile {

class CliContext;
struct BenchConfig;
struct BenchResult;

// `turnstilectl bench validate | revocation-impact | runs`: the token
// validation benchmark, the guarded revocation-impact experiment and the
// stored runs (docs/benchmark.md).
class BenchCommands
{
public:
    explicit BenchCommands(CliContext &ctx);
    int run(const QStringList &args);

private:
    int validate(const QStringList &args);
    int revocationImpact(const QStringList &args);
    int runs(const QStringList &args);

    static void addMeasureOptions(QCommandLineParser &p);
    // Fills *config from the options; prints the reason and returns false.
    bool readMeasureOptions(const QCommandLineParser &p, BenchConfig *config);
    void printResult(const BenchResult &r);

    CliContext &m_ctx;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace turnstile
