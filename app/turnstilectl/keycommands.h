#pragma once

#include <QStringList>
#include <QTextStream>

#include <optional>

class QCommandLineParser;

namespace turnstile {

class CliContext;
struct KeySetup;

// `turnstilectl keys status|rotate`: the Fernet key repositories of a
// profile's nodes, or of ad-hoc --repository locations. rotate is a guarded
// action (GuardedCommands::runGuarded): dry run by default.
class KeyCommands
{
public:
    explicit KeyCommands(CliContext &ctx);
    int run(const QStringList &args);

private:
    int status(const QStringList &args);
    int rotate(const QStringList &args);
    static void addSetupOptions(QCommandLineParser &p);
    // Prints the reason and sets *rc when the options do not make a setup.
    std::optional<KeySetup> setupFrom(const QCommandLineParser &p, int *rc);

    CliContext &m_ctx;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace turnstile
