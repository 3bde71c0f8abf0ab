#pragma once

#include <QStringList>
#include <QTextStream>

#include <optional>

class QCommandLineParser;

namespace turnstile {

class Cli;
struct KeySetup;

// `turnstilectl keys status|rotate`: the Fernet key repositories of a
// profile's nodes, or of ad-hoc --repository locations. rotate is a guarded
// action (GuardedCommands::runGuarded): dry run by default.
class KeyCommands
{
public:
    KeyCommands(Cli &cli, QTextStream &out, QTextStream &err);
    int run(const QStringList &args);

private:
    int status(const QStringList &args);
    int rotate(const QStringList &args);
    static void addSetupOptions(QCommandLineParser &p);
    // Prints the reason and sets *rc when the options do not make a setup.
    std::optional<KeySetup> setupFrom(const QCommandLineParser &p, int *rc);

    Cli &m_cli;
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace turnstile
